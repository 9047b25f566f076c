import { readFile } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import * as gcoordModule from 'gcoord'
import JSZip from 'jszip'
import proj4 from 'proj4'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { geodesicAreaM2 } from '../../server/domain/geo/areas.js'
import { haversineM } from '../../server/domain/track/haversine-m.js'
import { sharedFile } from '../support/paths.js'
import { gdalToWgs84GeoJson } from './support/gdal.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

// gcoord is CommonJS whose typings claim a default export (see server/domain/track/convert-crs.ts).
const gcoord = gcoordModule.default as unknown as typeof gcoordModule.default.default

/** Real files from ../shared/data (see its MANIFEST.md): each imports with correct areas or is
 *  refused with the right reason. Areas are checked against GDAL's own reading and reprojection. */

let ctx: TestContext
const box = (w: number, s: number, e: number, n: number) => ({
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
})

// Test counties around the data (codes are only well-formed, the places are the files').
const COUNTIES = [
  { code: '650000', name: '测试省', level: 'province', parent_code: '000000' },
  { code: '650100', name: '测试市', level: 'city', parent_code: '650000' },
  {
    code: '650101',
    name: '北卡测试县',
    level: 'county',
    parent_code: '650100',
    boundary: box(-85, 33.5, -75, 37),
  },
  {
    code: '650102',
    name: '奥林达测试县',
    level: 'county',
    parent_code: '650100',
    boundary: box(-35.2, -8.2, -34.7, -7.8),
  },
  {
    code: '650103',
    name: '海淀测试县',
    level: 'county',
    parent_code: '650100',
    boundary: box(116.2, 39.9, 116.45, 40.1),
  },
  {
    code: '650104',
    name: '武汉测试县',
    level: 'county',
    parent_code: '650100',
    boundary: box(113.8, 30.3, 114.4, 30.8),
  },
]

beforeAll(async () => {
  ctx = await createTestContext()
  for (const d of COUNTIES) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/divisions',
      headers: bearer(ctx.rootToken),
      payload: d,
    })
    expect(res.statusCode, res.body).toBe(201)
  }
})
afterAll(async () => ctx?.close())

async function draftPlan(county: string): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/plans',
    headers: bearer(ctx.rootToken),
    payload: { division_code: county, name: `import ${county}`, effective_from: '2026-01-01' },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id
}

async function zipOf(dir: string, base: string, exts: string[]): Promise<Buffer> {
  const zip = new JSZip()
  for (const ext of exts) zip.file(`${base}.${ext}`, await readFile(path.join(dir, `${base}.${ext}`)))
  return zip.generateAsync({ type: 'nodebuffer' })
}

function post(planId: string, payload: Buffer | string, contentType: string, query = '') {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${planId}/zones${query}`,
    headers: { ...bearer(ctx.rootToken), 'content-type': contentType },
    payload,
  })
}

const relErr = (a: number, b: number) => Math.abs(a - b) / b

describe('Shapefiles and GeoJSON as planners receive them', () => {
  it('nc.shp (NAD27 .prj, no .cpg): 100 zones, areas within 0.1 % of GDAL', async () => {
    const planId = await draftPlan('650101')
    const zip = await zipOf(sharedFile('import'), 'nc', ['shp', 'shx', 'dbf', 'prj'])
    const res = await post(planId, zip, 'application/zip', '?category=other_farmland')
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201)
    const body = res.json()
    expect(body.imported).toBe(100)
    const gdal = await gdalToWgs84GeoJson(sharedFile('import', 'nc.shp'))
    expect(gdal.features.length).toBe(100)
    for (const z of body.zones as { index: number; area_m2: number; name: string }[]) {
      const f = gdal.features[z.index]!
      expect(z.name).toBe(f.properties.NAME)
      expect(relErr(z.area_m2, geodesicAreaM2(f.geometry as never))).toBeLessThan(0.001)
    }
  })

  it('olinda1 (.prj without an EPSG code, Latin-1 attributes): imports with correct areas', async () => {
    const planId = await draftPlan('650102')
    const zip = await zipOf(sharedFile('import'), 'olinda1', ['shp', 'shx', 'dbf', 'prj'])
    const res = await post(planId, zip, 'application/zip', '?category=village_planning&encoding=windows-1252')
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201)
    const body = res.json()
    expect(body.imported).toBe(470)
    const gdal = await gdalToWgs84GeoJson(sharedFile('import', 'olinda1.shp'))
    for (const z of body.zones as { index: number; area_m2: number }[]) {
      expect(relErr(z.area_m2, geodesicAreaM2(gdal.features[z.index]!.geometry as never))).toBeLessThan(0.001)
    }
  })

  it('storms (no .prj) is refused asking for the CRS, never guessed', async () => {
    const planId = await draftPlan('650101')
    const before = await snapshotDatabase(ctx.db)
    const zip = await zipOf(sharedFile('import'), 'storms_xyzm_feature', ['shp', 'shx', 'dbf'])
    const res = await post(planId, zip, 'application/zip', '?category=hotspot')
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0].reason).toBe('CRS_REQUIRED')
    expect(res.json().detail).toMatch(/crs=EPSG/)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('the UTM 49N GeoJSON (legacy crs member) lands in Beijing with GDAL’s area', async () => {
    const planId = await draftPlan('650103')
    const text = await readFile(
      sharedFile('polygons', 'cn_beijing_tsinghua_utm49n_trackintel.geojson'),
      'utf8',
    )
    const res = await post(planId, text, 'application/geo+json', '?category=urban_planning')
    expect(res.statusCode, res.body).toBe(201)
    const gdal = await gdalToWgs84GeoJson(
      sharedFile('polygons', 'cn_beijing_tsinghua_utm49n_trackintel.geojson'),
    )
    expect(
      relErr(res.json().zones[0].area_m2, geodesicAreaM2(gdal.features[0]!.geometry as never)),
    ).toBeLessThan(0.001)
  })

  it('a GeoPackage is refused with a reason (not supported), not a 5xx', async () => {
    const planId = await draftPlan('650101')
    const res = await post(
      planId,
      await readFile(sharedFile('import', 'world_spData.gpkg')),
      'application/zip',
    )
    expect(res.statusCode).toBe(422)
    expect(res.json().errors.length).toBeGreaterThan(0)
  })
})

describe('CGCS2000 Gauss–Krüger and GCJ-02 input land on their WGS-84 truth', () => {
  const truth = [
    [114.05, 30.5],
    [114.07, 30.5],
    [114.07, 30.52],
    [114.05, 30.52],
    [114.05, 30.5],
  ] as [number, number][]

  async function importedRing(payload: unknown, crs: string): Promise<[number, number][]> {
    const planId = await draftPlan('650104')
    const res = await post(
      planId,
      JSON.stringify(payload),
      'application/geo+json',
      `?category=hotspot&crs=${crs}`,
    )
    expect(res.statusCode, res.body).toBe(201)
    const fc = (
      await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/plans/${planId}/zones`,
        headers: bearer(ctx.rootToken),
      })
    ).json()
    return fc.features[0].geometry.coordinates[0][0]
  }

  function expectWithin(ring: [number, number][], metres: number) {
    for (const p of truth) {
      const nearest = Math.min(
        ...ring.map((q) => haversineM({ lon: p[0], lat: p[1] } as never, { lon: q[0], lat: q[1] } as never)),
      )
      expect(nearest).toBeLessThan(metres)
    }
  }

  it('EPSG:4547 (CGCS2000 3° GK, CM 114°E, easting without zone prefix)', async () => {
    // written out here, not taken from the service's EPSG table
    const gk = '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'
    const projected = truth.map((p) => proj4('EPSG:4326', gk, p))
    const ring = await importedRing(
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [projected] } },
      'EPSG:4547',
    )
    expectWithin(ring, 0.5)
  })

  it('GCJ-02 (phone map SDK coordinates)', async () => {
    const shifted = truth.map((p) => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as [number, number])
    expect(
      haversineM(
        { lon: shifted[0]![0], lat: shifted[0]![1] } as never,
        { lon: truth[0]![0], lat: truth[0]![1] } as never,
      ),
    ).toBeGreaterThan(100)
    const ring = await importedRing(
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [shifted] } },
      'GCJ-02',
    )
    expectWithin(ring, 0.5)
  })
})

describe('broken input is refused with the feature and the reason, and stores nothing', () => {
  it('every geojsonhint bad file → 4xx problem+json with a reason; none 5xx', async () => {
    const planId = await draftPlan('510199')
    const dir = sharedFile('invalid', 'geojsonhint', 'bad')
    const files = readdirSync(dir).filter((f) => f.endsWith('.geojson'))
    expect(files.length).toBeGreaterThanOrEqual(40)
    const before = await snapshotDatabase(ctx.db)
    for (const file of files) {
      const res = await post(
        planId,
        await readFile(path.join(dir, file)),
        'application/geo+json',
        '?category=hotspot',
      )
      expect([400, 422], `${file}: ${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode)
      const errors = res.json().errors as { reason?: string; path: string; message: string }[]
      expect(errors.length, file).toBeGreaterThan(0)
      expect(
        errors.every((e) => typeof e.message === 'string' && e.message.length > 0),
        file,
      ).toBe(true)
    }
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('every invalid polygon of the JTS suite → 422 naming feature 0 and why', async () => {
    const xml = await readFile(sharedFile('invalid', 'jts', 'TestInvalidA.xml'), 'utf8')
    const wkts = [...xml.matchAll(/<a>\s*([^<]+?)\s*<\/a>/g)].map((m) => m[1]!)
    expect(wkts.length).toBe(75)
    const planId = await draftPlan('510199')
    const before = await snapshotDatabase(ctx.db)
    const reasons = new Map<string, number>()
    for (const wkt of wkts) {
      // The test's own conversion: WKT → GeoJSON, moved affinely into the county (0.001° a unit);
      // an affine map keeps (in)validity.
      const g = (
        await ctx.db.query<{ g: { type: string; coordinates: unknown } }>(
          `SELECT ST_AsGeoJSON(ST_Affine(ST_GeomFromText($1::text), 0.001, 0, 0, 0.001, 103.95, 29.95), 9)::json AS g`,
          [wkt],
        )
      ).rows[0]!.g
      const res = await post(
        planId,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: {}, geometry: g }],
        }),
        'application/geo+json',
        '?category=hotspot',
      )
      expect(res.statusCode, `${wkt}: ${res.body.slice(0, 300)}`).toBe(422)
      const e = res.json().errors[0]
      expect(e.index, wkt).toBe(0)
      expect(e.path.startsWith('/features/0'), wkt).toBe(true)
      reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1)
    }
    // the reasons are about validity, not about where the shapes are
    expect(
      [...reasons.keys()].every((r) =>
        [
          'INVALID_GEOMETRY',
          'ZERO_AREA',
          'RING_TOO_FEW_POSITIONS',
          'RING_NOT_CLOSED',
          'SELF_INTERSECTION',
        ].includes(r),
      ),
      JSON.stringify([...reasons]),
    ).toBe(true)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })
})
