import type { FrequencyPeriod } from '../rules/rule-set.js'
import { addCalendarDays, calendarDaysBetween, weekdayOf, type CalendarDate } from '../rules/calendar-date.js'

/**
 * Compliance periods: the ISO week (Monday to Sunday, Beijing days) for tier 1 and the calendar
 * month for tiers 2 and 3 by default (DEFAULT_RULE_SET.patrol.frequency). Days are 'YYYY-MM-DD';
 * `end` is exclusive, so a period is [start, end).
 */
export interface Period {
  kind: FrequencyPeriod
  start: CalendarDate
  end: CalendarDate
  /** '2026-W18' (ISO week-numbering year) or '2026-05'. */
  label: string
}

export function periodContaining(date: CalendarDate, kind: FrequencyPeriod): Period {
  if (kind === 'iso_week') {
    // weekdayOf: 0 = Sunday … 6 = Saturday; ISO weeks start on Monday.
    const start = addCalendarDays(date, -((weekdayOf(date) + 6) % 7))
    return { kind, start, end: addCalendarDays(start, 7), label: isoWeekLabel(start) }
  }
  const start = `${date.slice(0, 7)}-01`
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))]
  const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
  return { kind, start, end, label: date.slice(0, 7) }
}

/** Every period of the kind that shares at least one day with [from, to] (both inclusive). */
export function periodsOverlapping(from: CalendarDate, to: CalendarDate, kind: FrequencyPeriod): Period[] {
  const periods: Period[] = []
  for (let p = periodContaining(from, kind); p.start <= to; p = periodContaining(p.end, kind)) periods.push(p)
  return periods
}

/** Days in the period. */
export function periodLengthDays(period: Period): number {
  return calendarDaysBetween(period.start, period.end)
}

/** The ISO week label of the week starting on Monday `monday`: its Thursday decides the year. */
function isoWeekLabel(monday: CalendarDate): string {
  const thursday = addCalendarDays(monday, 3)
  const year = thursday.slice(0, 4)
  const week = Math.floor(calendarDaysBetween(`${year}-01-01`, thursday) / 7) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The date_trunc unit PostgreSQL uses for a period kind (its 'week' is the ISO week). */
export function sqlTruncUnit(kind: FrequencyPeriod): 'week' | 'month' {
  return kind === 'iso_week' ? 'week' : 'month'
}
