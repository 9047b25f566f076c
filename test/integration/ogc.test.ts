import { execFile } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { promisify } from 'node:util'
import * as turf from '@turf/turf'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../server/app.js'
import type { Db } from '../../server/db/port.js'
import { API_PREFIX } from '../../server/plugins/auth.js'
import ogcRoutes from '../../server/routes/ogc/index.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/**
 * OGC API – Features over the zones in force: the documents GIS clients read, paging, the bbox and
 * datetime filters (checked against expectations computed here with turf), jurisdiction, and GDAL's
 * own OAPIF driver reading the collection over HTTP.
 */

const execFileAsync = promisify(execFile)

const rect = (w: number, s: number, e: number, n: number): Position[] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
]
interface ZoneFixture {
  key: string
  plan: 'in_force' | 'superseded' | 'draft' | 'sibling'
  tier: number
  category: string
  geometry: Polygon
}
const square = (w: number, s: number, size = 0.01): Polygon => ({
  type: 'Polygon',
  coordinates: [rect(w, s, w + size, s + size)],
})
const ZONES: ZoneFixture[] = [
  { key: 'a', plan: 'in_force', tier: 1, category: 'basic_farmland', geometry: square(103.91, 29.91) },
  { key: 'b', plan: 'in_force', tier: 2, category: 'urban_fringe', geometry: square(103.95, 29.95) },
  { key: 'c', plan: 'in_force', tier: 1, category: 'mining_area', geometry: square(104.0, 30.0) },
  { key: 'd', plan: 'in_force', tier: 3, category: 'other', geometry: square(104.05, 30.05) },
  {
    key: 'e',
    plan: 'in_force',
    tier: 2,
    category: 'village_fringe',
    geometry: {
      type: 'Polygon',
      coordinates: [rect(103.92, 30.05, 103.96, 30.09), rect(103.93, 30.06, 103.95, 30.08).reverse()],
    },
  },
  { key: 'old1', plan: 'superseded', tier: 1, category: 'hotspot', geometry: square(103.93, 29.93) },
  { key: 'old2', plan: 'superseded', tier: 2, category: 'hotspot', geometry: square(104.06, 29.94) },
  { key: 'draft', plan: 'draft', tier: 1, category: 'hotspot', geometry: square(103.97, 29.97) },
  { key: 'sibling', plan: 'sibling', tier: 1, category: 'basic_farmland', geometry: square(104.15, 29.95) },
]
const keysOf = (plan: ZoneFixture['plan']) =>
  ZONES.filter((z) => z.plan === plan)
    .map((z) => z.key)
    .sort()

let ctx: TestContext
let app: App
let countyViewer: string
const zoneIds = new Map<string, string>()
const keyOfId = (id: unknown) => [...zoneIds].find(([, v]) => v === id)?.[0]

/** The app with the OGC plugin at both prefixes, registered here until server/app.ts does it. */
async function buildAppUnderTest(db: Db): Promise<App> {
  const built = await buildApp({ db })
  for (const prefix of ['/ogc', `${API_PREFIX}/ogc`])
    if (!built.hasRoute({ method: 'GET', url: `${prefix}/collections` }))
      await built.register(ogcRoutes, { prefix })
  await built.ready()
  return built
}

async function insertPlan(db: Db, division: string, status: string, from: string, to: string | null) {
  const res = await db.query<{ id: string }>(
    `INSERT INTO zone_plans (division_code, name, status, effective_from, effective_to)
     VALUES ($1::text, $2::text, $3::text, $4::date, $5::date) RETURNING id`,
    [division, `fixture ${status} ${division}`, status, from, to],
  )
  return res.rows[0]!.id
}

beforeAll(async () => {
  ctx = await createTestContext()
  app = await buildAppUnderTest(ctx.db)
  countyViewer = await ctx.token('viewer', '510199')
  const plans = {
    superseded: await insertPlan(ctx.db, '510199', 'superseded', '2018-01-01', '2020-01-01'),
    in_force: await insertPlan(ctx.db, '510199', 'filed', '2020-01-01', null),
    draft: await insertPlan(ctx.db, '510199', 'draft', '2099-01-01', null),
    sibling: await insertPlan(ctx.db, '510198', 'filed', '2020-01-01', null),
  }
  for (const zone of ZONES) {
    const res = await ctx.db.query<{ id: string }>(
      `INSERT INTO zones (plan_id, division_code, township_code, category, tier, name, geom, area_m2)
       SELECT $1::uuid, $2::text, $3::text, $4::text, $5::smallint, $6::text, g, ST_Area(g::geography)
         FROM (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($7::text), 4326)) AS g) s
       RETURNING id`,
      [
        plans[zone.plan],
        zone.plan === 'sibling' ? '510198' : '510199',
        zone.key === 'a' ? '510199001' : null,
        zone.category,
        zone.tier,
        `区域 ${zone.key}`,
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

const get = (url: string, token = countyViewer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { ...bearer(token), host: 'gis.example.cn', ...headers } })

interface FeatureCollectionBody {
  type: string
  features: {
    id: string
    type: string
    geometry: Polygon | MultiPolygon
    properties: Record<string, unknown>
  }[]
  numberMatched: number
  numberReturned: number
  timeStamp: string
  links: { href: string; rel: string; type?: string }[]
}

/** Follows `next` links from `url`, returning every page. */
async function allPages(url: string): Promise<FeatureCollectionBody[]> {
  const pages: FeatureCollectionBody[] = []
  let next: string | undefined = url
  while (next) {
    const res = await get(next)
    expect(res.statusCode, res.body).toBe(200)
    const page = res.json<FeatureCollectionBody>()
    pages.push(page)
    const link = page.links.find((l) => l.rel === 'next')
    next = link ? link.href.replace('http://gis.example.cn', '') : undefined
    expect(pages.length).toBeLessThan(20)
  }
  return pages
}

describe('OGC API – Features documents', () => {
  it.each(['/ogc', '/ogc/', '/ogc?f=json'])(
    'landing page %s links self, service-desc, conformance, data',
    async (url) => {
      const res = await get(url)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['content-type']).toContain('application/json')
      const rels = Object.fromEntries(
        res.json().links.map((l: { rel: string; href: string }) => [l.rel, l.href]),
      )
      expect(rels).toMatchObject({
        self: 'http://gis.example.cn/ogc',
        'service-desc': 'http://gis.example.cn/ogc/api',
        conformance: 'http://gis.example.cn/ogc/conformance',
        data: 'http://gis.example.cn/ogc/collections',
      })
    },
  )

  it('describes itself in OpenAPI 3.0 (service-desc)', async () => {
    const res = await get('/ogc/api')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('application/vnd.oai.openapi+json')
    const doc = res.json()
    expect(doc.openapi).toMatch(/^3\.0\./)
    expect(Object.keys(doc.paths)).toContain('/collections/{collectionId}/items')
  })

  it('declares core, geojson and oas30 conformance', async () => {
    const res = await get('/ogc/conformance')
    expect(res.json().conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      ]),
    )
  })

  it('lists one collection, zones, with the extent of the zones in force', async () => {
    const res = await get('/ogc/collections')
    expect(res.statusCode).toBe(200)
    const { collections } = res.json()
    expect(collections).toHaveLength(1)
    const zones = collections[0]
    expect(zones).toMatchObject({
      id: 'zones',
      title: '巡查区域',
      itemType: 'feature',
      crs: ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
    })
    const expected = turf.bbox(
      turf.featureCollection(ZONES.filter((z) => z.plan === 'in_force').map((z) => turf.feature(z.geometry))),
    )
    const got = zones.extent.spatial.bbox[0] as number[]
    // the index keeps float4 boxes, rounded outwards: within ~1e-5 degrees
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-4))
    expect(zones.links.find((l: { rel: string }) => l.rel === 'items').href).toBe(
      'http://gis.example.cn/ogc/collections/zones/items',
    )
    const one = await get('/ogc/collections/zones')
    expect(one.json()).toEqual(zones)
    expect((await get('/ogc/collections/roads')).statusCode).toBe(404)
  })

  it('answers JSON whichever of the JSON media types the client accepts', async () => {
    for (const accept of [
      'application/json',
      'application/geo+json',
      'application/geo+json, application/json;q=0.9',
      '*/*',
    ]) {
      const landing = await get('/ogc', countyViewer, { accept })
      expect(landing.statusCode, accept).toBe(200)
      const items = await get('/ogc/collections/zones/items?limit=1', countyViewer, { accept })
      expect(items.statusCode, accept).toBe(200)
      expect(items.headers['content-type']).toContain('application/geo+json')
    }
    expect((await get('/ogc/collections/zones/items?f=json')).statusCode).toBe(200)
    expect((await get('/ogc/collections/zones/items?f=html')).statusCode).toBe(400)
  })

  it('is listed once in the application OpenAPI, under /api/v1/ogc (so generated tests cover it)', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
    const paths = Object.keys(doc.paths).filter((p) => p.includes('/ogc'))
    expect(paths.length).toBeGreaterThan(0)
    expect(paths.every((p) => p.startsWith('/api/v1/ogc'))).toBe(true)
  })

  it('is served at /api/v1/ogc as well, with links of that prefix', async () => {
    const res = await get('/api/v1/ogc/collections')
    expect(res.statusCode).toBe(200)
    expect(res.json().links[0].href).toBe('http://gis.example.cn/api/v1/ogc/collections')
  })
})

describe('OGC API – Features items', () => {
  it('pages through the zones in force with next links, without repeats', async () => {
    const pages = await allPages('/ogc/collections/zones/items?limit=2')
    expect(pages.map((p) => p.numberReturned)).toEqual([2, 2, 1])
    for (const p of pages) {
      expect(p.type).toBe('FeatureCollection')
      expect(p.numberMatched).toBe(5)
      expect(Date.parse(p.timeStamp)).not.toBeNaN()
      expect(p.links.find((l) => l.rel === 'self')!.href).toMatch(
        /^http:\/\/gis\.example\.cn\/ogc\/collections\/zones\/items\?/,
      )
    }
    expect(pages[2]!.links.some((l) => l.rel === 'next')).toBe(false)
    const ids = pages.flatMap((p) => p.features.map((f) => f.id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.map(keyOfId).sort()).toEqual(keysOf('in_force'))
  })

  it('returns each zone with its properties', async () => {
    const res = await get('/ogc/collections/zones/items')
    expect(res.headers['content-type']).toContain('application/geo+json')
    const body = res.json<FeatureCollectionBody>()
    expect(body.links.some((l) => l.rel === 'next')).toBe(false)
    const a = body.features.find((f) => keyOfId(f.id) === 'a')!
    const area = turf.area(turf.feature(ZONES[0]!.geometry))
    expect(a.type).toBe('Feature')
    expect(a.properties).toMatchObject({
      tier: 1,
      category: 'basic_farmland',
      name: '区域 a',
      township_code: '510199001',
      unit_id: null,
    })
    // ellipsoidal area in the database, spherical in turf: within 0.5 %
    expect(Math.abs((a.properties.area_m2 as number) - area) / area).toBeLessThan(0.005)
    // each figure rounded from the exact area: to 0.01 mu and 0.0001 ha
    expect(
      Math.abs((a.properties.area_mu as number) - ((a.properties.area_m2 as number) * 15) / 10000),
    ).toBeLessThanOrEqual(0.0051)
    expect(
      Math.abs((a.properties.area_ha as number) - (a.properties.area_m2 as number) / 10000),
    ).toBeLessThanOrEqual(0.000051)
    expect(typeof a.properties.plan_id).toBe('string')
    // stored as MultiPolygon, coordinates as drawn
    expect(a.geometry).toEqual({ type: 'MultiPolygon', coordinates: [ZONES[0]!.geometry.coordinates] })
  })

  it.each([
    ['103.9,29.9,103.96,29.96'],
    ['103.955,30.0,104.2,30.2'],
    ['103.935,30.065,103.945,30.075'], // inside the hole of e: nothing
    ['104.2,29.0,104.3,29.1'],
  ])('filters by bbox=%s as turf does', async (bbox) => {
    const [w, s, e, n] = bbox.split(',').map(Number) as [number, number, number, number]
    const box = turf.bboxPolygon([w, s, e, n])
    const expected = ZONES.filter(
      (z) => z.plan === 'in_force' && turf.booleanIntersects(turf.feature(z.geometry), box),
    )
      .map((z) => z.key)
      .sort()
    const pages = await allPages(`/ogc/collections/zones/items?bbox=${bbox}&limit=1`)
    expect(pages.flatMap((p) => p.features.map((f) => keyOfId(f.id))).sort()).toEqual(expected)
    expect(pages[0]!.numberMatched).toBe(expected.length)
  })

  it('reads a bbox with minx > maxx as crossing the antimeridian', async () => {
    const [w, s, e, n] = [179, 29.9, 103.955, 30.2]
    const boxes = [turf.bboxPolygon([w, s, 180, n]), turf.bboxPolygon([-180, s, e, n])]
    const expected = ZONES.filter(
      (z) => z.plan === 'in_force' && boxes.some((b) => turf.booleanIntersects(turf.feature(z.geometry), b)),
    )
      .map((z) => z.key)
      .sort()
    expect(expected.length).toBeGreaterThan(0)
    expect(expected.length).toBeLessThan(keysOf('in_force').length)
    const res = await get(`/ogc/collections/zones/items?bbox=${[w, s, e, n].join(',')}`)
    expect(
      res
        .json<FeatureCollectionBody>()
        .features.map((f) => keyOfId(f.id))
        .sort(),
    ).toEqual(expected)
  })

  it('keeps bbox in the next link', async () => {
    const page = (
      await get('/ogc/collections/zones/items?bbox=103.9,29.9,104.1,30.1&limit=1')
    ).json<FeatureCollectionBody>()
    const next = new URL(page.links.find((l) => l.rel === 'next')!.href)
    expect(next.searchParams.get('bbox')).toBe('103.9,29.9,104.1,30.1')
    expect(next.searchParams.get('offset')).toBe('1')
  })

  it.each([
    'bbox=1,2,3',
    'bbox=a,b,c,d',
    'bbox=103,31,104,30',
    'bbox=-181,0,0,1',
    'limit=0',
    'offset=-1',
    'datetime=2019-06-01/2019-07-01',
    'datetime=yesterday',
    'filter=tier%3D1',
  ])('refuses %s with 400 problem+json', async (query) => {
    const res = await get(`/ogc/collections/zones/items?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
  })

  it('cuts a limit above 10000 to 10000', async () => {
    const res = await get('/ogc/collections/zones/items?limit=20000')
    expect(res.statusCode).toBe(200)
    expect(new URL(res.json().links[0].href).searchParams.get('limit')).toBe('10000')
  })

  it('leaves a superseded plan out today and shows it for a day in its period', async () => {
    const today = (await get('/ogc/collections/zones/items')).json<FeatureCollectionBody>()
    expect(today.features.map((f) => keyOfId(f.id))).not.toContain('old1')
    // 15:30 UTC on 31 Dec 2019 is 23:30 in Beijing: still the old plan's last day
    for (const datetime of ['2019-06-01', '2019-06-01T12:00:00Z', '2019-12-31T15:30:00Z']) {
      const then = (
        await get(`/ogc/collections/zones/items?datetime=${datetime}`)
      ).json<FeatureCollectionBody>()
      expect(then.features.map((f) => keyOfId(f.id)).sort(), datetime).toEqual(keysOf('superseded'))
    }
    // 16:30 UTC on 31 Dec 2019 is already 1 Jan 2020 in Beijing: the new plan
    const handover = await get('/ogc/collections/zones/items?datetime=2019-12-31T16:30:00%2B00:00')
    expect(
      handover
        .json<FeatureCollectionBody>()
        .features.map((f) => keyOfId(f.id))
        .sort(),
    ).toEqual(keysOf('in_force'))
    const before = (
      await get('/ogc/collections/zones/items?datetime=2017-01-01')
    ).json<FeatureCollectionBody>()
    expect(before.numberMatched).toBe(0)
  })

  it('returns one zone by id, and 404 for others', async () => {
    const res = await get(`/ogc/collections/zones/items/${zoneIds.get('b')}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('application/geo+json')
    expect(res.json()).toMatchObject({ type: 'Feature', id: zoneIds.get('b'), properties: { tier: 2 } })
    for (const other of [zoneIds.get('old1'), zoneIds.get('draft'), zoneIds.get('sibling'), 'not-a-uuid'])
      expect((await get(`/ogc/collections/zones/items/${other}`)).statusCode, other).toBe(404)
  })
})

describe('OGC API – Features access', () => {
  it('needs a reader token on every route', async () => {
    const device = await ctx.token('device', '510199')
    for (const url of [
      '/ogc',
      '/ogc/conformance',
      '/ogc/collections',
      '/ogc/collections/zones/items',
      '/ogc/api',
    ]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(401)
      expect((await get(url, device)).statusCode, url).toBe(403)
    }
  })

  it('shows the sibling county only its own zone, and the city both counties', async () => {
    const sibling = await ctx.token('viewer', '510198')
    const own = (await get('/ogc/collections/zones/items', sibling)).json<FeatureCollectionBody>()
    expect(own.features.map((f) => keyOfId(f.id))).toEqual(['sibling'])
    const city = await ctx.token('viewer', '510100')
    const both = (await get('/ogc/collections/zones/items', city)).json<FeatureCollectionBody>()
    expect(both.features.map((f) => keyOfId(f.id)).sort()).toEqual([...keysOf('in_force'), 'sibling'].sort())
  })
})

describe('GDAL reads the collection (OAPIF driver over HTTP)', () => {
  let base: string
  /** What GDAL asked for and what it got, seen on the HTTP server itself. */
  const exchanges: { url: string; accept: string | undefined; status?: number }[] = []

  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    if (!address || typeof address === 'string') throw new Error('not listening on a TCP port')
    base = `http://127.0.0.1:${address.port}/ogc`
    app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const exchange: (typeof exchanges)[number] = { url: req.url ?? '', accept: req.headers.accept }
      exchanges.push(exchange)
      res.on('finish', () => (exchange.status = res.statusCode))
    })
  })

  // The server answers in this same process, so ogrinfo must run asynchronously.
  const ogrinfo = async (...args: string[]) => {
    exchanges.length = 0
    const { stdout } = await execFileAsync('ogrinfo', args, {
      env: { ...process.env, GDAL_HTTP_HEADERS: `Authorization: Bearer ${countyViewer}` },
      timeout: 60_000,
    })
    // every request GDAL made was answered, as JSON, whatever it put in Accept
    expect(exchanges.length).toBeGreaterThan(0)
    for (const e of exchanges) expect(e.status, `${e.url} (Accept: ${e.accept})`).toBe(200)
    return stdout
  }
  const featureIds = (stdout: string) => [...stdout.matchAll(/^\s+id \(String\) = (\S+)$/gm)].map((m) => m[1])

  it('has an ogrinfo that sends GDAL_HTTP_HEADERS (GDAL ≥ 3.6)', async () => {
    const { stdout } = await execFileAsync('ogrinfo', ['--version'])
    const [major, minor] = /GDAL (\d+)\.(\d+)/.exec(stdout)!.slice(1).map(Number) as [number, number]
    expect(major * 100 + minor).toBeGreaterThanOrEqual(306)
  })

  it('ogrinfo -so counts exactly the zones in force', async () => {
    const stdout = await ogrinfo('-ro', '-so', `OAPIF:${base}`, 'zones')
    expect(stdout).toMatch(/Geometry: Multi Polygon/)
    expect(/Feature Count: (\d+)/.exec(stdout)?.[1]).toBe(String(keysOf('in_force').length))
    expect(exchanges.map((e) => e.accept)).toEqual(
      expect.arrayContaining([expect.stringContaining('application/json')]),
    )
  })

  it('ogrinfo -al -q reads exactly the zones in force, each once', async () => {
    const stdout = await ogrinfo('-ro', '-al', '-q', `OAPIF:${base}`, 'zones')
    expect(stdout.match(/^OGRFeature\(zones\):/gm) ?? []).toHaveLength(keysOf('in_force').length)
    expect(featureIds(stdout).map(keyOfId).sort()).toEqual(keysOf('in_force'))
    expect(exchanges.some((e) => e.accept?.includes('application/geo+json'))).toBe(true)
  })

  it('follows next links when the page is smaller than the collection', async () => {
    const stdout = await ogrinfo('-ro', '-al', '-q', '-oo', 'PAGE_SIZE=2', `OAPIF:${base}`, 'zones')
    expect(featureIds(stdout).map(keyOfId).sort()).toEqual(keysOf('in_force'))
    expect(exchanges.filter((e) => e.url.includes('offset=')).length).toBeGreaterThanOrEqual(2)
  })
})
