/**
 * Pieces the violation, tip and information-officer routes share: which county a record belongs to,
 * whether a point lies in it, times that may not be in the future, and the working-day overrides.
 */
import type { Queryable } from '../../db/port.js'
import type { Principal } from '../../db/scoped-db.js'
import { levelOfCode } from '../../domain/divisions/division-code.js'
import type { WorkingDayOverrides } from '../../domain/rules/working-days.js'
import { notFound, unprocessable, type ProblemDetailItem } from '../../errors.js'

/** Device clocks run a little fast; anything later than this after the server's now is refused. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000

export interface PointGeometry {
  type: 'Point'
  coordinates: number[]
}

/** ISO 8601 text of a timestamp as either adapter returns it (Date), or null. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  return new Date(String(value)).toISOString()
}

export function isoRequired(value: unknown): string {
  return iso(value) ?? ''
}

/** Adds a problem when `at` lies in the future (beyond the tolerance) at `now`. */
export function checkNotFuture(at: string, path: string, now: Date, errors: ProblemDetailItem[]): void {
  const ms = Date.parse(at)
  if (Number.isNaN(ms)) errors.push({ path, message: 'is not a date-time' })
  else if (ms > now.getTime() + FUTURE_TOLERANCE_MS)
    errors.push({ path, message: `lies in the future (server time ${now.toISOString()})` })
}

export function checkPointCoordinates(point: PointGeometry, path: string, errors: ProblemDetailItem[]): void {
  const [lon, lat] = point.coordinates
  if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat))
    errors.push({ path: `${path}/coordinates`, message: 'needs a longitude and a latitude' })
  else if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
    errors.push({
      path: `${path}/coordinates`,
      message: 'longitude must be in [-180, 180] and latitude in [-90, 90] (WGS84 / CGCS2000 degrees)',
    })
}

export function throwIfAny(errors: ProblemDetailItem[]): void {
  if (errors.length > 0) throw unprocessable(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors)
}

export interface CountyRef {
  code: string
  name: string
  hasBoundary: boolean
}

/**
 * The county a new record belongs to: the one named in the body, or else the caller's own county
 * (a township or village token belongs to the county its code starts with). A county outside the
 * caller's jurisdiction is not found (404), as everywhere in the API; a code that is not a county
 * is the caller's input error (422).
 */
export async function resolveCounty(
  tx: Queryable,
  principal: Principal,
  named: string | undefined,
  path = '/division_code',
): Promise<CountyRef> {
  let code = named
  if (code === undefined) {
    const own = principal.divisionCode
    const level = levelOfCode(own)
    if (level === 'county') code = own
    else if (level === 'township' || level === 'village') code = own.slice(0, 6)
    else
      throw unprocessable(`${path} is required: a ${level ?? 'division'} token covers several counties`, [
        { path, message: 'is required for a token above county level' },
      ])
  }
  const res = await tx.query<{ code: string; name: string; level: string; has_boundary: boolean }>(
    `SELECT code, name, level, boundary IS NOT NULL AS has_boundary FROM divisions WHERE code = $1::text`,
    [code],
  )
  const row = res.rows[0]
  if (!row) throw notFound(`division ${code} not found in your jurisdiction`)
  if (row.level !== 'county')
    throw unprocessable(`${path} must name a county`, [
      { path, message: `${code} is a ${row.level}, not a county` },
    ])
  return { code: row.code, name: row.name, hasBoundary: row.has_boundary }
}

/** True when the county has no boundary on record or the point lies in it (boundary included). */
export async function isPointInDivision(tx: Queryable, code: string, point: PointGeometry): Promise<boolean> {
  const res = await tx.query<{ inside: boolean | null }>(
    `SELECT CASE WHEN boundary IS NULL THEN NULL
                 ELSE ST_Covers(boundary, ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326)) END AS inside
       FROM divisions WHERE code = $1::text`,
    [code, point.coordinates[0], point.coordinates[1]],
  )
  return res.rows[0]?.inside !== false
}

export interface TownshipRef {
  code: string | null
  problem?: ProblemDetailItem
}

/**
 * The township of a point: the one named (checked to be a township of the county, containing the
 * point when it has a boundary), or the township whose boundary covers the point, or none.
 */
export async function resolveTownship(
  tx: Queryable,
  countyCode: string,
  named: string | undefined,
  point: PointGeometry,
): Promise<TownshipRef> {
  const pointArgs = [point.coordinates[0], point.coordinates[1]]
  if (named !== undefined) {
    const res = await tx.query<{ level: string; inside: boolean | null }>(
      `SELECT level, CASE WHEN boundary IS NULL THEN NULL
                          ELSE ST_Covers(boundary, ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326)) END AS inside
         FROM divisions WHERE code = $1::text`,
      [named, ...pointArgs],
    )
    const row = res.rows[0]
    if (!row || row.level !== 'township' || !named.startsWith(countyCode))
      return {
        code: null,
        problem: { path: '/township_code', message: `${named} is not a township of county ${countyCode}` },
      }
    if (row.inside === false)
      return {
        code: null,
        problem: { path: '/location', message: `lies outside the boundary of township ${named}` },
      }
    return { code: named }
  }
  const res = await tx.query<{ code: string }>(
    `SELECT code FROM divisions
      WHERE level = 'township' AND parent_code = $1::text AND boundary IS NOT NULL
        AND ST_Covers(boundary, ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326))
      ORDER BY code LIMIT 1`,
    [countyCode, ...pointArgs],
  )
  return { code: res.rows[0]?.code ?? null }
}

/** The working-day overrides, 'YYYY-MM-DD' → work | off (a small national table). */
export async function loadWorkingDayOverrides(db: Queryable): Promise<WorkingDayOverrides> {
  const res = await db.query<{ date: string; kind: 'work' | 'off' }>(
    `SELECT date::text AS date, kind FROM working_day_overrides ORDER BY date`,
  )
  const out: Record<string, 'work' | 'off'> = {}
  for (const row of res.rows) out[row.date] = row.kind
  return out
}
