import { TIME_MISSING, TIME_UNPARSEABLE } from './track-input-reasons.js'

export type TrackTimeResult =
  | {
      ok: true
      time: number
      /** true when the text had no UTC offset and `assumeUtcOffsetMinutes` was applied */ offsetAssumed: boolean
    }
  | { ok: false; reason: typeof TIME_MISSING | typeof TIME_UNPARSEABLE }

/**
 * Epoch values below this are seconds, above it milliseconds: 1e11 s is the year 5138 and 1e11 ms is
 * March 1973, so no real patrol time is ambiguous.
 */
const EPOCH_SECONDS_BELOW = 1e11

// ISO-8601 / RFC 3339 date-time, 'T' or a space between date and time (spreadsheets write a space).
// Date.parse is not used: it accepts '05-AUG-10' and reads offset-less times in the server's zone.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/
const EPOCH_NUMBER = /^[+-]?\d+(?:\.\d+)?$/

/**
 * Reads a point time: an ISO-8601 date-time (with or without offset) or an epoch number in seconds or
 * milliseconds, as a number or as text.
 *
 * @param assumeUtcOffsetMinutes offset (minutes east of UTC) for times written without one. GPX times
 *   are UTC by the schema, so the parsers default to 0 and warn; a CSV exported in Beijing time needs 480.
 */
export function parseTrackTime(value: unknown, assumeUtcOffsetMinutes = 0): TrackTimeResult {
  if (value === undefined || value === null || value === '') return { ok: false, reason: TIME_MISSING }
  if (typeof value === 'number') return readEpoch(value)
  if (typeof value !== 'string') return { ok: false, reason: TIME_UNPARSEABLE }
  const text = value.trim()
  if (text === '') return { ok: false, reason: TIME_MISSING }
  if (EPOCH_NUMBER.test(text)) return readEpoch(Number(text))
  return readIsoDateTime(text, assumeUtcOffsetMinutes)
}

/** The largest epoch a JavaScript Date can hold; beyond it, formatting the time for a message throws. */
const MAX_DATE_MS = 8.64e15

function readEpoch(value: number): TrackTimeResult {
  if (!Number.isFinite(value)) return { ok: false, reason: TIME_UNPARSEABLE }
  const ms = Math.abs(value) < EPOCH_SECONDS_BELOW ? value * 1000 : value
  if (Math.abs(ms) > MAX_DATE_MS) return { ok: false, reason: TIME_UNPARSEABLE }
  return { ok: true, time: Math.round(ms), offsetAssumed: false }
}

function readIsoDateTime(text: string, assumeUtcOffsetMinutes: number): TrackTimeResult {
  const m = ISO_DATE_TIME.exec(text)
  if (!m) return { ok: false, reason: TIME_UNPARSEABLE }
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = s === undefined ? 0 : Number(s)
  const ms = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000)
  // Allow second 60 (a leap second, as RFC 3339 does); Date.UTC rolls it into the next minute.
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) {
    return { ok: false, reason: TIME_UNPARSEABLE }
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  // Date.UTC silently turns 31 April into 1 May; a date that does not exist is an error, not a guess.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day)
    return { ok: false, reason: TIME_UNPARSEABLE }
  const offset = readOffsetMinutes(zone)
  if (offset === null) return { ok: true, time: utc - assumeUtcOffsetMinutes * 60_000, offsetAssumed: true }
  if (offset === undefined) return { ok: false, reason: TIME_UNPARSEABLE }
  return { ok: true, time: utc - offset * 60_000, offsetAssumed: false }
}

/** Minutes east of UTC; null when the text has no offset, undefined when the offset is impossible. */
function readOffsetMinutes(zone: string | undefined): number | null | undefined {
  if (zone === undefined) return null
  if (zone === 'Z' || zone === 'z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 14 || minutes > 59) return undefined
  return sign * (hours * 60 + minutes)
}
