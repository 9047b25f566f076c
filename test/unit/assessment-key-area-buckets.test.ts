import { describe, expect, it } from 'vitest'
import {
  bucketKeyAreaZonePeriods,
  type KeyAreaZone,
} from '../../server/domain/assessment/key-area-buckets.js'
import { periodsOverlapping } from '../../server/domain/coverage/periods.js'

// ISO weeks of 29 December 2025 … 25 January 2026, today Wednesday 21 January (the last week open)
const WEEKS = periodsOverlapping('2026-01-01', '2026-01-21', 'iso_week')

const zone = (id: string, area_m2: number, visits: number[], from = '2026-01-01', to: string | null = null) =>
  ({ id, area_m2, effective_from: from, effective_to: to, visits }) satisfies KeyAreaZone

describe('bucketKeyAreaZonePeriods', () => {
  it('the weeks of the span, from the Monday before 1 January', () => {
    expect(WEEKS.map((w) => w.start)).toEqual(['2025-12-29', '2026-01-05', '2026-01-12', '2026-01-19'])
  })

  it('groups zone-weeks by week and visits capped at the required number, with their area and the short zones', () => {
    const rows = bucketKeyAreaZonePeriods(
      [zone('b', 100.25, [0, 2, 5, 1]), zone('a', 50.5, [1, 3, 0, 0])],
      WEEKS,
      '2026-01-21',
      2,
    )
    expect(rows).toEqual([
      {
        period_start: '2025-12-29',
        open: false,
        visits: 0,
        area_m2: 100.25,
        zones: 1,
        short_zone_ids: ['b'],
      },
      { period_start: '2025-12-29', open: false, visits: 1, area_m2: 50.5, zones: 1, short_zone_ids: ['a'] },
      { period_start: '2026-01-05', open: false, visits: 2, area_m2: 150.75, zones: 2, short_zone_ids: [] },
      { period_start: '2026-01-12', open: false, visits: 0, area_m2: 50.5, zones: 1, short_zone_ids: ['a'] },
      { period_start: '2026-01-12', open: false, visits: 2, area_m2: 100.25, zones: 1, short_zone_ids: [] },
      { period_start: '2026-01-19', open: true, visits: 0, area_m2: 50.5, zones: 1, short_zone_ids: ['a'] },
      { period_start: '2026-01-19', open: true, visits: 1, area_m2: 100.25, zones: 1, short_zone_ids: ['b'] },
    ])
  })

  it('a zone counts in each week its plan is in force on at least one day', () => {
    // in force Wednesday 7 January … Tuesday 13 January: the weeks of 5 and 12 January
    const rows = bucketKeyAreaZonePeriods(
      [zone('z', 10, [], '2026-01-07', '2026-01-14')],
      WEEKS,
      '2026-01-21',
      2,
    )
    expect(rows.map((r) => r.period_start)).toEqual(['2026-01-05', '2026-01-12'])
    // superseded on a Monday: not in force in that week
    const monday = bucketKeyAreaZonePeriods(
      [zone('z', 10, [], '2026-01-01', '2026-01-12')],
      WEEKS,
      '2026-01-21',
      2,
    )
    expect(monday.map((r) => r.period_start)).toEqual(['2025-12-29', '2026-01-05'])
  })

  it('leaves out periods that have not begun by today', () => {
    const rows = bucketKeyAreaZonePeriods([zone('z', 10, [])], WEEKS, '2026-01-11', 2)
    expect(rows.map((r) => r.period_start)).toEqual(['2025-12-29', '2026-01-05'])
    expect(rows.map((r) => r.open)).toEqual([false, true])
  })

  it('sums areas exactly to the centimetre, whatever the order of the zones', () => {
    const zones = [0.1, 0.2, 0.3, 1e6 + 0.01].map((a, i) => zone(`z${i}`, a, [2, 2, 2, 2]))
    const forward = bucketKeyAreaZonePeriods(zones, WEEKS, '2026-01-21', 2)
    const backward = bucketKeyAreaZonePeriods([...zones].reverse(), WEEKS, '2026-01-21', 2)
    expect(forward[0]?.area_m2).toBe(1000000.61)
    expect(backward).toEqual(forward)
  })
})
