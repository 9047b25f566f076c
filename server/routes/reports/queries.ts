/**
 * SQL for the periodic reports and the ledger export. Each function takes the caller's scoped
 * connection (row-level security limits the rows to the caller's jurisdiction) and a division: a
 * county or city code matches everything under its prefix, a township code also what is filed under
 * that township. Spans are instants [start, end) built from Beijing days by the caller.
 */
import type { Queryable } from '../../db/port.js'

export interface DivisionRow {
  code: string
  name: string
  level: string
}

export async function findDivision(db: Queryable, code: string): Promise<DivisionRow | undefined> {
  const res = await db.query<DivisionRow>('SELECT code, name, level FROM divisions WHERE code = $1::text', [
    code,
  ])
  return res.rows[0]
}

/** The divisions a city or province report is broken down by: its counties, or its cities. */
export async function listChildDivisions(db: Queryable, code: string): Promise<DivisionRow[]> {
  const res = await db.query<DivisionRow>(
    `SELECT code, name, level FROM divisions
      WHERE parent_code = $1::text AND level IN ('city', 'county')
      ORDER BY code`,
    [code],
  )
  return res.rows
}

export interface Span {
  /** first and last Beijing day */
  from: string
  to: string
  /** first instant of the first day */
  start: string
  /** first instant after the last day */
  end: string
  /** the figures as of this instant (≤ end): events after it have not happened yet */
  asOf: string
}

export interface PatrolTotalsRow {
  count: number
  counted: number
  routine: number
  supervision: number
  special: number
  length_m: number
  person_times: number
  person_seconds: number
  zones_visited: number
}

/**
 * Patrols that started in the span (the same selection as the ledger, GET /patrols): how many, how
 * many counted for frequency, by kind, their length, person-times (人次: staff on each patrol,
 * summed) and person-seconds; and the distinct zones that got a counted visit on a day of the span.
 */
export async function sumPatrols(db: Queryable, division: string, span: Span): Promise<PatrolTotalsRow> {
  const res = await db.query<PatrolTotalsRow>(
    `WITH
     -- the ledger's patrols of the division in the span
     p AS (
       SELECT p.id, p.kind, p.counts_for_frequency, p.length_m, p.staff_count, p.duration_s
         FROM patrols p JOIN units u ON u.id = p.unit_id
        WHERE (starts_with(p.division_code, lp_scope_prefix($1::text)) OR u.division_code = $1::text)
          AND p.started_at >= $2::timestamptz AND p.started_at < $3::timestamptz),
     -- zones of the division with a counted visit on a day of the span
     visited AS (
       SELECT count(DISTINCT v.zone_id)::integer AS n
         FROM zone_visits v JOIN zones z ON z.id = v.zone_id
        WHERE v.counted
          AND (starts_with(z.division_code, lp_scope_prefix($1::text)) OR z.township_code = $1::text)
          AND v.visit_date >= $4::date AND v.visit_date <= $5::date)
     SELECT count(*)::integer AS count,
            count(*) FILTER (WHERE counts_for_frequency)::integer AS counted,
            count(*) FILTER (WHERE kind = 'routine')::integer AS routine,
            count(*) FILTER (WHERE kind = 'supervision')::integer AS supervision,
            count(*) FILTER (WHERE kind = 'special')::integer AS special,
            coalesce(sum(length_m), 0)::float8 AS length_m,
            coalesce(sum(staff_count), 0)::integer AS person_times,
            coalesce(sum(duration_s * staff_count), 0)::float8 AS person_seconds,
            (SELECT n FROM visited) AS zones_visited
       FROM p`,
    [division, span.start, span.end, span.from, span.to],
  )
  return res.rows[0] as PatrolTotalsRow
}

export interface ViolationTotalsRow {
  found: number
  major: number
  reported: number
  filed: number
  closed: number
  area_mu: number
  cultivated_mu: number
  basic_farmland_mu: number
}

/**
 * Violations found in the span (and by `asOf`): how many, how many of them had reached reported,
 * filed and closed by `asOf` (from their event histories), and their areas in mu summed as numeric.
 */
export async function sumViolations(
  db: Queryable,
  division: string,
  span: Span,
): Promise<ViolationTotalsRow> {
  const res = await db.query<ViolationTotalsRow>(
    `WITH
     v AS (
       SELECT id, major, area_mu, cultivated_mu, basic_farmland_mu FROM violations
        WHERE (starts_with(division_code, lp_scope_prefix($1::text)) OR township_code = $1::text)
          AND found_at >= $2::timestamptz AND found_at < $3::timestamptz AND found_at <= $4::timestamptz),
     -- the steps each one had taken by as_of
     steps AS (
       SELECT e.violation_id,
              bool_or(e.type = 'report') AS reported,
              bool_or(e.type = 'file') AS filed,
              bool_or(e.type = 'close') AS closed
         FROM violation_events e
        WHERE e.violation_id IN (SELECT id FROM v) AND e.at <= $4::timestamptz
        GROUP BY e.violation_id)
     SELECT count(*)::integer AS found,
            count(*) FILTER (WHERE v.major)::integer AS major,
            count(*) FILTER (WHERE s.reported)::integer AS reported,
            count(*) FILTER (WHERE s.filed)::integer AS filed,
            count(*) FILTER (WHERE s.closed)::integer AS closed,
            coalesce(sum(v.area_mu), 0)::float8 AS area_mu,
            coalesce(sum(v.cultivated_mu), 0)::float8 AS cultivated_mu,
            coalesce(sum(v.basic_farmland_mu), 0)::float8 AS basic_farmland_mu
       FROM v LEFT JOIN steps s ON s.violation_id = v.id`,
    [division, span.start, span.end, span.asOf],
  )
  return res.rows[0] as ViolationTotalsRow
}

/** Violations found in the span, by category (1…8). */
export async function countViolationsByCategory(
  db: Queryable,
  division: string,
  span: Span,
): Promise<Map<number, number>> {
  const res = await db.query<{ category: number; n: number }>(
    `SELECT category::integer AS category, count(*)::integer AS n FROM violations
      WHERE (starts_with(division_code, lp_scope_prefix($1::text)) OR township_code = $1::text)
        AND found_at >= $2::timestamptz AND found_at < $3::timestamptz AND found_at <= $4::timestamptz
      GROUP BY category`,
    [division, span.start, span.end, span.asOf],
  )
  return new Map(res.rows.map((r) => [r.category, r.n]))
}

export interface TipTotalsRow {
  received: number
  checked: number
  violation: number
  unfounded: number
  checked_on_time: number
  hotline_12336: number
  info_officer: number
  letter: number
  visit: number
}

/** Tips received in the span, and how many of them had been checked (closed) by `asOf`. */
export async function sumTips(db: Queryable, division: string, span: Span): Promise<TipTotalsRow> {
  const res = await db.query<TipTotalsRow>(
    `WITH t AS (
       SELECT channel, status, closed_at, check_due,
              (closed_at IS NOT NULL AND closed_at <= $4::timestamptz) AS checked
         FROM tips
        WHERE (starts_with(division_code, lp_scope_prefix($1::text)) OR township_code = $1::text)
          AND received_at >= $2::timestamptz AND received_at < $3::timestamptz
          AND received_at <= $4::timestamptz)
     SELECT count(*)::integer AS received,
            count(*) FILTER (WHERE checked)::integer AS checked,
            count(*) FILTER (WHERE checked AND status = 'violation')::integer AS violation,
            count(*) FILTER (WHERE checked AND status = 'unfounded')::integer AS unfounded,
            count(*) FILTER (WHERE checked AND closed_at <= check_due)::integer AS checked_on_time,
            count(*) FILTER (WHERE channel = 'hotline_12336')::integer AS hotline_12336,
            count(*) FILTER (WHERE channel = 'info_officer')::integer AS info_officer,
            count(*) FILTER (WHERE channel = 'letter')::integer AS letter,
            count(*) FILTER (WHERE channel = 'visit')::integer AS visit
       FROM t`,
    [division, span.start, span.end, span.asOf],
  )
  return res.rows[0] as TipTotalsRow
}

export interface InfoReportTotalsRow {
  villages_with_officer: number
  expected: number
  reports: number
  zero_reports: number
  missing: number
}

/**
 * Information officers' monthly reports for the months of the span: villages with an officer in
 * some month, reports owed (one per village and month with an officer), reports and zero-reports
 * received, and those owed and missing.
 */
export async function sumInfoReports(
  db: Queryable,
  division: string,
  months: readonly string[],
): Promise<InfoReportTotalsRow> {
  const res = await db.query<InfoReportTotalsRow>(
    `WITH
     m AS (SELECT month, (month || '-01')::date AS first,
                  ((month || '-01')::date + interval '1 month')::date AS next
             FROM unnest($2::text[]) AS month),
     -- each village with an officer in office on some day of the month
     owed AS (
       SELECT DISTINCT m.month, a.village_code
         FROM m JOIN info_officer_assignments a
           ON a.assigned_from < m.next AND (a.assigned_to IS NULL OR a.assigned_to > m.first)
        WHERE starts_with(a.village_code, lp_scope_prefix($1::text))),
     r AS (
       SELECT village_code, month, zero_report FROM info_reports
        WHERE month = ANY($2::text[]) AND starts_with(village_code, lp_scope_prefix($1::text)))
     SELECT (SELECT count(DISTINCT village_code) FROM owed)::integer AS villages_with_officer,
            (SELECT count(*) FROM owed)::integer AS expected,
            (SELECT count(*) FROM r)::integer AS reports,
            (SELECT count(*) FROM r WHERE zero_report)::integer AS zero_reports,
            (SELECT count(*) FROM owed o
              WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.village_code = o.village_code AND r.month = o.month))::integer
              AS missing`,
    [division, months],
  )
  return res.rows[0] as InfoReportTotalsRow
}

// ---------------------------------------------------------------------------------------------------
// The ledger 台帐 (第十七条)

export interface LedgerPatrolRow {
  id: string
  external_id: string
  unit_name: string
  kind: string
  started_at: Date
  ended_at: Date
  length_m: number
  duration_s: number
  staff_count: number
  staff_names: string[]
  counts_for_frequency: boolean
  flags: string[]
  zones: string[]
}

/** Most rows one ledger file holds: a county-year of daily patrols by 20 stations is ~7 300. */
export const LEDGER_MAX_ROWS = 50_000

/**
 * The ledger's patrols in the span, oldest first (the same selection as GET /patrols), with staff
 * names in the order posted and the zones the patrol visited (visit rule met, counted or not).
 */
export async function listLedgerPatrols(
  db: Queryable,
  division: string,
  span: Pick<Span, 'start' | 'end'>,
): Promise<LedgerPatrolRow[]> {
  const res = await db.query<LedgerPatrolRow>(
    `SELECT p.id, p.external_id, u.name AS unit_name, p.kind, p.started_at, p.ended_at, p.length_m, p.duration_s,
            p.staff_count, p.counts_for_frequency, p.flags,
            ARRAY(SELECT pe.name FROM unnest(p.staff) WITH ORDINALITY AS s(id, n)
                    JOIN people pe ON pe.id = s.id ORDER BY s.n) AS staff_names,
            ARRAY(SELECT z.name FROM zones z
                   WHERE z.id IN (SELECT v.zone_id FROM zone_visits v WHERE v.patrol_id = p.id AND v.qualifies)
                   ORDER BY z.tier, z.name) AS zones
       FROM patrols p JOIN units u ON u.id = p.unit_id
      WHERE (starts_with(p.division_code, lp_scope_prefix($1::text)) OR u.division_code = $1::text)
        AND p.started_at >= $2::timestamptz AND p.started_at < $3::timestamptz
      ORDER BY p.started_at, p.id
      LIMIT $4::integer`,
    [division, span.start, span.end, LEDGER_MAX_ROWS + 1],
  )
  return res.rows
}

export interface LedgerFindingRow {
  id: string
  patrol_id: string
  category: number
  place: string | null
  party: string | null
  status: string
  found_at: Date
  area_mu: number | null
  cultivated_mu: number | null
}

/** Violations found by the given patrols (violations.patrol_id), oldest first. */
export async function listFindingsOfPatrols(
  db: Queryable,
  patrolIds: readonly string[],
): Promise<LedgerFindingRow[]> {
  if (patrolIds.length === 0) return []
  const res = await db.query<LedgerFindingRow>(
    `SELECT id, patrol_id, category::integer AS category, place, party, status, found_at,
            area_mu::float8 AS area_mu, cultivated_mu::float8 AS cultivated_mu
       FROM violations WHERE patrol_id = ANY($1::uuid[])
      ORDER BY found_at, id`,
    [patrolIds],
  )
  return res.rows
}
