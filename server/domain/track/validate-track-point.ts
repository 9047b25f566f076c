import type { RawPoint } from './raw-track.js'
import { parseTrackTime } from './parse-track-time.js'
import { MAX_FUTURE_MS } from './parse-track-options.js'
import {
  ACCURACY_INVALID,
  COORDINATE_MISSING,
  COORDINATE_NOT_NUMBER,
  LATITUDE_OUT_OF_RANGE,
  LONGITUDE_OUT_OF_RANGE,
  LON_LAT_SWAPPED,
  TIME_IN_FUTURE,
  TIME_MISSING,
  type TrackInputReason,
} from './track-input-reasons.js'

/**
 * One point as a parser found it, values not yet checked. Text formats (GPX attributes, CSV cells)
 * pass strings and set `textual`; JSON passes whatever the client sent, and there a string
 * coordinate is an error rather than something to coerce.
 */
export interface PointCandidate {
  lon: unknown
  lat: unknown
  time: unknown
  accuracy?: unknown
  /** Horizontal dilution of precision, turned into an accuracy estimate when no accuracy is given. */
  hdop?: unknown
  ele?: unknown
  speed?: unknown
  textual: boolean
}

export interface PointIssue {
  reason: TrackInputReason
  message: string
}

/**
 * A GPS receiver's user-equivalent range error: accuracy ≈ HDOP × UERE. 5 m is the usual figure for
 * consumer receivers; it only matters for comparing against the maximum accuracy when a device sends
 * HDOP and no accuracy.
 */
export const HDOP_UERE_M = 5

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

export interface ValidatePointContext {
  now: number
  assumeUtcOffsetMinutes: number
}

/**
 * Checks one point and returns either the point or every reason it is unusable (not just the first),
 * so a client fixing its export sees all of a point's problems at once.
 */
export function validateTrackPoint(
  index: number,
  candidate: PointCandidate,
  context: ValidatePointContext,
): { point: RawPoint; offsetAssumed: boolean; issues?: undefined } | { issues: PointIssue[] } {
  const issues: PointIssue[] = []
  const lon = readNumber(candidate.lon, candidate.textual)
  const lat = readNumber(candidate.lat, candidate.textual)
  if (lon.kind !== 'number') issues.push(describeBadNumber('longitude', lon.kind, candidate.lon))
  if (lat.kind !== 'number') issues.push(describeBadNumber('latitude', lat.kind, candidate.lat))
  // (the range is checked in place first: a point has two coordinates, a post thousands of points)
  if (
    lon.kind === 'number' &&
    lat.kind === 'number' &&
    (Math.abs(lat.value) > 90 || Math.abs(lon.value) > 180)
  )
    issues.push(...checkCoordinateRange(lon.value, lat.value))

  const time = parseTrackTime(candidate.time, context.assumeUtcOffsetMinutes)
  if (!time.ok) {
    issues.push({
      reason: time.reason,
      message:
        time.reason === TIME_MISSING
          ? 'time is missing'
          : `time ${quote(candidate.time)} is neither ISO-8601 nor epoch seconds/milliseconds`,
    })
  } else if (time.time > context.now + MAX_FUTURE_MS) {
    issues.push({
      reason: TIME_IN_FUTURE,
      message: `time ${new Date(time.time).toISOString()} is more than 24 h after the server time ${new Date(context.now).toISOString()}`,
    })
  }

  const accuracy = readAccuracy(candidate, issues)
  if (issues.length > 0 || lon.kind !== 'number' || lat.kind !== 'number' || !time.ok) {
    return { issues }
  }
  const point: RawPoint = { index, lon: lon.value, lat: lat.value, time: time.time }
  if (accuracy !== undefined) point.accuracy = accuracy
  // Elevation and reported speed feed nothing in cleaning or matching, so a bad value is left out
  // instead of rejecting an otherwise good track.
  const ele = readNumber(candidate.ele, candidate.textual)
  if (ele.kind === 'number') point.ele = ele.value
  const speed = readNumber(candidate.speed, candidate.textual)
  if (speed.kind === 'number' && speed.value >= 0) point.speed = speed.value
  return { point, offsetAssumed: time.offsetAssumed }
}

/** Range checks on numeric lon/lat; exported for callers that build points without a parser. */
export function checkCoordinateRange(lon: number, lat: number): PointIssue[] {
  if (Math.abs(lat) > 90 && Math.abs(lon) <= 90) {
    return [
      {
        reason: LON_LAT_SWAPPED,
        message: `latitude ${lat} is outside ±90 while longitude ${lon} is within it: lon/lat swapped?`,
      },
    ]
  }
  const issues: PointIssue[] = []
  if (Math.abs(lat) > 90)
    issues.push({ reason: LATITUDE_OUT_OF_RANGE, message: `latitude ${lat} is outside ±90` })
  if (Math.abs(lon) > 180) {
    issues.push({ reason: LONGITUDE_OUT_OF_RANGE, message: `longitude ${lon} is outside ±180` })
  }
  return issues
}

type ReadNumber = { kind: 'number'; value: number } | { kind: 'missing' } | { kind: 'invalid' }

// (shared answers: most fields of most points are absent, elevation and speed among them)
const MISSING: ReadNumber = Object.freeze({ kind: 'missing' })
const INVALID: ReadNumber = Object.freeze({ kind: 'invalid' })

function readNumber(value: unknown, textual: boolean): ReadNumber {
  if (value === undefined || value === null || value === '') return MISSING
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value } : INVALID
  if (textual && typeof value === 'string') {
    const text = value.trim()
    if (text === '') return MISSING
    // Number() would take '0x1F' and '' and parseFloat would take '12abc': only plain decimals pass.
    return DECIMAL.test(text) ? { kind: 'number', value: Number(text) } : INVALID
  }
  return INVALID
}

function readAccuracy(candidate: PointCandidate, issues: PointIssue[]): number | undefined {
  const accuracy = readNumber(candidate.accuracy, candidate.textual)
  if (accuracy.kind === 'number' && accuracy.value >= 0) return accuracy.value
  if (accuracy.kind !== 'missing') {
    issues.push({
      reason: ACCURACY_INVALID,
      message: `accuracy ${quote(candidate.accuracy)} is not metres ≥ 0`,
    })
    return undefined
  }
  const hdop = readNumber(candidate.hdop, candidate.textual)
  if (hdop.kind === 'number' && hdop.value >= 0) return hdop.value * HDOP_UERE_M
  if (hdop.kind !== 'missing') {
    issues.push({ reason: ACCURACY_INVALID, message: `hdop ${quote(candidate.hdop)} is not a number ≥ 0` })
  }
  return undefined
}

function describeBadNumber(name: string, kind: 'missing' | 'invalid', raw: unknown): PointIssue {
  if (kind === 'missing' && raw !== null) return { reason: COORDINATE_MISSING, message: `${name} is missing` }
  return { reason: COORDINATE_NOT_NUMBER, message: `${name} ${quote(raw)} is not a number` }
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number') return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
