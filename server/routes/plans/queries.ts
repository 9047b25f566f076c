import type { Queryable } from '../../db/port.js'
import { conflict, notFound } from '../../errors.js'
import type { CreatePlanBody } from './schemas.js'

export type PlanStatus = 'draft' | 'submitted' | 'filed' | 'superseded'

export interface PlanRow {
  id: string
  division_code: string
  name: string
  status: PlanStatus
  effective_from: string
  effective_to: string | null
  note: string | null
  created_at: string
  submitted_at: string | null
  filed_at: string | null
  filed_by_division: string | null
  zone_count: number
  area_m2: number
  area_mu: number
  by_tier: Record<string, { zones: number; area_mu: number }>
}

const TS = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`

// Plan with its zone statistics (areas from the stored ellipsoidal m²; 1 mu = 10000/15 m²).
const PLAN_SELECT = `
  SELECT p.id, p.division_code, p.name, p.status,
         to_char(p.effective_from, 'YYYY-MM-DD') AS effective_from,
         to_char(p.effective_to, 'YYYY-MM-DD') AS effective_to,
         p.note, ${TS('p.created_at')} AS created_at, ${TS('p.submitted_at')} AS submitted_at,
         ${TS('p.filed_at')} AS filed_at, p.filed_by_division,
         coalesce(s.zone_count, 0)::integer AS zone_count,
         round(coalesce(s.area_m2, 0)::numeric, 2) AS area_m2,
         round((coalesce(s.area_m2, 0) * 15 / 10000)::numeric, 2) AS area_mu,
         coalesce(s.by_tier, '{}'::jsonb) AS by_tier
    FROM zone_plans p
    LEFT JOIN LATERAL (
      SELECT sum(t.n) AS zone_count, sum(t.a) AS area_m2,
             jsonb_object_agg(t.tier::text, jsonb_build_object('zones', t.n, 'area_mu', round((t.a * 15 / 10000)::numeric, 2))) AS by_tier
        FROM (SELECT z.tier, count(*) AS n, sum(z.area_m2) AS a FROM zones z WHERE z.plan_id = p.id GROUP BY z.tier) t
    ) s ON true`

export async function insertPlan(
  db: Queryable,
  body: CreatePlanBody,
  personId: string | null,
): Promise<PlanRow> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO zone_plans (division_code, name, effective_from, note, created_by)
     VALUES ($1::text, $2::text, $3::date, $4::text, $5::uuid) RETURNING id`,
    [body.division_code, body.name, body.effective_from, body.note ?? null, personId],
  )
  return (await findPlan(db, (res.rows[0] as { id: string }).id)) as PlanRow
}

export async function findPlan(db: Queryable, id: string): Promise<PlanRow | undefined> {
  const res = await db.query<PlanRow>(`${PLAN_SELECT} WHERE p.id = $1::uuid`, [id])
  return res.rows[0]
}

export async function requirePlan(db: Queryable, id: string, forUpdate = false): Promise<PlanRow> {
  if (forUpdate) await db.query('SELECT 1 FROM zone_plans WHERE id = $1::uuid FOR UPDATE', [id])
  const plan = await findPlan(db, id)
  if (!plan) throw notFound(`plan ${id} not found`)
  return plan
}

/** Only drafts are editable: anything else is a filed record and stays as it was. */
export async function requireDraft(db: Queryable, id: string): Promise<PlanRow> {
  const plan = await requirePlan(db, id, true)
  if (plan.status !== 'draft')
    throw conflict(
      `plan ${id} is ${plan.status}; only a draft can be changed (create a new plan instead)`,
      [],
      {
        status_now: plan.status,
      },
    )
  return plan
}

export async function listPlans(
  db: Queryable,
  f: { division?: string; status?: string },
): Promise<PlanRow[]> {
  const res = await db.query<PlanRow>(
    `${PLAN_SELECT}
      WHERE ($1::text IS NULL OR starts_with(p.division_code, lp_scope_prefix($1::text)))
        AND ($2::text IS NULL OR p.status = $2::text)
      ORDER BY p.division_code, p.effective_from DESC, p.created_at DESC`,
    [f.division ?? null, f.status ?? null],
  )
  return res.rows
}

export async function markSubmitted(db: Queryable, id: string, personId: string | null): Promise<void> {
  await db.query(
    `UPDATE zone_plans SET status = 'submitted', submitted_at = now(), submitted_by = $2::uuid WHERE id = $1::uuid`,
    [id, personId],
  )
}

export async function markReturned(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE zone_plans SET status = 'draft', submitted_at = NULL, submitted_by = NULL,
            note = concat_ws(E'\n', note, '退回: ' || $2::text)
      WHERE id = $1::uuid`,
    [id, reason],
  )
}

/**
 * Files a submitted plan. The county's plan in force at its effective date ends there (superseded,
 * kept for the past); a plan filed for a later date bounds this one in turn.
 */
export async function markFiled(
  db: Queryable,
  plan: PlanRow,
  by: { personId: string | null; divisionCode: string },
): Promise<void> {
  const clash = await db.query(
    `SELECT id FROM zone_plans
      WHERE division_code = $1::text AND status IN ('filed', 'superseded') AND effective_from = $2::date`,
    [plan.division_code, plan.effective_from],
  )
  if (clash.rowCount > 0)
    throw conflict(`another plan of ${plan.division_code} is already filed for ${plan.effective_from}`)
  await db.query(
    `UPDATE zone_plans SET effective_to = $2::date, status = 'superseded'
      WHERE division_code = $1::text AND status IN ('filed', 'superseded')
        AND effective_from < $2::date AND (effective_to IS NULL OR effective_to > $2::date)`,
    [plan.division_code, plan.effective_from],
  )
  await db.query(
    `UPDATE zone_plans SET status = 'filed', filed_at = now(), filed_by = $2::uuid, filed_by_division = $3::text,
            effective_to = (SELECT min(n.effective_from) FROM zone_plans n
                             WHERE n.division_code = zone_plans.division_code AND n.status IN ('filed', 'superseded')
                               AND n.effective_from > zone_plans.effective_from)
      WHERE id = $1::uuid`,
    [plan.id, by.personId, by.divisionCode],
  )
  // a plan bounded by a later one is, from that date on, superseded
  await db.query(
    `UPDATE zone_plans SET status = 'superseded' WHERE id = $1::uuid AND effective_to IS NOT NULL`,
    [plan.id],
  )
}
