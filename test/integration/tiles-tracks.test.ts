// The `tracks` tile layer: the cleaned segments of the patrols of a span, decoded with
// @mapbox/vector-tile and checked against the walked positions and a plain query of the segments.
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

interface DecodedFeature {
  type: number
  properties: Record<string, string | number | boolean>
  toGeoJSON(x: number, y: number, z: number): { geometry: { type: string; coordinates: number[][] } }
}
interface Decoded {
  layers: Record<string, { length: number; feature(i: number): DecodedFeature }>
}
const require = createRequire(import.meta.url)
const { VectorTile } = require('@mapbox/vector-tile') as { VectorTile: new (pbf: unknown) => Decoded }
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown

let ctx: TestContext
let reader: string
const patrols: Record<string, string> = {}

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.005 + x * M_LON, 29.95 + y * M_LAT]
// 12/3231/1690: lon 103.975–104.063, lat 29.91–29.99
const TILE = { z: 12, x: 3231, y: 1690 }
/** A walk due north at x metres, 680 m at 2 m/s, a fix every 20 s. */
const walk = (x: number) => Array.from({ length: 18 }, (_, i) => at(x, -50 + i * 40))
// [external id, start, x, kind]
const WALKS: [string, string, number, string][] = [
  ['may-4', '2026-05-04T01:00:00Z', 200, 'routine'],
  ['may-6', '2026-05-06T01:00:00Z', 1300, 'special'],
]

beforeAll(async () => {
  ctx = await createTestContext()
  const admin = await ctx.token('admin', '510199')
  const device = await ctx.token('device', '510199')
  reader = await ctx.token('supervisor', '510199')
  const post = async (url: string, payload: unknown, token = admin) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url,
      headers: bearer(token),
      payload: payload as object,
    })
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
  const station = (await post('/api/v1/units', { name: '城关所', kind: 'station', division_code: '510199' }))
    .id
  const staff = [(await post('/api/v1/people', { name: '甲', unit_id: station })).id]
  for (const [id, start, x, kind] of WALKS) {
    const t0 = Date.parse(start)
    const res = await post(
      '/api/v1/patrols',
      {
        external_id: id,
        unit_id: station,
        staff,
        kind,
        track: {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: walk(x) },
          properties: { coordTimes: walk(x).map((_, i) => new Date(t0 + i * 20_000).toISOString()) },
        },
      },
      device,
    )
    patrols[id] = res.id
  }
})
afterAll(async () => ctx?.close())

async function tracksTile(query: string, token = reader) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/tiles/tracks/${TILE.z}/${TILE.x}/${TILE.y}.mvt${query}`,
    headers: bearer(token),
  })
  if (res.statusCode === 204) return { res, features: [] }
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toContain('vnd.mapbox-vector-tile')
  const layer = new VectorTile(new Pbf(new Uint8Array(res.rawPayload))).layers.tracks!
  const features = Array.from({ length: layer.length }, (_, i) => {
    const f = layer.feature(i)
    return { type: f.type, properties: f.properties, geometry: f.toGeoJSON(TILE.x, TILE.y, TILE.z).geometry }
  })
  return { res, features }
}

describe('GET /tiles/tracks', () => {
  it('holds the cleaned segments of the span’s patrols, with patrol, kind and unit, along the walked line', async () => {
    const { features } = await tracksTile('?from=2026-05-01&to=2026-05-31')
    const segments = await ctx.db.query<{ patrol_id: string; n: number }>(
      'SELECT patrol_id::text, count(*)::integer AS n FROM patrol_segments GROUP BY patrol_id',
    )
    expect(features).toHaveLength(segments.rows.reduce((s, r) => s + r.n, 0))
    for (const [id, , x, kind] of WALKS) {
      const mine = features.filter((f) => f.properties.patrol_id === patrols[id])
      expect(mine.length, id).toBe(segments.rows.find((r) => r.patrol_id === patrols[id])?.n)
      for (const f of mine) {
        expect(f.type).toBe(2) // LineString
        expect(f.properties).toMatchObject({ kind, unit: '城关所' })
        // every vertex lies on the walk: x metres east of the corner, within two tile units (~20 m)
        for (const [lon] of f.geometry.coordinates as [number, number][])
          expect(Math.abs((lon - at(x, 0)[0]) / M_LON)).toBeLessThan(20)
        const lats = (f.geometry.coordinates as [number, number][]).map((c) => c[1])
        expect((Math.max(...lats) - Math.min(...lats)) / M_LAT).toBeGreaterThan(600)
      }
    }
  })

  it('keeps to the span: one day shows that day’s patrol only; an empty span is 204', async () => {
    const { features } = await tracksTile('?from=2026-05-06&to=2026-05-06')
    expect(new Set(features.map((f) => f.properties.patrol_id))).toEqual(new Set([patrols['may-6']]))
    expect((await tracksTile('?from=2026-06-01&to=2026-06-30')).res.statusCode).toBe(204)
  })

  it('shows another county nothing, and refuses a bad span or tile with 400', async () => {
    const sibling = await ctx.token('supervisor', '510198')
    expect((await tracksTile('?from=2026-05-01&to=2026-05-31', sibling)).res.statusCode).toBe(204)
    const bad = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/tiles/tracks/${TILE.z}/${TILE.x}/${TILE.y}.mvt?from=2026-05-31&to=2026-05-01`,
      headers: bearer(reader),
    })
    expect(bad.statusCode).toBe(400)
    const outside = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/tiles/tracks/2/9/0.mvt',
      headers: bearer(reader),
    })
    expect(outside.statusCode).toBe(400)
  })
})
