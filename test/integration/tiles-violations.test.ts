import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/** The violations tile layer: points where violations were found, decoded with @mapbox/vector-tile. */

interface Decoded {
  layers: Record<
    string,
    {
      length: number
      feature(i: number): {
        type: number
        properties: Record<string, unknown>
        toGeoJSON(x: number, y: number, z: number): { geometry: { coordinates: number[] } }
      }
    }
  >
}
const require = createRequire(import.meta.url)
const { VectorTile } = require('@mapbox/vector-tile') as { VectorTile: new (pbf: unknown) => Decoded }
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown

let ctx: TestContext
let admin: string
const POINTS = [
  [104.001, 30.001, 1, '2026-10-08T10:00:00+08:00'],
  [104.002, 30.002, 3, '2026-10-09T10:00:00+08:00'],
  [104.05, 30.05, 1, '2026-09-01T10:00:00+08:00'],
] as const

// the standard slippy-map tile of a lon/lat, written out here
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
  for (const [lon, lat, category, found] of POINTS) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/violations',
      headers: bearer(admin),
      payload: {
        category,
        source: 'patrol',
        found_at: found,
        location: { type: 'Point', coordinates: [lon, lat] },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
  }
})
afterAll(async () => ctx?.close())

async function features(z: number, lon: number, lat: number, query = '', token = admin) {
  const { x, y } = tileOf(lon, lat, z)
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/tiles/violations/${z}/${x}/${y}.mvt${query}`,
    headers: bearer(token),
  })
  if (res.statusCode === 204) return []
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toContain('vnd.mapbox-vector-tile')
  const layer = new VectorTile(new Pbf(new Uint8Array(res.rawPayload))).layers.violations!
  return Array.from({ length: layer.length }, (_, i) => {
    const f = layer.feature(i)
    return { type: f.type, properties: f.properties, lonlat: f.toGeoJSON(x, y, z).geometry.coordinates }
  })
}

describe('GET /tiles/violations', () => {
  it('holds the violations inside the tile, as points where they were found', async () => {
    const got = await features(14, 104.0015, 30.0015)
    expect(got.length).toBe(2)
    expect(got.every((f) => f.type === 1)).toBe(true)
    for (const f of got) {
      const p = POINTS.find((q) => q[2] === f.properties.category)!
      expect(Math.abs(f.lonlat[0]! - p[0])).toBeLessThan(0.0001)
      expect(Math.abs(f.lonlat[1]! - p[1])).toBeLessThan(0.0001)
    }
  })

  it('filters by the date found and by category', async () => {
    expect((await features(8, 104.0, 30.0, '?from=2026-10-01&to=2026-10-31')).length).toBe(2)
    expect((await features(8, 104.0, 30.0, '?category=3')).length).toBe(1)
    expect((await features(8, 104.0, 30.0)).length).toBe(3)
  })

  it('shows the sibling county nothing', async () => {
    expect(await features(8, 104.0, 30.0, '', await ctx.token('viewer', '510198'))).toEqual([])
  })
})
