import { ERRORS_TRUNCATED, type TrackInputReason } from './track-input-reasons.js'

/** One problem with a submitted track; `path` names the point (`/track/geometry/coordinates/17`, `csv line 18`…). */
export interface TrackErrorItem {
  path: string
  message: string
  reason: TrackInputReason
}

/**
 * A device posting a broken track needs to hear about every bad point at once, not one per retry, but
 * a track of 80 000 points with a wrong epoch unit must not produce an 80 000-item response.
 */
export const MAX_LISTED_ERRORS = 50

/** Bad track input (HTTP 422 for the route). `errors` lists at most MAX_LISTED_ERRORS items plus one summary. */
export class TrackInputError extends Error {
  override readonly name = 'TrackInputError'
  readonly errors: TrackErrorItem[]

  constructor(message: string, errors: TrackErrorItem[]) {
    super(message)
    this.errors = capTrackErrors(errors)
  }
}

/** Keeps the first MAX_LISTED_ERRORS items and says how many more there were. */
export function capTrackErrors(errors: readonly TrackErrorItem[]): TrackErrorItem[] {
  if (errors.length <= MAX_LISTED_ERRORS) return [...errors]
  const rest = errors.length - MAX_LISTED_ERRORS
  // '' is the JSON Pointer of the whole document: the summary is about the input, not one point.
  return [
    ...errors.slice(0, MAX_LISTED_ERRORS),
    { path: '', reason: ERRORS_TRUNCATED, message: `${rest} more errors not listed` },
  ]
}

/** Throws one TrackInputError for everything collected, or returns when nothing was. */
export function throwIfTrackErrors(message: string, errors: readonly TrackErrorItem[]): void {
  if (errors.length > 0) throw new TrackInputError(message, [...errors])
}
