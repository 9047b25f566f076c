import type { Queryable } from '../../db/port.js'
import type { CreatePersonBody } from './schemas.js'

export interface PersonRow {
  id: string
  name: string
  unit_id: string
  unit_name: string
  division_code: string
  certificate_no: string | null
  roles: string[]
  phone: string | null
}

const PERSON_SELECT = `SELECT p.id, p.name, p.unit_id, u.name AS unit_name, p.division_code,
       p.certificate_no, p.roles, p.phone
  FROM people p JOIN units u ON u.id = p.unit_id`

/** Inserts through the unit so the person inherits its division; no visible unit ⇒ no row. */
export async function insertPerson(db: Queryable, p: CreatePersonBody): Promise<PersonRow | undefined> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO people (name, unit_id, division_code, certificate_no, roles, phone)
     SELECT $1::text, u.id, u.division_code, $3::text, $4::text[], $5::text
       FROM units u WHERE u.id = $2::uuid
     RETURNING id`,
    [p.name, p.unit_id, p.certificate_no ?? null, p.roles ?? [], p.phone ?? null],
  )
  const id = res.rows[0]?.id
  return id ? findPerson(db, id) : undefined
}

export async function findPerson(db: Queryable, id: string): Promise<PersonRow | undefined> {
  const res = await db.query<PersonRow>(`${PERSON_SELECT} WHERE p.id = $1::uuid`, [id])
  return res.rows[0]
}

export async function listPeople(
  db: Queryable,
  f: { unit_id?: string; division?: string },
): Promise<PersonRow[]> {
  const res = await db.query<PersonRow>(
    `${PERSON_SELECT}
      WHERE ($1::uuid IS NULL OR p.unit_id = $1::uuid)
        AND ($2::text IS NULL OR starts_with(p.division_code, lp_scope_prefix($2::text)))
      ORDER BY u.name, p.name`,
    [f.unit_id ?? null, f.division ?? null],
  )
  return res.rows
}
