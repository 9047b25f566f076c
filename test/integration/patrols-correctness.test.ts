// Matching checked against an independent computation: Turf (a different geometry engine, on the
// sphere, with its own buffer) decides for each synthetic patrol which zones it visited — the track
// crosses the zone and either its 50 m buffer covers ≥ 5 % of the zone or it stays inside ≥ 180 s,
// the time inside found by sampling every second — and how much of each zone the week's (or month's)
// counted patrols saw: area(zone ∩ union of 50 m buffers) / area(zone).
import {
  area,
  booleanIntersects,
  booleanPointInPolygon,
  buffer,
  featureCollection,
  intersect,
  lineString,
  point,
  union,
} from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let device: string
let reader: string
let unitId: string
let staff: string[]

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const ORIGIN = { lon: 104.0, lat: 30.02 }
const at = (x: number, y: number): [number, number] => [ORIGIN.lon + x * M_LON, ORIGIN.lat + y * M_LAT]
const ring = (pts: [number, number][]) => [...pts, pts[0]!].map(([x, y]) => at(x, y))

const ZONES: { name: string; category: string; geometry: Polygon }[] = [
  {
    name: 'A square',
    category: 'basic_farmland',
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([
          [0, 0],
          [800, 0],
          [800, 800],
          [0, 800],
        ]),
      ],
    },
  },
  {
    name: 'B with a hole',
    category: 'urban_fringe',
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([
          [1200, 0],
          [2200, 0],
          [2200, 1000],
          [1200, 1000],
        ]),
        ring([
          [1500, 300],
          [1500, 700],
          [1900, 700],
          [1900, 300],
        ]),
      ],
    },
  },
  {
    name: 'C triangle',
    category: 'other_farmland',
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([
          [2600, 0],
          [3600, 0],
          [3100, 900],
        ]),
      ],
    },
  },
  {
    name: 'D diagonal strip',
    category: 'hotspot',
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([
          [0, 1200],
          [20, 1200],
          [1020, 2200],
          [1000, 2200],
        ]),
      ],
    },
  },
  {
    name: 'E large',
    category: 'other',
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([
          [-500, 2500],
          [4000, 2500],
          [4000, 3500],
          [-500, 3500],
        ]),
      ],
    },
  },
]

interface Patrol {
  id: string
  staff: number
  vertices: [number, number][]
  start: string
  speed: number
  stepS: number
}

// One ISO week (2026-W20, Monday 11 May) of patrols; times are Beijing mornings.
const PATROLS: Patrol[] = [
  // through A, through B's ring and across its hole, through C
  {
    id: 'p1-line',
    staff: 2,
    vertices: [
      [-200, 400],
      [3800, 400],
    ],
    start: '2026-05-11T01:00:00Z',
    speed: 8,
    stepS: 15,
  },
  // slow sweeps over A
  {
    id: 'p2-sweep',
    staff: 2,
    vertices: [
      [100, -100],
      [100, 700],
      [300, 700],
      [300, 100],
      [500, 100],
      [500, 700],
      [700, 700],
      [700, -100],
    ],
    start: '2026-05-12T01:00:00Z',
    speed: 1.5,
    stepS: 5,
  },
  // along A's south edge 30 m outside (sees A, never enters), then across the diagonal strip D
  {
    id: 'p3-edge',
    staff: 2,
    vertices: [
      [-100, -30],
      [900, -30],
      [900, 1500],
      [100, 1900],
    ],
    start: '2026-05-13T01:00:00Z',
    speed: 4,
    stepS: 10,
  },
  // one person: recorded, not counted, and not in the coverage figures
  {
    id: 'p4-solo',
    staff: 1,
    vertices: [
      [400, -200],
      [400, 1000],
      [3100, 300],
    ],
    start: '2026-05-14T01:00:00Z',
    speed: 5,
    stepS: 10,
  },
  // a loop inside B's hole, 30 m from its edges: B is seen but never entered
  {
    id: 'p5-hole',
    staff: 2,
    vertices: [
      [1530, 330],
      [1870, 330],
      [1870, 670],
      [1530, 670],
      [1530, 340],
    ],
    start: '2026-05-15T01:00:00Z',
    speed: 2,
    stepS: 10,
  },
  // fast across E (share < 5 %, under a minute and a half inside): crosses, no visit; fixes 720 m apart
  {
    id: 'p6-fast',
    staff: 2,
    vertices: [
      [2000, 2000],
      [2000, 4000],
    ],
    start: '2026-05-16T01:00:00Z',
    speed: 12,
    stepS: 60,
  },
  // slowly across E: share still < 5 % but over 3 minutes inside, a visit by dwell time
  {
    id: 'p7-slow',
    staff: 2,
    vertices: [
      [3000, 2000],
      [3000, 4000],
    ],
    start: '2026-05-17T01:00:00Z',
    speed: 2,
    stepS: 30,
  },
]

const zoneIds: Record<string, string> = {}
const responses: Record<string, { visits: { zone_id: string; counted: boolean; covered_share: number }[] }> =
  {}

function track(p: Patrol) {
  const coords: [number, number][] = []
  const times: number[] = []
  let t = Date.parse(p.start)
  let carry = 0
  for (let i = 1; i < p.vertices.length; i++) {
    const [x0, y0] = p.vertices[i - 1]!
    const [x1, y1] = p.vertices[i]!
    const len = Math.hypot(x1 - x0, y1 - y0)
    let d = carry
    for (; d < len; d += p.speed * p.stepS) {
      coords.push(at(x0 + ((x1 - x0) * d) / len, y0 + ((y1 - y0) * d) / len))
      times.push(t)
      t += p.stepS * 1000
    }
    carry = d - len
  }
  const [xl, yl] = p.vertices[p.vertices.length - 1]!
  coords.push(at(xl, yl))
  times.push(t)
  return { coords, times }
}

beforeAll(async () => {
  ctx = await createTestContext()
  const planner = await ctx.token('planner', '510199')
  const admin = await ctx.token('admin', '510199')
  device = await ctx.token('device', '510199')
  reader = await ctx.token('viewer', '510199')
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
  unitId = (await api(admin, '/api/v1/units', { name: '所', kind: 'station', division_code: '510199' })).id
  staff = [
    (await api(admin, '/api/v1/people', { name: '甲', unit_id: unitId })).id,
    (await api(admin, '/api/v1/people', { name: '乙', unit_id: unitId })).id,
  ]
  const plan = await api(planner, '/api/v1/plans', {
    division_code: '510199',
    name: '方案',
    effective_from: '2026-01-01',
  })
  const imported = await api(
    planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'FeatureCollection',
      features: ZONES.map((z) => ({
        type: 'Feature',
        geometry: z.geometry,
        properties: { name: z.name, category: z.category },
      })),
    }),
    'application/geo+json',
  )
  for (const z of imported.zones as { id: string; name: string }[]) zoneIds[z.name] = z.id
  await api(planner, `/api/v1/plans/${plan.id}/submit`)
  await api(await ctx.token('supervisor', '510100'), `/api/v1/plans/${plan.id}/file`)

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
          properties: { coordTimes: t.times.map((x) => new Date(x).toISOString()) },
        },
      },
    })
    expect(res.statusCode, `${p.id}: ${res.body}`).toBe(201)
    responses[p.id] = res.json()
  }
})
afterAll(async () => ctx?.close())

// ---- the independent computation -------------------------------------------------------------

const swathOf = (p: Patrol) =>
  buffer(lineString(track(p).coords), 50, { units: 'meters', steps: 16 }) as Feature<Polygon | MultiPolygon>

function sharedArea(a: Feature<Polygon | MultiPolygon>, zone: Polygon): number {
  const clip = intersect(featureCollection([a, { type: 'Feature', geometry: zone, properties: {} }]))
  return clip ? area(clip) : 0
}

/** Seconds inside the zone, sampled every second along each leg at constant speed. */
function secondsInside(p: Patrol, zone: Polygon): number {
  const { coords, times } = track(p)
  let inside = 0
  for (let i = 1; i < coords.length; i++) {
    const [a, b] = [coords[i - 1]!, coords[i]!]
    const seconds = (times[i]! - times[i - 1]!) / 1000
    for (let s = 0.5; s < seconds; s++) {
      const f = s / seconds
      if (booleanPointInPolygon(point([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]), zone)) inside++
    }
  }
  return inside
}

interface Expected {
  crossed: boolean
  share: number
  dwell: number
  visit: boolean
}

function expectedFor(p: Patrol, zone: Polygon): Expected {
  const crossed = booleanIntersects(lineString(track(p).coords), zone)
  const share = sharedArea(swathOf(p), zone) / area(zone)
  const dwell = secondsInside(p, zone)
  return { crossed, share, dwell, visit: crossed && (share >= 0.05 || dwell >= 180) }
}

describe('visits and swath coverage agree with an independent Turf computation', () => {
  it('the synthetic patrols are decisive (no share or dwell time near its threshold)', () => {
    for (const p of PATROLS)
      for (const z of ZONES) {
        const e = expectedFor(p, z.geometry)
        if (!e.crossed) continue
        expect(Math.abs(e.share - 0.05), `${p.id} ${z.name} share ${e.share}`).toBeGreaterThan(0.01)
        expect(Math.abs(e.dwell - 180), `${p.id} ${z.name} dwell ${e.dwell}`).toBeGreaterThan(15)
      }
  })

  it('each patrol visits exactly the zones Turf says it visits, with about the same swath share', () => {
    let visits = 0
    for (const p of PATROLS) {
      const got = responses[p.id]!.visits
      const expected = ZONES.filter((z) => expectedFor(p, z.geometry).visit)
      expect(got.map((v) => v.zone_id).sort(), p.id).toEqual(expected.map((z) => zoneIds[z.name]).sort())
      for (const z of expected) {
        const v = got.find((g) => g.zone_id === zoneIds[z.name])!
        expect(
          Math.abs(v.covered_share - expectedFor(p, z.geometry).share),
          `${p.id} ${z.name}`,
        ).toBeLessThan(0.01)
        expect(v.counted).toBe(p.staff >= 2)
        visits++
      }
    }
    // the cases above are not vacuous: hole, edge, fast and slow crossings all occur
    expect(visits).toBeGreaterThanOrEqual(7)
    expect(expectedFor(PATROLS[2]!, ZONES[0]!.geometry)).toMatchObject({ crossed: false })
    expect(expectedFor(PATROLS[4]!, ZONES[1]!.geometry)).toMatchObject({ crossed: false })
    expect(expectedFor(PATROLS[5]!, ZONES[4]!.geometry)).toMatchObject({ crossed: true, visit: false })
    expect(expectedFor(PATROLS[6]!, ZONES[4]!.geometry)).toMatchObject({ crossed: true, visit: true })
  })

  it('each zone’s period coverage is the union of counted patrols’ swaths, within 1 percentage point', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/coverage?division=510199&from=2026-05-11&to=2026-05-17',
      headers: bearer(reader),
    })
    expect(res.statusCode, res.body).toBe(200)
    const counted = PATROLS.filter((p) => p.staff >= 2)
    const swaths = counted.map(swathOf)
    const swathUnion = union(featureCollection(swaths)) as Feature<Polygon | MultiPolygon>
    for (const z of ZONES) {
      const zone = (
        res.json().zones as {
          zone_id: string
          periods: { start: string; visits: number; covered_share: number }[]
        }[]
      ).find((x) => x.zone_id === zoneIds[z.name])!
      // tier 1: the ISO week of 11 May; tiers 2–3: May — the same seven days of patrols either way
      const period = zone.periods.find((p) => p.start === '2026-05-11' || p.start === '2026-05-01')!
      const expectedShare = sharedArea(swathUnion, z.geometry) / area(z.geometry)
      expect(
        Math.abs(period.covered_share - expectedShare),
        `${z.name}: ${period.covered_share} vs ${expectedShare}`,
      ).toBeLessThan(0.01)
      expect(period.visits, z.name).toBe(counted.filter((p) => expectedFor(p, z.geometry).visit).length)
    }
    // and overlapping swaths were not added twice: A is swept by three patrols
    const a = sharedArea(swathUnion, ZONES[0]!.geometry) / area(ZONES[0]!.geometry)
    const sumOfParts =
      counted.reduce((s, p) => s + sharedArea(swathOf(p), ZONES[0]!.geometry), 0) / area(ZONES[0]!.geometry)
    expect(sumOfParts - a).toBeGreaterThan(0.02)
  })
})
