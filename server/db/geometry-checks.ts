import { unprocessable } from '../errors.js'
import type { Queryable } from './port.js'

export interface GeometryVerdict {
  valid: boolean
  reason: string | null
  type: string | null
  isEmpty: boolean
}

/**
 * Parses a GeoJSON geometry in PostGIS and reports validity (ST_IsValidReason). PostGIS refuses
 * malformed GeoJSON with an internal error (SQLSTATE XX000); that is the caller's input, so it
 * becomes a 422 naming `path`, never a 5xx.
 */
export async function checkGeoJsonGeometry(
  db: Queryable,
  geometry: unknown,
  path: string,
): Promise<GeometryVerdict> {
  try {
    const res = await db.query<{ valid: boolean; reason: string; type: string; is_empty: boolean }>(
      `WITH g AS (SELECT ST_GeomFromGeoJSON($1::text) AS geom)
       SELECT ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason,
              GeometryType(geom) AS type, ST_IsEmpty(geom) AS is_empty
         FROM g`,
      [JSON.stringify(geometry)],
    )
    const row = res.rows[0]
    if (!row) throw new Error('no row')
    return { valid: row.valid, reason: row.valid ? null : row.reason, type: row.type, isEmpty: row.is_empty }
  } catch (err) {
    if ((err as { code?: string }).code === 'XX000' || (err as { code?: string }).code === '22023')
      throw unprocessable(`${path} is not a readable GeoJSON geometry`, [
        { path, message: 'not a readable GeoJSON geometry' },
      ])
    throw err
  }
}

export async function requireValidPolygon(db: Queryable, geometry: unknown, path: string): Promise<void> {
  const verdict = await checkGeoJsonGeometry(db, geometry, path)
  if (verdict.isEmpty) throw unprocessable(`${path} is empty`, [{ path, message: 'empty geometry' }])
  if (!verdict.valid)
    throw unprocessable(`${path} is not a valid polygon: ${verdict.reason}`, [
      { path, message: `invalid polygon: ${verdict.reason}`, reason: 'INVALID_GEOMETRY' },
    ])
}
