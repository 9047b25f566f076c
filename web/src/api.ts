/** A small typed client for the service's own API (same origin). */
const TOKEN_KEY = 'landpatrol.token'

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY)
}

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token)
  else localStorage.removeItem(TOKEN_KEY)
}

/** One entry of a problem+json `errors` list: where (JSON pointer, feature index) and why. */
export interface ProblemItem {
  path?: string
  message?: string
  index?: number
  reason?: string
}

export interface Problem {
  title?: string
  detail?: string
  errors?: ProblemItem[]
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`)
  }
}

function authHeaders(): Record<string, string> {
  const token = storedToken()
  return token ? { authorization: `Bearer ${token}` } : {}
}

async function readAnswer(res: Response): Promise<unknown> {
  const type = res.headers.get('content-type') ?? ''
  const body = type.includes('json') ? await res.json() : await res.text()
  if (!res.ok)
    throw new ApiError(res.status, typeof body === 'object' && body ? body : { detail: String(body) })
  return body
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    ...init,
    headers: {
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...authHeaders(),
      ...init.headers,
    },
  })
  return (await readAnswer(res)) as T
}

/** POST a file's bytes as the body, with the content type the route expects. */
export async function upload<T>(path: string, body: Blob | string, contentType: string): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, ...authHeaders() },
  })
  return (await readAnswer(res)) as T
}

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await fetch(`/api/v1${path}`, { headers: authHeaders() })
  if (!res.ok) await readAnswer(res)
  const blob = await res.blob()
  const disposition = res.headers.get('content-disposition') ?? ''
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1]
  const fileName = name ? decodeURIComponent(name) : fallbackName
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
  return fileName
}

/** Lines describing a failure: the detail, then each listed item with its feature or path. */
export function problemLines(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [err instanceof Error ? err.message : String(err)]
  const items = (err.problem.errors ?? []).map((e) =>
    [e.index !== undefined ? `#${e.index}` : e.path, e.message ?? e.reason].filter(Boolean).join(' '),
  )
  return [err.message, ...items]
}
