/**
 * Why a submitted zone document or one of its features was refused (errors) or changed (warnings).
 *
 * Two families: GeoJSON structure (the file breaks RFC 7946; geojsonhint's test files are the
 * reference) and zone rules (valid GeoJSON that is still no usable zone: a point, an empty or null
 * geometry, coordinates outside the globe after reprojection, a ring without area). Keeping them
 * apart lets a client tell "your exporter is broken" from "this feature is not a zone".
 */
import {
  AXIS_ORDER_SWAPPED,
  CRS_REQUIRED,
  CRS_UNKNOWN,
  CRS_UNREADABLE,
  DATUM_SHIFT_UNKNOWN,
  OUTSIDE_CRS_AREA,
  REPROJECTION_FAILED,
  ZONE_PREFIX_MISMATCH,
  type CrsReason,
} from './crs-reasons.js'
import { DUPLICATE_MEMBER, NOT_JSON } from './parse-json-strict.js'

export { DUPLICATE_MEMBER, NOT_JSON } from './parse-json-strict.js'

// GeoJSON structure
/** The document is not a GeoJSON object at all (not an object, or no recognisable GeoJSON type). */
export const NOT_GEOJSON = 'NOT_GEOJSON'
/** `type` is missing its expected value: unknown, wrong case, not a string, or the wrong kind here. */
export const BAD_TYPE = 'BAD_TYPE'
/** A required member (type, features, geometry, properties, coordinates, geometries) is absent. */
export const MISSING_MEMBER = 'MISSING_MEMBER'
/** A member or array element has the wrong JSON type (features not an array, id an object, …). */
export const BAD_MEMBER = 'BAD_MEMBER'
/** A member RFC 7946 §7.1 forbids on this object (a Feature with "coordinates", …). */
export const FORBIDDEN_MEMBER = 'FORBIDDEN_MEMBER'
/** An element of `features` is not a Feature. */
export const NOT_A_FEATURE = 'NOT_A_FEATURE'
/** Coordinates nested too shallow or too deep for the geometry type. */
export const BAD_NESTING = 'BAD_NESTING'
/** A position element is not a finite number (a string "39.9", null, …). */
export const COORD_NOT_NUMBER = 'COORD_NOT_NUMBER'
/** A position with fewer than two numbers. */
export const POSITION_TOO_SHORT = 'POSITION_TOO_SHORT'
/** A LineString (or part of a MultiLineString) with fewer than two positions. */
export const LINE_TOO_FEW_POSITIONS = 'LINE_TOO_FEW_POSITIONS'
/** A linear ring with fewer than four positions. */
export const RING_TOO_FEW_POSITIONS = 'RING_TOO_FEW_POSITIONS'
/** A linear ring whose first and last positions differ. */
export const RING_NOT_CLOSED = 'RING_NOT_CLOSED'
/** A bbox member that is not 2·n numbers. */
export const BAD_BBOX = 'BAD_BBOX'
/** geojson-validation found a structural problem the checks here did not name. */
export const STRUCTURE_INVALID = 'STRUCTURE_INVALID'
/** More problems than are worth listing; the list was cut. */
export const TOO_MANY_ERRORS = 'TOO_MANY_ERRORS'

// Zone rules
/** Valid GeoJSON but not a Polygon or MultiPolygon; only areas can be patrol zones. */
export const NOT_POLYGON = 'NOT_POLYGON'
/** `"geometry": null`, legal in GeoJSON, nothing to patrol. */
export const NULL_GEOMETRY = 'NULL_GEOMETRY'
/** A geometry with no coordinates, or a polygon with no rings. */
export const EMPTY_GEOMETRY = 'EMPTY_GEOMETRY'
/** Longitude outside ±180° or latitude outside ±90° after conversion to WGS84. */
export const COORD_OUT_OF_RANGE = 'COORD_OUT_OF_RANGE'
/** A ring that encloses no area (all positions on one line or one point). */
export const ZERO_AREA = 'ZERO_AREA'

// Warnings
/** A ring ran against RFC 7946's right-hand rule and was reversed. */
export const WINDING_REORIENTED = 'WINDING_REORIENTED'
/** Positions had more than x and y; zones are stored in 2-D, the rest was dropped. */
export const EXTRA_DIMENSIONS_DROPPED = 'EXTRA_DIMENSIONS_DROPPED'
/** Positions with more than three numbers (RFC 7946 §3.1.1: SHOULD NOT). */
export const POSITION_TOO_LONG = 'POSITION_TOO_LONG'
/** A warning carried over from resolving the CRS (datum shift accuracy, parameter overriding file). */
export const CRS_NOTE = 'CRS_NOTE'

export type StructureReason =
  | typeof NOT_JSON
  | typeof DUPLICATE_MEMBER
  | typeof NOT_GEOJSON
  | typeof BAD_TYPE
  | typeof MISSING_MEMBER
  | typeof BAD_MEMBER
  | typeof FORBIDDEN_MEMBER
  | typeof NOT_A_FEATURE
  | typeof BAD_NESTING
  | typeof COORD_NOT_NUMBER
  | typeof POSITION_TOO_SHORT
  | typeof LINE_TOO_FEW_POSITIONS
  | typeof RING_TOO_FEW_POSITIONS
  | typeof RING_NOT_CLOSED
  | typeof BAD_BBOX
  | typeof STRUCTURE_INVALID
  | typeof TOO_MANY_ERRORS

export type ZoneRuleReason =
  | typeof NOT_POLYGON
  | typeof NULL_GEOMETRY
  | typeof EMPTY_GEOMETRY
  | typeof COORD_OUT_OF_RANGE
  | typeof ZERO_AREA
  | CrsReason

export type ValidationReason = StructureReason | ZoneRuleReason

export type ValidationWarningReason =
  typeof WINDING_REORIENTED | typeof EXTRA_DIMENSIONS_DROPPED | typeof POSITION_TOO_LONG | typeof CRS_NOTE

/** Reasons that mean "valid GeoJSON, but not a usable zone"; every other error is a broken file. */
export const ZONE_RULE_REASONS: ReadonlySet<ValidationReason> = new Set<ValidationReason>([
  NOT_POLYGON,
  NULL_GEOMETRY,
  EMPTY_GEOMETRY,
  COORD_OUT_OF_RANGE,
  ZERO_AREA,
  CRS_REQUIRED,
  CRS_UNKNOWN,
  CRS_UNREADABLE,
  DATUM_SHIFT_UNKNOWN,
  AXIS_ORDER_SWAPPED,
  ZONE_PREFIX_MISMATCH,
  OUTSIDE_CRS_AREA,
  REPROJECTION_FAILED,
])

export function isStructureReason(reason: ValidationReason): reason is StructureReason {
  return !ZONE_RULE_REASONS.has(reason)
}
