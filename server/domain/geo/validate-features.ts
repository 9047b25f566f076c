/**
 * From a submitted GeoJSON document to zone features in WGS84, with every problem listed.
 *
 * POST /plans/{id}/zones is all-or-nothing with every bad feature listed (or `?partial=true`), so
 * this never stops at the first problem. Structure is checked here, reason by reason, following
 * geojsonhint (its test files are the reference); geojson-validation then looks at every feature
 * these checks passed, as a second opinion whose complaints surface as STRUCTURE_INVALID. Zone rules
 * follow: only (Multi)Polygons, in range after reprojection, rings with area. Ring orientation is
 * not a reason to refuse a planner's file: rings are turned to RFC 7946's right-hand rule and a
 * warning says so. Validity in the OGC sense (self-intersections, holes outside shells) is left to
 * PostGIS's ST_IsValidReason, as design.md says; this module does what can be said without GEOS.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { createRequire } from 'node:module'
import { resolveCrs } from './crs.js'
import { appendPointer, findFeatureIndexOfPath, type GeoIssue } from './geo-issue.js'
import { parseJsonStrict } from './parse-json-strict.js'
import { describeCrs, type ResolvedCrs } from './resolved-crs.js'
import { orientPolygon } from './ring-orientation.js'
import { toWgs84Geometry } from './to-wgs84-geometry.js'
import {
  BAD_BBOX,
  BAD_MEMBER,
  BAD_NESTING,
  BAD_TYPE,
  COORD_NOT_NUMBER,
  COORD_OUT_OF_RANGE,
  CRS_NOTE,
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
  STRUCTURE_INVALID,
  TOO_MANY_ERRORS,
  WINDING_REORIENTED,
  ZERO_AREA,
  isStructureReason,
  type ValidationReason,
  type ValidationWarningReason,
} from './validation-reasons.js'

/** geojson-validation's API as used here; the package ships no types. */
interface GeojsonValidation {
  isFeature(value: unknown, trace: true): string[]
  isGeometryObject(value: unknown, trace: true): string[]
  isFeatureCollection(value: unknown, trace: true): string[]
}
// A CommonJS package without typings: required rather than imported so that no project-wide ambient
// module declaration is needed.
const geojsonValidation = createRequire(import.meta.url)('geojson-validation') as GeojsonValidation

export interface ZoneFeature {
  /** Position in the submitted file (0 for a lone Feature or geometry). */
  index: number
  id?: string | number
  /** WGS84 longitude/latitude, 2-D, exterior rings counter-clockwise (RFC 7946). */
  geometry: Polygon | MultiPolygon
  properties: Record<string, unknown>
}

export interface FeatureValidation {
  /**
   * The features that passed every check; a feature with any error is not among them, and there are
   * none when the document itself has an error (index null): a broken envelope taints its contents.
   */
  features: ZoneFeature[]
  errors: GeoIssue<ValidationReason>[]
  warnings: GeoIssue<ValidationWarningReason>[]
  /** The CRS the coordinates were read in; null when it could not be determined. */
  crs: ResolvedCrs | null
}

export interface ValidateOptions {
  /** An already resolved CRS (the Shapefile path resolves it from .prj and parameter). */
  crs?: ResolvedCrs
  /** The request's crs parameter, combined with the document's legacy `crs` member. */
  crsParam?: string | null
  /**
   * 'rfc7946' (default) warns when rings are turned; 'any' turns them silently, for sources whose
   * own convention is the opposite (Shapefile: exterior clockwise).
   */
  winding?: 'rfc7946' | 'any'
}

// Enough to show every bad feature of a typical county file; beyond it a list helps nobody and
// only inflates the response.
const MAX_ERRORS = 1000

const GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
] as const
type GeometryType = (typeof GEOMETRY_TYPES)[number]
type CoordinateType = Exclude<GeometryType, 'GeometryCollection'>

/** How many arrays deep the numbers of each geometry type sit. */
const COORDINATE_DEPTH: Record<CoordinateType, number> = {
  Point: 1,
  MultiPoint: 2,
  LineString: 2,
  MultiLineString: 3,
  Polygon: 3,
  MultiPolygon: 4,
}
const COORDINATE_SHAPE: Record<CoordinateType, string> = {
  Point: 'a position [x, y]',
  MultiPoint: 'an array of positions',
  LineString: 'an array of positions',
  MultiLineString: 'an array of lines, each an array of positions',
  Polygon: 'an array of rings, each an array of positions',
  MultiPolygon: 'an array of polygons, each an array of rings of positions',
}

// RFC 7946 §7.1, plus the cases geojsonhint also flags ("features" outside a FeatureCollection …).
const FORBIDDEN_ON_FEATURE = ['coordinates', 'geometries', 'features']
const FORBIDDEN_ON_GEOMETRY = ['geometry', 'properties', 'features']
const FORBIDDEN_ON_COLLECTION = ['geometry', 'properties', 'coordinates', 'geometries']

type JsonObject = Record<string, unknown>

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key)
}

class IssueList {
  readonly errors: GeoIssue<ValidationReason>[] = []
  readonly warnings: GeoIssue<ValidationWarningReason>[] = []
  /** Feature indexes with at least one error. */
  readonly failed = new Set<number>()
  /** Feature indexes with at least one structural error (zone checks are then skipped). */
  readonly broken = new Set<number>()
  private truncated = false

  error(index: number | null, path: string, reason: ValidationReason, message: string): void {
    if (index !== null) {
      this.failed.add(index)
      if (isStructureReason(reason)) this.broken.add(index)
    }
    if (this.errors.length < MAX_ERRORS) {
      this.errors.push({ index, path, reason, message })
    } else if (!this.truncated) {
      this.truncated = true
      this.errors.push({
        index: null,
        path: '',
        reason: TOO_MANY_ERRORS,
        message: `More than ${MAX_ERRORS} problems; the rest are not listed.`,
      })
    }
  }

  warn(index: number | null, path: string, reason: ValidationWarningReason, message: string): void {
    if (this.warnings.length < MAX_ERRORS) this.warnings.push({ index, path, reason, message })
  }
}

/** A feature or lone geometry whose structure was checked, waiting for the zone checks. */
interface Candidate {
  index: number
  path: string
  geometryPath: string
  geometry: unknown
  properties: JsonObject
  id?: string | number
}

class StructureWalk {
  readonly candidates: Candidate[] = []
  private readonly longPositionWarned = new Set<number>()

  constructor(private readonly issues: IssueList) {}

  document(input: unknown): void {
    if (!isJsonObject(input)) {
      this.issues.error(
        null,
        '',
        NOT_GEOJSON,
        `The document must be a GeoJSON object, not ${describeJsonType(input)}.`,
      )
      return
    }
    const type = this.type(input, '', null, ['FeatureCollection', 'Feature', ...GEOMETRY_TYPES])
    if (type === 'FeatureCollection') this.collection(input)
    else if (type === 'Feature') this.feature(input, 0, '')
    else if (type !== null) {
      // A lone geometry is taken as a single zone without properties, like a one-feature file.
      this.geometry(input, 0, '', false)
      if (!this.issues.broken.has(0))
        this.secondOpinion(geojsonValidation.isGeometryObject(input, true), 0, '')
      this.candidates.push({ index: 0, path: '', geometryPath: '', geometry: input, properties: {} })
    }
  }

  /** The `type` member when it is one of `allowed`; reports and returns null otherwise. */
  private type(
    object: JsonObject,
    path: string,
    index: number | null,
    allowed: readonly string[],
  ): string | null {
    const typePath = appendPointer(path, 'type')
    if (!hasOwn(object, 'type')) {
      this.issues.error(index, typePath, MISSING_MEMBER, 'The "type" member is required.')
      return null
    }
    const type = object.type
    if (typeof type !== 'string') {
      this.issues.error(index, typePath, BAD_TYPE, `"type" must be a string, not ${describeJsonType(type)}.`)
      return null
    }
    if (allowed.includes(type)) return type
    const caseMatch = allowed.find((t) => t.toLowerCase() === type.toLowerCase())
    this.issues.error(
      index,
      typePath,
      BAD_TYPE,
      caseMatch
        ? `"type" is case-sensitive: expected "${caseMatch}", found "${type}".`
        : `"${type}" is not allowed here; expected ${allowed.map((t) => `"${t}"`).join(', ')}.`,
    )
    return null
  }

  private forbidden(
    object: JsonObject,
    path: string,
    index: number | null,
    kind: string,
    keys: string[],
  ): void {
    for (const key of keys) {
      if (hasOwn(object, key)) {
        this.issues.error(
          index,
          appendPointer(path, key),
          FORBIDDEN_MEMBER,
          `A ${kind} must not have a "${key}" member (RFC 7946 §7.1).`,
        )
      }
    }
  }

  private bbox(object: JsonObject, index: number | null, path: string): void {
    if (!hasOwn(object, 'bbox')) return
    const bbox = object.bbox
    const bboxPath = appendPointer(path, 'bbox')
    if (!Array.isArray(bbox)) {
      this.issues.error(
        index,
        bboxPath,
        BAD_BBOX,
        `"bbox" must be an array of numbers, not ${describeJsonType(bbox)}.`,
      )
    } else if (bbox.length < 4 || bbox.length % 2 !== 0) {
      this.issues.error(
        index,
        bboxPath,
        BAD_BBOX,
        `"bbox" must have 4 (2-D) or 6 (3-D) numbers, not ${bbox.length}.`,
      )
    } else if (!bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      this.issues.error(index, bboxPath, BAD_BBOX, 'Every element of "bbox" must be a number.')
    }
  }

  private collection(input: JsonObject): void {
    this.forbidden(input, '', null, 'FeatureCollection', FORBIDDEN_ON_COLLECTION)
    this.bbox(input, null, '')
    if (!hasOwn(input, 'features')) {
      this.issues.error(null, '/features', MISSING_MEMBER, 'A FeatureCollection needs a "features" member.')
      return
    }
    const features = input.features
    if (!Array.isArray(features)) {
      this.issues.error(
        null,
        '/features',
        BAD_MEMBER,
        `"features" must be an array, not ${describeJsonType(features)}.`,
      )
      return
    }
    const before = this.issues.errors.length
    features.forEach((feature, index) => this.feature(feature, index, appendPointer('/features', index)))
    const documentErrors = this.issues.errors.slice(0, before).filter((e) => e.index === null)
    if (documentErrors.length === 0) {
      const shell = { ...input, features: [] }
      this.secondOpinion(geojsonValidation.isFeatureCollection(shell, true), null, '')
    }
  }

  private feature(value: unknown, index: number, path: string): void {
    if (!isJsonObject(value)) {
      this.issues.error(
        index,
        path,
        NOT_A_FEATURE,
        `Each feature must be a Feature object, not ${describeJsonType(value)}.`,
      )
      return
    }
    const type = value.type
    if (type !== 'Feature') {
      const found = typeof type === 'string' ? `"${type}"` : describeJsonType(type)
      const hint =
        typeof type === 'string' && type.toLowerCase() === 'feature'
          ? ' ("type" is case-sensitive)'
          : GEOMETRY_TYPES.includes(type as GeometryType)
            ? ' (a bare geometry; wrap it in a Feature)'
            : ''
      this.issues.error(
        index,
        appendPointer(path, 'type'),
        NOT_A_FEATURE,
        `Expected "type": "Feature", found ${found}${hint}.`,
      )
    }
    this.forbidden(value, path, index, 'Feature', FORBIDDEN_ON_FEATURE)
    this.bbox(value, index, path)

    let id: string | number | undefined
    if (hasOwn(value, 'id')) {
      if (typeof value.id === 'string' || typeof value.id === 'number') id = value.id
      else {
        this.issues.error(
          index,
          appendPointer(path, 'id'),
          BAD_MEMBER,
          `A feature "id" must be a string or a number, not ${describeJsonType(value.id)}.`,
        )
      }
    }

    let properties: JsonObject = {}
    if (!hasOwn(value, 'properties')) {
      this.issues.error(
        index,
        appendPointer(path, 'properties'),
        MISSING_MEMBER,
        'A Feature needs a "properties" member (an object or null).',
      )
    } else if (isJsonObject(value.properties)) {
      properties = value.properties
    } else if (value.properties !== null) {
      this.issues.error(
        index,
        appendPointer(path, 'properties'),
        BAD_MEMBER,
        `"properties" must be an object or null, not ${describeJsonType(value.properties)}.`,
      )
    }

    const geometryPath = appendPointer(path, 'geometry')
    if (!hasOwn(value, 'geometry')) {
      this.issues.error(
        index,
        geometryPath,
        MISSING_MEMBER,
        'A Feature needs a "geometry" member (a geometry or null).',
      )
      return
    }
    if (value.geometry === null) {
      this.issues.error(index, geometryPath, NULL_GEOMETRY, 'The feature has no geometry ("geometry": null).')
      return
    }
    this.geometry(value.geometry, index, geometryPath, false)
    if (!this.issues.broken.has(index)) {
      this.secondOpinion(geojsonValidation.isFeature(value, true), index, path)
    }
    this.candidates.push({
      index,
      path,
      geometryPath,
      geometry: value.geometry,
      properties,
      ...(id === undefined ? {} : { id }),
    })
  }

  /** geojson-validation's messages for a part the checks above passed. */
  private secondOpinion(messages: string[], index: number | null, path: string): void {
    if (messages.length > 0) {
      this.issues.error(
        index,
        path,
        STRUCTURE_INVALID,
        `geojson-validation: ${messages.slice(0, 3).join('; ')}`,
      )
    }
  }

  /** Checks one geometry object; `nested` inside a GeometryCollection, where any type may appear. */
  private geometry(value: unknown, index: number, path: string, nested: boolean): void {
    if (!isJsonObject(value)) {
      this.issues.error(
        index,
        path,
        BAD_MEMBER,
        `A geometry must be an object, not ${describeJsonType(value)}.`,
      )
      return
    }
    const type = this.type(value, path, index, GEOMETRY_TYPES) as GeometryType | null
    this.forbidden(value, path, index, 'geometry', FORBIDDEN_ON_GEOMETRY)
    this.bbox(value, index, path)
    if (type === 'GeometryCollection') {
      const geometriesPath = appendPointer(path, 'geometries')
      if (!hasOwn(value, 'geometries')) {
        this.issues.error(
          index,
          geometriesPath,
          MISSING_MEMBER,
          'A GeometryCollection needs a "geometries" member.',
        )
      } else if (!Array.isArray(value.geometries)) {
        this.issues.error(
          index,
          geometriesPath,
          BAD_MEMBER,
          `"geometries" must be an array, not ${describeJsonType(value.geometries)}.`,
        )
      } else {
        value.geometries.forEach((g, i) => this.geometry(g, index, appendPointer(geometriesPath, i), true))
      }
    } else if (type !== null) {
      this.coordinates(value, type, index, path)
    }
    if (!nested && type !== null && type !== 'Polygon' && type !== 'MultiPolygon') {
      this.issues.error(
        index,
        appendPointer(path, 'type'),
        NOT_POLYGON,
        `A ${type} is not an area; zones must be Polygon or MultiPolygon.`,
      )
    }
  }

  private coordinates(geometry: JsonObject, type: CoordinateType, index: number, path: string): void {
    const coordinatesPath = appendPointer(path, 'coordinates')
    if (!hasOwn(geometry, 'coordinates')) {
      this.issues.error(index, coordinatesPath, MISSING_MEMBER, `A ${type} needs a "coordinates" member.`)
      return
    }
    const coordinates = geometry.coordinates
    if (!Array.isArray(coordinates)) {
      this.issues.error(
        index,
        coordinatesPath,
        BAD_MEMBER,
        `"coordinates" must be an array, not ${describeJsonType(coordinates)}.`,
      )
      return
    }
    if (coordinates.length === 0) {
      this.issues.error(index, coordinatesPath, EMPTY_GEOMETRY, `The ${type} is empty (no coordinates).`)
      return
    }
    // Nesting that is wrong throughout (a Polygon written as a list of positions: geojsonhint's
    // bad-polygonloop) is one mistake, reported once rather than once per vertex.
    let depth = 0
    let leaf: unknown = coordinates
    while (Array.isArray(leaf) && leaf.length > 0) {
      depth++
      leaf = leaf[0]
    }
    const expected = COORDINATE_DEPTH[type]
    if (typeof leaf === 'number' && depth !== expected) {
      this.issues.error(
        index,
        coordinatesPath,
        BAD_NESTING,
        `The coordinates of a ${type} must be ${COORDINATE_SHAPE[type]}; these are nested ` +
          `${depth < expected ? 'too shallow' : 'too deep'} (${depth} array level${depth === 1 ? '' : 's'} instead of ${expected}).`,
      )
      return
    }
    switch (type) {
      case 'Point':
        this.position(coordinates, index, coordinatesPath)
        return
      case 'MultiPoint':
        coordinates.forEach((p, i) => this.position(p, index, appendPointer(coordinatesPath, i)))
        return
      case 'LineString':
        this.line(coordinates, index, coordinatesPath)
        return
      case 'MultiLineString':
        coordinates.forEach((line, i) => {
          const linePath = appendPointer(coordinatesPath, i)
          if (this.array(line, index, linePath, 'a line (an array of positions)'))
            this.line(line, index, linePath)
        })
        return
      case 'Polygon':
        this.rings(coordinates, index, coordinatesPath)
        return
      case 'MultiPolygon':
        coordinates.forEach((polygon, i) => {
          const polygonPath = appendPointer(coordinatesPath, i)
          if (!this.array(polygon, index, polygonPath, 'a polygon (an array of rings)')) return
          if (polygon.length === 0) {
            this.issues.error(
              index,
              polygonPath,
              EMPTY_GEOMETRY,
              'A polygon of the MultiPolygon has no rings.',
            )
          } else {
            this.rings(polygon, index, polygonPath)
          }
        })
    }
  }

  private array(value: unknown, index: number, path: string, what: string): value is unknown[] {
    if (Array.isArray(value)) return true
    if (typeof value === 'number') {
      this.issues.error(
        index,
        path,
        BAD_NESTING,
        `A number where ${what} was expected: nest it one level deeper.`,
      )
    } else {
      this.issues.error(index, path, BAD_MEMBER, `Expected ${what}, found ${describeJsonType(value)}.`)
    }
    return false
  }

  private position(value: unknown, index: number, path: string): boolean {
    if (!this.array(value, index, path, 'a position [x, y]')) return false
    let ok = true
    if (value.length < 2) {
      this.issues.error(
        index,
        path,
        POSITION_TOO_SHORT,
        `A position needs at least two numbers, has ${value.length}.`,
      )
      ok = false
    }
    value.forEach((element, i) => {
      if (typeof element === 'number' && Number.isFinite(element)) return
      ok = false
      const elementPath = appendPointer(path, i)
      if (Array.isArray(element)) {
        this.issues.error(
          index,
          elementPath,
          BAD_NESTING,
          'An array inside a position, where a number was expected: nested too deep.',
        )
      } else {
        this.issues.error(
          index,
          elementPath,
          COORD_NOT_NUMBER,
          `Each element of a position must be a number, not ${describeJsonType(element)} (${JSON.stringify(element)}).`,
        )
      }
    })
    if (value.length > 3 && !this.longPositionWarned.has(index)) {
      this.longPositionWarned.add(index)
      this.issues.warn(
        index,
        path,
        POSITION_TOO_LONG,
        `Positions should have at most three numbers (RFC 7946 §3.1.1); this one has ${value.length}.`,
      )
    }
    return ok
  }

  private line(positions: unknown[], index: number, path: string): void {
    positions.forEach((p, i) => this.position(p, index, appendPointer(path, i)))
    if (positions.length < 2) {
      this.issues.error(
        index,
        path,
        LINE_TOO_FEW_POSITIONS,
        `A line needs at least two positions, has ${positions.length}.`,
      )
    }
  }

  private rings(rings: unknown[], index: number, path: string): void {
    rings.forEach((ring, i) => {
      const ringPath = appendPointer(path, i)
      if (!this.array(ring, index, ringPath, 'a linear ring (an array of positions)')) return
      let positionsOk = true
      ring.forEach((p, k) => {
        if (!this.position(p, index, appendPointer(ringPath, k))) positionsOk = false
      })
      if (ring.length < 4) {
        this.issues.error(
          index,
          ringPath,
          RING_TOO_FEW_POSITIONS,
          `A linear ring needs at least four positions (a closed triangle), has ${ring.length}.`,
        )
      }
      const first = ring[0] as unknown[] | undefined
      const last = ring[ring.length - 1] as unknown[] | undefined
      if (
        positionsOk &&
        first &&
        last &&
        (first.length !== last.length || first.some((v, k) => v !== last[k]))
      ) {
        this.issues.error(
          index,
          ringPath,
          RING_NOT_CLOSED,
          `A linear ring must end where it starts: first ${JSON.stringify(first)}, last ${JSON.stringify(last)}.`,
        )
      }
    })
  }
}

function describeOutOfRange([x = NaN, y = NaN]: Position): string {
  if (Math.abs(x) <= 90 && Math.abs(y) > 90 && Math.abs(y) <= 180) {
    return ' It looks like latitude, longitude order; GeoJSON is longitude, latitude.'
  }
  if (Math.abs(x) > 1000 || Math.abs(y) > 1000) {
    return ' These look like projected metres: pass crs=EPSG:… (e.g. EPSG:4547) or a crs member.'
  }
  return ''
}

/** A ring all on one line or one point; tolerance relative to the size of the shoelace terms. */
/**
 * True when every position lies on one line. A zero *signed* area alone is not enough: a symmetric
 * bow-tie sums to zero too, and that is a self-intersection for PostGIS to name, not a degenerate ring.
 */
function hasZeroArea(ring: Position[]): boolean {
  const [x0 = 0, y0 = 0] = ring[0] ?? []
  let magnitude = 0
  let largestCross = 0
  for (let i = 1; i + 1 < ring.length; i++) {
    const [ax = 0, ay = 0] = ring[i] ?? []
    const [bx = 0, by = 0] = ring[i + 1] ?? []
    magnitude += Math.abs((ax - x0) * (by - y0)) + Math.abs((bx - x0) * (ay - y0))
    largestCross = Math.max(largestCross, Math.abs((ax - x0) * (by - y0) - (bx - x0) * (ay - y0)))
  }
  return magnitude === 0 || largestCross <= 1e-12 * magnitude
}

function checkZone(
  candidate: Candidate,
  crs: ResolvedCrs,
  winding: 'rfc7946' | 'any',
  issues: IssueList,
): ZoneFeature | null {
  const { index, geometryPath } = candidate
  const converted = toWgs84Geometry(candidate.geometry as Polygon | MultiPolygon, crs)
  if (!converted.ok) {
    issues.error(index, geometryPath, converted.reason, converted.message)
    return null
  }
  const source = converted.geometry
  const polygons = source.type === 'Polygon' ? [source.coordinates] : source.coordinates
  const polygonPath = (p: number): string =>
    source.type === 'Polygon'
      ? appendPointer(geometryPath, 'coordinates')
      : appendPointer(appendPointer(geometryPath, 'coordinates'), p)

  let extraDimensions = false
  let ok = true
  let reoriented = false
  const cleaned = polygons.map((rings, p) =>
    rings.map((ring, r) => {
      const flat = ring.map((position) => {
        if (position.length > 2) extraDimensions = true
        return [position[0] ?? NaN, position[1] ?? NaN]
      })
      const outside = flat.findIndex(
        ([lon = NaN, lat = NaN]) => !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90),
      )
      const outsidePosition = flat[outside]
      if (ok && outsidePosition) {
        ok = false
        issues.error(
          index,
          appendPointer(appendPointer(polygonPath(p), r), outside),
          COORD_OUT_OF_RANGE,
          `[${outsidePosition.join(', ')}] is outside longitude ±180°, latitude ±90°` +
            (crs.kind === 'wgs84' ? '.' : ` after conversion from ${describeCrs(crs)}.`) +
            describeOutOfRange(outsidePosition),
        )
      }
      if (hasZeroArea(flat)) {
        ok = false
        issues.error(
          index,
          appendPointer(polygonPath(p), r),
          ZERO_AREA,
          `${r === 0 ? 'The exterior ring' : `Hole ${r}`} encloses no area (its positions lie on one line).`,
        )
      }
      return flat
    }),
  )
  if (!ok) return null
  const oriented = cleaned.map((rings) => {
    const result = orientPolygon(rings, 'counterclockwise')
    reoriented ||= result.changed
    return result.rings
  })
  if (reoriented && winding === 'rfc7946') {
    issues.warn(
      index,
      geometryPath,
      WINDING_REORIENTED,
      'Rings did not follow the right-hand rule (exterior counter-clockwise, holes clockwise) and were reversed.',
    )
  }
  if (extraDimensions) {
    issues.warn(
      index,
      geometryPath,
      EXTRA_DIMENSIONS_DROPPED,
      'Z/M values were dropped; zones are stored in two dimensions.',
    )
  }
  const geometry: Polygon | MultiPolygon =
    source.type === 'Polygon'
      ? { type: 'Polygon', coordinates: oriented[0] ?? [] }
      : { type: 'MultiPolygon', coordinates: oriented }
  return {
    index,
    ...(candidate.id === undefined ? {} : { id: candidate.id }),
    geometry,
    properties: candidate.properties,
  }
}

export function validateFeatureCollection(input: unknown, options: ValidateOptions = {}): FeatureValidation {
  const issues = new IssueList()
  const walk = new StructureWalk(issues)
  walk.document(input)

  let crs = options.crs ?? null
  if (!crs) {
    const crsMember = isJsonObject(input) ? input.crs : undefined
    const resolution = resolveCrs({ param: options.crsParam, geojsonCrsMember: crsMember, format: 'geojson' })
    if (resolution.ok) {
      crs = resolution.crs
      for (const note of resolution.warnings) issues.warn(null, '', CRS_NOTE, note)
    } else {
      issues.error(
        null,
        resolution.source === 'geojson-crs-member' ? '/crs' : '',
        resolution.reason,
        resolution.message,
      )
    }
  }

  const features: ZoneFeature[] = []
  // TOO_MANY_ERRORS only shortens the list: every feature's own errors are still tracked.
  if (crs && !issues.errors.some((e) => e.index === null && e.reason !== TOO_MANY_ERRORS)) {
    for (const candidate of walk.candidates) {
      if (issues.failed.has(candidate.index)) continue
      const feature = checkZone(candidate, crs, options.winding ?? 'rfc7946', issues)
      if (feature) features.push(feature)
    }
  }
  return { features, errors: issues.errors, warnings: issues.warnings, crs }
}

/** The same for GeoJSON text: NOT_JSON with line and column, duplicate members as errors. */
export function validateGeoJsonText(text: string, options: ValidateOptions = {}): FeatureValidation {
  const parsed = parseJsonStrict(text)
  if (!parsed.ok) {
    return {
      features: [],
      errors: [{ index: null, path: '', reason: NOT_JSON, message: parsed.message }],
      warnings: [],
      crs: null,
    }
  }
  const result = validateFeatureCollection(parsed.value, options)
  const isCollection = isJsonObject(parsed.value) && parsed.value.type === 'FeatureCollection'
  const duplicateErrors: GeoIssue<ValidationReason>[] = parsed.duplicates.map((d) => ({
    // Everything in a lone Feature or geometry belongs to feature 0.
    index: isCollection ? findFeatureIndexOfPath(d.path) : 0,
    path: d.path,
    reason: DUPLICATE_MEMBER,
    message: `"${d.key}" appears more than once in the same object (line ${d.line}, column ${d.column}); the last one was used, which makes the file ambiguous.`,
  }))
  const refused = new Set(duplicateErrors.map((e) => e.index))
  return {
    ...result,
    features: refused.has(null) ? [] : result.features.filter((f) => !refused.has(f.index)),
    errors: [...duplicateErrors, ...result.errors],
  }
}
