import type { Queryable } from '../../db/port.js'
import type { FrequencyPeriod } from '../../domain/rules/rule-set.js'

/** A zone's attributes, on the first of its zone-period rows. */
export interface ZoneOfPeriods {
  zone_id: string
  name: string
  category: string
  tier: number
  unit_id: string | null
  township_code: string | null
  area_m2: number
  /** its tier's period kind */
  kind: FrequencyPeriod
}

export interface ZonePeriodRow {
  /** set on a zone's first row; the rows that follow, up to the next zone's, are its periods */
  zone: ZoneOfPeriods | null
  period_start: string
  visits: number
  /** the last counted visit's exit, as JavaScript's toISOString writes it */
  last_visit: string | null
}

/**
 * Every zone-period of the span from the derived tables only: zones of filed plans in force during
 * the period, and its counted visits (zone_visits); its swath coverage is read beside it
 * (readCoveredShares). Cost grows with zones × periods, never with raw points. Periods that have not
 * begun by `today` are left out.
 *
 * Rows come zone by zone, in the order of the answer (tier, name, id), each zone's periods in order.
 * The zone's attributes come once, on its first row: repeated on each zone-period row they were most
 * of the bytes received and of the strings parsed (two to five periods per zone). A period's end
 * follows from its start and kind (periodContaining).
 */
export async function listZonePeriods(
  db: Queryable,
  q: { division: string; from: string; to: string; today: string; periodKinds: readonly FrequencyPeriod[] },
): Promise<ZonePeriodRow[]> {
  const res = await db.query<ZonePeriodRow>(
    `WITH
     -- each zone's periods (its tier's kind) overlapping [from, to], while its plan was in force; the
     -- zones are numbered in the order of the answer first (a few thousand names compared once, not
     -- once per zone-period: the final sort by name was a fifth of the query). The plans are narrowed
     -- first to those in force at some time between the first period's start and the last one's end.
     zone_period AS MATERIALIZED (
       SELECT z.id AS zone_id, z.name, z.category, z.tier, z.unit_id, z.township_code, z.area_m2, k.kind,
              ps::date AS period_start, (ps + k.step)::date AS period_end, z.ord, g.n = 1 AS first
         FROM (SELECT z.id, z.name, z.category, z.tier, z.unit_id, z.township_code, z.area_m2,
                      p.effective_from, p.effective_to, row_number() OVER (ORDER BY z.tier, z.name, z.id) AS ord
                 FROM zones z
                 JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
                WHERE (starts_with(z.division_code, lp_scope_prefix($1::text)) OR z.township_code = $1::text)
                  AND p.effective_from < $3::date + 32
                  AND (p.effective_to IS NULL
                       OR p.effective_to > date_trunc('week', date_trunc('month', $2::date::timestamp))::date)) AS z
        CROSS JOIN LATERAL (
              SELECT ($4::text[])[z.tier] AS kind,
                     CASE ($4::text[])[z.tier] WHEN 'iso_week' THEN interval '1 week' ELSE interval '1 month' END AS step,
                     CASE ($4::text[])[z.tier] WHEN 'iso_week' THEN 'week' ELSE 'month' END AS unit) AS k
        -- from the plan's first period when it came into force after the span's start, so that a
        -- zone's first period is the first of its series (later ones are only cut off at the end)
        CROSS JOIN LATERAL generate_series(greatest(date_trunc(k.unit, $2::date::timestamp),
                                                    date_trunc(k.unit, z.effective_from::timestamp)),
                                           $3::date::timestamp, k.step) WITH ORDINALITY AS g(ps, n)
        WHERE z.effective_from < (ps + k.step)::date
          AND (z.effective_to IS NULL OR z.effective_to > ps::date)
          AND ps::date <= $5::date)
     SELECT CASE WHEN zp.first
                 THEN json_build_object('zone_id', zp.zone_id, 'name', zp.name, 'category', zp.category,
                                        'tier', zp.tier, 'unit_id', zp.unit_id, 'township_code', zp.township_code,
                                        'area_m2', zp.area_m2, 'kind', zp.kind) END AS zone,
            zp.period_start::text AS period_start, c.visits,
            -- in UTC with milliseconds, cut as a JavaScript Date cuts microseconds (not rounded), so
            -- that the node side need not parse a Date per row only to print it again
            to_char(c.last_visit AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_visit
       FROM zone_period zp
       -- counted visits per zone-period: index-only on zone_visits_zone_date_idx (migration 0015), a
       -- probe per zone-period; joining all the span's visits to the zone-periods by zone and then
       -- sorting them into groups took a quarter longer
       CROSS JOIN LATERAL (
             SELECT count(*)::integer AS visits, max(v.left_at) AS last_visit
               FROM zone_visits v
              WHERE v.zone_id = zp.zone_id AND v.counted
                AND v.visit_date >= zp.period_start AND v.visit_date < zp.period_end) AS c
      -- (tier, name, zone_id, period_start)
      ORDER BY zp.ord, zp.period_start`,
    [q.division, q.from, q.to, q.periodKinds, q.today],
  )
  return res.rows
}

/**
 * Swath coverage per zone-period starting in the span (zone_period_coverage, a few rows per
 * zone-period: one per zone piece the period's patrols reached): zone_id → `kind/period_start` →
 * share; a zone-period without any is absent. Read apart from the zone-periods (listZonePeriods), and so beside
 * them on PostgreSQL (readConcurrently): it needs none of their rows, only the county and the span.
 */
export async function readCoveredShares(
  db: Queryable,
  q: { division: string; from: string; to: string },
): Promise<Map<string, Map<string, number>>> {
  const res = await db.query<{ zone_id: string; period_kind: string; period_start: string; share: number }>(
    `WITH
     -- the pieces' covered areas add up (pieces do not overlap). Read by the (division_code,
     -- period_start) index over the span: one index probe per zone-period would fetch a wide row
     -- (the swath) each time.
     coverage_rows AS MATERIALIZED (
       SELECT cov.zone_id, cov.period_kind, cov.period_start, cov.srid, sum(cov.swath_area) AS area
         FROM zone_period_coverage cov
        WHERE starts_with(cov.division_code, left(lp_scope_prefix($1::text), 6))
          AND cov.period_start >= date_trunc('week', date_trunc('month', $2::date::timestamp))::date
          AND cov.period_start <= $3::date
        GROUP BY cov.zone_id, cov.period_kind, cov.period_start, cov.srid),
     -- a county measured in two metric CRSs (a boundary added later) keeps the larger figure
     covered AS (
       SELECT c.zone_id, c.period_kind, c.period_start, max(c.area / m.area) AS share
         FROM coverage_rows c
         JOIN zone_metric m ON m.zone_id = c.zone_id AND m.srid = c.srid AND m.area > 0
        GROUP BY c.zone_id, c.period_kind, c.period_start)
     SELECT zone_id, period_kind, period_start::text AS period_start, least(1.0, share) AS share
       FROM covered
      -- (LEAST ignores NULLs: a zone-period without a measured share must have none, not 1)
      WHERE share IS NOT NULL`,
    [q.division, q.from, q.to],
  )
  const shares = new Map<string, Map<string, number>>()
  for (const r of res.rows) {
    const zone = shares.get(r.zone_id) ?? new Map<string, number>()
    zone.set(`${r.period_kind}/${r.period_start}`, r.share)
    shares.set(r.zone_id, zone)
  }
  return shares
}

export interface StationWeekRow {
  unit_id: string
  name: string
  division_code: string
  week: string | null
  patrols: number
}

/**
 * Supervision of each station (篇一 二(四)): distinct supervision patrols by an enforcement team
 * (unit kind 'team') that made a counted visit to a zone of the station — assigned to it, or in its
 * township when the station is registered at a township — per ISO week.
 */
export async function listStationSupervision(
  db: Queryable,
  q: { division: string; from: string; to: string },
): Promise<StationWeekRow[]> {
  const res = await db.query<StationWeekRow>(
    `WITH station AS (
       SELECT u.id, u.name, u.division_code FROM units u
        WHERE u.kind = 'station'
          AND (starts_with(u.division_code, lp_scope_prefix($1::text)) OR u.division_code = $1::text)),
     supervised AS (
       SELECT st.id AS unit_id, date_trunc('week', v.visit_date::timestamp)::date AS week,
              count(DISTINCT v.patrol_id)::integer AS patrols
         FROM station st
         JOIN zones z ON z.unit_id = st.id OR (length(st.division_code) = 9 AND z.township_code = st.division_code)
         JOIN zone_visits v ON v.zone_id = z.id AND v.counted AND v.kind = 'supervision'
          AND v.visit_date >= date_trunc('week', $2::date::timestamp)::date AND v.visit_date <= $3::date
         JOIN units team ON team.id = v.unit_id AND team.kind = 'team'
        GROUP BY st.id, week)
     SELECT st.id AS unit_id, st.name, st.division_code, s.week::text AS week, coalesce(s.patrols, 0) AS patrols
       FROM station st LEFT JOIN supervised s ON s.unit_id = st.id
      ORDER BY st.name, st.id, s.week`,
    [q.division, q.from, q.to],
  )
  return res.rows
}

/** Zone outlines for the gaps layer. */
export async function readZoneGeometries(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, unknown>> {
  if (ids.length === 0) return new Map()
  const res = await db.query<{ id: string; geometry: unknown }>(
    `SELECT id, ST_AsGeoJSON(geom, 7)::json AS geometry FROM zones WHERE id = ANY($1::uuid[])`,
    [ids],
  )
  return new Map(res.rows.map((r) => [r.id, r.geometry]))
}
