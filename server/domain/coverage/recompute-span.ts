import { addCalendarDays, type CalendarDate } from '../rules/calendar-date.js'
import { periodContaining } from './periods.js'

/**
 * The days a coverage recompute of [from, to) (Beijing days, `to` exclusive) must match: widened to
 * the whole ISO weeks and months the span touches, since a period's swath coverage is the union over
 * all of its days. Periods of both kinds are then wholly inside, whichever kind a tier uses; a
 * widened day falls in a period that is rebuilt, or in one left as it was (its staged rows unused).
 */
export function recomputeDays(
  from: CalendarDate,
  to: CalendarDate,
): { from: CalendarDate; to: CalendarDate } {
  const last = addCalendarDays(to, -1)
  const starts = [periodContaining(from, 'iso_week').start, periodContaining(from, 'month').start].sort()
  const ends = [periodContaining(last, 'iso_week').end, periodContaining(last, 'month').end].sort()
  return { from: starts[0]!, to: ends[1]! }
}
