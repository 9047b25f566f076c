// Violation hotspots normalised by patrol effort: GET /violations/hotspots (patrol_km, per_100km) and
// /tiles/violations?per=100km, on a scenario whose arithmetic is written out here.
//
//   H3 resolution 7. Hexagon H around (104.02°E, 29.97°N); hexagon G around (104.08°E, 29.92°N).
//   Patrols in May: two walks due north through H's centre, each 10 steps of 0.001° of latitude
//     (one step = 110.9 m of meridian here) → 2 × 1.109 = 2.218 km patrolled in H, none in G.
//   A third walk through H on 2 June is outside the span and does not count.
//   Violations found in May: 3 in H, 2 in G.
//     H: 3 per 2.218 km = 3 × 100 / 2.218 = 135.3 per 100 km
//     G: 2 violations, 0 km → no rate (null): nobody patrolled there
import { createRequire } from 'node:module'
import { cellToLatLng, latLngToCell } from 'h3-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

interface Decoded {
  layers: Record<string, { length: number; feature(i: number): { properties: Record<string, unknown> } }>
}
const require = createRequire(import.meta.url)
const { VectorTile } = require('@mapbox/vector-tile') as { VectorTile: new (pbf: unknown) => Decoded }
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown

const RES = 7
const H = latLngToCell(29.97, 104.02, RES)
const G = latLngToCell(29.92, 104.08, RES)
const [hLat, hLon] = cellToLatLng(H)
const [gLat, gLon] = cellToLatLng(G)
// the ground length of the walks: 2 walks × 10 steps × 0.001° of meridian (M·Δφ on GRS80 at 29.97°N
// = 110.86 m; the stored cells measure in Gauss–Krüger metres, 0.01 % longer here, so allow 0.5 %)
const PATROL_KM = 2 * 10 * 0.1109
const H_RATE = (3 * 100) / PATROL_KM

let ctx: TestContext
let admin: string

function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  return {
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  }
}

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await ctx.token('admin', '510199')
  const device = await ctx.token('device', '510199')
  const api = async (url: string, payload: unknown) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url,
      headers: bearer(admin),
      payload: payload as object,
    })
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
  const unit = (await api('/api/v1/units', { name: '城关所', kind: 'station', division_code: '510199' })).id
  const staff = [
    (await api('/api/v1/people', { name: '甲', unit_id: unit })).id,
    (await api('/api/v1/people', { name: '乙', unit_id: unit })).id,
  ]
  const walks: [string, string][] = [
    ['w1', '2026-05-04T01:00:00Z'],
    ['w2', '2026-05-18T01:00:00Z'],
    ['june', '2026-06-02T01:00:00Z'],
  ]
  for (const [external_id, start] of walks) {
    const t0 = Date.parse(start)
    const coords = Array.from({ length: 11 }, (_, i) => [hLon, hLat - 0.005 + i * 0.001])
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
          geometry: { type: 'LineString', coordinates: coords },
          properties: { coordTimes: coords.map((_, i) => new Date(t0 + i * 30_000).toISOString()) },
        },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
  }
  const found = [
    [hLon + 0.002, hLat + 0.001, '2026-05-05T10:00:00+08:00'],
    [hLon - 0.002, hLat - 0.001, '2026-05-12T10:00:00+08:00'],
    [hLon + 0.001, hLat - 0.002, '2026-05-20T10:00:00+08:00'],
    [gLon + 0.001, gLat, '2026-05-06T10:00:00+08:00'],
    [gLon - 0.001, gLat, '2026-05-07T10:00:00+08:00'],
  ] as const
  for (const [lon, lat, at] of found) {
    expect(latLngToCell(lat, lon, RES)).toBe(lon > 104.05 ? G : H)
    await api('/api/v1/violations', {
      category: 1,
      source: 'patrol',
      found_at: at,
      location: { type: 'Point', coordinates: [lon, lat] },
    })
  }
})
afterAll(async () => ctx?.close())

describe('hotspots per 100 km patrolled', () => {
  it('GeoJSON: each cell with the km patrolled in it and violations per 100 km', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/hotspots?from=2026-05-01&to=2026-05-31&resolution=${RES}`,
      headers: bearer(admin),
    })
    expect(res.statusCode, res.body).toBe(200)
    const byCell = new Map(
      (res.json().features as { id: string; properties: Record<string, number | null> }[]).map((f) => [
        f.id,
        f.properties,
      ]),
    )
    const h = byCell.get(H)!
    expect(h.count).toBe(3)
    expect(Math.abs(h.patrol_km! - PATROL_KM) / PATROL_KM).toBeLessThan(0.005)
    expect(Math.abs(h.per_100km! - H_RATE) / H_RATE).toBeLessThan(0.005)
    // the rate and the km it is computed from agree (patrol_km is rounded to metres)
    expect(Math.abs(h.per_100km! - (3 * 100) / h.patrol_km!)).toBeLessThan(0.05)
    const g = byCell.get(G)!
    expect(g).toMatchObject({ count: 2, patrol_km: 0, per_100km: null })
  })

  it('the June walk counts only in a span that holds it', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/hotspots?from=2026-05-01&to=2026-06-30&resolution=${RES}`,
      headers: bearer(admin),
    })
    const h = (res.json().features as { id: string; properties: { patrol_km: number } }[]).find(
      (f) => f.id === H,
    )!
    expect(Math.abs(h.properties.patrol_km - 1.5 * PATROL_KM) / PATROL_KM).toBeLessThan(0.005)
  })

  it('tiles: per=100km adds the cell’s rate to each point; without it the points are as before', async () => {
    const z = 12
    const { x, y } = tileOf(hLon, hLat, z)
    const get = async (query: string) => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/tiles/violations/${z}/${x}/${y}.mvt?from=2026-05-01&to=2026-05-31${query}`,
        headers: bearer(admin),
      })
      expect(res.statusCode, res.body).toBe(200)
      const layer = new VectorTile(new Pbf(new Uint8Array(res.rawPayload))).layers.violations!
      return Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties)
    }
    const rated = (await get(`&per=100km&resolution=${RES}`)).filter((p) => p.cell === H)
    expect(rated.length).toBe(3)
    for (const p of rated) {
      expect(p.cell_count).toBe(3)
      expect(Math.abs(Number(p.per_100km) - H_RATE) / H_RATE).toBeLessThan(0.005)
      expect(p.lon).toBeUndefined()
    }
    const plain = await get('')
    expect(plain.every((p) => p.per_100km === undefined && p.cell === undefined)).toBe(true)

    // G's points: a count, no km, no rate (null is left out of a tile)
    const gt = tileOf(gLon, gLat, z)
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/tiles/violations/${z}/${gt.x}/${gt.y}.mvt?from=2026-05-01&to=2026-05-31&per=100km&resolution=${RES}`,
      headers: bearer(admin),
    })
    const layer = new VectorTile(new Pbf(new Uint8Array(res.rawPayload))).layers.violations!
    const gPoints = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties).filter(
      (p) => p.cell === G,
    )
    expect(gPoints.length).toBe(2)
    for (const p of gPoints) expect(p).toMatchObject({ cell_count: 2, patrol_km: 0 })
    expect(gPoints.every((p) => p.per_100km === undefined)).toBe(true)
  })
})
