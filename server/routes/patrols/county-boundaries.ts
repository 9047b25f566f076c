import type { Queryable } from '../../db/port.js'
import { polygonRingsFromWkb } from '../../domain/coverage/ewkb.js'
import { indexBoundary, type BoundaryIndex } from '../../domain/geo/boundary-index.js'
import { metricCrsFor } from '../../domain/coverage/metric-crs.js'

/** What a post needs of its county's boundary: a point of it (for the metric CRS) and the polygon. */
export interface CountyBoundary {
  /** ST_PointOnSurface of the boundary */
  lon: number
  lat: number
  /** the boundary, prepared for testing fixes (a fix on it is inside, as ST_Intersects has it) */
  index: BoundaryIndex
}

// (a process serves a few counties; the boundary of each is read and prepared once per version)
const MAX_CACHED = 64
const cache = new Map<string, { version: string; boundary: CountyBoundary }>()

/**
 * The county's boundary as of `version` (the xmin of its divisions row, read in the caller's
 * transaction: any change to the row gives a new one), read and prepared once per process and
 * version; undefined when the division has no boundary.
 */
export async function countyBoundary(
  tx: Queryable,
  code: string,
  version: string,
): Promise<CountyBoundary | undefined> {
  const hit = cache.get(code)
  if (hit?.version === version) return hit.boundary
  const res = await tx.query<{ version: string; lon: number; lat: number; wkb: Uint8Array }>(
    `SELECT d.xmin::text AS version, ST_X(p.point) AS lon, ST_Y(p.point) AS lat, ST_AsBinary(d.boundary) AS wkb
       FROM divisions d, LATERAL (SELECT ST_PointOnSurface(d.boundary) AS point) AS p
      WHERE d.code = $1::text AND d.boundary IS NOT NULL`,
    [code],
  )
  const row = res.rows[0]
  if (!row) return undefined
  const boundary = { lon: row.lon, lat: row.lat, index: indexBoundary(polygonRingsFromWkb(row.wkb)) }
  cache.delete(code)
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!)
  cache.set(code, { version: row.version, boundary })
  return boundary
}

/** Fixes (WGS84) of the segments outside the boundary; 0 without one. */
export function countFixesOutside(
  boundary: CountyBoundary | undefined,
  segments: readonly (readonly { lon: number; lat: number }[])[],
): number {
  if (!boundary) return 0
  let n = 0
  for (const segment of segments) for (const f of segment) if (!boundary.index.covers(f.lon, f.lat)) n++
  return n
}

/**
 * SQL joining to the county row `d` its point `c.point` when it has no boundary: the middle of its
 * zones (so that every patrol of the county is measured in the same metric CRS); a county with a
 * boundary is placed on it (countyBoundary), and `c.point` is null.
 */
export function countyPlaceJoin(d: string, c: string): string {
  return `LEFT JOIN LATERAL (
            SELECT ST_Centroid(ST_Extent(z.geom)::geometry) AS point
              FROM zones z WHERE z.division_code = ${d}.code AND ${d}.boundary IS NULL) AS ${c} ON true`
}

/**
 * The metric CRS (metric-crs.ts) the county's patrols are measured in, as a post finds it
 * (findUnitForPatrol): from a point of its boundary, else the middle of its zones; undefined with
 * neither.
 */
export async function countyMetricSrid(tx: Queryable, code: string): Promise<number | undefined> {
  const res = await tx.query<{
    version: string
    has_boundary: boolean
    lon: number | null
    lat: number | null
  }>(
    `SELECT d.xmin::text AS version, d.boundary IS NOT NULL AS has_boundary, ST_X(c.point) AS lon, ST_Y(c.point) AS lat
       FROM divisions d ${countyPlaceJoin('d', 'c')}
      WHERE d.code = $1::text`,
    [code],
  )
  const row = res.rows[0]
  if (!row) return undefined
  const boundary = row.has_boundary ? await countyBoundary(tx, code, row.version) : undefined
  const lon = boundary?.lon ?? row.lon
  const lat = boundary?.lat ?? row.lat
  return lon == null || lat == null ? undefined : metricCrsFor(lon, lat).srid
}
