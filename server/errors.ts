/** Domain errors, each with its HTTP status, rendered as RFC 9457 problem+json by the error handler. */
export interface ProblemDetailItem {
  path: string
  message: string
  [extra: string]: unknown
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors: ProblemDetailItem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail)
  }

  get type(): string {
    return `https://landpatrol.dev/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  }
}

export const badRequest = (detail: string, errors: ProblemDetailItem[] = []) =>
  new ProblemError(400, 'Bad Request', detail, errors)
export const unauthorized = (detail: string) => new ProblemError(401, 'Unauthorized', detail)
export const forbidden = (detail: string) => new ProblemError(403, 'Forbidden', detail)
export const notFound = (detail: string) => new ProblemError(404, 'Not Found', detail)
export const conflict = (
  detail: string,
  errors: ProblemDetailItem[] = [],
  extra: Record<string, unknown> = {},
) => new ProblemError(409, 'Conflict', detail, errors, extra)
export const unprocessable = (
  detail: string,
  errors: ProblemDetailItem[] = [],
  extra: Record<string, unknown> = {},
) => new ProblemError(422, 'Unprocessable Content', detail, errors, extra)

/**
 * PostgreSQL SQLSTATE → HTTP status, for errors that reach the handler from a query. Only the
 * status and a fixed message leave the server; the database's own text never does.
 */
export const PG_ERROR_STATUS: Record<string, { status: number; title: string; detail: string }> = {
  '23505': { status: 409, title: 'Conflict', detail: 'a record with the same unique key already exists' },
  '23503': { status: 422, title: 'Unprocessable Content', detail: 'a referenced record does not exist' },
  '23514': { status: 422, title: 'Unprocessable Content', detail: 'a value breaks a rule of the record' },
  '23502': { status: 422, title: 'Unprocessable Content', detail: 'a required value is missing' },
  '22P02': { status: 400, title: 'Bad Request', detail: 'a value has the wrong format' },
  '22003': { status: 422, title: 'Unprocessable Content', detail: 'a number is out of range' },
  '22007': { status: 400, title: 'Bad Request', detail: 'a date or time has the wrong format' },
  '22008': { status: 400, title: 'Bad Request', detail: 'a date or time is out of range' },
  '22023': { status: 422, title: 'Unprocessable Content', detail: 'a parameter value is invalid' },
  '22001': { status: 422, title: 'Unprocessable Content', detail: 'a text value is too long' },
  // row-level security refused a write outside the caller's jurisdiction
  '42501': { status: 403, title: 'Forbidden', detail: 'outside your jurisdiction' },
}

export function problemFromPgError(err: unknown): ProblemError | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  const mapped = PG_ERROR_STATUS[code]
  if (!mapped) return undefined
  return new ProblemError(mapped.status, mapped.title, mapped.detail)
}
