import type { Queryable } from '../../db/port.js'
import {
  bucketKeyAreaZonePeriods,
  type KeyAreaBucketRow,
  type KeyAreaZone,
} from '../../domain/assessment/key-area-buckets.js'
import { periodsOverlapping } from '../../domain/coverage/periods.js'

export type { KeyAreaBucketRow }

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
    `WITH
     -- violations found on a patrol with no measure recorded by as_of, per patrol (one pass)
     unrecorded AS (
       SELECT v.patrol_id, count(*)::integer AS n
         FROM violations v
        WHERE starts_with(v.division_code, lp_scope_prefix($1::text)) AND v.patrol_id IS NOT NULL
          AND v.found_at <= $4::timestamptz
          AND NOT EXISTS (SELECT 1 FROM violation_events e
                           WHERE e.violation_id = v.id AND e.at <= $4::timestamptz)
        GROUP BY v.patrol_id)
     SELECT p.id, p.staff_count, (p.ended_at <= p.started_at) AS no_time,
            (p.segment_count = 0 OR p.length_m <= 0) AS no_route, coalesce(u.n, 0) AS unrecorded_violations
       FROM patrols p LEFT JOIN unrecorded u ON u.patrol_id = p.id
      WHERE starts_with(p.division_code, lp_scope_prefix($1::text))
        AND p.started_at >= $2::timestamptz AND p.started_at < $3::timestamptz
        AND p.started_at <= $4::timestamptz
        AND (p.staff_count < $5::integer OR p.ended_at <= p.started_at OR p.segment_count = 0
             OR p.length_m <= 0 OR u.n > 0)
      ORDER BY p.started_at, p.id`,
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
  // one row: the count of the zones in force and the unassigned ones only (a county has thousands)
  const zones = await db.query<{ in_force: number; unassigned: { id: string; plan_id: string }[] }>(
    `WITH in_force AS (
       SELECT z.id, z.plan_id, (z.unit_id IS NOT NULL AND z.main_person_id IS NOT NULL) AS assigned
         FROM zones z JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
        WHERE starts_with(z.division_code, lp_scope_prefix($1::text))
          AND p.effective_from <= $2::date AND (p.effective_to IS NULL OR p.effective_to > $2::date))
     SELECT count(*)::integer AS in_force,
            coalesce(json_agg(json_build_object('id', id, 'plan_id', plan_id) ORDER BY id)
                       FILTER (WHERE NOT assigned), '[]'::json) AS unassigned
       FROM in_force`,
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
    zones_in_force: zones.rows[0]?.in_force ?? 0,
    unassigned_zones: zones.rows[0]?.unassigned ?? [],
    villages: villages.rows.length,
    villages_without_officer: villages.rows.filter((v) => !v.has_officer).map((v) => v.code),
  }
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

/**
 * Item 三's figures: the tier-1 zone-periods of the span (the same zone-periods as GET /coverage:
 * zones of plans filed and in force during the period, periods begun by `today`, counted visits
 * from zone_visits) grouped by period and by visits (capped at the required number) with their
 * summed area — all the area-weighted key-area coverage rate and a what-if that adds visits need —
 * and the plan of each of those zones (the evidence links of the zones short of visits).
 *
 * The database reads each tier-1 zone once, with its counted visits of the span as a short string,
 * one character per visit naming the visit's period (chr(47 + n) for the n-th period: a year has at
 * most 54 ISO weeks): grouping the county's visits by zone alone is several times cheaper than by
 * zone and period, and the zone × period grid (≈ 60,000 zone-weeks for a demo county's year) is
 * then walked here instead of being joined, sorted and grouped in SQL.
 */
export async function listKeyAreaBuckets(
  db: Queryable,
  q: {
    division: string
    from: string
    to: string
    today: string
    kind: 'iso_week' | 'month'
    required: number
  },
): Promise<{ buckets: KeyAreaBucketRow[]; zone_plans: Map<string, string> }> {
  const periods = periodsOverlapping(q.from, q.to, q.kind)
  const first = periods[0]
  const last = periods[periods.length - 1]
  if (!first || !last) return { buckets: [], zone_plans: new Map() }
  // the row estimate of the code list below is a guess (an array built at run time has no
  // statistics) that can cross the JIT threshold: compiling would cost more than the whole scan
  await db.query(`SELECT set_config('jit', 'off', true)`)
  const res = await db.query<{
    id: string
    plan_id: string
    area_m2: number
    effective_from: string
    effective_to: string | null
    visits: string
  }>(
    `WITH
     -- counted tier-1 visits of the span per zone; width_bucket gives the period a visit day falls
     -- in (1-based: the last period start on or before it), the same as the range join of GET /coverage.
     -- A visit is filed under its patrol's division code, a division's: the division codes under the
     -- prefix, each an equality, let the (division_code, tier, visit_date) index bound the scan by
     -- tier and day too, where the prefix (a range on the code) would read every tier and day of it.
     counted AS (
       SELECT v.zone_id, string_agg(chr(47 + width_bucket(v.visit_date, $2::date[])), '') AS visits
         FROM zone_visits v
        WHERE v.division_code = ANY (ARRAY(SELECT d.code FROM divisions d
                                            WHERE starts_with(d.code, lp_scope_prefix($1::text))))
          AND v.counted AND v.tier = 1 AND v.visit_date >= $3::date AND v.visit_date < $4::date
        GROUP BY v.zone_id)
     -- the tier-1 zones of plans filed and in force on some day of the span
     SELECT z.id, z.plan_id, round(z.area_m2::numeric, 2)::float8 AS area_m2,
            p.effective_from::text AS effective_from, p.effective_to::text AS effective_to,
            coalesce(c.visits, '') AS visits
       FROM zones z
       JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
       LEFT JOIN counted c ON c.zone_id = z.id
      WHERE starts_with(z.division_code, lp_scope_prefix($1::text)) AND z.tier = 1
        AND p.effective_from < $4::date AND (p.effective_to IS NULL OR p.effective_to > $3::date)`,
    [q.division, periods.map((p) => p.start), first.start, last.end],
  )
  const zones = res.rows.map((r): KeyAreaZone => {
    const visits = new Array<number>(periods.length).fill(0)
    for (let i = 0; i < r.visits.length; i++) {
      const n = r.visits.charCodeAt(i) - 48
      visits[n] = (visits[n] ?? 0) + 1
    }
    return { ...r, visits }
  })
  return {
    buckets: bucketKeyAreaZonePeriods(zones, periods, q.today, q.required),
    zone_plans: new Map(res.rows.map((r) => [r.id, r.plan_id])),
  }
}
