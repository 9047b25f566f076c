import { readFileSync } from 'node:fs'
import { distance } from '@turf/turf'
import * as gcoordModule from 'gcoord'
import type { MultiPolygon, Point, Polygon, Position } from 'geojson'
import proj4 from 'proj4'
import { describe, expect, it } from 'vitest'

import { resolveCrs, resolveCrsName, type ResolvedCrs } from '../../server/domain/geo/crs.js'
import {
  AXIS_ORDER_SWAPPED,
  CRS_REQUIRED,
  CRS_UNKNOWN,
  DATUM_SHIFT_UNKNOWN,
  OUTSIDE_CRS_AREA,
  ZONE_PREFIX_MISMATCH,
} from '../../server/domain/geo/crs-reasons.js'
import { findEpsgCrs } from '../../server/domain/geo/epsg-crs.js'
import { listPositions } from '../../server/domain/geo/map-positions.js'
import { readShapefileParts } from '../../server/domain/geo/read-shapefile-zip.js'
import { toWgs84Geometry } from '../../server/domain/geo/to-wgs84-geometry.js'
import { sharedFile } from '../support/paths.js'

// gcoord is CommonJS with typings one `.default` too deep under NodeNext (see to-wgs84-geometry.ts).
const gcoord = gcoordModule.default as unknown as typeof gcoordModule.default.default

function metresBetween(a: Position, b: Position): number {
  return distance([a[0] ?? NaN, a[1] ?? NaN], [b[0] ?? NaN, b[1] ?? NaN], { units: 'meters' })
}

function resolved(param: string): ResolvedCrs {
  const result = resolveCrs({ param })
  if (!result.ok) throw new Error(`${param}: ${result.reason}`)
  return result.crs
}

function convertPoint(coordinates: Position, crs: ResolvedCrs): Position {
  const result = toWgs84Geometry<Point>({ type: 'Point', coordinates }, crs)
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`)
  return result.geometry.coordinates
}

/**
 * Gauss–Krüger inverse written out here from Krüger's series as given by Karney (2011, "Transverse
 * Mercator with an accuracy of a few nanometers", eqs. 15–19 to third order in n; the form in the
 * Wikipedia article "Universal Transverse Mercator coordinate system"), independent of proj4.
 * Third order is good to about a millimetre within a 3-degree zone.
 */
function gaussKrugerInverse(easting: number, northing: number, lon0: number, falseEasting: number): Position {
  const a = 6378137
  const f = 1 / 298.257222101 // GRS80 = CGCS2000 ellipsoid
  const n = f / (2 - f)
  const A = (a / (1 + n)) * (1 + n ** 2 / 4 + n ** 4 / 64)
  const beta = [n / 2 - (2 * n ** 2) / 3 + (37 * n ** 3) / 96, n ** 2 / 48 + n ** 3 / 15, (17 * n ** 3) / 480]
  const delta = [
    2 * n - (2 * n ** 2) / 3 - 2 * n ** 3,
    (7 * n ** 2) / 3 - (8 * n ** 3) / 5,
    (56 * n ** 3) / 15,
  ]
  const xi = northing / A
  const eta = (easting - falseEasting) / A
  let xiP = xi
  let etaP = eta
  beta.forEach((b, i) => {
    const j = 2 * (i + 1)
    xiP -= b * Math.sin(j * xi) * Math.cosh(j * eta)
    etaP -= b * Math.cos(j * xi) * Math.sinh(j * eta)
  })
  const chi = Math.asin(Math.sin(xiP) / Math.cosh(etaP))
  let phi = chi
  delta.forEach((d, i) => (phi += d * Math.sin(2 * (i + 1) * chi)))
  const lambda = Math.atan2(Math.sinh(etaP), Math.cos(xiP))
  return [lon0 + (lambda * 180) / Math.PI, (phi * 180) / Math.PI]
}

describe('findEpsgCrs: the CGCS2000 Gauss–Krüger table', () => {
  // Expected values from PROJ 9.1's EPSG database (`projinfo EPSG:n -o PROJ`), not from the code.
  it.each([
    [4491, 75, 13_500_000, 'CGCS2000 / Gauss-Kruger zone 13'],
    [4501, 135, 23_500_000, 'CGCS2000 / Gauss-Kruger zone 23'],
    [4502, 75, 500_000, 'CGCS2000 / Gauss-Kruger CM 75E'],
    [4512, 135, 500_000, 'CGCS2000 / Gauss-Kruger CM 135E'],
    [4513, 75, 25_500_000, 'CGCS2000 / 3-degree Gauss-Kruger zone 25'],
    [4527, 117, 39_500_000, 'CGCS2000 / 3-degree Gauss-Kruger zone 39'],
    [4533, 135, 45_500_000, 'CGCS2000 / 3-degree Gauss-Kruger zone 45'],
    [4534, 75, 500_000, 'CGCS2000 / 3-degree Gauss-Kruger CM 75E'],
    [4547, 114, 500_000, 'CGCS2000 / 3-degree Gauss-Kruger CM 114E'],
    [4554, 135, 500_000, 'CGCS2000 / 3-degree Gauss-Kruger CM 135E'],
  ])('EPSG:%i has central meridian %i and false easting %i', (code, centralMeridian, falseEasting, name) => {
    const found = findEpsgCrs(code)
    expect(found.ok).toBe(true)
    if (!found.ok || found.crs.kind !== 'proj4') return
    expect(found.crs.name).toBe(name)
    expect(found.crs.grid).toMatchObject({ centralMeridian, falseEasting, falseNorthing: 0 })
    expect(found.crs.def).toContain(`+lon_0=${centralMeridian} +k=1 +x_0=${falseEasting} +y_0=0 +ellps=GRS80`)
  })

  it('refuses Xi’an 1980 zones rather than treating them as CGCS2000', () => {
    expect(findEpsgCrs(2383)).toMatchObject({ ok: false, reason: DATUM_SHIFT_UNKNOWN })
  })
})

describe('resolveCrs', () => {
  it.each([
    ['EPSG:4547', 'EPSG:4547'],
    ['epsg:4547', 'EPSG:4547'],
    ['EPSG::4547', 'EPSG:4547'],
    ['urn:ogc:def:crs:EPSG::32649', 'EPSG:32649'],
    ['urn:ogc:def:crs:EPSG:6.6:4490', 'EPSG:4490'],
    ['http://www.opengis.net/def/crs/EPSG/0/4326', 'EPSG:4326'],
    ['urn:ogc:def:crs:OGC:1.3:CRS84', 'EPSG:4326'],
  ])('reads the parameter %s', (param, code) => {
    const crs = resolved(param)
    expect('code' in crs ? crs.code : null).toBe(code)
  })

  it.each([
    ['GCJ-02', 'gcj02'],
    ['gcj02', 'gcj02'],
    ['BD-09', 'bd09'],
    ['bd09', 'bd09'],
  ])('reads %s as the %s offset', (param, kind) => {
    expect(resolved(param).kind).toBe(kind)
  })

  it('refuses a code it does not support, with a reason', () => {
    expect(resolveCrs({ param: 'EPSG:9999' })).toMatchObject({ ok: false, reason: CRS_UNKNOWN })
    expect(resolveCrsName('Lambert 93')).toMatchObject({ ok: false, reason: CRS_UNKNOWN })
  })

  it('reads both legacy GeoJSON crs member forms', () => {
    const named = resolveCrs({
      geojsonCrsMember: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32649' } },
    })
    expect(named).toMatchObject({ ok: true, source: 'geojson-crs-member', crs: { code: 'EPSG:32649' } })
    const bare = resolveCrs({ geojsonCrsMember: { type: 'name', properties: { name: 'EPSG:32649' } } })
    expect(bare).toMatchObject({ ok: true, crs: { code: 'EPSG:32649' } })
    const draft = resolveCrs({ geojsonCrsMember: { type: 'EPSG', properties: { code: 4490 } } })
    expect(draft).toMatchObject({ ok: true, crs: { code: 'EPSG:4490' } })
  })

  it('takes WGS84 for GeoJSON without crs (RFC 7946) but never guesses for a Shapefile', () => {
    expect(resolveCrs({ format: 'geojson' })).toMatchObject({ ok: true, source: 'rfc7946-default' })
    expect(resolveCrs({ format: 'shapefile' })).toMatchObject({ ok: false, reason: CRS_REQUIRED })
    expect(resolveCrs({})).toMatchObject({ ok: false, reason: CRS_REQUIRED })
  })

  it('lets the parameter win over the file and says what the file claimed', () => {
    // The common Chinese case: a .prj saying WGS84 over GCJ-02 coordinates from a web map.
    const result = resolveCrs({
      param: 'GCJ-02',
      prjText: readFileSync(sharedFile('import', 'olinda1.prj'), 'utf8'),
    })
    expect(result.ok && result.crs.kind).toBe('gcj02')
    expect(result.ok && result.warnings.join(' ')).toMatch(/file says .*crs parameter GCJ-02/)
  })

  it('resolves olinda1.prj (GRS80, no EPSG code) through its WKT and reports the datum', () => {
    const result = resolveCrs({ prjText: readFileSync(sharedFile('import', 'olinda1.prj'), 'utf8') })
    expect(result).toMatchObject({
      ok: true,
      source: 'prj',
      crs: { kind: 'proj4', code: null, datum: 'D_unknown', geographic: true },
    })
    expect(result.ok && result.warnings.join(' ')).toMatch(/D_unknown.*GRS80.*taken as coinciding with WGS84/)
  })

  it('gives nc.prj (ESRI NAD27 without TOWGS84) the EPSG:1173 shift proj4 would otherwise skip', () => {
    const result = resolveCrs({ prjText: readFileSync(sharedFile('import', 'nc.prj'), 'utf8') })
    expect(result).toMatchObject({ ok: true, crs: { kind: 'proj4', datum: 'D_North_American_1927' } })
    expect(result.ok && result.crs.kind === 'proj4' && result.crs.def).toContain(
      'TOWGS84[-8,160,176,0,0,0,0]',
    )
    expect(result.ok && result.warnings.join(' ')).toMatch(/NAD27.*10 m/)
  })

  it('needs a crs for storms_xyzm_feature, which has no .prj', () => {
    // Its absent .prj is what readShapefileZip reports as prjText null.
    expect(resolveCrs({ prjText: null, format: 'shapefile' })).toMatchObject({
      ok: false,
      reason: CRS_REQUIRED,
    })
  })

  // .prj texts as ArcGIS and GDAL write them (PROJ 9.1 `projinfo -o WKT1_ESRI / WKT1_GDAL`).
  const ESRI_GK_ZONE_39 =
    'PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",' +
    'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],' +
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],' +
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],' +
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
  const ESRI_GK_CM_114 = ESRI_GK_ZONE_39.replace('GK_Zone_39', 'GK_CM_114E')
    .replace('39500000.0', '500000.0')
    .replace('"Central_Meridian",117.0', '"Central_Meridian",114.0')
  const XIAN_GK_CM_114 =
    'PROJCS["Xian_1980_3_Degree_GK_CM_114E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",' +
    'SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],' +
    'PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],' +
    'PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],' +
    'UNIT["Meter",1.0]]'

  it.each([
    [ESRI_GK_ZONE_39, 'EPSG:4527'],
    [ESRI_GK_CM_114, 'EPSG:4547'],
  ])('recognises an ArcGIS CGCS2000 Gauss–Krüger .prj by its parameters', (prjText, code) => {
    expect(resolveCrs({ prjText })).toMatchObject({ ok: true, crs: { code } })
  })

  it('uses the EPSG code a GDAL-written .prj carries', () => {
    // projinfo EPSG:4547 -o WKT1_GDAL, abridged to the nodes that matter.
    const prjText =
      'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",GEOGCS["China Geodetic Coordinate System 2000",' +
      'DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],' +
      'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]],' +
      'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",114],' +
      'PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],' +
      'UNIT["metre",1],AUTHORITY["EPSG","4547"]]'
    expect(resolveCrs({ prjText })).toMatchObject({ ok: true, crs: { code: 'EPSG:4547', datum: 'CGCS2000' } })
  })

  it('accepts Beijing 1954 only with a warning about its regional shift', () => {
    const result = resolveCrs({ param: 'EPSG:4214' })
    expect(result).toMatchObject({ ok: true, crs: { code: 'EPSG:4214' } })
    expect(result.ok && result.warnings.join(' ')).toMatch(/no published nationwide transformation/)
  })

  it('refuses a Xi’an 1980 .prj with the reason, not a silent shift of ~100 m', () => {
    expect(resolveCrs({ prjText: XIAN_GK_CM_114 })).toMatchObject({ ok: false, reason: DATUM_SHIFT_UNKNOWN })
  })
})

describe('toWgs84Geometry', () => {
  it('puts the UTM 49N Tsinghua polygon from its crs member onto the campus in Beijing', () => {
    const doc = JSON.parse(
      readFileSync(sharedFile('polygons', 'cn_beijing_tsinghua_utm49n_trackintel.geojson'), 'utf8'),
    ) as { crs: unknown; features: { geometry: Polygon }[] }
    const crs = resolveCrs({ geojsonCrsMember: doc.crs, format: 'geojson' })
    if (!crs.ok) throw new Error(crs.message)
    const polygon = doc.features[0]?.geometry as Polygon
    const result = toWgs84Geometry(polygon, crs.crs)
    if (!result.ok) throw new Error(result.message)
    const ring = result.geometry.coordinates[0] ?? []
    for (const [lon = NaN, lat = NaN] of ring) {
      expect(lon).toBeGreaterThan(116.29)
      expect(lon).toBeLessThan(116.34)
      expect(lat).toBeGreaterThan(39.98)
      expect(lat).toBeLessThan(40.02)
    }
    // First vertex by PROJ 9.1: cs2cs +proj=utm +zone=49 +datum=WGS84 → 116.3210500011, 40.0146630004.
    expect(metresBetween(ring[0] ?? [], [116.3210500011, 40.0146630004])).toBeLessThan(0.01)
  })

  it('lands a point of EPSG:4547 within 0.5 m of an independent Gauss–Krüger inverse and of PROJ', () => {
    const easting = 612_345.678
    const northing = 3_435_000
    const lonLat = convertPoint([easting, northing], resolved('EPSG:4547'))
    expect(metresBetween(lonLat, gaussKrugerInverse(easting, northing, 114, 500_000))).toBeLessThan(0.5)
    // PROJ 9.1: echo "3435000 612345.678" | cs2cs -d 10 EPSG:4547 EPSG:4490 → 31.0309456111 115.1766831465
    expect(metresBetween(lonLat, [115.1766831465, 31.0309456111])).toBeLessThan(0.01)
    // and proj4 with a +proj string written here, not taken from the code under test
    const independent = proj4(
      '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m',
      'EPSG:4326',
      [easting, northing],
    )
    expect(metresBetween(lonLat, independent)).toBeLessThan(0.01)
  })

  it('lands a prefixed EPSG:4527 easting in zone 39', () => {
    const lonLat = convertPoint([39_567_890.12, 4_400_000], resolved('EPSG:4527'))
    expect(metresBetween(lonLat, gaussKrugerInverse(39_567_890.12, 4_400_000, 117, 39_500_000))).toBeLessThan(
      0.5,
    )
    // PROJ 9.1: cs2cs EPSG:4527 EPSG:4490 → 39.7313484425 117.7919240459
    expect(metresBetween(lonLat, [117.7919240459, 39.7313484425])).toBeLessThan(0.01)
  })

  it('reports a file in EPSG axis order (x = northing) instead of swapping it', () => {
    const result = toWgs84Geometry<Point>(
      { type: 'Point', coordinates: [3_435_000, 612_345.678] },
      resolved('EPSG:4547'),
    )
    expect(result).toMatchObject({ ok: false, reason: AXIS_ORDER_SWAPPED })
  })

  it('reports eastings whose zone prefix does not fit the chosen system, naming the right one', () => {
    const noPrefix = toWgs84Geometry<Point>(
      { type: 'Point', coordinates: [567_890, 4_400_000] },
      resolved('EPSG:4527'),
    )
    expect(noPrefix).toMatchObject({ ok: false, reason: ZONE_PREFIX_MISMATCH })
    expect(!noPrefix.ok && noPrefix.message).toContain('EPSG:4548')
    const withPrefix = toWgs84Geometry<Point>(
      { type: 'Point', coordinates: [38_567_890, 4_400_000] },
      resolved('EPSG:4547'),
    )
    expect(withPrefix).toMatchObject({ ok: false, reason: ZONE_PREFIX_MISMATCH })
    expect(!withPrefix.ok && withPrefix.message).toContain('EPSG:4526')
  })

  it('reports degrees sent with a projected crs', () => {
    const result = toWgs84Geometry<Point>(
      { type: 'Point', coordinates: [114.3, 30.5] },
      resolved('EPSG:4547'),
    )
    expect(result).toMatchObject({ ok: false, reason: OUTSIDE_CRS_AREA })
  })

  it.each([
    ['GCJ-02', gcoord.GCJ02, 0.5],
    ['BD-09', gcoord.BD09, 0.5],
  ] as const)('brings %s input back within %s m of its WGS84 origin', (param, gcoordCrs, tolerance) => {
    const origins: Position[] = [
      [116.326, 40.003], // Tsinghua, Beijing
      [111.032, 27.113], // 隆回县, Hunan
      [113.5947, 24.9436], // 仁化县, Guangdong
    ]
    for (const origin of origins) {
      const offset = gcoord.transform([origin[0] ?? NaN, origin[1] ?? NaN], gcoord.WGS84, gcoordCrs)
      // The offset is hundreds of metres, so an identity conversion could not pass.
      expect(metresBetween(offset, origin)).toBeGreaterThan(100)
      expect(metresBetween(convertPoint(offset, resolved(param)), origin)).toBeLessThan(tolerance)
    }
  })

  it('keeps Z values and does not touch its input', () => {
    const input: Point = { type: 'Point', coordinates: [612_345.678, 3_435_000, 42] }
    const copy = structuredClone(input)
    const result = toWgs84Geometry(input, resolved('EPSG:4547'))
    expect(result.ok && result.geometry.coordinates[2]).toBe(42)
    expect(input).toEqual(copy)
  })
})

describe('NAD27 → WGS84 without grids (EPSG:1173, +towgs84=-8,160,176)', () => {
  // NADCON (conus grid) results from PROJ's own test suite, test/cli/test_cs2cs_datumfile.yaml
  // (MIT licence): NAD27 → NAD83. NAD83(1986) and WGS84 agree to about 1–2 m, within which these
  // are the truth the three-parameter shift is measured against.
  const dms = (d: number, m: number, s: number): number => d + m / 60 + s / 3600
  const NADCON: [label: string, nad27: Position, nad83: Position][] = [
    [
      'Virginia, 80 km north of nc.shp',
      [-dms(79, 58, 0), dms(36, 58, 0)],
      [-dms(79, 57, 59.128), dms(36, 58, 0.501)],
    ],
    ['Utah', [-dms(111, 0, 0), dms(39, 0, 0)], [-dms(111, 0, 2.604), dms(38, 59, 59.912)]],
    ['Idaho', [-dms(111, 0, 0), dms(44, 0, 0)], [-dms(111, 0, 2.788), dms(43, 59, 59.725)]],
  ]

  it('moves the nc.shp vertices by 15–34 m, the size of the NAD27 → WGS84 shift in North Carolina', async () => {
    const contents = await readShapefileParts({
      shp: readFileSync(sharedFile('import', 'nc.shp')),
      prj: readFileSync(sharedFile('import', 'nc.prj')),
    })
    const crs = resolveCrs({ prjText: contents.prjText })
    if (!crs.ok) throw new Error(crs.message)
    const shifts: number[] = []
    for (const feature of contents.features) {
      const geometry = feature.geometry as Polygon | MultiPolygon
      const converted = toWgs84Geometry(geometry, crs.crs)
      if (!converted.ok) throw new Error(converted.message)
      const before = [...listPositions(geometry)]
      ;[...listPositions(converted.geometry)].forEach((p, i) =>
        shifts.push(metresBetween(before[i] ?? [], p)),
      )
    }
    // Measured: 2529 vertices, 14.5–33.8 m, mean 23.9 m (about +0.84" longitude, +0.34" latitude).
    expect(Math.min(...shifts)).toBeGreaterThan(14)
    expect(Math.max(...shifts)).toBeLessThan(34)
  })

  it.each(NADCON)('stays within 10 m of NADCON in %s (measured: 7.8, 2.3, 2.8 m)', (_label, nad27, nad83) => {
    const crs = resolveCrs({ prjText: readFileSync(sharedFile('import', 'nc.prj'), 'utf8') })
    if (!crs.ok) throw new Error(crs.message)
    const wgs84 = convertPoint(nad27, crs.crs)
    // The shift itself is 20–65 m, so skipping it (what proj4 does with the bare .prj) fails.
    expect(metresBetween(nad27, nad83)).toBeGreaterThan(20)
    expect(metresBetween(wgs84, nad83)).toBeLessThan(10)
  })
})
