import { createRequire } from 'node:module'
import * as turf from '@turf/turf'
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../server/app.js'
import type { Db } from '../../server/db/port.js'
import { API_PREFIX } from '../../server/plugins/auth.js'
import tileRoutes from '../../server/routes/tiles/index.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/**
 * Vector tiles of zones, decoded with @mapbox/vector-tile (the reader MapLibre's ancestors used)
 * and checked against geometry computed here from the fixture's lon/lat, independently of the
 * server's SQL: which zones a tile holds, where their vertices fall, how rings are wound.
 */

// @mapbox/vector-tile and pbf (CommonJS, no types; installed with vt-pbf) — only what is read here.
interface TilePoint {
  x: number
  y: number
}
interface DecodedFeature {
  type: number
  extent: number
  properties: Record<string, string | number | boolean>
  loadGeometry(): TilePoint[][]
  toGeoJSON(x: number, y: number, z: number): Feature<Polygon | MultiPolygon>
}
interface DecodedLayer {
  version: number
  extent: number
  length: number
  feature(i: number): DecodedFeature
}
const require = createRequire(import.meta.url)
const { VectorTile } = require('@mapbox/vector-tile') as {
  VectorTile: new (pbf: unknown) => { layers: Record<string, DecodedLayer> }
}
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown

// ---- the slippy-map grid, written out here rather than taken from the server ----
const EXTENT = 4096
const BUFFER = 64
const lonOf = (x: number, z: number) => (x / 2 ** z) * 360 - 180
const latOf = (y: number, z: number) =>
  (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI
const tileOf = (lon: number, lat: number, z: number) => {
  const n = 2 ** z
  const rad = (lat * Math.PI) / 180
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  }
}
/** The tile plus its 64-unit buffer as [west, south, east, north] in degrees. */
const bufferedTileBbox = ({ z, x, y }: Tile): [number, number, number, number] => {
  const b = BUFFER / EXTENT
  return [lonOf(x - b, z), latOf(y + 1 + b, z), lonOf(x + 1 + b, z), latOf(y - b, z)]
}
interface Tile {
  z: number
  x: number
  y: number
}

// ---- fixtures: county 510199 (103.9–104.1 E, 29.9–30.1 N) and its eastern sibling 510198 ----
const rect = (w: number, s: number, e: number, n: number): Position[] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
]
interface ZoneFixture {
  key: string
  plan: 'in_force' | 'draft' | 'sibling' | 'world'
  tier: number
  category: string
  name: string
  geometry: Polygon | MultiPolygon
}
const ZONES: ZoneFixture[] = [
  {
    key: 'square',
    plan: 'in_force',
    tier: 1,
    category: 'basic_farmland',
    name: '永久基本农田一片',
    // wound clockwise in lon/lat, against RFC 7946: files arrive either way, tiles must not care
    geometry: { type: 'Polygon', coordinates: [rect(103.92, 29.92, 103.95, 29.95).reverse()] },
  },
  {
    key: 'holed',
    plan: 'in_force',
    tier: 2,
    category: 'urban_fringe',
    name: '城郊结合部（中空）',
    geometry: {
      type: 'Polygon',
      coordinates: [rect(103.96, 29.96, 104.0, 30.0), rect(103.97, 29.97, 103.99, 29.99).reverse()],
    },
  },
  {
    key: 'multi',
    plan: 'in_force',
    tier: 1,
    category: 'mining_area',
    name: '矿区两块',
    geometry: {
      type: 'MultiPolygon',
      coordinates: [[rect(104.01, 30.01, 104.02, 30.02)], [rect(104.03, 30.03, 104.04, 30.04)]],
    },
  },
  {
    // crosses the z14 column edge at 104.0185546875° E (x = 12926)
    key: 'edge',
    plan: 'in_force',
    tier: 3,
    category: 'other',
    name: '跨瓦片边界',
    geometry: { type: 'Polygon', coordinates: [rect(104.01, 29.93, 104.03, 29.95)] },
  },
  {
    key: 'triangle',
    plan: 'in_force',
    tier: 2,
    category: 'village_fringe',
    name: '村庄周边',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [103.93, 30.05],
          [103.96, 30.05],
          [103.94, 30.08],
          [103.93, 30.05],
        ],
      ],
    },
  },
  {
    key: 'draft',
    plan: 'draft',
    tier: 1,
    category: 'hotspot',
    name: '草案中的热点',
    geometry: { type: 'Polygon', coordinates: [rect(103.92, 30.02, 103.94, 30.04)] },
  },
  {
    key: 'sibling',
    plan: 'sibling',
    tier: 1,
    category: 'basic_farmland',
    name: '邻县农田',
    geometry: { type: 'Polygon', coordinates: [rect(104.1, 29.93, 104.13, 29.96)] },
  },
  // a draft drawn at world scale, for the tiles of zoom 0 and 1
  {
    key: 'large',
    plan: 'world',
    tier: 3,
    category: 'other',
    name: '大范围',
    geometry: { type: 'Polygon', coordinates: [rect(100, 20, 120, 40)] },
  },
  {
    key: 'antimeridian',
    plan: 'world',
    tier: 3,
    category: 'other',
    name: '日界线旁',
    geometry: { type: 'Polygon', coordinates: [rect(178, 29, 179.99, 31)] },
  },
]
const IN_FORCE = ZONES.filter((z) => z.plan === 'in_force')

let ctx: TestContext
let app: App
let countyViewer: string
let siblingViewer: string
const zoneIds = new Map<string, string>()
const planIds: Record<ZoneFixture['plan'], string> = { in_force: '', draft: '', sibling: '', world: '' }
let unitId: string

/** The app with the tile routes, registered here until server/app.ts registers them itself. */
async function buildAppUnderTest(db: Db): Promise<App> {
  const built = await buildApp({ db })
  if (!built.hasRoute({ method: 'GET', url: `${API_PREFIX}/tiles/zones/:z/:x/:y.mvt` }))
    await built.register(tileRoutes, { prefix: API_PREFIX })
  await built.ready()
  return built
}

async function insertPlan(db: Db, division: string, status: string, from: string): Promise<string> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO zone_plans (division_code, name, status, effective_from)
     VALUES ($1::text, $2::text, $3::text, $4::date) RETURNING id`,
    [division, `fixture ${status} ${division}`, status, from],
  )
  return res.rows[0]!.id
}

beforeAll(async () => {
  ctx = await createTestContext()
  app = await buildAppUnderTest(ctx.db)
  countyViewer = await ctx.token('viewer', '510199')
  siblingViewer = await ctx.token('viewer', '510198')
  planIds.in_force = await insertPlan(ctx.db, '510199', 'filed', '2020-01-01')
  planIds.draft = await insertPlan(ctx.db, '510199', 'draft', '2099-01-01')
  planIds.sibling = await insertPlan(ctx.db, '510198', 'filed', '2020-01-01')
  planIds.world = await insertPlan(ctx.db, '510199', 'draft', '2099-01-01')
  unitId = (
    await ctx.db.query<{ id: string }>(
      `INSERT INTO units (name, kind, division_code) VALUES ('城关国土资源所', 'station', '510199') RETURNING id`,
    )
  ).rows[0]!.id
  for (const zone of ZONES) {
    const res = await ctx.db.query<{ id: string }>(
      `INSERT INTO zones (plan_id, division_code, category, tier, name, unit_id, geom, area_m2)
       SELECT $1::uuid, $2::text, $3::text, $4::smallint, $5::text, $6::uuid, g, ST_Area(g::geography)
         FROM (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($7::text), 4326)) AS g) s
       RETURNING id`,
      [
        planIds[zone.plan],
        zone.plan === 'sibling' ? '510198' : '510199',
        zone.category,
        zone.tier,
        zone.name,
        zone.key === 'triangle' ? unitId : null,
        JSON.stringify(zone.geometry),
      ],
    )
    zoneIds.set(zone.key, res.rows[0]!.id)
  }
})
afterAll(async () => {
  await app?.close()
  await ctx?.close()
})

const tileUrl = ({ z, x, y }: Tile, query = '') => `/api/v1/tiles/zones/${z}/${x}/${y}.mvt${query}`

async function getTile(tile: Tile, token = countyViewer, query = '') {
  return app.inject({ method: 'GET', url: tileUrl(tile, query), headers: bearer(token) })
}

function decode(body: Buffer): DecodedLayer {
  const layers = new VectorTile(new Pbf(new Uint8Array(body))).layers
  expect(Object.keys(layers)).toEqual(['zones'])
  return layers.zones!
}

function featuresOf(layer: DecodedLayer): DecodedFeature[] {
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i))
}

/** The MVT spec's surveyor's formula in tile coordinates (y down): > 0 for an exterior ring. */
function specArea(ring: TilePoint[]): number {
  let sum = 0
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!
    const b = ring[i + 1]!
    sum += a.x * b.y - b.x * a.y
  }
  return sum / 2
}

/** Zones of `fixtures` whose polygon meets the buffered tile, computed with turf in lon/lat. */
function expectedKeys(tile: Tile, fixtures: ZoneFixture[] = IN_FORCE): string[] {
  const box = turf.bboxPolygon(bufferedTileBbox(tile))
  return fixtures
    .filter((z) => turf.booleanIntersects(turf.feature(z.geometry), box))
    .map((z) => z.key)
    .sort()
}

const keyOfId = (id: unknown) => [...zoneIds].find(([, v]) => v === id)?.[0]

// Tiles from county-wide to street level, plus both sides of the `edge` zone's tile seam.
// (Below z ~6 the county's zones are under one tile unit across and rightly vanish.)
const CHECKED_TILES: Tile[] = [
  tileOf(104.0, 30.0, 9),
  tileOf(104.0, 30.0, 11),
  tileOf(103.935, 29.935, 13),
  tileOf(103.98, 29.98, 13),
  tileOf(104.015, 29.94, 14),
  tileOf(104.025, 29.94, 14),
  tileOf(104.035, 30.035, 14),
  tileOf(103.94, 30.06, 15),
  tileOf(103.98, 29.98, 16), // inside the hole of `holed`
  tileOf(103.965, 29.965, 16),
]

describe('GET /api/v1/tiles/zones/{z}/{x}/{y}.mvt', () => {
  it('checks the tiles it is about to compare (guards against a vacuous pass)', () => {
    const seen = new Set(CHECKED_TILES.flatMap((t) => expectedKeys(t)))
    expect([...seen].sort()).toEqual(IN_FORCE.map((z) => z.key).sort())
    expect(expectedKeys(tileOf(103.98, 29.98, 16))).toEqual([])
    // the seam really is between the two z14 tiles and `edge` is in both
    expect(tileOf(104.015, 29.94, 14).x + 1).toBe(tileOf(104.025, 29.94, 14).x)
  })

  it.each(CHECKED_TILES)('tile $z/$x/$y holds exactly the zones that meet it', async (tile) => {
    const res = await getTile(tile)
    const expected = expectedKeys(tile)
    if (expected.length === 0) {
      expect(res.statusCode).toBe(204)
      expect(res.body).toBe('')
      return
    }
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile')
    expect(res.headers['cache-control']).toBe('private, max-age=60')
    const layer = decode(res.rawPayload)
    expect(layer.version).toBe(2)
    expect(layer.extent).toBe(EXTENT)
    const features = featuresOf(layer)
    expect(features.map((f) => keyOfId(f.properties.id)).sort()).toEqual(expected)
    for (const f of features) {
      expect(f.type).toBe(3)
      for (const ring of f.loadGeometry())
        for (const p of ring) {
          expect(p.x).toBeGreaterThanOrEqual(-BUFFER)
          expect(p.x).toBeLessThanOrEqual(EXTENT + BUFFER)
          expect(p.y).toBeGreaterThanOrEqual(-BUFFER)
          expect(p.y).toBeLessThanOrEqual(EXTENT + BUFFER)
        }
    }
  })

  it('returns geometry where the zone is: decoded area equals the zone clipped to the tile', async () => {
    for (const tile of CHECKED_TILES) {
      const res = await getTile(tile)
      if (res.statusCode !== 200) continue
      for (const f of featuresOf(decode(res.rawPayload))) {
        const zone = ZONES.find((z) => z.key === keyOfId(f.properties.id))!
        const clipped = turf.bboxClip(turf.feature(zone.geometry), bufferedTileBbox(tile))
        const got = turf.area(f.toGeoJSON(tile.x, tile.y, tile.z))
        const want = turf.area(clipped)
        // one tile unit of snapping on each vertex; well under 1 % at these zooms
        expect(Math.abs(got - want) / want, `${zone.key} in ${tile.z}/${tile.x}/${tile.y}`).toBeLessThan(0.01)
      }
    }
  })

  it('winds rings as the MVT spec says: exterior positive, hole negative (y down)', async () => {
    const tile = tileOf(103.98, 29.98, 10)
    // the whole of `holed` lies inside this tile, hole included
    const { x, y, z } = tile
    const [tw, ts, te, tn] = [lonOf(x, z), latOf(y + 1, z), lonOf(x + 1, z), latOf(y, z)]
    expect(tw < 103.96 && ts < 29.96 && te > 104.0 && tn > 30.0).toBe(true)
    const res = await getTile(tile)
    expect(res.statusCode).toBe(200)
    const features = featuresOf(decode(res.rawPayload))
    const holed = features.find((f) => keyOfId(f.properties.id) === 'holed')!
    const rings = holed.loadGeometry()
    expect(rings).toHaveLength(2)
    expect(specArea(rings[0]!)).toBeGreaterThan(0)
    expect(specArea(rings[1]!)).toBeLessThan(0)
    // the hole is where the fixture put it
    const [ring1] = holed.toGeoJSON(tile.x, tile.y, tile.z).geometry.coordinates.slice(1) as Position[][]
    const [w, s, e, n] = turf.bbox(turf.lineString(ring1!))
    expect([w, s, e, n].map((v) => Number(v!.toFixed(3)))).toEqual([103.97, 29.97, 103.99, 29.99])
    // every feature starts with an exterior ring
    for (const f of features) expect(specArea(f.loadGeometry()[0]!)).toBeGreaterThan(0)
  })

  it('keeps both parts of a MultiPolygon as exteriors', async () => {
    const tile = tileOf(104.025, 30.025, 12)
    const res = await getTile(tile)
    const multi = featuresOf(decode(res.rawPayload)).find((f) => keyOfId(f.properties.id) === 'multi')!
    const rings = multi.loadGeometry()
    expect(rings).toHaveLength(2)
    for (const ring of rings) expect(specArea(ring)).toBeGreaterThan(0)
    expect(multi.toGeoJSON(tile.x, tile.y, tile.z).geometry.type).toBe('MultiPolygon')
  })

  it('carries id, tier, category, name, area_mu and unit_id', async () => {
    const res = await getTile(tileOf(104.0, 30.0, 9))
    const features = featuresOf(decode(res.rawPayload))
    const triangle = features.find((f) => keyOfId(f.properties.id) === 'triangle')!
    const area = (
      await ctx.db.query<{ a: number }>('SELECT area_m2 AS a FROM zones WHERE id = $1::uuid', [
        zoneIds.get('triangle'),
      ])
    ).rows[0]!.a
    expect(triangle.properties).toEqual({
      id: zoneIds.get('triangle'),
      tier: 2,
      category: 'village_fringe',
      name: '村庄周边',
      area_mu: Math.round(area * 0.15) / 100,
      unit_id: unitId,
    })
    // a zone without a unit simply has no unit_id (MVT has no null)
    const square = features.find((f) => keyOfId(f.properties.id) === 'square')!
    expect(Object.keys(square.properties).sort()).toEqual(['area_mu', 'category', 'id', 'name', 'tier'])
  })

  it('never shows the sibling county, and shows it to the sibling itself', async () => {
    // z6: every tile edge of z ≥ 7 near here runs along 104.0625° E, between the two counties' zones
    const tile = tileOf(104.1, 30.0, 6)
    const fixtures = ZONES.filter((z) => z.plan !== 'draft')
    expect(expectedKeys(tile, fixtures)).toContain('sibling')
    const county = featuresOf(decode((await getTile(tile)).rawPayload)).map((f) => keyOfId(f.properties.id))
    expect(county).not.toContain('sibling')
    expect(county.sort()).toEqual(expectedKeys(tile))
    const sibling = featuresOf(decode((await getTile(tile, siblingViewer)).rawPayload))
    expect(sibling.map((f) => keyOfId(f.properties.id))).toEqual(['sibling'])
    // the sibling's plan is not the county's to look at
    const foreign = await getTile(tile, countyViewer, `?plan_id=${planIds.sibling}`)
    expect(foreign.statusCode).toBe(404)
  })

  it('shows a draft plan with plan_id, and zones in force on another date with at', async () => {
    const tile = tileOf(103.93, 30.03, 12)
    const draft = await getTile(tile, countyViewer, `?plan_id=${planIds.draft}`)
    expect(draft.statusCode).toBe(200)
    expect(featuresOf(decode(draft.rawPayload)).map((f) => keyOfId(f.properties.id))).toEqual(['draft'])
    const today = featuresOf(decode((await getTile(tile)).rawPayload)).map((f) => keyOfId(f.properties.id))
    expect(today).not.toContain('draft')
    // before the plan in force took effect there was nothing
    expect((await getTile(tile, countyViewer, '?at=2019-12-31')).statusCode).toBe(204)
    const both = await getTile(tile, countyViewer, `?at=2026-01-01&plan_id=${planIds.draft}`)
    expect(both.statusCode).toBe(400)
  })

  it.each([
    { z: 0, x: 0, y: 0 },
    { z: 1, x: 1, y: 0 },
  ])('keeps the buffered box of $z/$x/$y inside the world (no wrap at the antimeridian)', async (tile) => {
    const world = ZONES.filter((z) => z.plan === 'world')
    expect(expectedKeys(tile, world)).toEqual(['antimeridian', 'large'])
    const res = await getTile(tile, countyViewer, `?plan_id=${planIds.world}`)
    expect(res.statusCode).toBe(200)
    const features = featuresOf(decode(res.rawPayload))
    expect(features.map((f) => keyOfId(f.properties.id)).sort()).toEqual(['antimeridian', 'large'])
    for (const f of features)
      for (const p of f.loadGeometry().flat()) {
        expect(p.x).toBeGreaterThanOrEqual(-BUFFER)
        expect(p.x).toBeLessThanOrEqual(EXTENT + BUFFER)
      }
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const tile = tileOf(104.0, 30.0, 11)
    const first = await getTile(tile)
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await app.inject({
      method: 'GET',
      url: tileUrl(tile),
      headers: { ...bearer(countyViewer), 'if-none-match': etag },
    })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    expect(again.headers.etag).toBe(etag)
    const other = await app.inject({
      method: 'GET',
      url: tileUrl(tile),
      headers: { ...bearer(countyViewer), 'if-none-match': '"something-else"' },
    })
    expect(other.statusCode).toBe(200)
  })

  it.each([
    ['/23/0/0.mvt', '/params/z'],
    ['/3/8/0.mvt', '/params/x'],
    ['/3/0/8.mvt', '/params/y'],
    ['/0/1/0.mvt', '/params/x'],
    ['/3/-1/0.mvt', '/params/x'],
    ['/3/a/0.mvt', '/params/x'],
    ['/3/0/1.5.mvt', '/params/y'],
  ])('refuses %s with 400 problem+json naming %s', async (path, where) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/tiles/zones${path}`,
      headers: bearer(countyViewer),
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(where)
  })

  it('is documented in the OpenAPI document at /docs', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    const op = doc.paths['/api/v1/tiles/zones/{z}/{x}/{y}.mvt']?.get
    expect(op).toBeDefined()
    expect(Object.keys(op.responses['200'].content)).toEqual(['application/vnd.mapbox-vector-tile'])
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'at',
      'plan_id',
      'x',
      'y',
      'z',
    ])
  })

  it('refuses unknown query parameters and callers without a reader token', async () => {
    const tile = tileOf(104.0, 30.0, 11)
    expect((await getTile(tile, countyViewer, '?date=2026-01-01')).statusCode).toBe(400)
    expect((await app.inject({ method: 'GET', url: tileUrl(tile) })).statusCode).toBe(401)
    const device = await ctx.token('device', '510199')
    expect((await getTile(tile, device)).statusCode).toBe(403)
  })
})
