import type { Period } from '../coverage/periods.js'
import type { CalendarDate } from '../rules/calendar-date.js'

/** A tier-1 zone with its plan's days in force and its counted visits per period of the span. */
export interface KeyAreaZone {
  id: string
  /** m², to the centimetre (two decimals), as GET /coverage reports it. */
  area_m2: number
  /** Its plan is in force on [effective_from, effective_to); `null`: not superseded. */
  effective_from: CalendarDate
  effective_to: CalendarDate | null
  /** Counted visits in each period of the span (the same index as the periods; missing = 0). */
  visits: readonly number[]
}

/** Zone-periods of one period with the same visits (capped at the required number). */
export interface KeyAreaBucketRow {
  period_start: CalendarDate
  open: boolean
  /** Counted visits of the zones in this bucket, capped at the required number. */
  visits: number
  area_m2: number
  zones: number
  /** Zones of the bucket short of the required visits, in uuid order. */
  short_zone_ids: string[]
}

/**
 * Item 三's zone-periods grouped by period and by visits (capped at `required`): the zone-periods of
 * GET /coverage — a zone counts in a period that has begun by `today` when its plan is in force on
 * at least one day of it — with their summed area. That is all the area-weighted key-area rate and a
 * what-if that adds visits need. Areas are summed in whole square centimetres, so the sum does not
 * depend on the order the zones come in.
 */
export function bucketKeyAreaZonePeriods(
  zones: readonly KeyAreaZone[],
  periods: readonly Period[],
  today: CalendarDate,
  required: number,
): KeyAreaBucketRow[] {
  // per period, the buckets by capped visits 0 … required
  const byPeriod = periods.map(() => new Map<number, { cm2: number; zones: number; short: string[] }>())
  for (const zone of zones) {
    const cm2 = Math.round(zone.area_m2 * 100)
    periods.forEach((p, i) => {
      if (p.start > today || zone.effective_from >= p.end) return
      if (zone.effective_to !== null && zone.effective_to <= p.start) return
      const visits = Math.min(zone.visits[i] ?? 0, required)
      const buckets = byPeriod[i] as Map<number, { cm2: number; zones: number; short: string[] }>
      let bucket = buckets.get(visits)
      if (!bucket) buckets.set(visits, (bucket = { cm2: 0, zones: 0, short: [] }))
      bucket.cm2 += cm2
      bucket.zones++
      if (visits < required) bucket.short.push(zone.id)
    })
  }
  const rows: KeyAreaBucketRow[] = []
  periods.forEach((p, i) => {
    const buckets = byPeriod[i] as Map<number, { cm2: number; zones: number; short: string[] }>
    for (const visits of [...buckets.keys()].sort((a, b) => a - b)) {
      const b = buckets.get(visits) as { cm2: number; zones: number; short: string[] }
      rows.push({
        period_start: p.start,
        open: p.end > today,
        visits,
        area_m2: b.cm2 / 100,
        zones: b.zones,
        // a uuid's order is the order of its lower-case text
        short_zone_ids: b.short.sort(),
      })
    }
  })
  return rows
}
