// GET /coverage and GET /gaps over patrols posted through the API: per-period compliance (ISO week
// for tier 1, month for tier 2), the key-area coverage rate, the team's supervision of its station,
// the projection for an open period, and the gaps layer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let device: string
let reader: string
let station: string
let team: string
let stationStaff: string[]
let teamStaff: string[]
const zone: Record<string, string> = {}

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.05 + x * M_LON, 29.92 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

beforeAll(async () => {
  ctx = await createTestContext()
  const planner = await ctx.token('planner', '510199')
  const admin = await ctx.token('admin', '510199')
  device = await ctx.token('device', '510199')
  reader = await ctx.token('supervisor', '510199')
  const api = async (token: string, url: string, payload?: unknown, type?: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    })
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
  station = (await api(admin, '/api/v1/units', { name: '城关所', kind: 'station', division_code: '510199' }))
    .id
  team = (await api(admin, '/api/v1/units', { name: '执法监察大队', kind: 'team', division_code: '510199' }))
    .id
  stationStaff = [
    (await api(admin, '/api/v1/people', { name: '甲', unit_id: station })).id,
    (await api(admin, '/api/v1/people', { name: '乙', unit_id: station })).id,
  ]
  teamStaff = [
    (await api(admin, '/api/v1/people', { name: '丙', unit_id: team })).id,
    (await api(admin, '/api/v1/people', { name: '丁', unit_id: team })).id,
  ]
  const plan = await api(planner, '/api/v1/plans', {
    division_code: '510199',
    name: '方案',
    effective_from: '2026-01-01',
  })
  const features = [
    { name: 'K1', category: 'basic_farmland', geometry: square(0, 0, 400) },
    { name: 'K2', category: 'township_seat', geometry: square(1000, 0, 600) },
    { name: 'G3', category: 'village_surroundings', geometry: square(2000, 0, 500) },
  ]
  const imported = await api(
    planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { name: f.name, category: f.category, unit_id: station },
      })),
    }),
    'application/geo+json',
  )
  for (const z of imported.zones as { id: string; name: string }[]) zone[z.name] = z.id
  await api(planner, `/api/v1/plans/${plan.id}/submit`)
  await api(await ctx.token('supervisor', '510100'), `/api/v1/plans/${plan.id}/file`)

  // W19 (4–10 May): K1 twice, K2 once; W20 (11–17 May): K2 twice; G3 twice in May, plus the team's
  // supervision patrol through G3 in W19.
  const crossings: [string, number, string, 'routine' | 'supervision'][] = [
    ['2026-05-04T01:00:00Z', 200, 'k1-a', 'routine'],
    ['2026-05-06T01:00:00Z', 200, 'k1-b', 'routine'],
    ['2026-05-07T01:00:00Z', 1300, 'k2-a', 'routine'],
    ['2026-05-12T01:00:00Z', 1300, 'k2-b', 'routine'],
    ['2026-05-14T01:00:00Z', 1300, 'k2-c', 'routine'],
    ['2026-05-05T01:00:00Z', 2250, 'g3-a', 'routine'],
    ['2026-05-20T01:00:00Z', 2250, 'g3-b', 'routine'],
    ['2026-05-08T01:00:00Z', 2250, 'g3-team', 'supervision'],
  ]
  for (const [start, x, id, kind] of crossings) await postCrossing(id, start, x, kind)
})
afterAll(async () => ctx?.close())

/** A walk due north across the zone column at x (metres), 700 m at 2 m/s, a fix every 20 s. */
async function postCrossing(id: string, start: string, x: number, kind: 'routine' | 'supervision') {
  const t0 = Date.parse(start)
  const coords: [number, number][] = []
  const times: string[] = []
  for (let i = 0; i <= 17; i++) {
    coords.push(at(x, -50 + i * 40))
    times.push(new Date(t0 + i * 20_000).toISOString())
  }
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/patrols',
    headers: bearer(device),
    payload: {
      external_id: id,
      unit_id: kind === 'supervision' ? team : station,
      staff: kind === 'supervision' ? teamStaff : stationStaff,
      kind,
      track: {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: coords },
        properties: { coordTimes: times },
      },
    },
  })
  expect(res.statusCode, `${id}: ${res.body}`).toBe(201)
  return res.json()
}

interface PeriodOut {
  period: string
  start: string
  required: number
  visits: number
  compliant: boolean
  shortfall: number
  open: boolean
  covered_share: number
  projected_visits: number | null
  projected_shortfall: number | null
}

async function coverage(from: string, to: string) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/coverage?division=510199&from=${from}&to=${to}`,
    headers: bearer(reader),
  })
  expect(res.statusCode, res.body).toBe(200)
  // the route sends its JSON as bytes it encoded itself: still typed as JSON
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
  return res.json()
}

describe('coverage per zone and period', () => {
  it('counts visits per ISO week for tier 1 and per month for tier 2 against the rule set', async () => {
    const body = await coverage('2026-05-04', '2026-05-17')
    const periods = (name: string): PeriodOut[] =>
      body.zones.find((z: { zone_id: string }) => z.zone_id === zone[name]).periods
    expect(periods('K1').map((p) => [p.period, p.required, p.visits, p.compliant, p.shortfall])).toEqual([
      ['2026-W19', 2, 2, true, 0],
      ['2026-W20', 2, 0, false, 2],
    ])
    expect(periods('K2').map((p) => [p.period, p.visits, p.compliant, p.shortfall])).toEqual([
      ['2026-W19', 1, false, 1],
      ['2026-W20', 2, true, 0],
    ])
    // the month is counted whole, including the 20 May patrol after the span's end
    expect(periods('G3').map((p) => [p.period, p.required, p.visits, p.compliant, p.shortfall])).toEqual([
      ['2026-05', 5, 3, false, 2],
    ])
    // a 100 m swath down a 400 m square, twice along the same line: a quarter, not a half
    const k1 = periods('K1')[0]!
    expect(k1.covered_share).toBeGreaterThan(0.24)
    expect(k1.covered_share).toBeLessThan(0.27)
    expect(periods('K1')[1]!.covered_share).toBe(0)
  })

  it('summarises the key-area coverage rate, compliance by tier and the supervision of the station', async () => {
    const body = await coverage('2026-05-04', '2026-05-17')
    // W19: K1 compliant, K2 not; W20 the reverse: area-weighted, then averaged over the weeks = ½ exactly
    expect(body.summary.key_area_coverage_rate).toBe(0.5)
    expect(body.summary.key_area_periods.map((p: { rate: number }) => p.rate)).toEqual([
      expect.closeTo(400 ** 2 / (400 ** 2 + 600 ** 2), 2),
      expect.closeTo(600 ** 2 / (400 ** 2 + 600 ** 2), 2),
    ])
    expect(body.summary.by_tier['1']).toMatchObject({
      zones: 2,
      zone_periods: 4,
      closed: 4,
      compliant: 2,
      compliance_rate: 0.5,
    })
    expect(body.summary.by_tier['2']).toMatchObject({ zones: 1, zone_periods: 1, compliant: 0 })
    const supervision = body.summary.supervision.stations.find(
      (s: { unit_id: string }) => s.unit_id === station,
    )
    expect(
      supervision.weeks.map((w: { week: string; patrols: number; compliant: boolean }) => [
        w.week,
        w.patrols,
        w.compliant,
      ]),
    ).toEqual([
      ['2026-W19', 1, true],
      ['2026-W20', 0, false],
    ])
    expect(body.summary.supervision.compliance_rate).toBe(0.5)
  })

  it('projects an open period from the pace so far', async () => {
    const now = Date.now()
    const start = new Date(now - 400_000).toISOString()
    await postCrossing('k1-today', start, 200, 'routine')
    const today = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10)
    const body = await coverage(today, today)
    const current: PeriodOut = body.zones.find((z: { zone_id: string }) => z.zone_id === zone.K1).periods[0]
    expect(current.open).toBe(true)
    expect(current.visits).toBe(1)
    expect(current.shortfall).toBe(1)
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7
    const projected = (1 * 7) / (weekday + 1)
    expect(current.projected_visits).toBeCloseTo(projected, 2)
    expect(current.projected_shortfall).toBe(Math.max(0, 2 - Math.floor(projected)))
  })
})

describe('gaps', () => {
  it('lists each short zone-period with its shortfall and outline', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/gaps?division=510199&from=2026-05-04&to=2026-05-17',
      headers: bearer(reader),
    })
    expect(res.statusCode, res.body).toBe(200)
    const fc = res.json()
    expect(fc.type).toBe('FeatureCollection')
    const short = fc.features.map(
      (f: { properties: { name: string; period: string; shortfall: number } }) => [
        f.properties.name,
        f.properties.period,
        f.properties.shortfall,
      ],
    )
    expect(short.sort()).toEqual([
      ['G3', '2026-05', 2],
      ['K1', '2026-W20', 2],
      ['K2', '2026-W19', 1],
    ])
    expect(fc.features.every((f: { geometry: { type: string } }) => f.geometry.type === 'MultiPolygon')).toBe(
      true,
    )
  })
})
