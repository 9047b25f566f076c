import type { Queryable } from '../../db/port.js'
import type { CreateUnitBody } from './schemas.js'

export interface UnitRow {
  id: string
  name: string
  kind: string
  division_code: string
  people_count: number
}

const UNIT_SELECT = `SELECT u.id, u.name, u.kind, u.division_code,
       (SELECT count(*) FROM people p WHERE p.unit_id = u.id)::integer AS people_count
  FROM units u`

export async function insertUnit(db: Queryable, u: CreateUnitBody): Promise<UnitRow> {
  const res = await db.query<UnitRow>(
    `INSERT INTO units (name, kind, division_code) VALUES ($1::text, $2::text, $3::text)
     RETURNING id, name, kind, division_code, 0 AS people_count`,
    [u.name, u.kind, u.division_code],
  )
  return res.rows[0] as UnitRow
}

export async function findUnit(db: Queryable, id: string): Promise<UnitRow | undefined> {
  const res = await db.query<UnitRow>(`${UNIT_SELECT} WHERE u.id = $1::uuid`, [id])
  return res.rows[0]
}

export async function listUnits(db: Queryable, f: { division?: string; kind?: string }): Promise<UnitRow[]> {
  const res = await db.query<UnitRow>(
    `${UNIT_SELECT}
      WHERE ($1::text IS NULL OR starts_with(u.division_code, lp_scope_prefix($1::text)))
        AND ($2::text IS NULL OR u.kind = $2::text)
      ORDER BY u.division_code, u.name`,
    [f.division ?? null, f.kind ?? null],
  )
  return res.rows
}
