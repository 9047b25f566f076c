import { badRequest } from '../../errors.js'
import { calendarDaysBetween, toCalendarDate, type CalendarDate } from '../../domain/rules/calendar-date.js'

/** Longest span a coverage read covers: a year and a bit, enough for the yearly assessment. */
export const MAX_SPAN_DAYS = 400

/** [from, to] in Beijing days: by default the current month up to today. */
export function defaultSpan(from: string | undefined, to: string | undefined, now = new Date()) {
  const today: CalendarDate = toCalendarDate(now)
  const span = { from: from ?? `${today.slice(0, 7)}-01`, to: to ?? today, today }
  if (span.from > span.to)
    throw badRequest('from is after to', [{ path: '/query/from', message: `${span.from} > ${span.to}` }])
  if (calendarDaysBetween(span.from, span.to) > MAX_SPAN_DAYS)
    throw badRequest(`a span of at most ${MAX_SPAN_DAYS} days`, [
      { path: '/query/to', message: 'span too long' },
    ])
  return span
}
