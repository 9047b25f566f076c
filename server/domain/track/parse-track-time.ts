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
  // (the usual device time first: no regular expression for it; a canonical ISO time is never an epoch)
  const canonical = readCanonicalDateTime(text)
  if (canonical !== undefined) return canonical
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
  const fast = readCanonicalDateTime(text)
  if (fast !== undefined) return fast
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

const DIGIT_0 = 48

/** The number the `n` ASCII digits of `text` at `at` spell; -1 when one is not a digit. */
function digitsAt(text: string, at: number, n: number): number {
  let v = 0
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - DIGIT_0
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/**
 * The usual device time, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (year 1000 or later), read
 * without a regular expression or any object (a post has thousands); the same answer as the
 * general path (ISO_DATE_TIME), which takes every other form: undefined here.
 */
function readCanonicalDateTime(text: string): TrackTimeResult | undefined {
  const n = text.length
  if (n < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined
  const sep = text.charCodeAt(10)
  if ((sep !== 84 && sep !== 32) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined
  let at = 19
  let ms = 0
  const mark = text.charCodeAt(at)
  if (mark === 46 || mark === 44) {
    let digits = 0
    let frac = 0
    while (at + 1 + digits < n) {
      const d = text.charCodeAt(at + 1 + digits) - DIGIT_0
      if (d < 0 || d > 9) break
      frac = frac * 10 + d
      digits++
    }
    if (digits === 0 || digits > 9) return undefined
    // (a correctly rounded quotient: the same double as reading "0.<digits>")
    ms = Math.round((frac / 10 ** digits) * 1000)
    at += 1 + digits
  }
  let offset: number
  const zone = text.charCodeAt(at)
  if ((zone === 90 || zone === 122) && at + 1 === n) offset = 0
  else if ((zone === 43 || zone === 45) && at + 6 === n && text.charCodeAt(at + 3) === 58) {
    const oh = digitsAt(text, at + 1, 2)
    const om = digitsAt(text, at + 4, 2)
    if (oh < 0 || om < 0) return undefined
    if (oh > 14 || om > 59) return { ok: false, reason: TIME_UNPARSEABLE }
    offset = (zone === 45 ? -1 : 1) * (oh * 60 + om)
  } else return undefined
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60 || day < 1)
    return { ok: false, reason: TIME_UNPARSEABLE }
  if (day > daysInMonth(year, month)) return { ok: false, reason: TIME_UNPARSEABLE }
  return {
    ok: true,
    time: Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000,
    offsetAssumed: false,
  }
}
