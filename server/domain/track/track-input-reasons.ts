/**
 * Why a submitted track cannot be read. Each error item carries one of these codes beside its
 * message so that clients can switch on it; the message is for people.
 */

/** The input has no track point at all (a GPX with an empty `<trkseg/>`, an empty CSV…). */
export const TRACK_EMPTY = 'TRACK_EMPTY'
/** A single point is not a track: no length, no duration, nothing to match against zones. */
export const TRACK_SINGLE_POINT = 'TRACK_SINGLE_POINT'
/** Not a shape this service reads as a track (wrong GeoJSON type, a Polygon, no features…). */
export const TRACK_SHAPE_UNSUPPORTED = 'TRACK_SHAPE_UNSUPPORTED'
/** The text is not well-formed JSON / XML. */
export const JSON_MALFORMED = 'JSON_MALFORMED'
export const XML_MALFORMED = 'XML_MALFORMED'
/** Well-formed XML whose root is not `<gpx>`. */
export const GPX_ROOT_MISSING = 'GPX_ROOT_MISSING'
/** The first CSV line is not a header naming time, lon and lat columns. */
export const CSV_HEADER_INVALID = 'CSV_HEADER_INVALID'
/** A CSV data line with a different number of fields than the header. */
export const CSV_ROW_MALFORMED = 'CSV_ROW_MALFORMED'
/** A position that is not an array of numbers (GeoJSON). */
export const POSITION_MALFORMED = 'POSITION_MALFORMED'
export const COORDINATE_MISSING = 'COORDINATE_MISSING'
/** NaN, null, a string such as "116.3" in JSON, "abc" in a GPX attribute. */
export const COORDINATE_NOT_NUMBER = 'COORDINATE_NOT_NUMBER'
export const LATITUDE_OUT_OF_RANGE = 'LATITUDE_OUT_OF_RANGE'
export const LONGITUDE_OUT_OF_RANGE = 'LONGITUDE_OUT_OF_RANGE'
/** |lat| > 90 while |lon| ≤ 90: almost always [lat, lon] sent where [lon, lat] was meant. */
export const LON_LAT_SWAPPED = 'LON_LAT_SWAPPED'
export const TIME_MISSING = 'TIME_MISSING'
export const TIME_UNPARSEABLE = 'TIME_UNPARSEABLE'
/** More than 24 h after the server's clock: a wrong device clock or a wrong epoch unit. */
export const TIME_IN_FUTURE = 'TIME_IN_FUTURE'
/** `coordTimes` does not have one time per coordinate, so no time can be matched to its point. */
export const TIMES_MISMATCH = 'TIMES_MISMATCH'
export const ACCURACY_INVALID = 'ACCURACY_INVALID'
/** A `crs` this service cannot convert tracks from. */
export const TRACK_CRS_UNKNOWN = 'TRACK_CRS_UNKNOWN'
/** Stands for the errors beyond the listed maximum. */
export const ERRORS_TRUNCATED = 'ERRORS_TRUNCATED'

export type TrackInputReason =
  | typeof TRACK_EMPTY
  | typeof TRACK_SINGLE_POINT
  | typeof TRACK_SHAPE_UNSUPPORTED
  | typeof JSON_MALFORMED
  | typeof XML_MALFORMED
  | typeof GPX_ROOT_MISSING
  | typeof CSV_HEADER_INVALID
  | typeof CSV_ROW_MALFORMED
  | typeof POSITION_MALFORMED
  | typeof COORDINATE_MISSING
  | typeof COORDINATE_NOT_NUMBER
  | typeof LATITUDE_OUT_OF_RANGE
  | typeof LONGITUDE_OUT_OF_RANGE
  | typeof LON_LAT_SWAPPED
  | typeof TIME_MISSING
  | typeof TIME_UNPARSEABLE
  | typeof TIME_IN_FUTURE
  | typeof TIMES_MISMATCH
  | typeof ACCURACY_INVALID
  | typeof TRACK_CRS_UNKNOWN
  | typeof ERRORS_TRUNCATED
