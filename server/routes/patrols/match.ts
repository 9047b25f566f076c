import type { Queryable } from '../../db/port.js'
import type { FrequencyPeriod } from '../../domain/rules/rule-set.js'
import { legInside } from '../../domain/coverage/leg-clip.js'
import { zonesInForceJoin } from '../zones/in-force.js'
import { countyMetricSrid } from './county-boundaries.js'
import { storePieceRasters } from './piece-raster-store.js'
import { prepareZoneRoads } from './road-coverage.js'
import { patrolSummaryOf, patrolSummarySelect, type PatrolSummaryRow } from './queries.js'
import type { PatrolSummary } from './schemas.js'
import { SWATH_CELL_M } from '../../domain/coverage/swath-raster.js'
import {
  cellKey,
  cellSwath,
  pieceRasterOf,
  swathOfPiece,
  type CellSwath,
  sweptCells,
  type DayPiece,
  type PieceRaster,
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
  /** the patrol counts (enough staff): its swept cells join the period coverage */
  counts: boolean
  /** Beijing day */
  date: string
  sightRadiusM: number
  /** the day's part of the track in the metric CRS: one line per cleaned segment (cut at midnight) */
  lines: readonly (readonly TimedXY[])[]
  minSwathShare: number
  minDwellS: number
  /** Period kind per tier (index 0 = tier 1). */
  periodKinds: readonly [FrequencyPeriod, FrequencyPeriod, FrequencyPeriod]
}

/** Where and when zones are wanted: the county's zones in force on `date` within `bbox` (WGS84). */
export interface ZoneArea {
  countyCode: string
  srid: number
  date: string
  bbox: [number, number, number, number]
}

/**
 * Zones in force that day near the track, in the metric CRS and cut into pieces, stored once per
 * (zone, srid) and reused by every later patrol. Two posts filling the same zone at once write the
 * same rows; the second's are skipped. Answers how many zones it prepared.
 */
export async function prepareZonePieces(tx: Queryable, d: ZoneArea): Promise<number> {
  const res = await tx.query(
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
  return res.rowCount
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
): Promise<number> {
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
  let prepared = 0
  for (const r of res.rows) {
    const day: ZoneArea = {
      countyCode: q.countyCode,
      srid: q.srid,
      date: r.day,
      bbox: [r.w, r.s, r.e, r.n],
    }
    prepared += await prepareZonePieces(tx, day)
    prepared += await prepareZoneRoads(tx, day)
  }
  // the pieces' rasters, once their roads are there
  prepared += await storePieceRasters(tx, q.countyCode, q.srid)
  return prepared
}

/**
 * The county's filed plans as last found wholly prepared in a metric CRS, by `county/srid`: their
 * fingerprint (countyPlanFingerprint). Zones of a filed plan never change (a plan is
 * edited only as a draft), so while the fingerprint holds there is nothing to prepare, and a post
 * need not look for unprepared zones near its track (two statements of ~10 ms each).
 */
const preparedPlans = new Map<string, string>()

/**
 * Every zone of the county's filed (and superseded) plans cut into its pieces in the metric CRS;
 * nothing to do while the plans' fingerprint (countyPlanFingerprint) is the one last found prepared. The fingerprint is remembered only when this
 * transaction found nothing left to prepare: pieces it writes itself count once they are committed
 * (seen so by a later call), so a rolled-back preparation is never taken for done.
 */
export async function ensureCountyZonesPrepared(
  tx: Queryable,
  q: { countyCode: string; srid: number; fingerprint: string },
): Promise<void> {
  const key = `${q.countyCode}/${q.srid}`
  if (preparedPlans.get(key) === q.fingerprint) return
  const prepared = await prepareCountyZones(tx, { ...q, from: '0001-01-01', to: '9999-12-31' })
  if (prepared === 0) preparedPlans.set(key, q.fingerprint)
  else preparedPlans.delete(key)
}

/**
 * At filing: every zone of the county's filed plans cut into its pieces in the county's metric
 * CRS, in the filing's transaction, so that the first patrols after it match at once (a county of
 * 3,500 zones takes a few seconds, which the first post, or every batch of a bulk load, would
 * otherwise wait for). A recompute the filing queues finds them done.
 */
export async function prepareFiledCountyZones(tx: Queryable, countyCode: string): Promise<void> {
  const srid = await countyMetricSrid(tx, countyCode)
  if (srid === undefined) return
  await prepareCountyZones(tx, { countyCode, srid, from: '0001-01-01', to: '9999-12-31' })
}

/**
 * Matches one Beijing day of a stored patrol against the zones in force that day (design.md,
 * "Coverage definitions"), in the metric CRS, here in TypeScript on the day's cleaned legs and the
 * zone pieces (kept in memory once read, swath-pieces.ts); match-patrols.ts reads the pieces and
 * stores what this answers:
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
 *
 * `pieces` are the day's pieces in the 1 km cells of `near` (the legs near each cell, legsByCell).
 * Answers the visits; the swept cells of each piece go to `onCover` as they are found.
 */
export function computeDayMatch(
  d: MatchDay,
  pieces: readonly DayPiece[],
  near: ReadonlyMap<number, [TimedXY, TimedXY][]>,
  rasters: Map<string, PieceRaster>,
  /** each piece's swept cells, as they are found: `bits` is valid only during the call */
  onCover: (c: DayCover) => void,
): DayVisit[] {
  const swept = new Map<string, number>()
  const times = new Map<string, ZoneTime>()
  const swaths = new Map<number, CellSwath>()
  for (const p of pieces) {
    const raster = pieceRasterOf(rasters, d.srid, p)
    const legs = near.get(cellKey(p.cell_i, p.cell_j))
    if (!raster || !legs) continue
    const [minX, minY, maxX, maxY] = raster.bbox
    // (indexed loops, here and below: this runs for every leg near every piece of a month)
    for (let k = 0; k < legs.length; k++) {
      const a = legs[k]![0]
      const b = legs[k]![1]
      if (Math.max(a.x, b.x) < minX || Math.min(a.x, b.x) > maxX) continue
      if (Math.max(a.y, b.y) < minY || Math.min(a.y, b.y) > maxY) continue
      const inside = legInside(a.x, a.y, b.x, b.y, raster.rings)
      if (!inside.meets) continue
      let f = 0
      for (let q = 0; q < inside.parts.length; q++) f += inside.parts[q]![1] - inside.parts[q]![0]
      const dt = (b.t - a.t) / 1000
      let zt = times.get(p.zone_id)
      if (!zt) {
        zt = { tier: p.tier, entered: Infinity, left: -Infinity, length: 0, dwell: 0 }
        times.set(p.zone_id, zt)
      }
      const dx = b.x - a.x
      const dy = b.y - a.y
      zt.length += f * Math.sqrt(dx * dx + dy * dy)
      zt.dwell += f * dt
      zt.entered = Math.min(zt.entered, a.t / 1000 + inside.first * dt)
      zt.left = Math.max(zt.left, a.t / 1000 + inside.last * dt)
    }
    if (raster.maskCells === 0) continue
    let swept5: CellSwath | undefined
    if (raster.cell === SWATH_CELL_M) {
      const key = cellKey(p.cell_i, p.cell_j)
      swept5 = swaths.get(key)
      if (!swept5) {
        swept5 = cellSwath(p.cell_i, p.cell_j, ZONE_PIECE_GRID_M, legs, d.sightRadiusM)
        swaths.set(key, swept5)
      }
    }
    const { bits, count, bytes } = swept5
      ? swathOfPiece(swept5, raster)
      : sweptCells(raster, legs, d.sightRadiusM)
    if (count === 0) continue
    swept.set(p.zone_id, (swept.get(p.zone_id) ?? 0) + (count * raster.cellArea) / p.zone_area)
    onCover({
      key: pieceKeyOf(p),
      zone_id: p.zone_id,
      piece: p.piece,
      tier: p.tier,
      bits,
      bytes,
      cell_area: raster.cellArea,
      road: raster.roadMask,
      road_cell_m: raster.roadCellM,
    })
  }
  const visits: DayVisit[] = [...times].map(([zone_id, t]) => {
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
  return visits
}

interface ZoneTime {
  tier: number
  /** epoch seconds */
  entered: number
  left: number
  length: number
  dwell: number
}

/** A zone the patrol-day crossed: times, clipped length, swath share, and whether it qualifies. */
export interface DayVisit {
  zone_id: string
  tier: number
  entered: number
  left_at: number
  clipped_length: number
  dwell: number
  share: number
  qualifies: boolean
}

// `zone_id/piece` of each piece object, made once: a county month ORs ~200k piece-days, and a key
// string built for each was a tenth of a recompute's matching
const pieceKeys = new WeakMap<DayPiece, string>()

function pieceKeyOf(p: DayPiece): string {
  let key = pieceKeys.get(p)
  if (key === undefined) pieceKeys.set(p, (key = `${p.zone_id}/${p.piece}`))
  return key
}

/** A piece's swept cells on one patrol-day (see swath-raster.ts for the bit layout). */
export interface DayCover {
  /** `zone_id/piece` */
  key: string
  zone_id: string
  piece: number
  tier: number
  bits: Uint8Array
  /** the byte range [from, to) of `bits` that may be set */
  bytes: [number, number]
  cell_area: number
  /** the piece's road centre-line cells (road zones), or null */
  road: Uint8Array | null
  road_cell_m: number
}

/** A visit to store: the patrol-day's. */
export interface VisitRow extends DayVisit {
  patrol_id: string
  visit_date: string
}

/**
 * A coverage row to OR into its piece-period: the swept cells of `patrols` patrol-days. Only the
 * bytes [from, to) of `bits` may be set (the rows and bytes the legs reached); from = to when none is.
 */
export interface CoverRow extends Omit<DayCover, 'key' | 'bytes' | 'road'> {
  from: number
  to: number
  road: string | null
  period_kind: FrequencyPeriod
  period_start: string
  srid: number
  county: string
  patrols: number
}
/**
 * Where matching writes: the live tables, or a recompute job's staging rows (recompute.ts), which
 * have the same columns and a job id in front.
 */
export type MatchTarget = { live: true } | { jobId: string }

/**
 * Visits and coverage rows (each piece-period once, cells already ORed) in one statement. The cells
 * go as raw bytes, one binary parameter holding every row's bytes [from, to) one after another: a
 * county month is ~11k rows of ~2.5 kB, which as hex in JSON was 55 MB of text to write, send and
 * parse; the database pads each row's bytes with its zero bytes again.
 */
export async function storeMatches(
  tx: Queryable,
  visits: readonly VisitRow[],
  covers: readonly CoverRow[],
  target: MatchTarget = { live: true },
  /** a patrol whose summary (POST /patrols) the statement answers too, with the visits it stored */
  summaryOf?: string,
): Promise<PatrolSummary | undefined> {
  if (visits.length === 0 && covers.length === 0) return undefined
  const staged = 'jobId' in target
  const visitTable = staged ? 'coverage_recompute_visits' : 'zone_visits'
  const coverTable = staged ? 'coverage_recompute_coverage' : 'zone_period_coverage'
  const job = staged ? 'job_id, ' : ''
  const jobValue = staged ? '$4::uuid, ' : ''
  const { meta, bytes } = packCovers(covers)
  const res = await tx.query(
    `WITH
     stored_visits AS (
       INSERT INTO ${visitTable} (${job}patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count,
                                entered_at, left_at, clipped_length_m, dwell_s, swath_share, qualifies, counted, reason)
       SELECT ${jobValue}p.id, v.zone_id, v.visit_date, p.division_code, v.tier, p.unit_id, p.kind, p.staff_count,
              to_timestamp(v.entered), to_timestamp(v.left_at), v.clipped_length, v.dwell, v.share,
              v.qualifies, v.qualifies AND p.counts_for_frequency,
              CASE WHEN NOT v.qualifies THEN 'below_threshold' WHEN NOT p.counts_for_frequency THEN 'understaffed' END
         FROM json_to_recordset($1::json)
              AS v(patrol_id uuid, visit_date date, zone_id uuid, tier integer, entered float8, left_at float8,
                   clipped_length float8, dwell float8, share float8, qualifies boolean)
         JOIN patrols p ON p.id = v.patrol_id
       ${staged ? 'ON CONFLICT DO NOTHING' : ''}
       RETURNING *),
     -- the swept cells of each zone piece join the piece's period coverage (OR); a row's cells are
     -- its n bytes: zero up to byte lo, then hi - lo bytes from offset off of the packed cells, then
     -- zero (the row's trigger measures the covered area and road length of the result)
     stored_coverage AS (
       INSERT INTO ${coverTable} AS t (${job}zone_id, period_kind, period_start, srid, piece, division_code,
                                         cover, cell_area, road_mask, road_cell_m, patrols)
       SELECT ${jobValue}c.zone_id, c.period_kind, c.period_start, c.srid, c.piece, c.county,
              ('x' || repeat('00', c.lo) || encode(substring($3::bytea FROM c.off + 1 FOR c.hi - c.lo), 'hex')
                   || repeat('00', c.n - c.hi))::bit varying,
              c.cell_area, ('x' || c.road)::bit varying, c.road_cell_m, c.patrols
         FROM json_to_recordset($2::json)
              AS c(zone_id uuid, period_kind text, period_start date, srid integer, piece integer, county text,
                   n integer, lo integer, hi integer, off integer, cell_area float8, road text, road_cell_m float8,
                   patrols integer)
        -- rows are locked in one order: concurrent writers cannot deadlock
        ORDER BY c.zone_id, c.period_kind, c.period_start, c.srid, c.piece
       ON CONFLICT (${job}zone_id, period_kind, period_start, srid, piece) DO UPDATE
          -- (a row from before migration 0012 holds an exact swath and no cells: the recompute that
          -- migration queued rebuilds it; until then these cells replace it)
          SET cover = CASE WHEN t.cover IS NULL OR length(t.cover) <> length(EXCLUDED.cover)
                           THEN EXCLUDED.cover ELSE t.cover | EXCLUDED.cover END,
              swath = NULL,
              cell_area = EXCLUDED.cell_area,
              road_mask = EXCLUDED.road_mask,
              road_cell_m = EXCLUDED.road_cell_m,
              patrols = t.patrols + EXCLUDED.patrols,
              updated_at = now()
       RETURNING zone_id)
     ${
       summaryOf === undefined
         ? 'SELECT (SELECT count(*) FROM stored_visits) AS visits, (SELECT count(*) FROM stored_coverage) AS coverage'
         : `${patrolSummarySelect('stored_visits')}, (SELECT count(*) FROM stored_coverage) AS coverage
              FROM patrols p WHERE p.id = $${staged ? 5 : 4}::uuid`
     }`,
    [
      JSON.stringify(visits),
      JSON.stringify(meta),
      bytes,
      ...(staged ? [target.jobId] : []),
      ...(summaryOf === undefined ? [] : [summaryOf]),
    ],
  )
  const row = res.rows[0]
  return summaryOf === undefined || !row ? undefined : patrolSummaryOf(row as unknown as PatrolSummaryRow)
}

/** The rows' cells as one buffer of their bytes [from, to), and each row without its cells. */
function packCovers(covers: readonly CoverRow[]) {
  let size = 0
  for (const c of covers) size += c.to - c.from
  const bytes = Buffer.alloc(size)
  let off = 0
  const meta = covers.map(({ bits, from, to, ...c }) => {
    bytes.set(bits.subarray(from, to), off)
    const row = { ...c, n: bits.length, lo: from, hi: to, off }
    off += to - from
    return row
  })
  return { meta, bytes }
}
