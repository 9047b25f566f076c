/**
 * The naive baseline for patrol coverage, written apart from the product path (match.ts) and used as
 * the independent computation in tests: plain PostGIS over the kept raw fixes, no zone pieces, no
 * grid, no staging, no incremental unions.
 *
 * - a patrol's track on a Beijing day: its kept fixes (patrol_points), per cleaned segment, joined in
 *   time order into lines (a line never jumps a gap: the segment number is the one cleaning gave);
 * - swath coverage of a zone in a period: area(zone ∩ union of the 50 m buffers (the sight radius)
 *   of the period's counted tracks) / area(zone), in the patrols' metric CRS;
 * - a visit: a counted patrol's day track crosses the zone and its buffer covers ≥ the minimum share
 *   of the zone or it stays inside ≥ the minimum time (each leg's time inside taken in proportion to
 *   its length inside); one per patrol, zone and day.
 *
 * Zones are those of filed plans in force on the day of the track. Legs across Beijing midnight are
 * left out (the demo patrols work by day).
 */
import type { Queryable } from '../../server/db/port.js'
import { DEFAULT_RULE_SET, type RuleSet } from '../../server/domain/rules/rule-set.js'

export interface NaiveZonePeriod {
  zone_id: string
  tier: number
  period_kind: 'iso_week' | 'month'
  period_start: string
  share: number
  visits: number
}

export interface NaiveQuery {
  county: string
  /** first Beijing day */
  from: string
  /** day after the last (exclusive) */
  to: string
  /** only these zones (all zones of the county in force in the span when absent) */
  zoneIds?: readonly string[]
  rules?: RuleSet
}

const periodKinds = (rules: RuleSet) => [
  rules.patrol.frequency.tier1.period,
  rules.patrol.frequency.tier2.period,
  rules.patrol.frequency.tier3.period,
]

const COMMON_CTES = `
  zone_in AS MATERIALIZED (
    SELECT z.id, z.tier, p.effective_from, p.effective_to, ST_Transform(z.geom, m.srid) AS gm,
           ($6::text[])[z.tier] AS kind
      FROM zones z
      JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
     CROSS JOIN (SELECT max(metric_srid) AS srid FROM patrols WHERE division_code = $1::text) AS m
     WHERE z.division_code = $1::text
       AND ($4::uuid[] IS NULL OR z.id = ANY ($4::uuid[]))
       AND p.effective_from < $3::date AND (p.effective_to IS NULL OR p.effective_to > $2::date)),
  fix AS (
    SELECT pt.patrol_id, pt.segment, pt.fixed_at, (pt.fixed_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
           ST_Transform(ST_SetSRID(ST_MakePoint(pt.lon, pt.lat), 4326), p.metric_srid) AS g
      FROM patrol_points pt
      JOIN patrols p ON p.id = pt.patrol_id AND p.counts_for_frequency AND p.division_code = $1::text
     WHERE pt.kept
       AND pt.fixed_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND pt.fixed_at < ($3::date::timestamp AT TIME ZONE 'Asia/Shanghai')),
  track AS MATERIALIZED (
    SELECT patrol_id, day, ST_Collect(line) AS line, ST_Buffer(ST_Collect(line), $5::float8) AS swath
      FROM (SELECT patrol_id, day, segment, ST_MakeLine(g ORDER BY fixed_at) AS line
              FROM fix GROUP BY patrol_id, day, segment HAVING count(*) >= 2) AS s
     GROUP BY patrol_id, day)`

/** Swath coverage per zone-period: one plain buffer–union–intersect query. */
export async function naiveSwathCoverage(
  db: Queryable,
  q: NaiveQuery,
): Promise<
  Map<string, { zone_id: string; tier: number; period_kind: string; period_start: string; share: number }>
> {
  const rules = q.rules ?? DEFAULT_RULE_SET
  const res = await db.query<{
    zone_id: string
    tier: number
    period_kind: string
    period_start: string
    share: number
  }>(
    `WITH ${COMMON_CTES},
     -- per zone and period: the union of the buffers of the period's tracks that reach the zone, each
     -- cut to the zone first (zone ∩ ∪ buffers = ∪ (zone ∩ buffer); a month of whole-track buffers
     -- unioned as they are took over ten minutes for one township)
     zone_period AS (
       SELECT z.id, date_trunc(CASE z.kind WHEN 'iso_week' THEN 'week' ELSE 'month' END, t.day::timestamp)::date AS period_start,
              ST_Union(ST_Intersection(t.swath, z.gm)) AS swath
         FROM zone_in z
         JOIN track t ON t.swath && z.gm AND ST_DWithin(t.line, z.gm, $5::float8)
          AND t.day >= z.effective_from AND (z.effective_to IS NULL OR t.day < z.effective_to)
        GROUP BY z.id, 2)
     SELECT z.id AS zone_id, z.tier, z.kind AS period_kind, zp.period_start::text AS period_start,
            ST_Area(zp.swath) / ST_Area(z.gm) AS share
       FROM zone_period zp JOIN zone_in z ON z.id = zp.id`,
    [q.county, q.from, q.to, q.zoneIds ?? null, rules.visit.sight_radius_m, periodKinds(rules)],
  )
  return new Map(res.rows.map((r) => [`${r.zone_id}/${r.period_start}`, r]))
}

/** Counted visits per zone-period. */
export async function naiveVisitCounts(db: Queryable, q: NaiveQuery): Promise<Map<string, number>> {
  const rules = q.rules ?? DEFAULT_RULE_SET
  const res = await db.query<{ zone_id: string; period_start: string; visits: number }>(
    `WITH ${COMMON_CTES},
     leg AS MATERIALIZED (
       SELECT patrol_id, day, ST_MakeLine(prev_g, g) AS gm,
              extract(epoch FROM fixed_at - prev_t) AS dt
         FROM (SELECT f.*, lag(g) OVER w AS prev_g, lag(fixed_at) OVER w AS prev_t, lag(day) OVER w AS prev_day
                 FROM fix f WINDOW w AS (PARTITION BY patrol_id, segment ORDER BY fixed_at)) AS x
        WHERE prev_g IS NOT NULL AND prev_day = day),
     contact AS (
       SELECT z.id AS zone_id, z.kind, t.patrol_id, t.day, z.gm,
              ST_Area(ST_Intersection(z.gm, t.swath)) / ST_Area(z.gm) AS share
         FROM zone_in z
         JOIN track t ON t.line && z.gm AND ST_Intersects(t.line, z.gm)
          AND t.day >= z.effective_from AND (z.effective_to IS NULL OR t.day < z.effective_to)),
     dwell AS (
       SELECT c.zone_id, c.patrol_id, c.day,
              coalesce(sum(CASE WHEN ST_Length(l.gm) = 0 THEN CASE WHEN ST_Intersects(l.gm, c.gm) THEN l.dt ELSE 0 END
                                ELSE l.dt * ST_Length(ST_Intersection(l.gm, c.gm)) / ST_Length(l.gm) END), 0) AS seconds
         FROM contact c
         JOIN leg l ON l.patrol_id = c.patrol_id AND l.day = c.day AND l.gm && c.gm
        WHERE c.share < $7::float8
        GROUP BY c.zone_id, c.patrol_id, c.day)
     SELECT c.zone_id,
            date_trunc(CASE c.kind WHEN 'iso_week' THEN 'week' ELSE 'month' END, c.day::timestamp)::date::text AS period_start,
            count(*)::integer AS visits
       FROM contact c
       LEFT JOIN dwell d ON d.zone_id = c.zone_id AND d.patrol_id = c.patrol_id AND d.day = c.day
      WHERE c.share >= $7::float8 OR coalesce(d.seconds, 0) >= $8::float8
      GROUP BY 1, 2`,
    [
      q.county,
      q.from,
      q.to,
      q.zoneIds ?? null,
      rules.visit.sight_radius_m,
      periodKinds(rules),
      rules.visit.min_swath_share,
      rules.visit.min_dwell_s,
    ],
  )
  return new Map(res.rows.map((r) => [`${r.zone_id}/${r.period_start}`, r.visits]))
}

/** Both, per zone-period with any contact. */
export async function naiveCoverage(db: Queryable, q: NaiveQuery): Promise<Map<string, NaiveZonePeriod>> {
  const swath = await naiveSwathCoverage(db, q)
  const visits = await naiveVisitCounts(db, q)
  const out = new Map<string, NaiveZonePeriod>()
  for (const [k, r] of swath)
    out.set(k, {
      zone_id: r.zone_id,
      tier: r.tier,
      period_kind: r.period_kind as NaiveZonePeriod['period_kind'],
      period_start: r.period_start,
      share: Math.min(1, r.share),
      visits: visits.get(k) ?? 0,
    })
  // a visit always comes with a swath, so every visited zone-period is already there
  for (const [k, n] of visits) if (!out.has(k)) throw new Error(`visit without swath at ${k} (${n})`)
  return out
}
