import type { Queryable } from '../../db/port.js'

/** One group's effort in base units; the route rounds and converts. */
export interface EffortRow {
  id: string
  name: string
  tier?: number
  unit_id?: string | null
  patrols: number
  metres: number
  seconds: number
  person_seconds: number
}

/**
 * The patrols of the division and their cleaned segments that started on a Beijing day in [$2, $3].
 * Time is the segments' own (start to end of each), so the gaps a track was split at are not counted
 * as patrolling. A division above a county takes its counties' patrols; a township takes the patrols
 * of the units registered there.
 */
const PATROL_EFFORT = `
  patrol_effort AS MATERIALIZED (
    SELECT p.id, p.unit_id, p.staff, p.staff_count,
           count(*) AS segments, sum(s.length_m) AS metres,
           sum(extract(epoch FROM s.ended_at - s.started_at)) AS seconds
      FROM patrols p
      JOIN units u ON u.id = p.unit_id
      JOIN patrol_segments s ON s.patrol_id = p.id
     WHERE (starts_with(p.division_code, lp_scope_prefix($1::text)) OR u.division_code = $1::text)
       AND p.started_at < ($3::date + 2)::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND p.ended_at >= ($2::date - 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
       AND (s.started_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2::date AND $3::date
     GROUP BY p.id)`

const BY_UNIT_SQL = `WITH ${PATROL_EFFORT}
  SELECT u.id, u.name, count(*)::integer AS patrols, sum(e.metres) AS metres, sum(e.seconds) AS seconds,
         sum(e.seconds * e.staff_count) AS person_seconds
    FROM patrol_effort e JOIN units u ON u.id = e.unit_id
   GROUP BY u.id, u.name
   ORDER BY u.name, u.id`

/** Each person of a patrol's staff patrolled its whole length and time (person-hours = hours). */
const BY_PERSON_SQL = `WITH ${PATROL_EFFORT}
  SELECT pe.id, pe.name, pe.unit_id, count(DISTINCT e.id)::integer AS patrols, sum(e.metres) AS metres,
         sum(e.seconds) AS seconds, sum(e.seconds) AS person_seconds
    FROM patrol_effort e
   CROSS JOIN LATERAL (SELECT DISTINCT unnest(e.staff) AS person_id) AS st
    JOIN people pe ON pe.id = st.person_id
   GROUP BY pe.id, pe.name, pe.unit_id
   ORDER BY pe.name, pe.id`

/**
 * Per zone: the visits' clipped length and time inside (zone_visits, one row per patrol, zone and
 * day, whether or not the visit rule was met), person-hours by the patrol's staff.
 */
const BY_ZONE_SQL = `
  SELECT z.id, z.name, z.tier, z.unit_id, count(DISTINCT v.patrol_id)::integer AS patrols,
         sum(v.clipped_length_m) AS metres, sum(v.dwell_s) AS seconds,
         sum(v.dwell_s * v.staff_count) AS person_seconds
    FROM zone_visits v
    JOIN zones z ON z.id = v.zone_id
   WHERE (starts_with(z.division_code, lp_scope_prefix($1::text)) OR z.township_code = $1::text)
     AND v.visit_date BETWEEN $2::date AND $3::date
   GROUP BY z.id, z.name, z.tier, z.unit_id
   ORDER BY z.tier, z.name, z.id`

/** Totals of the division's patrols (each patrol once, whatever its staff). */
const PATROL_TOTAL_SQL = `WITH ${PATROL_EFFORT}
  SELECT count(*)::integer AS patrols, coalesce(sum(metres), 0) AS metres, coalesce(sum(seconds), 0) AS seconds,
         coalesce(sum(seconds * staff_count), 0) AS person_seconds
    FROM patrol_effort`

const ZONE_TOTAL_SQL = `
  SELECT count(DISTINCT v.patrol_id)::integer AS patrols, coalesce(sum(v.clipped_length_m), 0) AS metres,
         coalesce(sum(v.dwell_s), 0) AS seconds, coalesce(sum(v.dwell_s * v.staff_count), 0) AS person_seconds
    FROM zone_visits v
    JOIN zones z ON z.id = v.zone_id
   WHERE (starts_with(z.division_code, lp_scope_prefix($1::text)) OR z.township_code = $1::text)
     AND v.visit_date BETWEEN $2::date AND $3::date`

export type EffortTotals = Omit<EffortRow, 'id' | 'name' | 'tier' | 'unit_id'>

export async function listEffort(
  db: Queryable,
  q: { division: string; from: string; to: string; by: 'zone' | 'unit' | 'person' },
): Promise<{ rows: EffortRow[]; total: EffortTotals }> {
  const sql = q.by === 'zone' ? BY_ZONE_SQL : q.by === 'unit' ? BY_UNIT_SQL : BY_PERSON_SQL
  const params = [q.division, q.from, q.to]
  const rows = await db.query<EffortRow>(sql, params)
  const total = await db.query<EffortTotals>(q.by === 'zone' ? ZONE_TOTAL_SQL : PATROL_TOTAL_SQL, params)
  return {
    rows: rows.rows,
    total: total.rows[0] ?? { patrols: 0, metres: 0, seconds: 0, person_seconds: 0 },
  }
}
