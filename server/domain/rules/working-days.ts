/**
 * Working days under the State Council holiday schedule (国务院办公厅节假日安排), including make-up
 * working weekends 调休, for deadlines such as "report within 2 working days" (第十八条, 第二十一条).
 *
 * Source of the schedule: the `chinese-days` package. We read its published data file
 * (`dist/chinese-days.json`, the file its README offers to non-JS users) rather than its functions,
 * because the functions build their date keys in the process's local time zone: with
 * TZ=America/Los_Angeles, `getDayDetail(new Date(2026, 9, 10, 12))` reports the make-up Saturday
 * 2026-10-10 as a day off (checked with chinese-days 1.5.7). A server's time zone must not move a
 * legal deadline.
 *
 * The schedule for a year is published each November for the next year, so the package can lag.
 * Counties can patch single days with an override map ('YYYY-MM-DD' → 'work' | 'off') that wins over
 * the package; for a year the package does not know at all, days fall back to Monday–Friday and the
 * result carries a warning naming the days so decided.
 */
import { createRequire } from 'node:module'

import {
  addCalendarDays,
  DEFAULT_TIME_ZONE,
  endOfCalendarDay,
  isCalendarDate,
  toCalendarDate,
  weekdayOf,
  type CalendarDate,
} from './calendar-date.js'

export type DayKind = 'work' | 'off'

/** Local corrections, 'YYYY-MM-DD' → 'work' | 'off'; an entry wins over the State Council data. */
export type WorkingDayOverrides = Readonly<Record<string, DayKind>>

/** Where a day's status came from: shown next to every deadline so a person can check it. */
export type DaySource = 'override' | 'state_council' | 'weekday_fallback'

export interface DayClassification {
  date: CalendarDate
  working: boolean
  source: DaySource
  /** Holiday or make-up day name from the schedule ("National Day,国庆节,3"), when there is one. */
  name?: string
}

export const CALENDAR_WARNING_YEAR_UNKNOWN = 'year_not_in_holiday_calendar'
export const OVERRIDE_PROBLEM_BAD_DATE = 'override_date_not_yyyy_mm_dd'
export const OVERRIDE_PROBLEM_BAD_KIND = 'override_kind_not_work_or_off'

export interface CalendarWarning {
  reason: typeof CALENDAR_WARNING_YEAR_UNKNOWN
  year: number
  /** The counted days whose status was guessed from the weekday. */
  dates: CalendarDate[]
  message: string
}

export interface OverrideProblem {
  key: string
  reason: typeof OVERRIDE_PROBLEM_BAD_DATE | typeof OVERRIDE_PROBLEM_BAD_KIND
}

interface HolidayData {
  holidays: Record<string, string>
  workdays: Record<string, string>
}

function loadHolidayData(): HolidayData {
  const raw: unknown = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json')
  const data = raw as Partial<HolidayData> | null
  if (!data || typeof data.holidays !== 'object' || typeof data.workdays !== 'object') {
    throw new Error('chinese-days/dist/chinese-days.json has no holidays/workdays maps')
  }
  return { holidays: data.holidays, workdays: data.workdays }
}

const HOLIDAY_DATA = loadHolidayData()

/**
 * Years the package has a schedule for. Every published year has at least New Year's Day as a
 * holiday, so "has a holiday entry" is the test.
 */
export const HOLIDAY_CALENDAR_YEARS: ReadonlySet<number> = new Set(
  Object.keys(HOLIDAY_DATA.holidays).map((date) => Number(date.slice(0, 4))),
)

/** Longest stretch scanned for n working days; only a pathological override map gets near it. */
const MAX_SCAN_DAYS = 3660

export function findOverrideProblems(overrides: WorkingDayOverrides): OverrideProblem[] {
  const problems: OverrideProblem[] = []
  for (const [key, kind] of Object.entries(overrides)) {
    if (!isCalendarDate(key)) problems.push({ key, reason: OVERRIDE_PROBLEM_BAD_DATE })
    else if (kind !== 'work' && kind !== 'off') problems.push({ key, reason: OVERRIDE_PROBLEM_BAD_KIND })
  }
  return problems
}

function assertValidOverrides(overrides: WorkingDayOverrides): void {
  const problems = findOverrideProblems(overrides)
  if (problems.length > 0) {
    throw new RangeError(
      `invalid working-day overrides: ${problems.map((p) => `${p.key} (${p.reason})`).join(', ')}`,
    )
  }
}

/** Status of one calendar day: override, else State Council schedule, else Monday–Friday. */
export function classifyDay(date: CalendarDate, overrides: WorkingDayOverrides = {}): DayClassification {
  const override = Object.hasOwn(overrides, date) ? overrides[date] : undefined
  if (override === 'work' || override === 'off') {
    return { date, working: override === 'work', source: 'override' }
  }
  const weekday = weekdayOf(date)
  const isWeekday = weekday >= 1 && weekday <= 5
  if (!HOLIDAY_CALENDAR_YEARS.has(Number(date.slice(0, 4)))) {
    return { date, working: isWeekday, source: 'weekday_fallback' }
  }
  const workdayName = HOLIDAY_DATA.workdays[date]
  if (workdayName !== undefined) return { date, working: true, source: 'state_council', name: workdayName }
  const holidayName = HOLIDAY_DATA.holidays[date]
  if (holidayName !== undefined) return { date, working: false, source: 'state_council', name: holidayName }
  return { date, working: isWeekday, source: 'state_council' }
}

/**
 * Whether a day is a working day. `date` is a 'YYYY-MM-DD' calendar day, or an instant (Date or ISO
 * string with a zone) whose day in `timeZone` is meant.
 */
export function isWorkingDay(
  date: Date | string,
  overrides: WorkingDayOverrides = {},
  timeZone: string = DEFAULT_TIME_ZONE,
): boolean {
  assertValidOverrides(overrides)
  return classifyDay(toCalendarDate(date, timeZone), overrides).working
}

export interface WorkingDayDeadline {
  /** Calendar day of the start instant in the time zone (the day of discovery). */
  start_date: CalendarDate
  /** The n-th working day after the start day. */
  due_date: CalendarDate
  /** Last millisecond of `due_date` in the time zone: on time means at or before this instant. */
  due_at: Date
  /** The working days counted, in order (length n), each with where its status came from. */
  counted: DayClassification[]
  /** False when any day between start and due was decided by the Monday–Friday fallback. */
  calendar_complete: boolean
  warnings: CalendarWarning[]
}

/**
 * The deadline "within n working days of discovery" (第十八条: 发现或初步核实后的2个工作日内).
 *
 * Convention: the day of discovery does not count, whether or not it is a working day, and the
 * deadline is the end of the n-th working day after it. This is how Chinese administrative
 * deadlines are counted ("期间开始的日，不计算在期间内", 民法典第二百零一条; 行政处罚法第八十五条
 * counts short periods in working days). Found on Wednesday 30 Sep 2026 with the National Day holiday
 * 1–7 Oct ahead: Thu 8 Oct is day 1, Fri 9 Oct is day 2, due at 9 Oct 23:59:59.999 Beijing time.
 * n = 0 gives the end of the day of discovery.
 *
 * `start` is an instant (Date or ISO string; zone-less strings are wall clock in `timeZone`) or a
 * 'YYYY-MM-DD' day. The day is always the calendar day in `timeZone`, whatever zone the input was
 * written in: 2026-09-30T17:30:00Z is 1 Oct in Beijing.
 */
export function addWorkingDays(
  start: Date | string,
  n: number,
  overrides: WorkingDayOverrides = {},
  timeZone: string = DEFAULT_TIME_ZONE,
): WorkingDayDeadline {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`)
  assertValidOverrides(overrides)
  const startDate = toCalendarDate(start, timeZone)

  const counted: DayClassification[] = []
  const scanned: DayClassification[] = []
  let day = startDate
  for (let step = 0; counted.length < n; step++) {
    if (step >= MAX_SCAN_DAYS) {
      throw new RangeError(`fewer than ${n} working days in the ${MAX_SCAN_DAYS} days after ${startDate}`)
    }
    day = addCalendarDays(day, 1)
    const classified = classifyDay(day, overrides)
    scanned.push(classified)
    if (classified.working) counted.push(classified)
  }

  const warnings = collectFallbackWarnings(scanned)
  return {
    start_date: startDate,
    due_date: day,
    due_at: endOfCalendarDay(day, timeZone),
    counted,
    calendar_complete: warnings.length === 0,
    warnings,
  }
}

function collectFallbackWarnings(days: readonly DayClassification[]): CalendarWarning[] {
  const byYear = new Map<number, CalendarDate[]>()
  for (const d of days) {
    if (d.source !== 'weekday_fallback') continue
    const year = Number(d.date.slice(0, 4))
    const list = byYear.get(year) ?? []
    list.push(d.date)
    byYear.set(year, list)
  }
  return [...byYear].map(([year, dates]) => describeFallbackWarning(year, dates))
}

/** The warning for days of `year` decided by the Monday–Friday fallback. */
export function describeFallbackWarning(year: number, dates: CalendarDate[]): CalendarWarning {
  return {
    reason: CALENDAR_WARNING_YEAR_UNKNOWN,
    year,
    dates,
    message:
      `No State Council holiday schedule for ${year} in the calendar data: ` +
      `${dates.length} day(s) were taken as working Monday–Friday; add overrides once the schedule is published.`,
  }
}
