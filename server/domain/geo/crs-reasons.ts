/**
 * Why a coordinate reference system could not be used. Returned as values, never thrown, so an
 * import can list them per feature next to the geometry problems.
 */

/** Neither a `crs` parameter nor the file says which system the coordinates are in. */
export const CRS_REQUIRED = 'CRS_REQUIRED'
/** A code or name this service does not support (or a malformed GeoJSON `crs` member). */
export const CRS_UNKNOWN = 'CRS_UNKNOWN'
/** A .prj whose WKT proj4 cannot read. */
export const CRS_UNREADABLE = 'CRS_UNREADABLE'
/** A datum with no published transformation to WGS84 we could apply (Xi'an 1980, unknown ellipsoids). */
export const DATUM_SHIFT_UNKNOWN = 'DATUM_SHIFT_UNKNOWN'
/** x looks like a northing and y like an easting: columns swapped (EPSG's own axis order for GK). */
export const AXIS_ORDER_SWAPPED = 'AXIS_ORDER_SWAPPED'
/** Eastings carry a different Gauss–Krüger zone prefix (or none) than the chosen CRS expects. */
export const ZONE_PREFIX_MISMATCH = 'ZONE_PREFIX_MISMATCH'
/** Coordinates far outside the area the projected CRS is meant for (degrees given as metres, …). */
export const OUTSIDE_CRS_AREA = 'OUTSIDE_CRS_AREA'
/** proj4 returned no finite coordinates. */
export const REPROJECTION_FAILED = 'REPROJECTION_FAILED'

export type CrsReason =
  | typeof CRS_REQUIRED
  | typeof CRS_UNKNOWN
  | typeof CRS_UNREADABLE
  | typeof DATUM_SHIFT_UNKNOWN
  | typeof AXIS_ORDER_SWAPPED
  | typeof ZONE_PREFIX_MISMATCH
  | typeof OUTSIDE_CRS_AREA
  | typeof REPROJECTION_FAILED

export interface CrsProblem {
  reason: CrsReason
  message: string
}
