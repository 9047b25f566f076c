// Item 三's zone-periods (listKeyAreaBuckets) against GET /coverage's own zone-periods
// (listZonePeriods), bucketed here by period and capped visits: plans that come into force and are
// superseded in the middle of a week, a draft plan, a tier-2 zone, a neighbouring county's zone,
// visits that do not count, visits in weeks a zone's plan was not in force, and an open last period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Queryable } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { periodContaining } from '../../server/domain/coverage/periods.js'
import type { FrequencyPeriod } from '../../server/domain/rules/rule-set.js'
import { listKeyAreaBuckets, type KeyAreaBucketRow } from '../../server/routes/assessments/queries.js'
import { listZonePeriods, type ZoneOfPeriods } from '../../server/routes/patrols/coverage-queries.js'
import { createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
const zone: Record<string, string> = {}

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const square = (x: number, side: number) => {
  const at = (dx: number, dy: number) => [104.0 + (x + dx) * M_LON, 29.95 + dy * M_LAT]
  return {
    type: 'Polygon',
    coordinates: [[at(0, 0), at(side, 0), at(side, side), at(0, side), at(0, 0)]],
  }
}

/** Days from 2025-12-29 (a Monday) to 2026-04-05, 'YYYY-MM-DD'. */
const DAYS = Array.from({ length: 98 }, (_, i) =>
  new Date(Date.UTC(2025, 11, 29 + i)).toISOString().slice(0, 10),
)

beforeAll(async () => {
  ctx = await createTestContext()
  const db = ctx.db
  const one = async (sql: string, values: unknown[]) =>
    (await db.query<{ id: string }>(sql, values)).rows[0]!.id
  const station = await one(
    `INSERT INTO units (name, kind, division_code) VALUES ('所', 'station', '510199') RETURNING id`,
    [],
  )
  const neighbour = await one(
    `INSERT INTO units (name, kind, division_code) VALUES ('邻所', 'station', '510198') RETURNING id`,
    [],
  )
  const plan = async (division: string, status: string, from: string, to: string | null) =>
    one(
      `INSERT INTO zone_plans (division_code, name, status, effective_from, effective_to)
       VALUES ($1::text, 'plan', $2::text, $3::date, $4::date) RETURNING id`,
      [division, status, from, to],
    )
  // in force until Sunday 1 February (exclusive: the end of a week, the start of a month); from
  // Wednesday 7 January to Monday 2 March (exclusive: the start of a week, not of a month); from then
  const early = await plan('510199', 'superseded', '2025-12-15', '2026-02-01')
  const old = await plan('510199', 'superseded', '2026-01-07', '2026-03-02')
  const current = await plan('510199', 'filed', '2026-03-02', null)
  const draft = await plan('510199', 'draft', '2026-01-01', null)
  const other = await plan('510198', 'filed', '2026-01-01', null)
  const zones: [string, string, string, number, number][] = [
    // key, plan, county, tier, side (m)
    ['A', old, '510199', 1, 300.3],
    ['B', old, '510199', 1, 120.7],
    ['C', current, '510199', 1, 250.1],
    ['D', current, '510199', 2, 200],
    ['E', draft, '510199', 1, 180],
    ['F', other, '510198', 1, 220],
    ['G', early, '510199', 1, 90.2],
  ]
  for (const [key, planId, county, tier, side] of zones)
    zone[key] = await one(
      `INSERT INTO zones (plan_id, division_code, category, tier, name, geom, area_m2)
       SELECT $1::uuid, $2::text, 'basic_farmland', $3::smallint, $4::text, g, ST_Area(g::geography)
         FROM (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326)) AS g) s RETURNING id`,
      [planId, county, tier, key, JSON.stringify(square(zones.findIndex((z) => z[0] === key) * 400, side))],
    )
  const patrol = async (county: string, unit: string) =>
    one(
      `INSERT INTO patrols (division_code, unit_id, external_id, kind, staff, staff_count, started_at, ended_at,
                            points_from, points_to, input_format, crs, content_hash, points_received,
                            points_kept, dropped, reordered, segment_count, length_m, duration_s,
                            counts_for_frequency, metric_srid)
       VALUES ($1::text, $2::uuid, 'p', 'routine', '{}', 2, '2026-01-01T01:00Z', '2026-01-01T02:00Z',
               '2026-01-01T01:00Z', '2026-01-01T02:00Z', 'geojson', 'EPSG:4326', repeat('a', 64), 10, 10,
               '{}', 0, 1, 100, 3600, true, 4545) RETURNING id`,
      [county, unit],
    )
  const patrols = { '510199': await patrol('510199', station), '510198': await patrol('510198', neighbour) }
  // a fixed pseudo-random pattern: weeks with no, one, two and more visits, some not counted
  let seed = 7
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
  for (const [key, , county, tier] of zones)
    for (const day of DAYS) {
      const r = next()
      if (r > 0.35) continue
      await db.query(
        `INSERT INTO zone_visits (patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count,
                                  entered_at, left_at, clipped_length_m, dwell_s, swath_share, qualifies, counted)
         SELECT $1::uuid, $2::uuid, $3::date, $4::text, $5::smallint, unit_id, 'routine', 2,
                $3::date + time '09:00', $3::date + time '09:10', 100, 600, 0.5, true, $6::boolean
           FROM patrols WHERE id = $1::uuid`,
        [
          patrols[county as '510199' | '510198'],
          zone[key],
          day,
          // B's visits filed under a township of the county: any division code under it counts
          key === 'B' ? '510199001' : county,
          tier,
          r > 0.05,
        ],
      )
    }
}, 300_000)
afterAll(async () => ctx?.close())

/** GET /coverage's zone-periods of the county's tier-1 zones, bucketed by period and capped visits. */
async function reference(
  tx: Queryable,
  q: { from: string; to: string; today: string; kind: FrequencyPeriod; required: number },
) {
  const rows = await listZonePeriods(tx, {
    division: '510199',
    from: q.from,
    to: q.to,
    today: q.today,
    periodKinds: [q.kind, 'month', 'month'],
  })
  const buckets = new Map<string, KeyAreaBucketRow>()
  // a zone's attributes come on its first row only
  let zone: ZoneOfPeriods | null = null
  for (const r of rows) {
    zone = r.zone ?? zone
    if (!zone || zone.tier !== 1) continue
    const visits = Math.min(r.visits, q.required)
    const key = `${r.period_start}/${visits}`
    const b = buckets.get(key) ?? {
      period_start: r.period_start,
      open: periodContaining(r.period_start, zone.kind).end > q.today,
      visits,
      area_m2: 0,
      zones: 0,
      short_zone_ids: [],
    }
    b.area_m2 += Math.round(zone.area_m2 * 100) / 100
    b.zones++
    if (r.visits < q.required) b.short_zone_ids.push(zone.zone_id)
    buckets.set(key, b)
  }
  return [...buckets.values()]
    .sort((a, b) =>
      a.period_start < b.period_start ? -1 : a.period_start > b.period_start ? 1 : a.visits - b.visits,
    )
    .map((b) => ({ ...b, short_zone_ids: b.short_zone_ids.sort() }))
}

const CASES = [
  { from: '2026-01-01', to: '2026-03-11', today: '2026-03-11', kind: 'iso_week', required: 2 },
  { from: '2026-01-01', to: '2026-03-11', today: '2026-03-11', kind: 'iso_week', required: 1 },
  { from: '2026-01-01', to: '2026-03-31', today: '2026-04-05', kind: 'month', required: 10 },
  { from: '2026-01-10', to: '2026-02-20', today: '2026-02-19', kind: 'iso_week', required: 3 },
] as const

describe('item 三: key-area zone-periods by period and visits', () => {
  it.each(CASES)('match GET /coverage’s zone-periods ($kind, $required visits, today $today)', async (c) => {
    const { got, want } = await createScopedDb(ctx.db, '510199').transaction(async (tx) => ({
      got: await listKeyAreaBuckets(tx, { division: '510199', ...c }),
      want: await reference(tx, c),
    }))
    expect(want.length).toBeGreaterThan(3)
    expect(got.buckets.map((b) => ({ ...b, area_m2: 0 }))).toEqual(want.map((b) => ({ ...b, area_m2: 0 })))
    got.buckets.forEach((b, i) => expect(b.area_m2).toBeCloseTo(want[i]!.area_m2, 2))
    // the evidence links: each short zone's plan
    for (const id of got.buckets.flatMap((b) => b.short_zone_ids)) expect(got.zone_plans.has(id)).toBe(true)
  })

  it('counts a zone in every period its plan is in force on at least one day, and no other', async () => {
    const zonesIn = async (c: (typeof CASES)[number]) => {
      const { buckets } = await createScopedDb(ctx.db, '510199').transaction((tx) =>
        listKeyAreaBuckets(tx, { ...c, division: '510199' }),
      )
      const out: Record<string, number> = {}
      for (const b of buckets) out[b.period_start] = (out[b.period_start] ?? 0) + b.zones
      return { out, open: buckets.filter((b) => b.open).map((b) => b.period_start) }
    }
    const weeks = await zonesIn(CASES[0])
    expect(weeks.out['2025-12-29']).toBe(1) // G
    expect(weeks.out['2026-01-05']).toBe(3) // G, and A and B from Wednesday 7 January
    expect(weeks.out['2026-01-26']).toBe(3) // G until Saturday 31 January
    expect(weeks.out['2026-02-02']).toBe(2) // A and B
    expect(weeks.out['2026-03-02']).toBe(1) // C (D is tier 2, E a draft's, F the neighbour's)
    expect(new Set(weeks.open)).toEqual(new Set(['2026-03-09']))
    const months = await zonesIn(CASES[2])
    expect(months.out).toEqual({ '2026-01-01': 3, '2026-02-01': 2, '2026-03-01': 3 })
  })
})
