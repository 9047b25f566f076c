// Road-length share of road zones in GET /coverage: the share of the zone's centre line within the
// sight radius (50 m) of the period's counted tracks, checked by hand and against turf (the road
// sampled every metre, each sample tested against the union of the tracks' 50 m buffers).
import { along, booleanPointInPolygon, buffer, length, lineString } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let device: string
let reader: string
let station: string
let staff: string[]
const zone: Record<string, string> = {}

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.0 + x * M_LON, 29.95 + y * M_LAT]
// a rural road due east, 1000 m; a main road due north 800 m, far from every track
const RURAL: [number, number][] = [at(0, 0), at(500, 0), at(1000, 0)]
const MAIN: [number, number][] = [at(3000, 0), at(3000, 800)]

/** A drive due east along y from x0 to x1, a fix every 5 s at 10 m/s. */
function drive(x0: number, x1: number, y: number): [number, number][] {
  const out: [number, number][] = []
  for (let x = x0; x <= x1; x += 50) out.push(at(x, y))
  return out
}
const P1 = drive(-100, 500, 10)
const P2 = drive(400, 750, -20)
const LONE = drive(800, 1000, 0)

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
  staff = [
    (await api(admin, '/api/v1/people', { name: '甲', unit_id: station })).id,
    (await api(admin, '/api/v1/people', { name: '乙', unit_id: station })).id,
  ]
  const plan = await api(planner, '/api/v1/plans', {
    division_code: '510199',
    name: '方案',
    effective_from: '2026-01-01',
  })
  await api(planner, `/api/v1/plans/${plan.id}/roads`, {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { road_class: 'rural', name: 'X001' },
        geometry: { type: 'LineString', coordinates: RURAL },
      },
      {
        type: 'Feature',
        properties: { road_class: 'main', name: 'G108' },
        geometry: { type: 'LineString', coordinates: MAIN },
      },
    ],
  })
  const square = [at(0, 300), at(400, 300), at(400, 700), at(0, 700), at(0, 300)]
  await api(
    planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [square] },
      properties: { name: 'F1', category: 'basic_farmland', unit_id: station },
    }),
    'application/geo+json',
  )
  await api(planner, `/api/v1/plans/${plan.id}/submit`)
  await api(await ctx.token('supervisor', '510100'), `/api/v1/plans/${plan.id}/file`)
  const zones = await ctx.app.inject({
    method: 'GET',
    url: '/api/v1/zones?division=510199&at=2026-05-10',
    headers: bearer(reader),
  })
  for (const f of zones.json().features as { id?: string; properties: { id?: string; name: string } }[])
    zone[f.properties.name] = (f.properties.id ?? f.id)!

  await post('p1', '2026-05-04T01:00:00Z', P1, staff)
  await post('p2', '2026-05-06T01:00:00Z', P2, staff)
  // one person: recorded, not counted, so its swath is not coverage
  await post('lone', '2026-05-07T01:00:00Z', LONE, staff.slice(0, 1))
})
afterAll(async () => ctx?.close())

async function post(id: string, start: string, coords: [number, number][], people: string[]) {
  const t0 = Date.parse(start)
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/patrols',
    headers: bearer(device),
    payload: {
      external_id: id,
      unit_id: station,
      staff: people,
      kind: 'routine',
      track: {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: coords },
        properties: { coordTimes: coords.map((_, i) => new Date(t0 + i * 5_000).toISOString()) },
      },
    },
  })
  expect(res.statusCode, `${id}: ${res.body}`).toBe(201)
}

/** Share of the road within r metres of any track: the road sampled every metre (turf, geodesic). */
function turfRoadShare(road: [number, number][], tracks: [number, number][][], r: number): number {
  const line = lineString(road)
  const swaths = tracks.map(
    (t) => buffer(lineString(t), r, { units: 'meters', steps: 64 }) as Feature<Polygon | MultiPolygon>,
  )
  const km = length(line, { units: 'kilometers' })
  const n = Math.round(km * 1000)
  let seen = 0
  for (let i = 0; i < n; i++) {
    const p = along(line, ((i + 0.5) / n) * km, { units: 'kilometers' })
    if (swaths.some((s) => booleanPointInPolygon(p, s))) seen++
  }
  return seen / n
}

describe('road-length share in GET /coverage', () => {
  it('is the share of the centre line within sight of the period’s counted tracks', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/coverage?division=510199&from=2026-05-01&to=2026-05-31',
      headers: bearer(reader),
    })
    expect(res.statusCode, res.body).toBe(200)
    const byId = new Map(
      (
        res.json().zones as {
          zone_id: string
          category: string
          road_share: number | null
          periods: { road_share: number | null }[]
        }[]
      ).map((z) => [z.zone_id, z]),
    )
    const rural = byId.get(zone.X001!)!
    expect(rural.category).toBe('rural_road')
    // by hand, in metres along the road (x): P1 drives 10 m off the line from −100 to 500, so it sees
    // [0, 500 + √(50² − 10²)] = [0, 548.99]; P2 drives 20 m off from 400 to 750 and sees
    // [400 − √(50² − 20²), 750 + 45.83] = [354.17, 795.83]; together [0, 795.83] of 1000 m → 0.7958.
    // The one-person drive over [800, 1000] does not count.
    const expected = turfRoadShare(RURAL, [P1, P2], 50)
    expect(expected).toBeCloseTo(0.7958, 2)
    expect(rural.periods.length).toBe(1)
    expect(Math.abs(rural.periods[0]!.road_share! - expected)).toBeLessThan(0.01)
    expect(rural.road_share).toBe(rural.periods[0]!.road_share)

    // a road zone no track came near has a share of 0; a zone that is not a road has none
    expect(byId.get(zone.G108!)!.road_share).toBe(0)
    expect(byId.get(zone.F1!)!.road_share).toBeNull()
  })

  it('is 0 in a period without patrols', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/coverage?division=510199&from=2026-04-01&to=2026-04-30',
      headers: bearer(reader),
    })
    const rural = (res.json().zones as { zone_id: string; road_share: number | null }[]).find(
      (z) => z.zone_id === zone.X001,
    )!
    expect(rural.road_share).toBe(0)
  })
})
