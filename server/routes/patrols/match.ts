import type { Queryable } from '../../db/port.js'
import type { FrequencyPeriod } from '../../domain/rules/rule-set.js'
import { legInside } from '../../domain/coverage/leg-clip.js'
import { zonesInForceJoin } from '../zones/in-force.js'
import { prepareZoneRoads } from './road-coverage.js'
import {
  bitsToHex,
  legsByCell,
  pieceRasterOf,
  pieceRasters,
  readDayPieces,
  sweptCells,
  type TimedXY,
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
  lines: readonly (readonly TimedXY[])[]
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
 * Prepares every zone of the county in force on some day of [from, to) in the metric CRS (a
 * recompute does this once, instead of each patrol-day preparing the zones it reaches): one call of
 * the per-day preparation for the first day in the span of each plan in force in it, over the
 * extent of the county's zones. Zones already prepared are skipped by those queries.
 */
export async function prepareCountyZones(
  tx: Queryable,
  q: { countyCode: string; srid: number; from: string; to: string },
): Promise<void> {
  const res = await tx.query<{ day: string; w: number; s: number; e: number; n: number }>(
    `SELECT d.day::text AS day, ST_XMin(x.b) AS w, ST_YMin(x.b) AS s, ST_XMax(x.b) AS e, ST_YMax(x.b) AS n
       FROM (SELECT DISTINCT greatest(p.effective_from, $2::date) AS day
               FROM zone_plans p
              WHERE p.division_code = $1::text AND p.status IN ('filed', 'superseded')
                AND p.effective_from < $3::date AND (p.effective_to IS NULL OR p.effective_to > $2::date)) AS d
      CROSS JOIN (SELECT ST_Extent(geom)::box2d AS b FROM zones WHERE division_code = $1::text) AS x
      WHERE x.b IS NOT NULL
      ORDER BY d.day`,
    [q.countyCode, q.from, q.to],
  )
  for (const r of res.rows) {
    const day: MatchDay = {
      patrolId: '00000000-0000-0000-0000-000000000000',
      countyCode: q.countyCode,
      srid: q.srid,
      date: r.day,
      fromS: 0,
      toS: 0,
      bbox: [r.w, r.s, r.e, r.n],
      sightRadiusM: 0,
      lines: [],
      minSwathShare: 0,
      minDwellS: 0,
      periodKinds: ['iso_week', 'month', 'month'],
    }
    await prepareZonePieces(tx, day)
    await prepareZoneRoads(tx, day)
  }
}

/**
 * Matches one Beijing day of a stored patrol against the zones in force that day (design.md,
 * "Coverage definitions"), in the metric CRS, here in TypeScript on the day's cleaned legs and the
 * zone pieces (kept in memory once read, swath-pieces.ts):
 *
 * - a zone is *crossed* when a leg of a cleaned segment (the straight line between two consecutive
 *   fixes: not a fix, so a fast crossing between two fixes counts) meets one of its pieces;
 * - time inside is measured leg by leg: the patrol is taken to move at constant speed along a leg,
 *   so the share of the leg's length inside the zone is the share of its time inside, and entry and
 *   exit times interpolate the same way (leg-clip.ts); a leg of zero length is a device standing
 *   still, inside for the whole leg when its point is;
 * - the sight swath is the day's track buffered by the sight radius, measured on the 5 m cells of
 *   swath-raster.ts: its share of the zone is the zone's cells within the radius of a leg over the
 *   zone's cells, each piece's cells weighted by its exact area per cell;
 * - a crossed zone is *visited* when the share or the time inside reaches its threshold, once per
 *   zone and day however often the track went in and out; it is *counted* when the patrol counts
 *   (enough staff);
 * - a counting patrol ORs its swath's cells of each zone piece into the piece's period coverage
 *   (zone_period_coverage.cover), whether or not it crossed the zone (the swath reaches 50 m beyond
 *   the track).
 */
export async function matchPatrolDay(tx: Queryable, d: MatchDay): Promise<void> {
  const near = legsByCell(d.lines, d.sightRadiusM, ZONE_PIECE_GRID_M)
  const cells = [...near.keys()].map((k) => k.split(',').map(Number) as [number, number])
  const pieces = await readDayPieces(tx, { countyCode: d.countyCode, srid: d.srid, date: d.date, cells })
  const rasters = await pieceRasters(tx, d.srid, pieces)
  const swept = new Map<string, number>()
  const times = new Map<string, ZoneTime>()
  const covers: CoverRow[] = []
  for (const p of pieces) {
    const raster = pieceRasterOf(rasters, d.srid, p)
    const legs = near.get(`${p.cell_i},${p.cell_j}`)
    if (!raster || !legs) continue
    const [minX, minY, maxX, maxY] = raster.bbox
    for (const [a, b] of legs) {
      if (Math.max(a.x, b.x) < minX || Math.min(a.x, b.x) > maxX) continue
      if (Math.max(a.y, b.y) < minY || Math.min(a.y, b.y) > maxY) continue
      const inside = legInside(a.x, a.y, b.x, b.y, raster.polygons)
      if (!inside.meets) continue
      const f = inside.parts.reduce((sum, [f0, f1]) => sum + f1 - f0, 0)
      const dt = (b.t - a.t) / 1000
      const zt = times.get(p.zone_id) ?? {
        tier: p.tier,
        entered: Infinity,
        left: -Infinity,
        length: 0,
        dwell: 0,
      }
      zt.length += f * Math.hypot(b.x - a.x, b.y - a.y)
      zt.dwell += f * dt
      zt.entered = Math.min(zt.entered, a.t / 1000 + inside.first * dt)
      zt.left = Math.max(zt.left, a.t / 1000 + inside.last * dt)
      times.set(p.zone_id, zt)
    }
    if (raster.maskCells === 0) continue
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
  const visits: VisitRow[] = [...times].map(([zone_id, t]) => {
    const share = Math.min(1, swept.get(zone_id) ?? 0)
    return {
      zone_id,
      tier: t.tier,
      entered: t.entered,
      left_at: t.left,
      clipped_length: t.length,
      dwell: t.dwell,
      share,
      qualifies: share >= d.minSwathShare || t.dwell >= d.minDwellS,
    }
  })
  await storeDayMatch(tx, d, visits, covers)
}

interface ZoneTime {
  tier: number
  /** epoch seconds */
  entered: number
  left: number
  length: number
  dwell: number
}

interface VisitRow {
  zone_id: string
  tier: number
  entered: number
  left_at: number
  clipped_length: number
  dwell: number
  share: number
  qualifies: boolean
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

/** The day's visits and the coverage rows, in one statement. */
async function storeDayMatch(
  tx: Queryable,
  d: MatchDay,
  visits: readonly VisitRow[],
  covers: readonly CoverRow[],
): Promise<void> {
  if (visits.length === 0 && covers.length === 0) return
  await tx.query(
    `WITH
     stored_visits AS (
       INSERT INTO zone_visits (patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count,
                                entered_at, left_at, clipped_length_m, dwell_s, swath_share, qualifies, counted, reason)
       SELECT p.id, v.zone_id, $3::date, p.division_code, v.tier, p.unit_id, p.kind, p.staff_count,
              to_timestamp(v.entered), to_timestamp(v.left_at), v.clipped_length, v.dwell, v.share,
              v.qualifies, v.qualifies AND p.counts_for_frequency,
              CASE WHEN NOT v.qualifies THEN 'below_threshold' WHEN NOT p.counts_for_frequency THEN 'understaffed' END
         FROM json_to_recordset($5::json)
              AS v(zone_id uuid, tier integer, entered float8, left_at float8, clipped_length float8, dwell float8,
                   share float8, qualifies boolean)
         JOIN patrols p ON p.id = $1::uuid
       RETURNING zone_id),
     -- a counting patrol's swept cells of each zone piece join the piece's period coverage (OR)
     stored_coverage AS (
       INSERT INTO zone_period_coverage (zone_id, period_kind, period_start, srid, piece, division_code,
                                         cover, cell_area, road_mask, road_cell_m)
       SELECT c.zone_id, k.kind,
              date_trunc(CASE k.kind WHEN 'iso_week' THEN 'week' ELSE 'month' END, $3::date::timestamp)::date,
              $2::integer, c.piece, $4::text, ('x' || c.cover)::bit varying, c.cell_area,
              CASE WHEN c.road IS NOT NULL THEN ('x' || c.road)::bit varying END, c.road_cell_m
         FROM json_to_recordset($6::json)
              AS c(zone_id uuid, piece integer, tier integer, cover text, cell_area float8, road text, road_cell_m float8)
        CROSS JOIN LATERAL (SELECT ($7::text[])[c.tier] AS kind) AS k
         JOIN patrols p ON p.id = $1::uuid AND p.counts_for_frequency
        -- rows are locked in one order (days are matched in order too): concurrent posts cannot deadlock
        ORDER BY c.zone_id, c.piece
       ON CONFLICT (zone_id, period_kind, period_start, srid, piece) DO UPDATE
          -- (a row from before migration 0012 holds an exact swath and no cells: the recompute that
          -- migration queued rebuilds it; until then this patrol's cells replace it)
          SET cover = CASE WHEN zone_period_coverage.cover IS NULL
                             OR length(zone_period_coverage.cover) <> length(EXCLUDED.cover)
                           THEN EXCLUDED.cover ELSE zone_period_coverage.cover | EXCLUDED.cover END,
              swath = NULL,
              cell_area = EXCLUDED.cell_area,
              road_mask = EXCLUDED.road_mask,
              road_cell_m = EXCLUDED.road_cell_m,
              patrols = zone_period_coverage.patrols + 1,
              updated_at = now()
       RETURNING zone_id)
     SELECT (SELECT count(*) FROM stored_visits) AS visits, (SELECT count(*) FROM stored_coverage) AS coverage`,
    [d.patrolId, d.srid, d.date, d.countyCode, JSON.stringify(visits), JSON.stringify(covers), d.periodKinds],
  )
}
