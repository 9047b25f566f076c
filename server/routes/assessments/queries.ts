import type { Queryable } from '../../db/port.js'

export interface LedgerGapRow {
  id: string
  staff_count: number
  no_time: boolean
  no_route: boolean
  unrecorded_violations: number
}

/**
 * Ledger entries (patrols started in [from, to)) that are incomplete (第十七条, item 四): fewer staff
 * than the rules ask, no time span, no route (no cleaned segment or zero length), or a violation the
 * patrol found with no measure recorded by `asOf` (the ledger must say what was done about it).
 */
export async function listIncompleteLedgerEntries(
  db: Queryable,
  q: { division: string; from: Date; to: Date; asOf: Date; minStaff: number },
): Promise<LedgerGapRow[]> {
  const res = await db.query<LedgerGapRow>(
    `WITH entry AS (
       SELECT p.id, p.staff_count, p.started_at, p.ended_at,
              (p.ended_at <= p.started_at) AS no_time,
              (p.segment_count = 0 OR p.length_m <= 0) AS no_route,
              (SELECT count(*) FROM violations v
                WHERE v.patrol_id = p.id AND v.found_at <= $4::timestamptz
                  AND NOT EXISTS (SELECT 1 FROM violation_events e
                                   WHERE e.violation_id = v.id AND e.at <= $4::timestamptz))::integer
                AS unrecorded_violations
         FROM patrols p
        WHERE starts_with(p.division_code, lp_scope_prefix($1::text))
          AND p.started_at >= $2::timestamptz AND p.started_at < $3::timestamptz
          AND p.started_at <= $4::timestamptz)
     SELECT id, staff_count, no_time, no_route, unrecorded_violations FROM entry
      WHERE staff_count < $5::integer OR no_time OR no_route OR unrecorded_violations > 0
      ORDER BY started_at, id`,
    [q.division, q.from, q.to, q.asOf, q.minStaff],
  )
  return res.rows
}

/** Patrols started in [from, to) that count for frequency, for the projection's pace. */
export async function countPatrols(
  db: Queryable,
  q: { division: string; from: Date; to: Date },
): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM patrols p
      WHERE starts_with(p.division_code, lp_scope_prefix($1::text))
        AND p.started_at >= $2::timestamptz AND p.started_at < $3::timestamptz`,
    [q.division, q.from, q.to],
  )
  return res.rows[0]?.n ?? 0
}

export interface ResponsibilityFacts {
  zones_in_force: number
  unassigned_zones: { id: string; plan_id: string }[]
  villages: number
  villages_without_officer: string[]
}

/**
 * Item 一 from the records: zones in force on `day` (a filed plan), those without a responsible unit
 * and main responsible person (划片包干、责任到人), and administrative villages without an
 * information officer in office that day (篇三 七(1)).
 */
export async function readResponsibilityFacts(
  db: Queryable,
  q: { division: string; day: string },
): Promise<ResponsibilityFacts> {
  const zones = await db.query<{ id: string; plan_id: string; assigned: boolean }>(
    `SELECT z.id, z.plan_id, (z.unit_id IS NOT NULL AND z.main_person_id IS NOT NULL) AS assigned
       FROM zones z JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
      WHERE starts_with(z.division_code, lp_scope_prefix($1::text))
        AND p.effective_from <= $2::date AND (p.effective_to IS NULL OR p.effective_to > $2::date)
      ORDER BY z.id`,
    [q.division, q.day],
  )
  const villages = await db.query<{ code: string; has_officer: boolean }>(
    `SELECT d.code,
            EXISTS (SELECT 1 FROM info_officer_assignments a
                     WHERE a.village_code = d.code AND a.assigned_from <= $2::date
                       AND (a.assigned_to IS NULL OR a.assigned_to > $2::date)) AS has_officer
       FROM divisions d
      WHERE d.level = 'village' AND starts_with(d.code, lp_scope_prefix($1::text))
      ORDER BY d.code`,
    [q.division, q.day],
  )
  return {
    zones_in_force: zones.rows.length,
    unassigned_zones: zones.rows.filter((z) => !z.assigned).map(({ id, plan_id }) => ({ id, plan_id })),
    villages: villages.rows.length,
    villages_without_officer: villages.rows.filter((v) => !v.has_officer).map((v) => v.code),
  }
}

/** The plan of each zone, to link zone evidence to `GET /plans/{id}/zones`. */
export async function readZonePlans(db: Queryable, zoneIds: readonly string[]): Promise<Map<string, string>> {
  if (zoneIds.length === 0) return new Map()
  const res = await db.query<{ id: string; plan_id: string }>(
    `SELECT id, plan_id FROM zones WHERE id = ANY($1::uuid[])`,
    [zoneIds],
  )
  return new Map(res.rows.map((r) => [r.id, r.plan_id]))
}

export async function readCultivatedLandTaken(
  db: Queryable,
  division: string,
  year: number,
): Promise<number> {
  const res = await db.query<{ mu: number | null }>(
    `SELECT sum(mu)::float8 AS mu FROM cultivated_land_taken
      WHERE starts_with(division_code, lp_scope_prefix($1::text)) AND year = $2::integer`,
    [division, year],
  )
  return res.rows[0]?.mu ?? 0
}

export interface SubmissionRow {
  id: string
  division_code: string
  kind: 'monthly' | 'quarterly' | 'annual'
  period: string
  due_date: string
  sent_at: Date
  recipient: string
  sent_by: string
  note: string | null
}

const SUBMISSION_COLUMNS = `id, division_code, kind, period, due_date::text AS due_date, sent_at, recipient, sent_by, note`

export async function listSubmissions(
  db: Queryable,
  q: { divisions: readonly string[]; year: number },
): Promise<SubmissionRow[]> {
  const res = await db.query<SubmissionRow>(
    `SELECT ${SUBMISSION_COLUMNS} FROM report_submissions
      WHERE division_code = ANY($1::text[]) AND left(period, 4) = $2::text
      ORDER BY division_code, kind, period`,
    [q.divisions, String(q.year)],
  )
  return res.rows
}

export async function insertSubmission(
  db: Queryable,
  row: Omit<SubmissionRow, 'id'> & { created_by: string },
): Promise<SubmissionRow> {
  const res = await db.query<SubmissionRow>(
    `INSERT INTO report_submissions (division_code, kind, period, due_date, sent_at, recipient, sent_by, note, created_by)
     VALUES ($1::text, $2::text, $3::text, $4::date, $5::timestamptz, $6::text, $7::text, $8::text, $9::uuid)
     RETURNING ${SUBMISSION_COLUMNS}`,
    [
      row.division_code,
      row.kind,
      row.period,
      row.due_date,
      row.sent_at,
      row.recipient,
      row.sent_by,
      row.note,
      row.created_by,
    ],
  )
  return res.rows[0] as SubmissionRow
}

export interface ManualRow {
  id: string
  division_code: string
  year: number
  entries: ManualEntries
  assessor: string
  created_at: Date
}

export interface ManualEntries {
  deductions: { item: string; points: number; reason: string; evidence_ids?: string[] }[]
  bonus: { points: number; reason: string } | null
  veto_grounds: { ground: string; reason: string; evidence_ids?: string[] }[]
}

/** Every version of the assessor's entries for a division-year, oldest first (the last is in force). */
export async function listManualEntries(db: Queryable, division: string, year: number): Promise<ManualRow[]> {
  const res = await db.query<ManualRow>(
    `SELECT id, division_code, year::integer AS year, entries, assessor, created_at
       FROM assessment_manual_entries WHERE division_code = $1::text AND year = $2::integer
      ORDER BY created_at, id`,
    [division, year],
  )
  return res.rows
}

export async function insertManualEntries(
  db: Queryable,
  row: { division_code: string; year: number; entries: ManualEntries; assessor: string; created_by: string },
): Promise<void> {
  await db.query(
    `INSERT INTO assessment_manual_entries (division_code, year, entries, assessor, created_by)
     VALUES ($1::text, $2::smallint, $3::jsonb, $4::text, $5::uuid)`,
    [row.division_code, row.year, JSON.stringify(row.entries), row.assessor, row.created_by],
  )
}

export async function readDivision(
  db: Queryable,
  code: string,
): Promise<{ code: string; name: string; level: string } | undefined> {
  const res = await db.query<{ code: string; name: string; level: string }>(
    'SELECT code, name, level FROM divisions WHERE code = $1::text',
    [code],
  )
  return res.rows[0]
}

export async function listChildDivisions(
  db: Queryable,
  parent: string,
): Promise<{ code: string; name: string; level: string }[]> {
  const res = await db.query<{ code: string; name: string; level: string }>(
    `SELECT code, name, level FROM divisions WHERE parent_code = $1::text AND level IN ('city', 'county')
      ORDER BY code`,
    [parent],
  )
  return res.rows
}
