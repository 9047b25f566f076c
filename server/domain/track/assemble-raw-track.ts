import type { RawPoint, RawTrack } from './raw-track.js'
import type { ParseTrackOptions } from './parse-track-options.js'
import { validateTrackPoint, type PointCandidate } from './validate-track-point.js'
import { throwIfTrackErrors, type TrackErrorItem } from './track-errors.js'
import { TRACK_EMPTY, TRACK_SINGLE_POINT } from './track-input-reasons.js'

/** A point as a parser located it: where it is in the input, and its unchecked values. */
export interface LocatedCandidate {
  /** Names the point in error messages: a JSON Pointer, an XPath-like GPX path, `csv line 18`. */
  path: string
  /**
   * With it, the point's name is `${path}/${index}` (a JSON Pointer into an array of positions),
   * written only when the point has a problem: not a string for each of a track's points.
   */
  index?: number
  /** Extra location for people, e.g. 'line 123' in a GPX file. */
  where?: string
  candidate: PointCandidate
}

export interface AssembleInput {
  candidates: readonly LocatedCandidate[]
  /** Candidate position where each source segment starts (may contain empty segments' repeats). */
  segmentStarts: readonly number[]
  /** Path of the track as a whole, for "empty" and "one point" errors. */
  trackPath: string
  /** What the input was, for the error's message ('GPX', 'GeoJSON track', 'CSV'). */
  label: string
  waypoints?: number
  /** Structural errors the parser already found (bad times array…), reported with the point errors. */
  errors?: readonly TrackErrorItem[]
}

/**
 * Checks every candidate, collects every problem (not just the first) and either throws one
 * TrackInputError or returns the RawTrack. Shared by all parsers so that a bad point reads the same
 * whether it came as GeoJSON, GPX or CSV.
 */
export function assembleRawTrack(input: AssembleInput, options: ParseTrackOptions = {}): RawTrack {
  const context = {
    now: options.now ?? Date.now(),
    assumeUtcOffsetMinutes: options.assumeUtcOffsetMinutes ?? 0,
  }
  const errors: TrackErrorItem[] = [...(input.errors ?? [])]
  if (input.candidates.length === 0) {
    errors.push({ path: input.trackPath, reason: TRACK_EMPTY, message: 'the track has no points' })
  } else if (input.candidates.length === 1) {
    errors.push({
      path: input.trackPath,
      reason: TRACK_SINGLE_POINT,
      message: 'the track has only one point; a patrol track needs at least two',
    })
  }

  const points: RawPoint[] = []
  let offsetAssumed = 0
  input.candidates.forEach((located, index) => {
    const result = validateTrackPoint(index, located.candidate, context)
    if (result.issues) {
      const where = located.where ? ` (${located.where})` : ''
      const path = located.index === undefined ? located.path : `${located.path}/${located.index}`
      for (const issue of result.issues) {
        errors.push({ path, reason: issue.reason, message: `${issue.message}${where}` })
      }
      return
    }
    points.push(result.point)
    if (result.offsetAssumed) offsetAssumed++
  })
  throwIfTrackErrors(`the ${input.label} cannot be used as a patrol track`, errors)

  const track: RawTrack = { points, segmentsHint: normaliseSegmentStarts(input.segmentStarts, points.length) }
  if (input.waypoints !== undefined) track.waypoints = input.waypoints
  if (offsetAssumed > 0) {
    const offset = context.assumeUtcOffsetMinutes
    const sign = offset < 0 ? '-' : '+'
    const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`
    track.warnings = [`${offsetAssumed} point times had no UTC offset and were read as UTC${sign}${hhmm}`]
  }
  return track
}

/** Sorted, unique, inside the track and starting at 0: empty source segments leave no trace. */
function normaliseSegmentStarts(starts: readonly number[], length: number): number[] {
  const unique = new Set<number>([0])
  for (const start of starts) if (start > 0 && start < length) unique.add(start)
  return [...unique].sort((a, b) => a - b)
}
