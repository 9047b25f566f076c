import type { Queryable } from '../../db/port.js'
import { zonesInForceJoin } from '../zones/in-force.js'
import type { ZoneArea } from './match.js'

/**
 * Road-length share of road zones (design.md, "Coverage definitions": "for road zones also the share
 * of road length driven"): the part of the zone's road centre line within the sight radius of the
 * period's counted tracks, over the centre line's length inside the zone.
 *
 * The work is split so that a coverage read touches small derived rows only (migration 0009):
 * - here, when a patrol is matched, each road zone near the track gets its centre line cut along its
 *   zone pieces, once per (zone, metric CRS);
 * - zone_period_coverage keeps the union of the counted swaths per piece and period, and its trigger
 *   measures the road inside that union (road_seen_m) whenever it changes;
 * - `listRoadShares` sums those per zone-period.
 *
 * The centre line of a zone is the road lines of its plan of the zone's class (main_road ← main,
 * rural_road ← rural) inside the zone; a road-category zone without road lines has length 0 and no share.
 */

/** Zone categories that are road corridors, with the road class of their centre lines. */
export const ROAD_ZONE_CLASS = { main_road: 'main', rural_road: 'rural' } as const

/**
 * Cuts the centre lines of the road zones near the day's track along their zone pieces (prepared by
 * prepareZonePieces just before), for the zones not done yet in this metric CRS. Must run before
 * the day is matched, so that the coverage rows it writes are measured against the roads. Answers
 * how many zones it prepared.
 */
export async function prepareZoneRoads(tx: Queryable, d: ZoneArea): Promise<number> {
  const res = await tx.query(
    `WITH
     candidate AS MATERIALIZED (
       SELECT z.id, z.division_code, z.plan_id,
              CASE z.category WHEN 'main_road' THEN 'main' ELSE 'rural' END AS road_class, z.geom
         FROM ${zonesInForceJoin(3)}
        WHERE z.division_code = $1::text
          AND z.category IN ('main_road', 'rural_road')
          AND z.geom && ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326)
          AND NOT EXISTS (SELECT 1 FROM zone_road_metric m WHERE m.zone_id = z.id AND m.srid = $2::integer)
        ORDER BY z.id),
     -- the zone's centre lines in the metric CRS
     line AS MATERIALIZED (
       SELECT c.id AS zone_id, c.division_code, ST_Transform(r.geom, $2::integer) AS gm
         FROM candidate c
         JOIN road_lines r ON r.plan_id = c.plan_id AND r.road_class = c.road_class AND r.geom && c.geom),
     -- cut along the zone's pieces (which do not overlap); several lines in a piece are merged
     cut AS MATERIALIZED (
       SELECT zp.zone_id, zp.piece, l.division_code,
              ST_Union(ST_CollectionExtract(ST_Intersection(l.gm, zp.geom), 2)) AS road
         FROM line l
         JOIN zone_pieces zp ON zp.zone_id = l.zone_id AND zp.srid = $2::integer AND zp.geom && l.gm
        GROUP BY zp.zone_id, zp.piece, l.division_code),
     stored AS (
       INSERT INTO zone_piece_roads (zone_id, srid, piece, division_code, road)
       SELECT zone_id, $2::integer, piece, division_code, road FROM cut
        WHERE road IS NOT NULL AND NOT ST_IsEmpty(road)
        ORDER BY zone_id, piece
       ON CONFLICT DO NOTHING)
     INSERT INTO zone_road_metric (zone_id, srid, division_code, road_length)
     SELECT c.id, $2::integer, c.division_code,
            coalesce((SELECT sum(ST_Length(cut.road)) FROM cut WHERE cut.zone_id = c.id), 0)
       FROM candidate c
       -- only zones whose pieces are ready (prepareZonePieces stores them for the same zones)
      WHERE EXISTS (SELECT 1 FROM zone_metric m WHERE m.zone_id = c.id AND m.srid = $2::integer)
      ORDER BY c.id
     ON CONFLICT DO NOTHING`,
    [d.countyCode, d.srid, d.date, ...d.bbox],
  )
  return res.rowCount
}

export interface RoadShareRow {
  zone_id: string
  period_start: string
  road_length_m: number
  driven_m: number
}

/**
 * Driven length and road length per road zone and period starting in [from's period, to], from the
 * derived tables only. A zone measured in two metric CRSs keeps the larger share (as the swath share does).
 */
export async function listRoadShares(
  db: Queryable,
  q: { division: string; from: string; to: string },
): Promise<RoadShareRow[]> {
  const res = await db.query<RoadShareRow>(
    `SELECT DISTINCT ON (c.zone_id, c.period_start)
            c.zone_id, c.period_start::text AS period_start, m.road_length AS road_length_m, c.driven AS driven_m
       FROM (SELECT cov.zone_id, cov.period_start, cov.srid, sum(cov.road_seen_m) AS driven
               FROM zone_period_coverage cov
               JOIN zones z ON z.id = cov.zone_id AND z.category IN ('main_road', 'rural_road')
              WHERE (starts_with(cov.division_code, lp_scope_prefix($1::text)) OR z.township_code = $1::text)
                AND cov.period_start >= least(date_trunc('week', $2::date::timestamp),
                                              date_trunc('month', $2::date::timestamp))::date
                AND cov.period_start <= $3::date
              GROUP BY cov.zone_id, cov.period_start, cov.srid) AS c
       JOIN zone_road_metric m ON m.zone_id = c.zone_id AND m.srid = c.srid AND m.road_length > 0
      ORDER BY c.zone_id, c.period_start, c.driven / m.road_length DESC`,
    [q.division, q.from, q.to],
  )
  return res.rows
}

/**
 * zone_id → period_start → share of the road driven (0..1), and the road-category zones known to have
 * no centre line (their share is null, not 0).
 */
export async function readRoadShares(
  db: Queryable,
  q: { division: string; from: string; to: string },
): Promise<{ shares: Map<string, Map<string, number>>; roadless: Set<string> }> {
  const rows = await listRoadShares(db, q)
  const shares = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const zone = shares.get(r.zone_id) ?? new Map<string, number>()
    zone.set(r.period_start, Math.min(1, r.driven_m / r.road_length_m))
    shares.set(r.zone_id, zone)
  }
  const roadless = await db.query<{ zone_id: string }>(
    `SELECT m.zone_id FROM zone_road_metric m JOIN zones z ON z.id = m.zone_id
      WHERE (starts_with(z.division_code, lp_scope_prefix($1::text)) OR z.township_code = $1::text)
      GROUP BY m.zone_id HAVING max(m.road_length) = 0`,
    [q.division],
  )
  return { shares, roadless: new Set(roadless.rows.map((r) => r.zone_id)) }
}
