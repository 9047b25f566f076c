// The product's coverage read (GET /coverage) checked against the naive baseline
// (scripts/bench/naive-coverage.ts: plain buffer → union → intersect over the kept raw fixes, written
// apart from the matching path) on the edges where the two could part: walks across Beijing midnight
// inside a zone (on a weekday, at the month's end, at the ISO week's end), a patrol of one person,
// and a plan changed in the middle of a week (a zone grown from Thursday 29 October).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { naiveCoverage, type NaiveZonePeriod } from '../../scripts/bench/naive-coverage.js'
import { fileCounty } from './support/county-fixture.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const ORIGIN = { lon: 104.0, lat: 30.02 }
const at = (x: number, y: number): [number, number] => [ORIGIN.lon + x * M_LON, ORIGIN.lat + y * M_LAT]
const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ].map(([x, y]) => at(x!, y!)),
  ],
})

const ZONES = [
  { name: 'A', category: 'basic_farmland', geometry: box(0, 0, 800, 800) },
  { name: 'B', category: 'hotspot', geometry: box(1200, 200, 1800, 600) },
  { name: 'C', category: 'other_farmland', geometry: box(1200, 1300, 1800, 1700) },
  { name: 'D', category: 'other', geometry: box(0, 1200, 800, 1800) },
  { name: 'E', category: 'hotspot', geometry: box(0, 2300, 200, 2500) },
]
/** From Thursday 29 October: A grown 200 m north. */
const NEW_FROM = '2026-10-29'
const NEW_ZONES = [{ ...ZONES[0]!, geometry: box(0, 0, 800, 1000) }, ...ZONES.slice(1)]

/**
 * A walk due east along y at 1.5 m/s from x = -100 to 2100, a fix every 20 s (30 m), from `start`
 * (UTC); or a drive at 500 m a minute, a fix a minute, from x = -1150.
 */
const walk = (id: string, start: string, y: number, staff = 2, drive = false) => ({
  id,
  start,
  y,
  staff,
  drive,
})
const PATROLS = [
  // Tuesday 27 → Wednesday 28 October 23:42 Beijing: at midnight in B (x ≈ 1520)
  walk('midnight-weekday', '2026-10-27T15:42:10Z', 400),
  // Saturday 31 October → Sunday 1 November: the month changes in C
  walk('midnight-month', '2026-10-31T15:42:10Z', 1500),
  // Sunday 1 → Monday 2 November: the ISO week changes in B
  walk('midnight-week', '2026-11-01T15:42:10Z', 420),
  // one person, daytime across A and B: recorded, not counted
  walk('solo', '2026-10-28T02:00:00Z', 300, 1),
  // Friday 30 October across A's grown part (y = 900: outside the old A, inside the new) and over D
  walk('grown', '2026-10-30T02:00:00Z', 920),
  // Wednesday 28 October along the same line: the old A (in force then) does not reach it
  walk('not-yet-grown', '2026-10-28T06:00:00Z', 920),
  // Tuesday 27 October across D
  walk('daytime-d', '2026-10-27T03:00:00Z', 1500),
  // Tuesday 27 → Wednesday 28 October: one leg, 23:59:30 at x = -150 to 00:00:30 at x = 350, spans
  // the small E with no fix inside it; at midnight (x = 100) it is in E, so E is crossed on both days
  walk('midnight-leg', '2026-10-27T15:57:30Z', 2400, 2, true),
]

function track(p: (typeof PATROLS)[number]) {
  const coords: [number, number][] = []
  const times: string[] = []
  const t0 = Date.parse(p.start)
  const [x0, dx, dt] = p.drive ? [-1150, 500, 60_000] : [-100, 30, 20_000]
  for (let i = 0; x0 + i * dx <= 2100; i++) {
    coords.push(at(x0 + i * dx, p.y))
    times.push(new Date(t0 + i * dt).toISOString())
  }
  return { coords, times }
}

interface ProductZone {
  zone_id: string
  name: string
  periods: { start: string; visits: number; covered_share: number }[]
}
let product: ProductZone[]
let naive: Map<string, NaiveZonePeriod>
let naiveSharded: Map<string, NaiveZonePeriod>

beforeAll(async () => {
  ctx = await createTestContext()
  const county = await fileCounty(ctx, {
    station: '所',
    people: ['甲', '乙'],
    plans: [
      { name: '方案', effective_from: '2026-01-01', zones: ZONES },
      { name: '新方案', effective_from: NEW_FROM, zones: NEW_ZONES },
    ],
  })
  const { device, staff } = county
  const unitId = county.station
  const reader = await ctx.token('viewer', '510199')
  for (const p of PATROLS) {
    const t = track(p)
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/patrols',
      headers: bearer(device),
      payload: {
        external_id: p.id,
        unit_id: unitId,
        staff: staff.slice(0, p.staff),
        kind: 'routine',
        track: {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: t.coords },
          properties: { coordTimes: t.times },
        },
      },
    })
    expect(res.statusCode, `${p.id}: ${res.body}`).toBe(201)
  }
  const res = await ctx.app.inject({
    method: 'GET',
    url: '/api/v1/coverage?division=510199&from=2026-10-26&to=2026-11-08',
    headers: bearer(reader),
  })
  expect(res.statusCode, res.body).toBe(200)
  product = res.json().zones
  const scoped = createScopedDb(ctx.db, '510199')
  const q = { county: '510199', from: '2026-10-01', to: '2026-12-01' }
  naive = await naiveCoverage(scoped, q)
  naiveSharded = await naiveCoverage(scoped, { ...q, shards: 3 })
}, 240_000)
afterAll(async () => ctx?.close())

const figures = (name: string, start: string) => {
  const zones = product.filter((z) => z.name === name)
  const p = zones.flatMap((z) => z.periods.filter((p) => p.start === start).map((p) => ({ z, p })))
  return p.map(({ z, p }) => ({ product: p, naive: naive.get(`${z.zone_id}/${start}`) }))
}

describe('the coverage read agrees with the naive buffer–union–intersect', () => {
  it('every zone-period: visits equal, swath share within 0.5 percentage point', () => {
    let n = 0
    for (const z of product)
      for (const p of z.periods) {
        const v = naive.get(`${z.zone_id}/${p.start}`) ?? { visits: 0, share: 0 }
        expect(p.visits, `${z.name} ${p.start} visits`).toBe(v.visits)
        expect(Math.abs(p.covered_share - v.share), `${z.name} ${p.start} share`).toBeLessThan(0.005)
        n++
      }
    // the new plan's zones are new rows: in the week of 26 October and in October both plans' A, B,
    // C and D are listed (each for its days in force), later only the new plan's
    expect(n).toBe(5 * 2 + 5)
    // and nothing the naive saw is missing from the read
    const listed = new Set(product.flatMap((z) => z.periods.map((p) => `${z.zone_id}/${p.start}`)))
    for (const [k, v] of naive) if (v.period_start >= '2026-10-26') expect(listed.has(k), k).toBe(true)
  })

  it('the cases are not vacuous: midnight walks count on both days, in both weeks and both months', () => {
    const visits = (name: string, start: string) =>
      figures(name, start)
        .map((f) => f.product.visits)
        .sort()
    // B: the old zone (to 28 October) on Tuesday and Wednesday (the weekday walk across midnight), the
    // new one on Sunday 1 and Monday 2 November (the week walk); the solo walk never counts
    expect(visits('B', '2026-10-26')).toEqual([1, 2])
    expect(visits('B', '2026-11-02')).toEqual([1])
    // C: the month walk on Saturday 31 October and Sunday 1 November (the new zone), the old on the 27th
    expect(visits('C', '2026-10-01')).toEqual([1, 1])
    expect(visits('C', '2026-11-01')).toEqual([1])
    // A: the old zone (to 28 October) is not reached by the walks at y = 920, the grown one is (30th)
    expect(visits('A', '2026-10-26')).toEqual([1, 2])
    expect(visits('D', '2026-10-01')).toEqual([1, 1])
    // E: only the leg across midnight reaches it, and it counts on both days (old E; the new one none)
    expect(visits('E', '2026-10-26')).toEqual([0, 2])
    // and the naive saw the same
    for (const [name, start] of [
      ['B', '2026-10-26'],
      ['B', '2026-11-02'],
      ['C', '2026-11-01'],
      ['E', '2026-10-26'],
    ] as const)
      for (const f of figures(name, start)) expect(f.naive?.visits ?? 0).toBe(f.product.visits)
  })

  it('the sharded naive run gives the same figures as the single query', () => {
    expect([...naiveSharded.keys()].sort()).toEqual([...naive.keys()].sort())
    for (const [k, v] of naive) {
      const s = naiveSharded.get(k)!
      expect(s.visits, k).toBe(v.visits)
      expect(Math.abs(s.share - v.share), k).toBeLessThan(1e-9)
    }
  })
})
