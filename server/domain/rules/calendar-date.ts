/**
 * Calendar days in a named time zone.
 *
 * Deadlines in this domain are counted in calendar days of the place where the work happens
 * (Asia/Shanghai for all of China), whatever zone a device or a client wrote its timestamp in. A
 * calendar day is carried as a 'YYYY-MM-DD' string: it compares and sorts as text and cannot be
 * shifted by the process time zone the way a `Date` at local midnight can.
 */

/** All of mainland China keeps one civil time (UTC+8, no daylight saving since 1991). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai'

/** 'YYYY-MM-DD' */
export type CalendarDate = string

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
// A date-time without Z or ±hh:mm: the wall clock of the time zone in question (a form filled in on
// site says "2026-09-30 16:20", meaning Beijing time).
const ZONELESS_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/

const MS_PER_DAY = 86_400_000

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

function wallClockOf(instantMs: number, timeZone: string): Record<string, number> {
  const fields: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  return fields
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const f = wallClockOf(instantMs, timeZone)
  const wallAsUtc = Date.UTC(
    f.year ?? 0,
    (f.month ?? 1) - 1,
    f.day ?? 1,
    f.hour ?? 0,
    f.minute ?? 0,
    f.second ?? 0,
  )
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000
}

/** The instant at which the zone's wall clock shows the given UTC-encoded wall time. */
function instantOfWallTime(wallAsUtcMs: number, timeZone: string): Date {
  // Two passes settle the offset even where it changes (DST zones); Asia/Shanghai needs only one.
  const guess = wallAsUtcMs - zoneOffsetMs(wallAsUtcMs, timeZone)
  return new Date(wallAsUtcMs - zoneOffsetMs(guess, timeZone))
}

function calendarDateFromUtcMs(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10)
}

function utcMsOfCalendarDate(date: CalendarDate): number {
  const m = DATE_ONLY.exec(date)
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`)
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  // Reject 2026-02-30 and the like instead of rolling over into March.
  if (calendarDateFromUtcMs(ms) !== date) throw new RangeError(`no such calendar date: ${date}`)
  return ms
}

/** True for a real 'YYYY-MM-DD' date (2026-02-29 is false). */
export function isCalendarDate(value: string): boolean {
  try {
    utcMsOfCalendarDate(value)
    return true
  } catch {
    return false
  }
}

/**
 * The instant meant by a `Date`, an ISO string with a zone (Z or ±hh:mm), or a zone-less date-time
 * read as wall clock in `timeZone`. A bare date means the start of that day in `timeZone`.
 */
export function toInstant(input: Date | string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new RangeError('invalid Date')
    return input
  }
  if (DATE_ONLY.test(input)) return startOfCalendarDay(input, timeZone)
  const zoneless = ZONELESS_DATE_TIME.exec(input)
  if (zoneless) {
    const [, y, mo, d, h, mi, s, ms] = zoneless
    utcMsOfCalendarDate(`${y}-${mo}-${d}`)
    const wall = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s ?? 0),
      Number((ms ?? '0').padEnd(3, '0')),
    )
    return instantOfWallTime(wall, timeZone)
  }
  const parsed = Date.parse(input)
  if (Number.isNaN(parsed)) throw new RangeError(`not an ISO date or date-time: ${input}`)
  return new Date(parsed)
}

/**
 * The calendar day in `timeZone` of an instant. A bare 'YYYY-MM-DD' is already a calendar day and is
 * returned unchanged (validated), so callers may pass either a day or an instant.
 */
export function toCalendarDate(input: Date | string, timeZone: string = DEFAULT_TIME_ZONE): CalendarDate {
  if (typeof input === 'string' && DATE_ONLY.test(input)) {
    utcMsOfCalendarDate(input)
    return input
  }
  const instant = toInstant(input, timeZone)
  const f = wallClockOf(instant.getTime(), timeZone)
  return calendarDateFromUtcMs(Date.UTC(f.year ?? 0, (f.month ?? 1) - 1, f.day ?? 1))
}

export function addCalendarDays(date: CalendarDate, days: number): CalendarDate {
  return calendarDateFromUtcMs(utcMsOfCalendarDate(date) + days * MS_PER_DAY)
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function calendarDaysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((utcMsOfCalendarDate(to) - utcMsOfCalendarDate(from)) / MS_PER_DAY)
}

/** 0 = Sunday … 6 = Saturday; a property of the date itself, not of any time zone. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(utcMsOfCalendarDate(date)).getUTCDay()
}

/** First instant of the day in `timeZone`. */
export function startOfCalendarDay(date: CalendarDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return instantOfWallTime(utcMsOfCalendarDate(date), timeZone)
}

/**
 * Last instant (last millisecond) of the day in `timeZone`: a deadline "by the end of the day" is
 * met by anything at or before it.
 */
export function endOfCalendarDay(date: CalendarDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return new Date(startOfCalendarDay(addCalendarDays(date, 1), timeZone).getTime() - 1)
}
