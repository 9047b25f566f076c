import { toCalendarDate, type CalendarDate } from '../../domain/rules/calendar-date.js'
import type { ProblemDetailItem } from '../../errors.js'

/**
 * Parsers for the OGC API – Features query parameters whose syntax JSON Schema cannot express.
 * They return a reason (exported constants) instead of throwing; the route turns it into a 400.
 */

export const BBOX_REASON_FORMAT = 'bbox must be 4 numbers minx,miny,maxx,maxy (or 6 with heights), CRS84'
export const BBOX_REASON_LONGITUDE = 'bbox longitudes must lie within −180..180'
export const BBOX_REASON_LATITUDE = 'bbox latitudes must lie within −90..90, the southern one first'
export const DATETIME_REASON_FORMAT =
  'datetime must be one date (YYYY-MM-DD) or one RFC 3339 date-time; zones are in force on a day'
export const DATETIME_REASON_INTERVAL =
  'datetime intervals are not supported: ask for one day, the zones in force then'

/** West, south, east, north in degrees (CRS84). */
export type LonLatBox = readonly [number, number, number, number]

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issue: ProblemDetailItem }

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * The boxes a `bbox` asks for: one, or two when it crosses the antimeridian (minx > maxx, as the
 * standard allows). Heights of a 6-number bbox are ignored: zones are 2D.
 */
export function parseBbox(text: string): ParseResult<LonLatBox[]> {
  const fail = (message: string): ParseResult<LonLatBox[]> => ({
    ok: false,
    issue: { path: '/querystring/bbox', message },
  })
  const parts = text.split(',').map((p) => p.trim())
  if ((parts.length !== 4 && parts.length !== 6) || !parts.every((p) => NUMBER.test(p)))
    return fail(BBOX_REASON_FORMAT)
  const n = parts.map(Number)
  const [w, s, e, north] = (parts.length === 4 ? n : [n[0], n[1], n[3], n[4]]) as [
    number,
    number,
    number,
    number,
  ]
  if ([w, e].some((lon) => lon < -180 || lon > 180)) return fail(BBOX_REASON_LONGITUDE)
  if ([s, north].some((lat) => lat < -90 || lat > 90) || s > north) return fail(BBOX_REASON_LATITUDE)
  const boxes: LonLatBox[] =
    w <= e
      ? [[w, s, e, north]]
      : [
          [w, s, 180, north],
          [-180, s, e, north],
        ]
  return { ok: true, value: boxes }
}

const RFC3339_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** The day a `datetime` names (a date-time is read on the Beijing calendar, where zones apply). */
export function parseDatetime(text: string): ParseResult<CalendarDate> {
  const fail = (message: string): ParseResult<CalendarDate> => ({
    ok: false,
    issue: { path: '/querystring/datetime', message },
  })
  if (text.includes('/')) return fail(DATETIME_REASON_INTERVAL)
  if (!DATE_ONLY.test(text) && !RFC3339_DATE_TIME.test(text)) return fail(DATETIME_REASON_FORMAT)
  try {
    return { ok: true, value: toCalendarDate(text) }
  } catch {
    return fail(DATETIME_REASON_FORMAT)
  }
}
