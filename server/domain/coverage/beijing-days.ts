import {
  addCalendarDays,
  startOfCalendarDay,
  toCalendarDate,
  type CalendarDate,
} from '../rules/calendar-date.js'

/** One Beijing calendar day and the instants that bound it, epoch ms: [startMs, endMs). */
export interface DayWindow {
  date: CalendarDate
  startMs: number
  endMs: number
}

export function beijingDateOf(ms: number): CalendarDate {
  return toCalendarDate(new Date(ms))
}

/**
 * The Beijing days a patrol from `fromMs` to `toMs` touches, in order. Visits count once per zone
 * per day (design.md, "Coverage definitions"), so a patrol across midnight is matched day by day.
 */
export function beijingDaysSpanned(fromMs: number, toMs: number): DayWindow[] {
  const days: DayWindow[] = []
  let date = beijingDateOf(fromMs)
  const last = beijingDateOf(toMs)
  for (;;) {
    const next = addCalendarDays(date, 1)
    days.push({
      date,
      startMs: startOfCalendarDay(date).getTime(),
      endMs: startOfCalendarDay(next).getTime(),
    })
    if (date >= last) return days
    date = next
  }
}
