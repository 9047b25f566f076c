import type { Queryable } from '../../db/port.js'
import type { FrequencyPeriod } from '../../domain/rules/rule-set.js'
import { zonesInForceJoin } from '../zones/in-force.js'

/** Zones are cut along a grid of this size (metres, in the metric CRS) … */
export const ZONE_PIECE_GRID_M = 1000
/** … and then into pieces of at most this many vertices (ST_Subdivide), so each test stays small. */
export const ZONE_PIECE_MAX_VERTICES = 256
/** Tolerance (metres) of the track simplification before buffering: a tenth of a phone's GPS accuracy. */
export const SWATH_SIMPLIFY_M = 0.5
/** Fixes per run of the track buffered on its own before the runs' buffers are unioned (see the swath). */
export const SWATH_CHUNK_VERTICES = 64

export interface MatchDay {
  patrolId: string
  countyCode: string
  /** the metric CRS (metric-crs.ts) */
  srid: number
  /** Beijing day and its bounds in epoch seconds, [fromS, toS) */
  date: string
  fromS: number
  toS: number
  /** WGS84 bbox of the day's track, already widened by the sight radius: finds candidate zones by index. */
  bbox: [number, number, number, number]
  sightRadiusM: number
  minSwathShare: number
  minDwellS: number
  /** Period kind per tier (index 0 = tier 1). */
  periodKinds: readonly [FrequencyPeriod, FrequencyPeriod, FrequencyPeriod]
}

/**
 * Zones in force that day near the track, in the metric CRS and cut into pieces, stored once per
 * (zone, srid) and reused by every later patrol. Two posts filling the same zone at once write the
 * same rows; the second's are skipped.
 */
export async function prepareZonePieces(tx: Queryable, d: MatchDay): Promise<void> {
  await tx.query(
    `WITH
     -- zones in force that day whose box meets the track's (widened) box and are not prepared yet
     candidate AS MATERIALIZED (
       SELECT z.id, z.division_code, ST_Transform(z.geom, $2::integer) AS gm
         FROM ${zonesInForceJoin(3)}
        WHERE z.division_code = $1::text
          AND z.geom && ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326)
          AND NOT EXISTS (SELECT 1 FROM zone_metric m WHERE m.zone_id = z.id AND m.srid = $2::integer)
        -- one order for every writer, so two posts filling the same zones cannot deadlock
        ORDER BY z.id),
     -- the zone cut along the grid, then subdivided; numbered in a fixed order so that two posts
     -- filling the same zone at once write identical rows
     cut AS MATERIALIZED (
       SELECT c.id, c.division_code, s.geom, g.i AS cell_i, g.j AS cell_j,
              row_number() OVER (PARTITION BY c.id ORDER BY g.i, g.j, s.n)::integer AS piece
         FROM candidate c
        CROSS JOIN LATERAL ST_SquareGrid($9::float8, c.gm) AS g
        CROSS JOIN LATERAL ST_Subdivide(ST_CollectionExtract(ST_Intersection(c.gm, g.geom), 3), $8::integer)
              WITH ORDINALITY AS s(geom, n)
        WHERE ST_Intersects(c.gm, g.geom)),
     pieces AS (
       INSERT INTO zone_pieces (zone_id, srid, piece, division_code, cell_i, cell_j, geom)
       SELECT id, $2::integer, piece, division_code, cell_i, cell_j, geom FROM cut ORDER BY id, piece
       ON CONFLICT DO NOTHING)
     INSERT INTO zone_metric (zone_id, srid, division_code, area, pieces)
     SELECT c.id, $2::integer, c.division_code, ST_Area(c.gm), (SELECT count(*) FROM cut WHERE cut.id = c.id)
       FROM candidate c ORDER BY c.id
     ON CONFLICT DO NOTHING`,
    [d.countyCode, d.srid, d.date, ...d.bbox, ZONE_PIECE_MAX_VERTICES, ZONE_PIECE_GRID_M],
  )
}

/**
 * Matches one Beijing day of a stored patrol against the zones in force that day (design.md,
 * "Coverage definitions"), all in PostGIS, in the metric CRS:
 *
 * - a zone is *crossed* when a cleaned segment (not a fix: a fast crossing between two fixes counts)
 *   intersects it;
 * - time inside is measured leg by leg (a leg = the straight line between two consecutive fixes):
 *   the patrol is taken to move at constant speed along a leg, so the share of the leg's length
 *   inside the zone is the share of its time inside, and entry/exit times interpolate the same way;
 * - the sight swath is the day's track buffered by the sight radius; its share of the zone is
 *   area(swath ∩ zone) / area(zone);
 * - a crossed zone is *visited* when the share or the time inside reaches its threshold, once per
 *   zone and day however often the track went in and out; it is *counted* when the patrol counts
 *   (enough staff);
 * - a counting patrol adds its swath ∩ zone to the zone's period coverage by exact union, piece by
 *   piece, whether or not it crossed the zone (the swath reaches 50 m beyond the track).
 */
export async function matchPatrolDay(tx: Queryable, d: MatchDay): Promise<void> {
  await tx.query(
    `WITH
     -- the patrol's segments cut to this day (ST_LocateBetween on M, the fix time), in metres
     piece AS MATERIALIZED (
       SELECT ST_Transform(p.geom, $2::integer) AS gm
         FROM patrol_segments s
        CROSS JOIN LATERAL ST_Dump(ST_LocateBetween(s.geom, $4::float8, $5::float8)) AS p
        WHERE s.patrol_id = $1::uuid
          AND s.started_at < to_timestamp($5::float8) AND s.ended_at >= to_timestamp($4::float8)
          AND ST_Dimension(p.geom) = 1),
     -- straight legs between consecutive fixes, with their fix times (epoch s)
     leg AS MATERIALIZED (
       SELECT g.gm, ST_Length(g.gm) AS len, g.t0, g.t1
         FROM piece CROSS JOIN LATERAL ST_DumpSegments(piece.gm) AS l
        CROSS JOIN LATERAL (SELECT ST_Force2D(l.geom) AS gm, ST_M(ST_StartPoint(l.geom)) AS t0,
                                   ST_M(ST_EndPoint(l.geom)) AS t1) AS g),
     -- each leg in every grid cell (the zone pieces' 1 km grid) it comes within the sight radius of
     leg_cell AS MATERIALIZED (
       SELECT l.*, ci, cj
         FROM leg l
        CROSS JOIN LATERAL (SELECT Box2D(l.gm) AS b) AS bb
        CROSS JOIN LATERAL generate_series(floor((ST_XMin(bb.b) - $6::float8) / $11::float8)::integer,
                                           floor((ST_XMax(bb.b) + $6::float8) / $11::float8)::integer) AS ci
        CROSS JOIN LATERAL generate_series(floor((ST_YMin(bb.b) - $6::float8) / $11::float8)::integer,
                                           floor((ST_YMax(bb.b) + $6::float8) / $11::float8)::integer) AS cj),
     -- those cells
     cell AS MATERIALIZED (SELECT DISTINCT ci, cj FROM leg_cell),
     -- the day's sight swath: its track buffered by the sight radius (planar in the Gauss–Krüger zone:
     -- metres on the ground), then cut along the grid so that each zone piece meets a small part of it.
     -- The track is first simplified by SWATH_SIMPLIFY_M: buffering a 1 Hz walk's 2,000 fixes as they
     -- are took 80 ms (the offset curves of metre-long legs overlap everywhere), simplified 4 ms, and
     -- the swath moves by at most that much (its area by ~0.2 % on that walk). A vehicle's track with
     -- 5 m of GPS noise hardly simplifies, and buffering it whole is slow where it stands still (every
     -- leg's offset curve crosses every other's), so it is buffered in runs of SWATH_CHUNK_VERTICES
     -- fixes whose buffers are then unioned: the same set (the buffer of a union is the union of the
     -- buffers), 2–2.5× faster on the demo's tracks, and only the polygonal approximation of the round
     -- joins at the runs' ends differs (a few m² per km²)
     swath_line AS MATERIALIZED (
       SELECT d.n, d.geom AS sl
         FROM (SELECT ST_Simplify(ST_Collect(ST_Force2D(gm)), $12::float8, true) AS g FROM piece) AS s
        CROSS JOIN LATERAL ST_Dump(s.g) WITH ORDINALITY AS d(path, geom, n)),
     swath AS MATERIALIZED (
       SELECT ST_Union(ST_Buffer(c.line, $6::float8)) AS sm
         FROM (SELECT ST_MakeLine(p.geom ORDER BY p.path[1]) AS line
                 FROM swath_line l
                CROSS JOIN LATERAL ST_DumpPoints(l.sl) AS p
                -- vertex i starts run (i - 1) / k and, on a run boundary, also ends the run before it
                CROSS JOIN LATERAL unnest(CASE WHEN p.path[1] > 1 AND (p.path[1] - 1) % $13::integer = 0
                                               THEN ARRAY[(p.path[1] - 1) / $13::integer - 1, (p.path[1] - 1) / $13::integer]
                                               ELSE ARRAY[(p.path[1] - 1) / $13::integer] END) AS k
                GROUP BY l.n, k HAVING count(*) > 1) AS c),
     -- (ST_ClipByBox2D is the fast rectangle clip; it may return an invalid polygon, which is then
     -- repaired so that the exact intersections below cannot fail on it)
     cell_swath AS MATERIALIZED (
       SELECT x.ci, x.cj, CASE WHEN ST_IsValid(x.part) THEN x.part ELSE ST_MakeValid(x.part) END AS part
         FROM (SELECT c.ci, c.cj,
                      ST_ClipByBox2D(w.sm, ST_MakeEnvelope(c.ci * $11::float8, c.cj * $11::float8,
                                                           (c.ci + 1) * $11::float8, (c.cj + 1) * $11::float8)) AS part
                 FROM cell c, swath w) AS x),
     -- pieces of zones in force that day in those cells, and the swath inside each. (ST_Force2D copies
     -- the stored piece out of its compressed TOAST form once, here, instead of decompressing it again
     -- for every leg it is tested against below.)
     hit AS MATERIALIZED (
       SELECT h.* FROM (
         SELECT zp.zone_id, zp.piece, z.tier, zp.cell_i, zp.cell_j, ST_Force2D(zp.geom) AS zg,
                ST_Multi(ST_CollectionExtract(ST_Intersection(cs.part, zp.geom), 3)) AS clip
           FROM cell_swath cs
           JOIN zone_pieces zp ON zp.srid = $2::integer AND zp.cell_i = cs.ci AND zp.cell_j = cs.cj AND zp.geom && cs.part
           JOIN (${zonesInForceJoin(3)}) ON z.id = zp.zone_id AND z.division_code = $7::text) AS h
        WHERE NOT ST_IsEmpty(h.clip)),
     -- per zone: the swath inside it (pieces do not overlap, so areas add up)
     zone_hit AS MATERIALIZED (
       SELECT h.zone_id, h.tier, sum(ST_Area(h.clip)) AS clip_area FROM hit h GROUP BY h.zone_id, h.tier),
     -- each leg against each zone piece its box meets: 1 when it lies wholly inside, 0 when it crosses
     -- the edge, null when it stays outside; a zone is crossed when any of its legs is not null. The
     -- pairs come sorted by piece so that consecutive tests share the piece and PostGIS reuses its
     -- prepared geometry; and the tests sit in the select list of a materialized stage, since as a join
     -- condition they planned several times slower. A leg of zero length (a device standing still) is
     -- tested as its point.
     leg_cand AS MATERIALIZED (
       SELECT y.* FROM (
         SELECT x.zone_id, x.piece, x.gm, x.t0, x.t1, x.len,
                CASE WHEN x.len = 0 THEN CASE WHEN ST_Intersects(x.zg, ST_StartPoint(x.gm)) THEN 1 END
                     WHEN ST_Covers(x.zg, x.gm) THEN 1 WHEN ST_Intersects(x.zg, x.gm) THEN 0 END AS inside
           FROM (SELECT h.zone_id, h.piece, h.zg, l.gm, l.t0, l.t1, l.len
                   FROM hit h JOIN leg_cell l ON l.ci = h.cell_i AND l.cj = h.cell_j AND l.gm && h.zg
                  ORDER BY h.zone_id, h.piece) AS x) AS y
        WHERE y.inside IS NOT NULL),
     -- share of each leg inside, and the fractions along it where it first enters and last leaves (the
     -- points of the part inside nearest to the leg's start and end); a leg of zero length is a device
     -- standing still inside the zone for the whole leg
     leg_frac AS (
       SELECT c.zone_id, c.t0, c.t1, c.len, 1.0 AS f_in, 0.0 AS f_entry, 1.0 AS f_exit
         FROM leg_cand c WHERE c.inside = 1
       UNION ALL
       SELECT x.zone_id, x.t0, x.t1, x.len, ST_Length(x.ix) / x.len,
              ST_LineLocatePoint(x.gm, ST_ClosestPoint(x.ix, ST_StartPoint(x.gm))),
              ST_LineLocatePoint(x.gm, ST_ClosestPoint(x.ix, ST_EndPoint(x.gm)))
         FROM (SELECT c.*, ST_Intersection(c.gm, h.zg) AS ix
                 FROM leg_cand c JOIN hit h ON h.zone_id = c.zone_id AND h.piece = c.piece
                WHERE c.inside = 0) AS x),
     zone_time AS (
       SELECT zone_id, min(t0 + f_entry * (t1 - t0)) AS entered, max(t0 + f_exit * (t1 - t0)) AS left_at,
              sum(f_in * len) AS clipped_length, sum(f_in * (t1 - t0)) AS dwell
         FROM leg_frac GROUP BY zone_id),
     visit AS (
       -- (LEAST ignores NULLs, hence the CASE)
       SELECT zt.*, zh.tier, CASE WHEN zm.area > 0 THEN least(1.0, zh.clip_area / zm.area) ELSE 0 END AS share
         FROM zone_time zt
         JOIN zone_hit zh ON zh.zone_id = zt.zone_id
         JOIN zone_metric zm ON zm.zone_id = zt.zone_id AND zm.srid = $2::integer),
     judged AS (
       SELECT v.*, v.share >= $8::float8 OR v.dwell >= $9::float8 AS qualifies FROM visit v),
     stored_visits AS (
       INSERT INTO zone_visits (patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count,
                                entered_at, left_at, clipped_length_m, dwell_s, swath_share, qualifies, counted, reason)
       SELECT p.id, j.zone_id, $3::date, p.division_code, j.tier, p.unit_id, p.kind, p.staff_count,
              to_timestamp(j.entered), to_timestamp(j.left_at), j.clipped_length, j.dwell, j.share,
              j.qualifies, j.qualifies AND p.counts_for_frequency,
              CASE WHEN NOT j.qualifies THEN 'below_threshold' WHEN NOT p.counts_for_frequency THEN 'understaffed' END
         FROM judged j, patrols p WHERE p.id = $1::uuid
       RETURNING zone_id),
     -- a counting patrol's swath inside each zone piece joins the piece's period coverage (exact union)
     stored_coverage AS (
       INSERT INTO zone_period_coverage (zone_id, period_kind, period_start, srid, piece, division_code, swath)
       SELECT h.zone_id, k.kind,
              date_trunc(CASE k.kind WHEN 'iso_week' THEN 'week' ELSE 'month' END, $3::date::timestamp)::date,
              $2::integer, h.piece, $7::text, h.clip
         FROM hit h
        CROSS JOIN LATERAL (SELECT ($10::text[])[h.tier] AS kind) AS k
         JOIN patrols p ON p.id = $1::uuid AND p.counts_for_frequency
        WHERE NOT ST_IsEmpty(h.clip)
        -- rows are locked in one order (days are matched in order too): concurrent posts cannot deadlock
        ORDER BY h.zone_id, h.piece
       ON CONFLICT (zone_id, period_kind, period_start, srid, piece) DO UPDATE
          SET swath = ST_Multi(ST_CollectionExtract(ST_Union(zone_period_coverage.swath, EXCLUDED.swath), 3)),
              patrols = zone_period_coverage.patrols + 1,
              updated_at = now()
       RETURNING zone_id)
     SELECT (SELECT count(*) FROM stored_visits) AS visits, (SELECT count(*) FROM stored_coverage) AS coverage`,
    [
      d.patrolId,
      d.srid,
      d.date,
      d.fromS,
      d.toS,
      d.sightRadiusM,
      d.countyCode,
      d.minSwathShare,
      d.minDwellS,
      d.periodKinds,
      ZONE_PIECE_GRID_M,
      SWATH_SIMPLIFY_M,
      SWATH_CHUNK_VERTICES,
    ],
  )
}
