import { calendarDaysBetween, type CalendarDate } from '../rules/calendar-date.js'
import { periodLengthDays, type Period } from './periods.js'

/** A zone's standing in one period (design.md, "Coverage definitions": compliance). */
export interface PeriodCompliance {
  /** The period contains today: visits may still come. */
  open: boolean
  compliant: boolean
  /** Visits still missing (0 when compliant). */
  shortfall: number
  /** Open periods only: visits at this pace by the period's end, and what would still be missing. */
  projected_visits: number | null
  projected_shortfall: number | null
}

/**
 * Compliance of one zone-period. An open period is projected at the pace so far (visits per day
 * elapsed, today included, times the period's days): a simple, explainable forecast a supervisor can
 * check by hand.
 */
export function assessPeriod(
  period: Period,
  figures: { required: number; visits: number },
  today: CalendarDate,
): PeriodCompliance {
  const { required, visits } = figures
  const compliant = visits >= required
  const shortfall = Math.max(0, required - visits)
  const open = period.start <= today && today < period.end
  if (!open) return { open, compliant, shortfall, projected_visits: null, projected_shortfall: null }
  const elapsed = calendarDaysBetween(period.start, today) + 1
  const projected = (visits * periodLengthDays(period)) / elapsed
  return {
    open,
    compliant,
    shortfall,
    projected_visits: Math.round(projected * 100) / 100,
    projected_shortfall: Math.max(0, required - Math.floor(projected)),
  }
}

export interface KeyAreaZonePeriod {
  period_start: CalendarDate
  area_m2: number
  compliant: boolean
  open: boolean
}

/**
 * Key-area coverage rate (assessment item 三, design.md): per closed period, the area-weighted share
 * of tier-1 zones that were compliant; then the mean over those periods. Open periods are left out
 * (a week in progress is not yet a failure); `null` when no period of the span has closed.
 */
export function keyAreaCoverageRate(rows: readonly KeyAreaZonePeriod[]): {
  rate: number | null
  periods: { period_start: CalendarDate; rate: number; zones: number }[]
} {
  const byPeriod = new Map<CalendarDate, { area: number; compliantArea: number; zones: number }>()
  for (const row of rows) {
    if (row.open) continue
    const entry = byPeriod.get(row.period_start) ?? { area: 0, compliantArea: 0, zones: 0 }
    entry.area += row.area_m2
    if (row.compliant) entry.compliantArea += row.area_m2
    entry.zones++
    byPeriod.set(row.period_start, entry)
  }
  const periods = [...byPeriod.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([period_start, e]) => ({
      period_start,
      rate: e.area > 0 ? e.compliantArea / e.area : 1,
      zones: e.zones,
    }))
  const rate = periods.length > 0 ? periods.reduce((s, p) => s + p.rate, 0) / periods.length : null
  return { rate, periods }
}
