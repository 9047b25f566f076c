import { readdirSync, readFileSync } from 'node:fs'
import type { Polygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { AXIS_ORDER_SWAPPED, CRS_UNKNOWN } from '../../server/domain/geo/crs-reasons.js'
import { findDoubleSignedArea } from '../../server/domain/geo/ring-orientation.js'
import { validateFeatureCollection, validateGeoJsonText } from '../../server/domain/geo/validate-features.js'
import {
  BAD_BBOX,
  BAD_MEMBER,
  BAD_NESTING,
  BAD_TYPE,
  COORD_NOT_NUMBER,
  COORD_OUT_OF_RANGE,
  DUPLICATE_MEMBER,
  EMPTY_GEOMETRY,
  EXTRA_DIMENSIONS_DROPPED,
  FORBIDDEN_MEMBER,
  LINE_TOO_FEW_POSITIONS,
  MISSING_MEMBER,
  NOT_A_FEATURE,
  NOT_GEOJSON,
  NOT_JSON,
  NOT_POLYGON,
  NULL_GEOMETRY,
  POSITION_TOO_LONG,
  POSITION_TOO_SHORT,
  RING_NOT_CLOSED,
  RING_TOO_FEW_POSITIONS,
  TOO_MANY_ERRORS,
  WINDING_REORIENTED,
  ZERO_AREA,
  isStructureReason,
} from '../../server/domain/geo/validation-reasons.js'
import { sharedFile } from '../support/paths.js'

const HINT_DIR = sharedFile('invalid', 'geojsonhint')

function readHintFile(dir: 'bad' | 'good', name: string): string {
  return readFileSync(`${HINT_DIR}/${dir}/${name}.geojson`, 'utf8')
}

function listHintFiles(dir: 'bad' | 'good'): string[] {
  return readdirSync(`${HINT_DIR}/${dir}`)
    .filter((f) => f.endsWith('.geojson'))
    .map((f) => f.slice(0, -'.geojson'.length))
    .sort()
}

function square(lon: number, lat: number, size: number): number[][] {
  return [
    [lon, lat],
    [lon + size, lat],
    [lon + size, lat + size],
    [lon, lat + size],
    [lon, lat],
  ]
}

// What each of geojsonhint's bad files must be refused with (reason, feature index), read against
// its .result file. Null index: the problem is the document's, not a feature's.
// (bad-feature-with-number-id.result has no .geojson beside it in geojsonhint either.)
const BAD_FILES: Record<string, [reason: string, index: number | null][]> = {
  'bad-duplicate-properties': [
    [DUPLICATE_MEMBER, 0],
    [FORBIDDEN_MEMBER, 0],
    [MISSING_MEMBER, 0],
  ],
  'bad-featurelist': [[BAD_NESTING, 0]],
  'bad-json': [[NOT_JSON, null]],
  'bad-object-type': [[BAD_TYPE, null]],
  'bad-polygon-interiorring-rhr': [[WINDING_REORIENTED, 0]],
  'bad-polygonloop': [[BAD_NESTING, 0]],
  'bad-properties-as-array': [
    [BAD_MEMBER, 0],
    [NULL_GEOMETRY, 0],
  ],
  badcoord: [[COORD_NOT_NUMBER, 0]],
  badcoordtype: [[BAD_NESTING, 0]],
  badfeature: [[NOT_A_FEATURE, 0]],
  badfeatureid: [[BAD_MEMBER, 0]],
  'bbox-4or6elements': [[BAD_BBOX, 0]],
  'bbox-contains-string': [[BAD_BBOX, 0]],
  'bbox-string': [[BAD_BBOX, 0]],
  'different-first-last': [[RING_NOT_CLOSED, 0]],
  'different-first-size': [[RING_NOT_CLOSED, 0]],
  // Valid GeoJSON for geojsonhint too (its .result is empty); a LineString is no zone.
  excessive_precision_truncated: [[NOT_POLYGON, 0]],
  expected_object: [[BAD_MEMBER, 0]],
  false: [[BAD_MEMBER, 0]],
  feature_changed_semantics: [[FORBIDDEN_MEMBER, 0]],
  'featurecollection-obj': [[BAD_MEMBER, null]],
  'featurecollection-type-case': [[BAD_TYPE, null]],
  featurecollection: [[MISSING_MEMBER, null]],
  featurecollection_changed_semantics: [[FORBIDDEN_MEMBER, null]],
  geometry_changed_semantics: [[FORBIDDEN_MEMBER, 0]],
  geometrycollection_nested: [[NOT_POLYGON, 0]],
  geometrycollection_single: [[NOT_POLYGON, 0]],
  multiple_problems: [
    [BAD_MEMBER, 0],
    [COORD_NOT_NUMBER, 0],
    [NOT_A_FEATURE, 2],
    [NOT_A_FEATURE, 3],
    [BAD_MEMBER, 3],
  ],
  'multipoint-multidimension': [[BAD_NESTING, 0]],
  'multipoint-nondimension': [[BAD_NESTING, 0]],
  nofeaturetype: [[NOT_A_FEATURE, 0]],
  notype: [[MISSING_MEMBER, null]],
  'point-labeled-as-a-multipolygon': [[BAD_NESTING, 0]],
  'point-string': [[COORD_NOT_NUMBER, 0]],
  'point-toofew': [[POSITION_TOO_SHORT, 0]],
  'point-toomany': [
    [NOT_POLYGON, 0],
    [POSITION_TOO_LONG, 0],
  ],
  point: [[MISSING_MEMBER, 0]],
  polygon_winding_order: [[WINDING_REORIENTED, 0]],
  rootstring: [[NOT_GEOJSON, null]],
  'short-line': [[LINE_TOO_FEW_POSITIONS, 0]],
  'short-linearring': [
    [RING_TOO_FEW_POSITIONS, 0],
    [RING_NOT_CLOSED, 0],
  ],
  'short-multilinestring': [[LINE_TOO_FEW_POSITIONS, 0]],
  stringcoord: [[COORD_NOT_NUMBER, 0]],
  unknowntype: [[BAD_TYPE, null]],
}

// Right-hand-rule files: a warning and a turned ring, not a refusal (design decision: a planner's
// file is not rejected for ring direction).
const WINDING_ONLY = new Set(['bad-polygon-interiorring-rhr', 'polygon_winding_order'])

describe('validateGeoJsonText on geojsonhint’s bad files', () => {
  it('has an expectation for every bad file', () => {
    expect(listHintFiles('bad')).toEqual(Object.keys(BAD_FILES).sort())
  })

  it.each(Object.entries(BAD_FILES))('%s is refused with the expected reason and index', (name, expected) => {
    const result = validateGeoJsonText(readHintFile('bad', name))
    const found = [...result.errors, ...result.warnings].map((issue) => [issue.reason, issue.index])
    for (const pair of expected) expect(found).toContainEqual(pair)
    if (WINDING_ONLY.has(name)) {
      expect(result.errors).toEqual([])
      expect(result.features).toHaveLength(1)
    } else {
      expect(result.errors.length).toBeGreaterThan(0)
      expect(result.features).toEqual([])
    }
  })

  it('turns the rings of the winding files to the right-hand rule', () => {
    const result = validateGeoJsonText(readHintFile('bad', 'bad-polygon-interiorring-rhr'))
    const [exterior = [], hole = []] = (result.features[0]?.geometry as Polygon).coordinates
    expect(findDoubleSignedArea(exterior)).toBeGreaterThan(0)
    expect(findDoubleSignedArea(hole)).toBeLessThan(0)
  })
})

describe('validateGeoJsonText on geojsonhint’s good files', () => {
  // Valid GeoJSON: no structural error in any of them. Only the zone rules speak: points and lines
  // are not areas, a null geometry has nothing to patrol, and issue82's coordinates (-259°, -134°)
  // are no place on Earth, which geojsonhint does not check.
  const ZONE_REASONS: Record<string, { accepted: number; reasons: string[] }> = {
    'good-feature-with-id': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-feature-with-string-id': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-feature': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-featurecollection-bbox': { accepted: 0, reasons: [NOT_POLYGON, NOT_POLYGON] },
    'good-featurecollection-bbox3d': { accepted: 0, reasons: [NOT_POLYGON, NOT_POLYGON] },
    'good-featurecollection-extensions': { accepted: 1, reasons: [NOT_POLYGON, NOT_POLYGON] },
    'good-featurecollection': { accepted: 1, reasons: [NOT_POLYGON, NOT_POLYGON] },
    'good-geometrycollection': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-linestring': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-multilinestring': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-multipoint': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-point-3d': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-point': { accepted: 0, reasons: [NOT_POLYGON] },
    'good-polygon': { accepted: 1, reasons: [] },
    issue82: { accepted: 0, reasons: [COORD_OUT_OF_RANGE] },
    multipolygon: { accepted: 1, reasons: [] },
    nullgeometry: { accepted: 0, reasons: [NULL_GEOMETRY] },
    nullproperties: { accepted: 0, reasons: [NOT_POLYGON] },
  }

  it('has an expectation for every good file', () => {
    expect(listHintFiles('good')).toEqual(Object.keys(ZONE_REASONS).sort())
  })

  it.each(Object.entries(ZONE_REASONS))('%s has no structural error', (name, { accepted, reasons }) => {
    const result = validateGeoJsonText(readHintFile('good', name))
    expect(result.errors.filter((e) => isStructureReason(e.reason))).toEqual([])
    expect(result.errors.map((e) => e.reason)).toEqual(reasons)
    expect(result.features).toHaveLength(accepted)
  })
})

describe('validateFeatureCollection: zone rules', () => {
  function collection(...geometries: unknown[]): unknown {
    return {
      type: 'FeatureCollection',
      features: geometries.map((geometry, i) => ({
        type: 'Feature',
        id: `z${i}`,
        properties: { name: `区${i}` },
        geometry,
      })),
    }
  }

  it('keeps id and properties, makes null properties {}, and accepts a lone Feature or Polygon', () => {
    const result = validateFeatureCollection(
      collection({ type: 'Polygon', coordinates: [square(116.3, 40, 0.01)] }),
    )
    expect(result.features[0]).toMatchObject({ index: 0, id: 'z0', properties: { name: '区0' } })
    const lone = validateFeatureCollection({
      type: 'Feature',
      properties: null,
      geometry: { type: 'Polygon', coordinates: [square(1, 1, 1)] },
    })
    expect(lone.features[0]?.properties).toEqual({})
    expect(
      validateFeatureCollection({ type: 'Polygon', coordinates: [square(1, 1, 1)] }).features,
    ).toHaveLength(1)
  })

  it('refuses empty polygons and polygons without rings', () => {
    const result = validateFeatureCollection(
      collection({ type: 'Polygon', coordinates: [] }, { type: 'MultiPolygon', coordinates: [[]] }),
    )
    expect(result.errors.map((e) => [e.reason, e.index, e.path])).toEqual([
      [EMPTY_GEOMETRY, 0, '/features/0/geometry/coordinates'],
      [EMPTY_GEOMETRY, 1, '/features/1/geometry/coordinates/0'],
    ])
  })

  it('refuses a ring with no area (all positions on one line)', () => {
    const flat = [
      [116, 40],
      [116.01, 40.01],
      [116.02, 40.02],
      [116, 40],
    ]
    const result = validateFeatureCollection(collection({ type: 'Polygon', coordinates: [flat] }))
    expect(result.errors).toMatchObject([
      { reason: ZERO_AREA, index: 0, path: '/features/0/geometry/coordinates/0' },
    ])
  })

  it('says when coordinates look like latitude, longitude', () => {
    const swapped = square(40, 116, 0.01).map(([a, b]) => [a, b])
    const result = validateFeatureCollection(collection({ type: 'Polygon', coordinates: [swapped] }))
    expect(result.errors[0]).toMatchObject({ reason: COORD_OUT_OF_RANGE, index: 0 })
    expect(result.errors[0]?.message).toMatch(/latitude, longitude order/)
  })

  it('says when coordinates look like projected metres sent without a crs', () => {
    const result = validateFeatureCollection(
      collection({ type: 'Polygon', coordinates: [square(612_000, 3_435_000, 100)] }),
    )
    expect(result.errors[0]?.message).toMatch(/projected metres: pass crs=EPSG/)
  })

  it('reprojects with the crs parameter and reports axis-swapped features by index', () => {
    const result = validateFeatureCollection(
      collection(
        { type: 'Polygon', coordinates: [square(612_000, 3_435_000, 100)] },
        { type: 'Polygon', coordinates: [square(3_435_000, 612_000, 100)] },
      ),
      { crsParam: 'EPSG:4547' },
    )
    expect(result.features.map((f) => f.index)).toEqual([0])
    const [lon = NaN, lat = NaN] = (result.features[0]?.geometry as Polygon).coordinates[0]?.[0] ?? []
    expect(lon).toBeCloseTo(115.17, 1)
    expect(lat).toBeCloseTo(31.03, 1)
    expect(result.errors).toMatchObject([
      { reason: AXIS_ORDER_SWAPPED, index: 1, path: '/features/1/geometry' },
    ])
  })

  it('reads the Tsinghua file’s legacy crs member and lands the campus in Beijing', () => {
    const text = readFileSync(sharedFile('polygons', 'cn_beijing_tsinghua_utm49n_trackintel.geojson'), 'utf8')
    const result = validateGeoJsonText(text)
    expect(result.errors).toEqual([])
    expect(result.crs).toMatchObject({ code: 'EPSG:32649' })
    const [lon = NaN, lat = NaN] = (result.features[0]?.geometry as Polygon).coordinates[0]?.[0] ?? []
    expect(lon).toBeCloseTo(116.32, 2)
    expect(lat).toBeCloseTo(40.01, 2)
  })

  it('refuses the whole document when its crs member cannot be used', () => {
    const result = validateFeatureCollection({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::99999' } },
      features: [],
    })
    expect(result.errors).toMatchObject([{ reason: CRS_UNKNOWN, index: null, path: '/crs' }])
  })

  it('drops Z values with a warning and returns 2-D rings, exterior counter-clockwise', () => {
    const clockwise3d = square(116, 40, 0.01)
      .reverse()
      .map(([x, y]) => [x, y, 50])
    const result = validateFeatureCollection(collection({ type: 'Polygon', coordinates: [clockwise3d] }))
    const ring = (result.features[0]?.geometry as Polygon).coordinates[0] ?? []
    expect(ring.every((p) => p.length === 2)).toBe(true)
    expect(findDoubleSignedArea(ring)).toBeGreaterThan(0)
    expect(result.warnings.map((w) => w.reason).sort()).toEqual([
      EXTRA_DIMENSIONS_DROPPED,
      WINDING_REORIENTED,
    ])
  })

  it('turns rings silently when asked (Shapefile input, clockwise by definition)', () => {
    const clockwise = square(116, 40, 0.01).reverse()
    const result = validateFeatureCollection(collection({ type: 'Polygon', coordinates: [clockwise] }), {
      winding: 'any',
    })
    expect(result.warnings).toEqual([])
    expect(
      findDoubleSignedArea((result.features[0]?.geometry as Polygon).coordinates[0] ?? []),
    ).toBeGreaterThan(0)
  })

  it('does not change its input', () => {
    const input = collection({ type: 'Polygon', coordinates: [square(116, 40, 0.01).reverse()] })
    const copy = structuredClone(input)
    validateFeatureCollection(input, { crsParam: 'GCJ-02' })
    expect(input).toEqual(copy)
  })

  it('stops listing after 1000 problems but still accepts the good features', () => {
    const points = Array.from({ length: 1500 }, () => ({ type: 'Point', coordinates: [1, 2] }))
    const result = validateFeatureCollection(
      collection(...points, { type: 'Polygon', coordinates: [square(1, 1, 1)] }),
    )
    expect(result.errors).toHaveLength(1001)
    expect(result.errors.at(-1)).toMatchObject({ reason: TOO_MANY_ERRORS, index: null })
    expect(result.features.map((f) => f.index)).toEqual([1500])
  })
})
