import { badRequest, type ProblemDetailItem } from '../../errors.js'
import { parseTrackTime } from '../../domain/track/parse-track-time.js'
import { MAX_FUTURE_MS } from '../../domain/track/parse-track-options.js'
import {
  ACCURACY_INVALID,
  COORDINATE_MISSING,
  COORDINATE_NOT_NUMBER,
  LATITUDE_OUT_OF_RANGE,
  LONGITUDE_OUT_OF_RANGE,
  TIME_IN_FUTURE,
  TIME_MISSING,
} from '../../domain/track/track-input-reasons.js'

/** One live fix as the OsmAnd / Traccar Client protocol delivers it, checked. */
export interface LiveFix {
  deviceId: string
  /** epoch ms */
  time: number
  lon: number
  lat: number
  accuracy: number | null
  altitude: number | null
  speed: number | null
  bearing: number | null
  battery: number | null
}

export const DEVICE_ID_MISSING = 'DEVICE_ID_MISSING'
/** lat=0&lon=0: what the apps send when they have no position (Traccar reads it as "no fix"). */
export const NO_FIX = 'NO_FIX'
/** Before 2000: a phone without GPS time yet (0 = 1970). */
export const TIME_BEFORE_GPS = 'TIME_BEFORE_GPS'
/** A numeric parameter (speed, bearing, altitude, battery) that is not a number. */
export const NUMBER_INVALID = 'NUMBER_INVALID'
/** An ISO time without offset: the phone's zone is unknown, so the instant is. */
export const TIME_OFFSET_MISSING = 'TIME_OFFSET_MISSING'

const EARLIEST_FIX_MS = Date.UTC(2000, 0, 1)
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

type Params = Record<string, unknown>

/** Where each value was found, so a 400 names the parameter (query form) or JSON Pointer (JSON body). */
export interface FixSource {
  id: [string, unknown]
  lat: [string, unknown]
  lon: [string, unknown]
  time: [string, unknown]
  accuracy: [string, unknown]
  altitude: [string, unknown]
  speed: [string, unknown]
  bearing: [string, unknown]
  battery: [string, unknown]
}

const isObject = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v)
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v)

/**
 * Finds the parameters of one fix in an /osmand request: the OsmAnd / Traccar query form (`id` or `deviceid`, `lat`,
 * `lon` or `location=lat,lon`, `timestamp`, `accuracy` or `hdop`, `speed`, `bearing` or `heading`,
 * `altitude`, `batt`), in the query string or a form body, or Traccar Client's JSON body
 * (`{device_id, location: {timestamp, coords: {latitude, longitude, accuracy, speed, heading,
 * altitude}, battery: {level}}}`). Query-string parameters win over body ones.
 *
 * OsmAnd fills `hdop` with Android's Location.getAccuracy() (metres), so without `accuracy` it is read
 * as metres. Timestamps are epoch seconds or milliseconds, or ISO 8601 with an offset. Every problem
 * of the fix is reported at once, each naming its parameter; anything wrong means a 400.
 */
export function readFixSource(query: unknown, body: unknown): FixSource {
  return isObject(body) && isObject(body.location) ? fromJson(body) : fromForm(query, body)
}

/** The device id of the request, or a 400 naming the parameter that should carry it. */
export function readDeviceId(source: FixSource): string {
  const [path, value] = source.id
  const id = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : ''
  if (id === '') {
    throw badRequest(`${path} (the device id) is missing`, [
      { path, reason: DEVICE_ID_MISSING, message: `${path} (the device id) is missing` },
    ])
  }
  return id
}

export function readLiveFix(source: FixSource, now: number): LiveFix {
  const deviceId = readDeviceId(source)
  const errors: ProblemDetailItem[] = []
  const lat = readCoordinate(source.lat, 90, LATITUDE_OUT_OF_RANGE, errors)
  const lon = readCoordinate(source.lon, 180, LONGITUDE_OUT_OF_RANGE, errors)
  if (lat === 0 && lon === 0) {
    errors.push({
      path: source.lat[0],
      reason: NO_FIX,
      message: 'lat=0, lon=0 is what the app sends without a position, not a fix',
    })
  }
  const time = readTime(source.time, now, errors)
  const accuracy = readOptional(source.accuracy, errors, (v) => v >= 0)
  const altitude = readOptional(source.altitude, errors, () => true)
  // Unknown speed and heading are -1 in Traccar Client's JSON; they feed nothing, so they are dropped.
  const speed = readOptional(source.speed, errors, () => true)
  const bearing = readOptional(source.bearing, errors, () => true)
  const battery = readOptional(source.battery, errors, () => true)
  if (errors.length > 0 || lat === undefined || lon === undefined || time === undefined) {
    throw badRequest(
      `the fix is not usable: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    )
  }
  return {
    deviceId,
    time,
    lon,
    lat,
    accuracy,
    altitude,
    speed: speed !== null && speed >= 0 ? speed : null,
    bearing: bearing !== null && bearing >= 0 ? bearing : null,
    battery,
  }
}

function fromForm(query: unknown, body: unknown): FixSource {
  const bodyParams = isObject(body) ? body : {}
  const queryParams = isObject(query) ? query : {}
  const p: Params = {}
  for (const [k, v] of Object.entries({ ...bodyParams, ...queryParams })) p[k] = first(v)
  const pick = (...names: string[]): [string, unknown] => {
    for (const n of names) if (p[n] !== undefined) return [n, p[n]]
    return [names[0]!, undefined]
  }
  let lat = pick('lat')
  let lon = pick('lon')
  if (lat[1] === undefined && lon[1] === undefined && typeof p.location === 'string') {
    const [a, b] = p.location.split(',')
    lat = ['location', a]
    lon = ['location', b]
  }
  return {
    id: pick('id', 'deviceid'),
    lat,
    lon,
    time: pick('timestamp'),
    accuracy: pick('accuracy', 'hdop'),
    altitude: pick('altitude'),
    speed: pick('speed'),
    bearing: pick('bearing', 'heading'),
    battery: pick('batt'),
  }
}

function fromJson(body: Params): FixSource {
  const location = body.location as Params
  const coords = isObject(location.coords) ? location.coords : {}
  const battery = isObject(location.battery) ? location.battery : {}
  const c = (name: string): [string, unknown] => [`/location/coords/${name}`, coords[name]]
  return {
    id: ['/device_id', body.device_id],
    lat: c('latitude'),
    lon: c('longitude'),
    time: ['/location/timestamp', location.timestamp],
    accuracy: c('accuracy'),
    altitude: c('altitude'),
    speed: c('speed'),
    bearing: c('heading'),
    // Traccar Client reports the level as 0–1
    battery: ['/location/battery/level', battery.level],
  }
}

type Read = { kind: 'missing' } | { kind: 'invalid' } | { kind: 'number'; value: number }

function readNumber(value: unknown): Read {
  if (value === undefined || value === null || value === '') return { kind: 'missing' }
  if (typeof value === 'number')
    return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'invalid' }
  if (typeof value === 'string' && DECIMAL.test(value.trim())) {
    const n = Number(value.trim())
    return Number.isFinite(n) ? { kind: 'number', value: n } : { kind: 'invalid' }
  }
  return { kind: 'invalid' }
}

function readCoordinate(
  [path, value]: [string, unknown],
  limit: number,
  rangeReason: string,
  errors: ProblemDetailItem[],
): number | undefined {
  const n = readNumber(value)
  if (n.kind === 'missing') {
    errors.push({ path, reason: COORDINATE_MISSING, message: `${path} is missing` })
    return undefined
  }
  if (n.kind === 'invalid') {
    errors.push({ path, reason: COORDINATE_NOT_NUMBER, message: `${path} ${quote(value)} is not a number` })
    return undefined
  }
  if (Math.abs(n.value) > limit) {
    errors.push({ path, reason: rangeReason, message: `${path} ${n.value} is outside ±${limit}°` })
    return undefined
  }
  return n.value
}

function readTime(
  [path, value]: [string, unknown],
  now: number,
  errors: ProblemDetailItem[],
): number | undefined {
  const t = parseTrackTime(value, 0)
  if (!t.ok) {
    errors.push({
      path,
      reason: t.reason,
      message:
        t.reason === TIME_MISSING
          ? `${path} is missing (the fix time is needed to order fixes and split patrols)`
          : `${path} ${quote(value)} is neither epoch seconds/milliseconds nor ISO 8601`,
    })
    return undefined
  }
  if (t.offsetAssumed) {
    errors.push({
      path,
      reason: TIME_OFFSET_MISSING,
      message: `${path} ${quote(value)} has no UTC offset; send epoch seconds or an ISO time with Z or +08:00`,
    })
    return undefined
  }
  if (t.time > now + MAX_FUTURE_MS) {
    errors.push({
      path,
      reason: TIME_IN_FUTURE,
      message: `${path} ${new Date(t.time).toISOString()} is more than 24 h after the server time ${new Date(now).toISOString()}`,
    })
    return undefined
  }
  if (t.time < EARLIEST_FIX_MS) {
    errors.push({
      path,
      reason: TIME_BEFORE_GPS,
      message: `${path} ${quote(value)} is before 2000: the device has no GPS time yet`,
    })
    return undefined
  }
  return t.time
}

function readOptional(
  [path, value]: [string, unknown],
  errors: ProblemDetailItem[],
  ok: (v: number) => boolean,
): number | null {
  const n = readNumber(value)
  if (n.kind === 'missing') return null
  if (n.kind === 'number' && ok(n.value)) return n.value
  errors.push({
    path,
    reason: path.endsWith('accuracy') || path === 'hdop' ? ACCURACY_INVALID : NUMBER_INVALID,
    message: `${path} ${quote(value)} is not a ${path.endsWith('accuracy') || path === 'hdop' ? 'number of metres ≥ 0' : 'number'}`,
  })
  return null
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
