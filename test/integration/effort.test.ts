// GET /effort: km, hours and person-hours per unit, person and zone, from the stored cleaned segments
// and zone visits, against numbers worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let reader: string
const id: Record<string, string> = {}

// Tracks run due north along 104.01°E from 29.95°N in steps of 0.001° of latitude.
const LON = 104.01
const LAT0 = 29.95
const STEP = 0.001
// haversine on the sphere of radius 6 371 008.8 m: one step = R·0.001·π/180 = 111.1950 m
const STEP_M = (6_371_008.8 * STEP * Math.PI) / 180
// The zone spans 0.002° of latitude; inside it, lengths are measured in the county's Gauss–Krüger
// zone (CM 105°E): the meridian arc on GRS80 at 29.95°N, M·Δφ, times the scale factor there,
// 1 + (Δλ·cos φ)²/2 with Δλ = 0.99° — about 221.72 m.
const ZONE_M = (() => {
  const a = 6_378_137
  const e2 = 0.0066943800229
  const phi = ((LAT0 + 0.0025) * Math.PI) / 180
  const M = (a * (1 - e2)) / Math.pow(1 - e2 * Math.sin(phi) ** 2, 1.5)
  const k = 1 + (((0.99 * Math.PI) / 180) ** 2 * Math.cos(phi) ** 2) / 2
  return M * ((0.002 * Math.PI) / 180) * k
})()

/** Fixes every `dt` seconds from step `i0` to `i1` (inclusive) from t0. */
function run(i0: number, i1: number, t0: number, dt: number) {
  const coords: [number, number][] = []
  const times: string[] = []
  for (let i = i0; i <= i1; i++) {
    coords.push([LON, LAT0 + i * STEP])
    times.push(new Date(t0 + (i - i0) * dt * 1000).toISOString())
  }
  return { coords, times }
}

beforeAll(async () => {
  ctx = await createTestContext()
  const planner = await ctx.token('planner', '510199')
  const admin = await ctx.token('admin', '510199')
  const device = await ctx.token('device', '510199')
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
  id.A = (await api(admin, '/api/v1/units', { name: '甲所', kind: 'station', division_code: '510199' })).id
  id.B = (await api(admin, '/api/v1/units', { name: '乙队', kind: 'team', division_code: '510199' })).id
  for (const [p, unit] of [
    ['a1', 'A'],
    ['a2', 'A'],
    ['b1', 'B'],
    ['b2', 'B'],
  ] as const)
    id[p] = (await api(admin, '/api/v1/people', { name: p, unit_id: id[unit] })).id

  const plan = await api(planner, '/api/v1/plans', {
    division_code: '510199',
    name: '方案',
    effective_from: '2026-01-01',
  })
  // the zone: latitude 29.9515–29.9535, a little either side of the tracks
  const [s, n, w, e] = [LAT0 + 0.0015, LAT0 + 0.0035, LON - 0.002, LON + 0.002]
  const imported = await api(
    planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, n],
            [w, n],
            [w, s],
          ],
        ],
      },
      properties: { name: 'Z', category: 'basic_farmland', unit_id: id.A },
    }),
    'application/geo+json',
  )
  id.Z = imported.zones[0].id
  await api(planner, `/api/v1/plans/${plan.id}/submit`)
  await api(await ctx.token('supervisor', '510100'), `/api/v1/plans/${plan.id}/file`)

  const post = async (
    external_id: string,
    unit: string,
    staff: string[],
    parts: ReturnType<typeof run>[],
  ) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/patrols',
      headers: bearer(device),
      payload: {
        external_id,
        unit_id: unit,
        staff,
        kind: 'routine',
        track: {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: parts.flatMap((p) => p.coords) },
          properties: { coordTimes: parts.flatMap((p) => p.times) },
        },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().segments).toBe(parts.length)
  }
  const t0 = Date.parse('2026-05-04T01:00:00Z')
  // P1, unit A, a1 + a2: steps 0–5 a fix every 30 s (5 legs, 150 s), a 20-minute gap (a new segment),
  // then steps 8–11 every 30 s (3 legs, 90 s)
  await post('p1', id.A!, [id.a1!, id.a2!], [run(0, 5, t0, 30), run(8, 11, t0 + 150_000 + 1_200_000, 30)])
  // P2, unit B, b1 + b2 + a2: steps 0–10 a fix every 60 s (10 legs, 600 s)
  await post('p2', id.B!, [id.b1!, id.b2!, id.a2!], [run(0, 10, t0 + 3_600_000, 60)])
})
afterAll(async () => ctx?.close())

interface Item {
  id: string
  name: string
  patrols: number
  km: number
  hours: number
  person_hours: number
}

async function effort(query: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/effort?${query}`, headers: bearer(reader) })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { items: Item[]; total: Omit<Item, 'id' | 'name'> }
}

const close = (got: number, want: number, rel = 0.002) =>
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(Math.max(0.0011, want * rel))

describe('GET /effort', () => {
  // by hand: P1 = 8 steps = 889.56 m, 240 s (the gap is not patrol time), 2 staff → 480 person-s;
  //          P2 = 10 steps = 1111.95 m, 600 s, 3 staff → 1800 person-s
  const p1 = { km: (8 * STEP_M) / 1000, h: 240 / 3600 }
  const p2 = { km: (10 * STEP_M) / 1000, h: 600 / 3600 }

  it('by unit: each unit’s patrols, person-hours = hours × staff', async () => {
    const body = await effort('division=510199&from=2026-05-01&to=2026-05-31&by=unit')
    const a = body.items.find((i) => i.id === id.A)!
    const b = body.items.find((i) => i.id === id.B)!
    expect([a.patrols, b.patrols]).toEqual([1, 1])
    close(a.km, p1.km)
    close(a.hours, p1.h)
    close(a.person_hours, 2 * p1.h)
    close(b.km, p2.km)
    close(b.hours, p2.h)
    close(b.person_hours, 3 * p2.h)
    // the county: 2 patrols, 2.0015 km, 0.2333 h, 0.1333 + 0.5 = 0.6333 person-hours
    expect(body.total.patrols).toBe(2)
    close(body.total.km, p1.km + p2.km)
    close(body.total.hours, p1.h + p2.h)
    close(body.total.person_hours, 2 * p1.h + 3 * p2.h)
  })

  it('by person: each person is credited with the patrols they were on', async () => {
    const body = await effort('division=510199&from=2026-05-01&to=2026-05-31&by=person')
    const of = (p: string) => body.items.find((i) => i.id === id[p])!
    expect(of('a1').patrols).toBe(1)
    close(of('a1').km, p1.km)
    close(of('a1').person_hours, p1.h)
    // a2 went on both
    expect(of('a2').patrols).toBe(2)
    close(of('a2').km, p1.km + p2.km)
    close(of('a2').hours, p1.h + p2.h)
    close(of('a2').person_hours, p1.h + p2.h)
    close(of('b1').km, p2.km)
    close(of('b2').hours, p2.h)
    // the person-hours of everyone add up to the county's
    close(
      body.items.reduce((s, i) => s + i.person_hours, 0),
      2 * p1.h + 3 * p2.h,
    )
  })

  it('by zone: the length and time inside the zone', async () => {
    const body = await effort('division=510199&from=2026-05-01&to=2026-05-31&by=zone')
    expect(body.items.length).toBe(1)
    const z = body.items[0]!
    expect(z.id).toBe(id.Z)
    expect(z.patrols).toBe(2)
    // both tracks cross the zone's 0.002° (≈ 221.72 m): P1 in 2 legs of 30 s = 60 s with 2 staff,
    // P2 in 2 legs of 60 s = 120 s with 3 staff
    close(z.km, (2 * ZONE_M) / 1000, 0.005)
    close(z.hours, 180 / 3600, 0.005)
    close(z.person_hours, (60 * 2 + 120 * 3) / 3600, 0.005)
  })

  it('leaves out what falls outside the span, and what the caller may not see', async () => {
    const before = await effort('division=510199&from=2026-05-01&to=2026-05-03&by=unit')
    expect(before.items).toEqual([])
    expect(before.total).toEqual({ patrols: 0, km: 0, hours: 0, person_hours: 0 })
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/effort?division=510199&from=2026-05-01&to=2026-05-31&by=person',
      headers: bearer(await ctx.token('viewer', '510198')),
    })
    expect(res.json().items).toEqual([])
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/effort?by=township',
      headers: bearer(reader),
    })
    expect(bad.statusCode).toBe(400)
  })
})
