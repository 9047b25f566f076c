import type { Queryable } from '../../db/port.js'
import { notFound, unprocessable } from '../../errors.js'
import type { PlanRow } from './queries.js'
import type { AssignBody } from './schemas.js'

/** Bulk assignment of unit and persons to every zone of a township (划片包干、责任到人). */
export async function assignByTownship(tx: Queryable, plan: PlanRow, body: AssignBody): Promise<number> {
  if (body.township_code.slice(0, 6) !== plan.division_code)
    throw unprocessable(`township ${body.township_code} is not in county ${plan.division_code}`, [
      { path: '/township_code', message: 'not a township of the plan’s county' },
    ])
  if (body.unit_id) {
    const unit = await tx.query(
      'SELECT 1 FROM units WHERE id = $1::uuid AND starts_with(division_code, $2::text)',
      [body.unit_id, plan.division_code],
    )
    if (unit.rowCount === 0) throw notFound(`unit ${body.unit_id} not found in county ${plan.division_code}`)
  }
  const personIds = [...(body.main_person_id ? [body.main_person_id] : []), ...(body.direct_person_ids ?? [])]
  if (personIds.length > 0) {
    const found = await tx.query<{ id: string }>(
      'SELECT id FROM people WHERE id = ANY($1::uuid[]) AND starts_with(division_code, $2::text)',
      [personIds, plan.division_code],
    )
    const missing = personIds.filter((id) => !found.rows.some((r) => r.id === id))
    if (missing.length > 0)
      throw notFound(`person(s) ${missing.join(', ')} not found in county ${plan.division_code}`)
  }
  const res = await tx.query(
    `UPDATE zones SET
        unit_id = CASE WHEN $3::uuid IS NULL OR ($6::boolean AND unit_id IS NOT NULL) THEN unit_id ELSE $3::uuid END,
        main_person_id = CASE WHEN $4::uuid IS NULL OR ($6::boolean AND main_person_id IS NOT NULL)
                              THEN main_person_id ELSE $4::uuid END,
        direct_person_ids = CASE WHEN $5::uuid[] IS NULL OR ($6::boolean AND cardinality(direct_person_ids) > 0)
                                 THEN direct_person_ids ELSE $5::uuid[] END
      WHERE plan_id = $1::uuid AND township_code = $2::text`,
    [
      plan.id,
      body.township_code,
      body.unit_id ?? null,
      body.main_person_id ?? null,
      body.direct_person_ids ?? null,
      body.only_missing ?? false,
    ],
  )
  return res.rowCount
}
