import type { Queryable } from '../../db/port.js'
import type { CreateDivisionBody } from './schemas.js'

export interface DivisionRow {
  code: string
  name: string
  level: string
  parent_code: string | null
  area_m2: number | null
  boundary?: { type: string; coordinates: unknown[] } | null
}

// Areas on the ellipsoid (geography), never in degrees.
const DIVISION_COLUMNS = `code, name, level, parent_code, round(ST_Area(boundary::geography)::numeric, 1) AS area_m2`

export async function insertDivision(db: Queryable, d: CreateDivisionBody): Promise<DivisionRow> {
  const res = await db.query<DivisionRow>(
    `INSERT INTO divisions (code, name, level, parent_code, boundary)
     VALUES ($1::text, $2::text, $3::text, $4::text,
             ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326)))
     RETURNING ${DIVISION_COLUMNS}`,
    [d.code, d.name, d.level, d.parent_code, d.boundary ? JSON.stringify(d.boundary) : null],
  )
  return res.rows[0] as DivisionRow
}

export async function findDivision(
  db: Queryable,
  code: string,
  withBoundary = true,
): Promise<DivisionRow | undefined> {
  const res = await db.query<DivisionRow>(
    `SELECT ${DIVISION_COLUMNS}${withBoundary ? ', ST_AsGeoJSON(boundary, 7)::json AS boundary' : ''}
       FROM divisions WHERE code = $1::text`,
    [code],
  )
  return res.rows[0]
}

export async function divisionExists(db: Queryable, code: string): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM divisions WHERE code = $1::text', [code])
  return res.rowCount > 0
}

export async function listDivisions(
  db: Queryable,
  filter: { parent?: string; level?: string; boundary?: boolean },
): Promise<DivisionRow[]> {
  const res = await db.query<DivisionRow>(
    `SELECT ${DIVISION_COLUMNS}${filter.boundary ? ', ST_AsGeoJSON(boundary, 7)::json AS boundary' : ''}
       FROM divisions
      WHERE code <> '000000'
        AND ($1::text IS NULL OR parent_code = $1::text)
        AND ($2::text IS NULL OR level = $2::text)
      ORDER BY code`,
    [filter.parent ?? null, filter.level ?? null],
  )
  return res.rows
}
