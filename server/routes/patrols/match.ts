import type { Queryable } from '../../db/port.js'
import type { FrequencyPeriod } from '../../domain/rules/rule-set.js'
import type { XY } from '../../domain/coverage/swath-raster.js'
import { zonesInForceJoin } from '../zones/in-force.js'
import {
  bitsToHex,
  legsByCell,
  pieceRasterOf,
  pieceRasters,
  readDayPieces,
  sweptCells,
} from './swath-pieces.js'

/** Zones are cut along a grid of this size (metres, in the metric CRS) … */
export const ZONE_PIECE_GRID_M = 1000
/** … and then into pieces of at most this many vertices (ST_Subdivide), so each test stays small. */
export const ZONE_PIECE_MAX_VERTICES = 256

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
  /** the day's part of the track in the metric CRS: one line per cleaned segment (cut at midnight) */
  lines: readonly (readonly XY[])[]
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
 * "Coverage definitions"), in the metric CRS:
 *
 * - a zone is *crossed* when a cleaned segment (not a fix: a fast crossing between two fixes counts)
 *   intersects it;
 * - time inside is measured leg by leg (a leg = the straight line between two consecutive fixes):
 *   the patrol is taken to move at constant speed along a leg, so the share of the leg's length
 *   inside the zone is the share of its time inside, and entry/exit times interpolate the same way;
 * - the sight swath is the day's track buffered by the sight radius, measured on the 5 m cells of
 *   swath-raster.ts (in TypeScript, here): its share of the zone is the zone's cells within the
 *   radius of a leg over the zone's cells, each piece's cells weighted by its exact area per cell;
 * - a crossed zone is *visited* when the share or the time inside reaches its threshold, once per
 *   zone and day however often the track went in and out; it is *counted* when the patrol counts
 *   (enough staff);
 * - a counting patrol ORs its swath's cells of each zone piece into the piece's period coverage
 *   (zone_period_coverage.cover), whether or not it crossed the zone (the swath reaches 50 m beyond
 *   the track).
 *
 * The crossing, time and entry/exit tests run in PostGIS on the stored segments, exactly as before;
 * only the swath moved to the raster.
 */
export async function matchPatrolDay(tx: Queryable, d: MatchDay): Promise<void> {
  const near = legsByCell(d.lines, d.sightRadiusM, ZONE_PIECE_GRID_M)
  const cells = [...near.keys()].map((k) => k.split(',').map(Number) as [number, number])
  const pieces = await readDayPieces(tx, { countyCode: d.countyCode, srid: d.srid, date: d.date, cells })
  const rasters = await pieceRasters(tx, d.srid, pieces)
  const swept = new Map<string, number>()
  const covers: CoverRow[] = []
  for (const p of pieces) {
    const raster = pieceRasterOf(rasters, d.srid, p)
    const legs = near.get(`${p.cell_i},${p.cell_j}`)
    if (!raster || !legs || raster.maskCells === 0) continue
    const { bits, count } = sweptCells(raster, legs, d.sightRadiusM)
    if (count === 0) continue
    swept.set(p.zone_id, (swept.get(p.zone_id) ?? 0) + (count * raster.cellArea) / p.zone_area)
    covers.push({
      zone_id: p.zone_id,
      piece: p.piece,
      tier: p.tier,
      cover: bitsToHex(bits),
      cell_area: raster.cellArea,
      road: raster.roadMask ? bitsToHex(raster.roadMask) : null,
      road_cell_m: raster.roadCellM,
    })
  }
  const shares = [...swept].map(([zone_id, share]) => ({ zone_id, share: Math.min(1, share) }))
  await storeDayMatch(tx, d, shares, covers)
}

/** A piece's swept cells for its period coverage (hex of the bit set, see swath-raster.ts). */
interface CoverRow {
  zone_id: string
  piece: number
  tier: number
  cover: string
  cell_area: number
  road: string | null
  road_cell_m: number
}

/** The visits (crossing, time inside, entry/exit in PostGIS) and the coverage rows of the day. */
async function storeDayMatch(
  tx: Queryable,
  d: MatchDay,
  shares: readonly { zone_id: string; share: number }[],
  covers: readonly CoverRow[],
): Promise<void> {
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
     -- each leg in every grid cell (the zone pieces' 1 km grid) its box meets
     leg_cell AS MATERIALIZED (
       SELECT l.*, ci, cj
         FROM leg l
        CROSS JOIN LATERAL (SELECT Box2D(l.gm) AS b) AS bb
        CROSS JOIN LATERAL generate_series(floor(ST_XMin(bb.b) / $10::float8)::integer,
                                           floor(ST_XMax(bb.b) / $10::float8)::integer) AS ci
        CROSS JOIN LATERAL generate_series(floor(ST_YMin(bb.b) / $10::float8)::integer,
                                           floor(ST_YMax(bb.b) / $10::float8)::integer) AS cj),
     cell AS MATERIALIZED (SELECT DISTINCT ci, cj FROM leg_cell),
     -- pieces of zones in force that day in those cells. (ST_Force2D copies the stored piece out of its
     -- compressed TOAST form once, here, instead of decompressing it again for every leg it is tested
     -- against below.)
     hit AS MATERIALIZED (
       SELECT zp.zone_id, zp.piece, z.tier, zp.cell_i, zp.cell_j, ST_Force2D(zp.geom) AS zg
         FROM cell c
         JOIN zone_pieces zp ON zp.srid = $2::integer AND zp.cell_i = c.ci AND zp.cell_j = c.cj
         JOIN (${zonesInForceJoin(3)}) ON z.id = zp.zone_id AND z.division_code = $6::text),
     -- the day's swath share of each zone it reaches (matchPatrolDay, on the raster)
     zone_hit AS (
       SELECT s.zone_id, s.share FROM json_to_recordset($11::json) AS s(zone_id uuid, share float8)),
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
       SELECT zt.*, z.tier, coalesce(zh.share, 0) AS share
         FROM zone_time zt
         JOIN zones z ON z.id = zt.zone_id
         LEFT JOIN zone_hit zh ON zh.zone_id = zt.zone_id),
     judged AS (
       SELECT v.*, v.share >= $7::float8 OR v.dwell >= $8::float8 AS qualifies FROM visit v),
     stored_visits AS (
       INSERT INTO zone_visits (patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count,
                                entered_at, left_at, clipped_length_m, dwell_s, swath_share, qualifies, counted, reason)
       SELECT p.id, j.zone_id, $3::date, p.division_code, j.tier, p.unit_id, p.kind, p.staff_count,
              to_timestamp(j.entered), to_timestamp(j.left_at), j.clipped_length, j.dwell, j.share,
              j.qualifies, j.qualifies AND p.counts_for_frequency,
              CASE WHEN NOT j.qualifies THEN 'below_threshold' WHEN NOT p.counts_for_frequency THEN 'understaffed' END
         FROM judged j, patrols p WHERE p.id = $1::uuid
       RETURNING zone_id),
     -- a counting patrol's swept cells of each zone piece join the piece's period coverage (OR)
     stored_coverage AS (
       INSERT INTO zone_period_coverage (zone_id, period_kind, period_start, srid, piece, division_code,
                                         cover, cell_area, road_mask, road_cell_m)
       SELECT c.zone_id, k.kind,
              date_trunc(CASE k.kind WHEN 'iso_week' THEN 'week' ELSE 'month' END, $3::date::timestamp)::date,
              $2::integer, c.piece, $6::text, ('x' || c.cover)::bit varying, c.cell_area,
              CASE WHEN c.road IS NOT NULL THEN ('x' || c.road)::bit varying END, c.road_cell_m
         FROM json_to_recordset($12::json)
              AS c(zone_id uuid, piece integer, tier integer, cover text, cell_area float8, road text, road_cell_m float8)
        CROSS JOIN LATERAL (SELECT ($9::text[])[c.tier] AS kind) AS k
         JOIN patrols p ON p.id = $1::uuid AND p.counts_for_frequency
        -- rows are locked in one order (days are matched in order too): concurrent posts cannot deadlock
        ORDER BY c.zone_id, c.piece
       ON CONFLICT (zone_id, period_kind, period_start, srid, piece) DO UPDATE
          -- (a row from before migration 0012 holds an exact swath and no cells: the recompute that
          -- migration queued rebuilds it; until then this patrol's cells replace it)
          SET cover = CASE WHEN zone_period_coverage.cover IS NULL OR length(zone_period_coverage.cover) <> length(EXCLUDED.cover)
                           THEN EXCLUDED.cover ELSE zone_period_coverage.cover | EXCLUDED.cover END,
              swath = NULL,
              cell_area = EXCLUDED.cell_area,
              road_mask = EXCLUDED.road_mask,
              road_cell_m = EXCLUDED.road_cell_m,
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
      d.countyCode,
      d.minSwathShare,
      d.minDwellS,
      d.periodKinds,
      ZONE_PIECE_GRID_M,
      JSON.stringify(shares),
      JSON.stringify(covers),
    ],
  )
}
