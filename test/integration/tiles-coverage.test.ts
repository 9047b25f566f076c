// The patrol coverage tiles: `gaps` (zones short of their visits) checked against GET /gaps and the
// filing register's numbers, and `coverage` (100 m heat cells) checked against cells computed here
// with proj4 and turf, independently of the product's grid code. Decoded with @mapbox/vector-tile.
import { createRequire } from 'node:module'
import { booleanIntersects, buffer, lineString, polygon } from '@turf/turf'
import proj4 from 'proj4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

interface DecodedFeature {
  type: number
  properties: Record<string, string | number | boolean>
  toGeoJSON(x: number, y: number, z: number): { geometry: { type: string; coordinates: number[][][] } }
}
interface Decoded {
  layers: Record<string, { length: number; feature(i: number): DecodedFeature }>
}
const require = createRequire(import.meta.url)
const { VectorTile } = require('@mapbox/vector-tile') as { VectorTile: new (pbf: unknown) => Decoded }
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown

let ctx: TestContext
let device: string
let reader: string
let planId: string
const zone: Record<string, string> = {}

// Local metres east/north of a corner chosen so that the whole scene lies in one z12 tile
// (12/3231/1690: lon 103.975–104.063, lat 29.91–29.99).
const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.005 + x * M_LON, 29.95 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})
const TILE = { z: 12, x: 3231, y: 1690 }

// CGCS2000 / 3-degree Gauss-Kruger CM 105E (EPSG:4544), the county's metric grid, written out here
const GK_105 = '+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'

// crossings: [start, x of the north-bound walk, external id]
const CROSSINGS: [string, number, string][] = [
  ['2026-05-04T01:00:00Z', 200, 'k1-a'],
  ['2026-05-06T01:00:00Z', 200, 'k1-b'],
  ['2026-05-07T01:00:00Z', 1300, 'k2-a'],
  ['2026-05-12T01:00:00Z', 1300, 'k2-b'],
  ['2026-05-14T01:00:00Z', 1300, 'k2-c'],
  ['2026-05-05T01:00:00Z', 2250, 'g3-a'],
]
/** A walk due north across the zone row at x (metres), 680 m at 2 m/s, a fix every 20 s. */
const walk = (x: number) => Array.from({ length: 18 }, (_, i) => at(x, -50 + i * 40))

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
  const station = (
    await api(admin, '/api/v1/units', { name: '城关所', kind: 'station', division_code: '510199' })
  ).id
  const staff = [
    (await api(admin, '/api/v1/people', { name: '甲', unit_id: station })).id,
    (await api(admin, '/api/v1/people', { name: '乙', unit_id: station })).id,
  ]
  const plan = await api(planner, '/api/v1/plans', {
    division_code: '510199',
    name: '方案',
    effective_from: '2026-01-01',
  })
  planId = plan.id
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

  for (const [start, x, id] of CROSSINGS) {
    const t0 = Date.parse(start)
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/patrols',
      headers: bearer(device),
      payload: {
        external_id: id,
        unit_id: station,
        staff,
        kind: 'routine',
        track: {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: walk(x) },
          properties: { coordTimes: walk(x).map((_, i) => new Date(t0 + i * 20_000).toISOString()) },
        },
      },
    })
    expect(res.statusCode, `${id}: ${res.body}`).toBe(201)
  }
})
afterAll(async () => ctx?.close())

async function tile(layer: 'gaps' | 'coverage', query: string, token = reader, t = TILE) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt${query}`,
    headers: bearer(token),
  })
  if (res.statusCode === 204) return { res, features: [] }
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toContain('vnd.mapbox-vector-tile')
  const decoded = new VectorTile(new Pbf(new Uint8Array(res.rawPayload))).layers[layer]!
  const features = Array.from({ length: decoded.length }, (_, i) => {
    const f = decoded.feature(i)
    return { type: f.type, properties: f.properties, geometry: f.toGeoJSON(t.x, t.y, t.z).geometry }
  })
  return { res, features }
}

function ringBbox(ring: number[][]) {
  const xs = ring.map((p) => p[0]!)
  const ys = ring.map((p) => p[1]!)
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]
}

describe('GET /tiles/gaps', () => {
  it('holds the zones GET /gaps lists, with the worst period’s shortfall and the register number', async () => {
    const span = '?division=510199&from=2026-05-04&to=2026-05-17'
    const { features } = await tile('gaps', span)
    const gapsRes = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/gaps${span}`,
      headers: bearer(reader),
    })
    expect(gapsRes.statusCode).toBe(200)
    // expected from the list: per zone, the period with the largest shortfall
    const expected = new Map<string, { required: number; visits: number; shortfall: number }>()
    for (const f of gapsRes.json().features as {
      properties: { zone_id: string; required: number; visits: number; shortfall: number }
    }[]) {
      const p = f.properties
      const seen = expected.get(p.zone_id)
      if (!seen || p.shortfall > seen.shortfall)
        expected.set(p.zone_id, { required: p.required, visits: p.visits, shortfall: p.shortfall })
    }
    expect(new Set(features.map((f) => f.properties.zone_id))).toEqual(new Set(expected.keys()))
    for (const f of features) {
      const e = expected.get(f.properties.zone_id as string)!
      expect(f.properties).toMatchObject(e)
      expect(f.properties.shortfall).toBe(e.required - e.visits)
    }
    // by hand: K1 W19 2/2, W20 0/2 → short 2; K2 W19 1/2 → short 1; G3 May 1/5 → short 4
    const byName = Object.fromEntries(features.map((f) => [f.properties.name, f.properties]))
    expect(byName.K1).toMatchObject({
      tier: 1,
      category: 'basic_farmland',
      required: 2,
      visits: 0,
      shortfall: 2,
    })
    expect(byName.K2).toMatchObject({ tier: 1, required: 2, visits: 1, shortfall: 1 })
    expect(byName.G3).toMatchObject({ tier: 2, required: 5, visits: 1, shortfall: 4 })
    // the last counted visit over the span: K1's on 6 May 01:00Z + the walk's time inside
    expect(String(byName.K1!.last_visit).slice(0, 10)).toBe('2026-05-06')

    // the register numbers are those of the filing package
    const exp = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/plans/${planId}/export?format=geojson`,
      headers: bearer(reader),
    })
    expect(exp.statusCode, exp.body).toBe(200)
    const codes = new Map(
      (
        JSON.parse(exp.body) as { features: { properties: { zone_code: string; name: string } }[] }
      ).features.map((f) => [f.properties.name, f.properties.zone_code]),
    )
    for (const f of features) expect(f.properties.code).toBe(codes.get(f.properties.name as string))
    expect(byName.K1!.code).toMatch(/^510199-1-000\d$/)

    // polygons where the zones are (a tile unit at z12 is about 2 m here)
    for (const f of features) {
      expect(f.type).toBe(3)
      const name = f.properties.name as string
      const [x0, side] = name === 'K1' ? [0, 400] : name === 'K2' ? [1000, 600] : [2000, 500]
      const [w, s] = at(x0!, 0)
      const [e, n] = at(x0! + side!, side!)
      const b = ringBbox(f.geometry.coordinates[0]!)
      expect(Math.abs(b[0]! - w) * 96_470).toBeLessThan(5)
      expect(Math.abs(b[1]! - s) * 110_850).toBeLessThan(5)
      expect(Math.abs(b[2]! - e) * 96_470).toBeLessThan(5)
      expect(Math.abs(b[3]! - n) * 110_850).toBeLessThan(5)
    }
  })

  it('follows the span: a compliant week drops its zone', async () => {
    // W20 alone: K1 0/2 short, K2 2/2 compliant, G3's May still short
    const { features } = await tile('gaps', '?from=2026-05-11&to=2026-05-17')
    expect(features.map((f) => f.properties.name).sort()).toEqual(['G3', 'K1'])
  })

  it('answers 204 for a tile without gaps, 400 for a tile off the grid, and nothing to the sibling county', async () => {
    expect(
      (await tile('gaps', '?from=2026-05-04&to=2026-05-17', reader, { z: 12, x: 0, y: 0 })).res.statusCode,
    ).toBe(204)
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/tiles/gaps/3/9/1.mvt',
      headers: bearer(reader),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].path).toBe('/params/x')
    const sibling = await ctx.token('viewer', '510198')
    expect(
      (await tile('gaps', '?division=510199&from=2026-05-04&to=2026-05-17', sibling)).res.statusCode,
    ).toBe(204)
  })
})

describe('GET /tiles/coverage', () => {
  const toGk = proj4('EPSG:4326', GK_105)

  /** Cells (GK, 100 m) whose square meets the track buffered by r metres, by turf in WGS84. */
  function cellsNear(x: number, r: number): Set<string> {
    const track = lineString(walk(x))
    const swath = buffer(track, r, { units: 'meters' })!
    const pts = walk(x).map((p) => toGk.forward(p))
    const xs = pts.map((p) => p[0]!)
    const ys = pts.map((p) => p[1]!)
    const out = new Set<string>()
    for (
      let cx = Math.floor((Math.min(...xs) - 200) / 100);
      cx <= Math.floor((Math.max(...xs) + 200) / 100);
      cx++
    )
      for (
        let cy = Math.floor((Math.min(...ys) - 200) / 100);
        cy <= Math.floor((Math.max(...ys) + 200) / 100);
        cy++
      ) {
        const corner = (i: number, j: number) => toGk.inverse([(cx + i) * 100, (cy + j) * 100])
        const cell = polygon([[corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1), corner(0, 0)]])
        if (booleanIntersects(cell, swath)) out.add(`${cx},${cy}`)
      }
    return out
  }

  /** The decoded cell's grid index: its centre in GK, floored. */
  function cellOf(ring: number[][]): string {
    const b = ringBbox(ring)
    const [gx, gy] = toGk.forward([(b[0]! + b[2]!) / 2, (b[1]! + b[3]!) / 2])
    return `${Math.floor(gx! / 100)},${Math.floor(gy! / 100)}`
  }

  it('holds the cells within sight of the span’s tracks, with visits, weights and days since', async () => {
    const { features } = await tile('coverage', '?from=2026-05-04&to=2026-05-10')
    const got = new Map(features.map((f) => [cellOf(f.geometry.coordinates[0]!), f.properties]))
    expect(features.every((f) => f.type === 3)).toBe(true)
    expect(got.size).toBe(features.length)

    // the span's walks: x=200 twice (4 and 6 May), 1300 once (7 May), 2250 once (5 May); 12 and 14 May are out
    const inSpan = [200, 1300, 2250]
    const inner = new Set(inSpan.flatMap((x) => [...cellsNear(x, 45)]))
    const outer = new Set(inSpan.flatMap((x) => [...cellsNear(x, 55)]))
    for (const c of inner) expect(got.has(c), `cell ${c} within 45 m`).toBe(true)
    for (const c of got.keys()) expect(outer.has(c), `cell ${c} beyond 55 m`).toBe(true)

    // every metre walked lands in some cell: 17 legs of 40 m per walk, 4 walks in the span
    const metres = [...got.values()].reduce((s, p) => s + Number(p.weight_m), 0)
    expect(metres).toBeGreaterThan(4 * 680 * 0.99)
    expect(metres).toBeLessThan(4 * 680 * 1.01)
    const seconds = [...got.values()].reduce((s, p) => s + Number(p.weight_s), 0)
    expect(seconds).toBeCloseTo(4 * 17 * 20, 0)

    // K1's line was walked on 4 and 6 May: 2 patrols, 2 days, last seen 4 days before 10 May;
    // G3's on 5 May only: 1 patrol, 5 days before
    for (const c of cellsNear(200, 45))
      expect(got.get(c)).toMatchObject({ visits: 2, days: 2, days_since: 4 })
    for (const c of cellsNear(2250, 45))
      expect(got.get(c)).toMatchObject({ visits: 1, days: 1, days_since: 5 })
  })

  it('counts the later walks in a wider span, and shows the sibling county nothing', async () => {
    const { features } = await tile('coverage', '?from=2026-05-01&to=2026-05-31')
    const got = new Map(features.map((f) => [cellOf(f.geometry.coordinates[0]!), f.properties]))
    for (const c of cellsNear(1300, 45))
      expect(got.get(c)).toMatchObject({ visits: 3, days: 3, days_since: 17 })
    const sibling = await ctx.token('viewer', '510198')
    expect(
      (await tile('coverage', '?division=510199&from=2026-05-01&to=2026-05-31', sibling)).res.statusCode,
    ).toBe(204)
  })
})
