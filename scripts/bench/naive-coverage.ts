/**
 * The naive baseline for patrol coverage, written apart from the product path (match.ts and the
 * stored segments, zone pieces, coverage tables) and used as the independent computation: plain
 * PostGIS over the kept raw fixes in patrol_points, no zone pieces, no grid, no staging, no
 * incremental unions, no simplification.
 *
 * - a patrol's track on a Beijing day: its kept fixes, per cleaned segment, joined in time order
 *   into lines (a line never jumps a gap: the segment number is the one cleaning gave; a segment
 *   with a single fix that day has no line); each vertex carries its fix time as M;
 * - the day's swath: that track buffered once by the sight radius (50 m) as it is, in the patrols'
 *   metric CRS;
 * - swath coverage of a zone in a period: area(zone ∩ ∪ swaths of the period's counted tracks) /
 *   area(zone), computed as area(∪ (zone ∩ swath)) — the same set — where the zone ∩ swath pairs are
 *   found by bounding box first;
 * - a visit: a counted patrol's day track crosses the zone and its swath covers ≥ the minimum share
 *   of the zone or it stays inside ≥ the minimum time (each leg's time inside taken in proportion to
 *   its length inside; a leg of zero length counts whole when its point is in the zone); one per
 *   patrol, zone and day;
 * - a patrol counts when it had at least the minimum staff (its staff_count against the rules).
 *
 * Zones are those of filed (or superseded) plans in force on the day of the track. A leg across
 * Beijing midnight is cut at the point where the patrol was at midnight (by time, at constant speed
 * along the leg); a leg across two midnights (a gap over a day inside one segment) is cut at the
 * later one only.
 *
 * Work is split by patrol into shards (one query each, run at once when the Queryable is a pool,
 * e.g. a ScopedDb): union is associative, so ∪ over all tracks = ∪ over shards of each shard's ∪;
 * each shard returns its per-zone-period union and the shards' parts are unioned in one last query.
 * Visits add up across shards (a visit is one patrol's).
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
  /** split the patrols into this many shards (default 1: one query) */
  shards?: number
  /** shards run at once (default 2; only a pool runs them in parallel) */
  concurrency?: number
}

const periodKinds = (rules: RuleSet) => [
  rules.patrol.frequency.tier1.period,
  rules.patrol.frequency.tier2.period,
  rules.patrol.frequency.tier3.period,
]

interface ShardRow {
  zone_id: string
  tier: number
  period_kind: 'iso_week' | 'month'
  period_start: string
  zone_area: number
  swath_area: number
  /** the shard's zone ∩ ∪ swaths (WKB), only when there are several shards */
  swath: Uint8Array | null
  visits: number
}

/** The counted patrols with kept fixes in the span, for sharding. */
async function countedPatrols(db: Queryable, q: NaiveQuery, rules: RuleSet): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `SELECT p.id FROM patrols p
      WHERE p.division_code = $1::text AND p.staff_count >= $4::integer
        AND EXISTS (SELECT 1 FROM patrol_points pt
                     WHERE pt.patrol_id = p.id AND pt.kept
                       AND pt.fixed_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
                       AND pt.fixed_at < ($3::date::timestamp AT TIME ZONE 'Asia/Shanghai'))
      ORDER BY p.started_at, p.id`,
    [q.county, q.from, q.to, rules.patrol.min_staff],
  )
  return res.rows.map((r) => r.id)
}

/** One shard: per zone-period of its patrols, the union of the swaths inside the zone and the visits. */
async function shardQuery(
  db: Queryable,
  q: NaiveQuery,
  rules: RuleSet,
  patrolIds: readonly string[] | null,
  withGeometry: boolean,
): Promise<ShardRow[]> {
  const res = await db.query<ShardRow>(
    `WITH
     zone_in AS MATERIALIZED (
       SELECT z.id, z.tier, p.effective_from, p.effective_to, g.gm, Box2D(g.gm) AS box, ST_Area(g.gm) AS area,
              ($6::text[])[z.tier] AS kind
         FROM zones z
         JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
        CROSS JOIN (SELECT max(metric_srid) AS srid FROM patrols WHERE division_code = $1::text) AS m
        CROSS JOIN LATERAL (SELECT ST_Transform(z.geom, m.srid) AS gm) AS g
        WHERE z.division_code = $1::text
          AND ($4::uuid[] IS NULL OR z.id = ANY ($4::uuid[]))
          AND p.effective_from < $3::date AND (p.effective_to IS NULL OR p.effective_to > $2::date)),
     -- kept fixes from the day before the span to the day after it (a leg may cross a span edge)
     raw AS (
       SELECT pt.patrol_id, pt.segment, pt.fixed_at, (pt.fixed_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
              ST_Transform(ST_SetSRID(ST_MakePointM(pt.lon, pt.lat, extract(epoch FROM pt.fixed_at)), 4326),
                           (SELECT max(metric_srid) FROM patrols WHERE division_code = $1::text)) AS g
         FROM patrol_points pt
         JOIN patrols p ON p.id = pt.patrol_id AND p.division_code = $1::text AND p.staff_count >= $9::integer
        WHERE pt.kept
          AND ($10::uuid[] IS NULL OR pt.patrol_id = ANY ($10::uuid[]))
          AND pt.fixed_at >= (($2::date - 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
          AND pt.fixed_at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')),
     -- a leg across Beijing midnight is cut there: the point on it at midnight (by time, at constant
     -- speed) ends the one day's line and starts the next's
     midnight AS (
       SELECT x.patrol_id, x.segment, x.m AS fixed_at, d.day,
              ST_LineInterpolatePoint(ST_MakeLine(x.prev_g, x.g),
                                      (extract(epoch FROM x.m) - ST_M(x.prev_g)) / (ST_M(x.g) - ST_M(x.prev_g))) AS g
         FROM (SELECT r.*, lag(r.g) OVER w AS prev_g, lag(r.day) OVER w AS prev_day,
                      r.day::timestamp AT TIME ZONE 'Asia/Shanghai' AS m
                 FROM raw r WINDOW w AS (PARTITION BY r.patrol_id, r.segment ORDER BY r.fixed_at)) AS x
        CROSS JOIN LATERAL (VALUES (x.prev_day), (x.day)) AS d(day)
        WHERE x.prev_day IS NOT NULL AND x.prev_day <> x.day
          -- a fix right at midnight starts the new day itself
          AND NOT (d.day = x.day AND x.fixed_at = x.m)),
     fix AS (
       SELECT f.* FROM (SELECT patrol_id, segment, fixed_at, day, g FROM raw
                        UNION ALL SELECT patrol_id, segment, fixed_at, day, g FROM midnight) AS f
        WHERE f.day >= $2::date AND f.day < $3::date),
     -- a patrol's track on a day (M = fix time), its box widened by the sight radius
     track AS MATERIALIZED (
       SELECT t.patrol_id, t.day, t.line, ST_Expand(Box2D(t.line), $5::float8) AS box
         FROM (SELECT patrol_id, day, ST_Collect(line) AS line
                 FROM (SELECT patrol_id, day, segment, ST_MakeLine(g ORDER BY fixed_at) AS line
                         FROM fix GROUP BY patrol_id, day, segment HAVING count(*) >= 2) AS s
                GROUP BY patrol_id, day) AS t),
     -- the day's swath: the track buffered once, only when its box meets a zone in force that day
     swath AS MATERIALIZED (
       SELECT t.patrol_id, t.day, t.line, t.box, ST_Buffer(ST_Force2D(t.line), $5::float8) AS swath
         FROM track t
        WHERE EXISTS (SELECT 1 FROM zone_in z WHERE z.box && t.box AND t.day >= z.effective_from
                         AND (z.effective_to IS NULL OR t.day < z.effective_to))),
     -- zone ∩ swath per patrol-day (pairs found by box, one swath against its zones in turn)
     clip AS MATERIALIZED (
       SELECT c.* FROM (
         SELECT z.id AS zone_id, z.tier, z.kind, z.area, z.gm, s.patrol_id, s.day, s.line,
                date_trunc(CASE z.kind WHEN 'iso_week' THEN 'week' ELSE 'month' END, s.day::timestamp)::date AS period_start,
                ST_Intersects(s.line, z.gm) AS crossed,
                ST_CollectionExtract(ST_Intersection(s.swath, z.gm), 3) AS g
           FROM swath s
           JOIN zone_in z ON z.box && s.box AND s.day >= z.effective_from
            AND (z.effective_to IS NULL OR s.day < z.effective_to)
          WHERE ST_Intersects(s.swath, z.gm)) AS c
        WHERE NOT ST_IsEmpty(c.g)),
     -- time inside for crossed zones whose day's swath share is below the minimum
     dwell AS (
       SELECT c.zone_id, c.patrol_id, c.day,
              coalesce(sum(CASE WHEN ST_Length(l.gm) = 0 THEN CASE WHEN ST_Intersects(l.gm, c.gm) THEN l.dt ELSE 0 END
                                ELSE l.dt * ST_Length(ST_Intersection(l.gm, c.gm)) / ST_Length(l.gm) END), 0) AS seconds
         FROM clip c
        CROSS JOIN LATERAL (
              SELECT ST_Force2D(d.geom) AS gm, ST_M(ST_EndPoint(d.geom)) - ST_M(ST_StartPoint(d.geom)) AS dt
                FROM ST_DumpSegments(c.line) AS d) AS l
        WHERE c.crossed AND ST_Area(c.g) / c.area < $7::float8 AND l.gm && c.gm
        GROUP BY c.zone_id, c.patrol_id, c.day),
     visit AS (
       SELECT c.zone_id, c.period_start
         FROM clip c
         LEFT JOIN dwell d ON d.zone_id = c.zone_id AND d.patrol_id = c.patrol_id AND d.day = c.day
        WHERE c.crossed AND (ST_Area(c.g) / c.area >= $7::float8 OR coalesce(d.seconds, 0) >= $8::float8)),
     visits AS (SELECT zone_id, period_start, count(*)::integer AS n FROM visit GROUP BY 1, 2),
     -- (unioned on a 1 µm grid: the plain ST_Union of these parts made PGlite's GEOS fail, and the
     -- statement then returned no rows at all instead of an error)
     period_swath AS (
       SELECT zone_id, tier, kind, period_start, area, ST_Union(g, 1e-6) AS g
         FROM clip GROUP BY zone_id, tier, kind, period_start, area)
     SELECT ps.zone_id, ps.tier, ps.kind AS period_kind, ps.period_start::text AS period_start,
            ps.area AS zone_area, ST_Area(ps.g) AS swath_area,
            CASE WHEN $11::boolean THEN ST_AsBinary(ps.g) END AS swath, coalesce(v.n, 0) AS visits
       FROM period_swath ps
       LEFT JOIN visits v ON v.zone_id = ps.zone_id AND v.period_start = ps.period_start`,
    [
      q.county,
      q.from,
      q.to,
      q.zoneIds ?? null,
      rules.visit.sight_radius_m,
      periodKinds(rules),
      rules.visit.min_swath_share,
      rules.visit.min_dwell_s,
      rules.patrol.min_staff,
      patrolIds,
      withGeometry,
    ],
  )
  return res.rows
}

/** Runs fns at most `n` at a time. */
async function limited<T>(n: number, fns: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(fns.length)
  let next = 0
  const worker = async () => {
    while (next < fns.length) {
      const i = next++
      out[i] = await fns[i]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, fns.length) }, worker))
  return out
}

/** Swath coverage share and counted visits per zone-period with any swath of a counted patrol. */
export async function naiveCoverage(db: Queryable, q: NaiveQuery): Promise<Map<string, NaiveZonePeriod>> {
  const rules = q.rules ?? DEFAULT_RULE_SET
  const shards = Math.max(1, q.shards ?? 1)
  const key = (r: { zone_id: string; period_start: string }) => `${r.zone_id}/${r.period_start}`
  const out = new Map<string, NaiveZonePeriod>()
  const row = (r: ShardRow, share: number, visits: number): NaiveZonePeriod => ({
    zone_id: r.zone_id,
    tier: r.tier,
    period_kind: r.period_kind,
    period_start: r.period_start,
    share: Math.min(1, share),
    visits,
  })
  if (shards === 1) {
    for (const r of await shardQuery(db, q, rules, null, false))
      out.set(key(r), row(r, r.swath_area / r.zone_area, r.visits))
    return out
  }

  const ids = await countedPatrols(db, q, rules)
  const parts = Array.from({ length: shards }, (_, s) => ids.filter((_, i) => i % shards === s)).filter(
    (p) => p.length > 0,
  )
  const results = await limited(
    Math.max(1, q.concurrency ?? 2),
    parts.map((p) => () => shardQuery(db, q, rules, p, true)),
  )
  const byKey = new Map<string, ShardRow[]>()
  for (const rows of results)
    for (const r of rows) {
      const k = key(r)
      byKey.set(k, [...(byKey.get(k) ?? []), r])
    }
  // zone-periods reached by one shard only keep its area; the others' parts are unioned here
  const merge: { k: string; g: Uint8Array }[] = []
  for (const [k, rows] of byKey) {
    const visits = rows.reduce((s, r) => s + r.visits, 0)
    if (rows.length === 1) out.set(k, row(rows[0]!, rows[0]!.swath_area / rows[0]!.zone_area, visits))
    else {
      out.set(k, row(rows[0]!, NaN, visits))
      for (const r of rows) merge.push({ k, g: r.swath! })
    }
  }
  if (merge.length > 0) {
    const res = await db.query<{ k: string; area: number }>(
      `SELECT u.k, ST_Area(ST_Union(ST_GeomFromWKB(u.g), 1e-6)) AS area
         FROM unnest($1::text[], $2::bytea[]) AS u(k, g) GROUP BY u.k`,
      [merge.map((m) => m.k), merge.map((m) => Buffer.from(m.g))],
    )
    for (const r of res.rows) {
      const rows = byKey.get(r.k)!
      out.set(r.k, row(rows[0]!, r.area / rows[0]!.zone_area, out.get(r.k)!.visits))
    }
  }
  return out
}
