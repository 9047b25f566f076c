/**
 * The common shape every track parser (GeoJSON, GPX, CSV) produces, before cleaning.
 *
 * Coordinates are still in the CRS the client sent (`convert-crs.ts` turns them into WGS84); times are
 * epoch milliseconds (UTC). `index` is the point's position in the input so that error messages and
 * the list of dropped points can name it long after sorting and filtering.
 */
export interface RawPoint {
  /** Position in the input (0-based, in document order), for messages. */
  index: number
  lon: number
  lat: number
  /** Epoch milliseconds, UTC. */
  time: number
  /** Horizontal accuracy in metres (from `accuracy`, or estimated from HDOP). */
  accuracy?: number
  /** Elevation in metres. */
  ele?: number
  /** Speed reported by the device, m/s (GPX 1.0 `<speed>`). */
  speed?: number
}

export interface RawTrack {
  points: RawPoint[]
  /** Array position where each non-empty source segment (GPX trkseg, MultiLineString part…) starts; begins with 0. */
  segmentsHint: number[]
  /** Waypoints in the file (GPX wpt, GeoJSON Point features beside a line); counted, never track points. */
  waypoints?: number
  /** Things the client should know that did not stop parsing (times read without a UTC offset, …). */
  warnings?: string[]
}
