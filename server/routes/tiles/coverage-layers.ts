import type { Queryable } from '../../db/port.js'
import { computeCoverage } from '../patrols/coverage.js'

/**
 * The patrol coverage layers of the web map: `gaps` (zones short of their visits) and `coverage`
 * (the 100 m heat cells patrols saw). Both read derived tables only, like GET /coverage.
 */

/** One zone of the `gaps` layer, summarised over its non-compliant periods of the span. */
export interface GapZone {
  zone_id: string
  name: string
  tier: number
  category: string
  /** required visits in the worst period (the one with the largest shortfall) */
  required: number
  /** visits in that period */
  visits: number
  /** required − visits in that period */
  shortfall: number
  /** the zone's last counted visit in the span (ISO), null when none */
  last_visit: string | null
}

/**
 * Zones not compliant in at least one period overlapping [from, to], from the same computation as
 * GET /coverage and GET /gaps (so the map and the list never disagree).
 */
export async function listGapZones(
  db: Queryable,
  q: { division: string; from: string; to: string; today: string },
): Promise<GapZone[]> {
  const coverage = await computeCoverage(db, q)
  const gaps: GapZone[] = []
  for (const z of coverage.zones) {
    const short = z.periods.filter((p) => !p.compliant)
    if (short.length === 0) continue
    // the worst period: largest shortfall, the earlier one on a tie
    const worst = short.reduce((w, p) => (p.shortfall > w.shortfall ? p : w))
    gaps.push({
      zone_id: z.zone_id,
      name: z.name,
      tier: z.tier,
      category: z.category,
      required: worst.required,
      visits: worst.visits,
      shortfall: worst.shortfall,
      last_visit: z.last_visit,
    })
  }
  return gaps
}

/**
 * Source of the `gaps` layer (layerTileSql contract): the zones listed in `$4` (a JSON array of
 * GapZone) with their outlines and register numbers. The register number (区域编号) is numbered as
 * the filing package numbers it (server/routes/exports/filing-package.ts): county, tier, and a
 * running number within the tier in register order (source_index, name, id).
 */
export const GAPS_TILE_SOURCE = `
  SELECT z.geom,
         jsonb_build_object(
           'zone_id', g.zone_id,
           'code', n.code,
           'name', g.name,
           'tier', g.tier,
           'category', g.category,
           'required', g.required,
           'visits', g.visits,
           'shortfall', g.shortfall,
           'last_visit', g.last_visit
         ) AS properties
    FROM jsonb_to_recordset($4::jsonb) AS g(zone_id uuid, name text, tier integer, category text,
                                            required integer, visits integer, shortfall integer, last_visit text)
    JOIN zones z ON z.id = g.zone_id
    CROSS JOIN tile t
    -- every zone of the plans concerned numbered once (not once per gap zone)
    JOIN (SELECT o.id, o.division_code || '-' || o.tier || '-' ||
                   lpad((row_number() OVER (PARTITION BY o.plan_id, o.tier
                                            ORDER BY o.source_index NULLS LAST, o.name, o.id))::text, 4, '0') AS code
            FROM zones o
           WHERE o.plan_id IN (SELECT zp.plan_id FROM zones zp
                                WHERE zp.id IN (SELECT (e->>'zone_id')::uuid FROM jsonb_array_elements($4::jsonb) AS e))
         ) AS n ON n.id = z.id
   WHERE z.geom && t.bbox`

/**
 * Source of the `coverage` layer: the 100 m cells of the metric grid (patrol_cell_sets) seen by patrols
 * on a Beijing day in [$4, $5], in the division $6, aggregated over patrols and days. A division
 * above a county takes its counties' cells; a township takes its county's cells that meet its
 * boundary. Cells are found by their grid index in the tile's box (one box per metric CRS in use):
 * the primary key finds the sets of the 5 km blocks the box meets, whose cells in the box are kept.
 */
export const COVERAGE_TILE_SOURCE = `
  SELECT lp_grid_cell_geom(a.srid, a.cell_x, a.cell_y) AS geom,
         jsonb_build_object(
           'visits', a.patrols,
           'days', a.days,
           'weight_m', round(a.length_m::numeric, 1),
           'weight_s', round(a.time_s::numeric, 1),
           'days_since', $5::date - a.last_day
         ) AS properties
    FROM (
      SELECT c.srid, cell.x AS cell_x, cell.y AS cell_y,
             count(DISTINCT c.patrol_id)::integer AS patrols,
             count(DISTINCT c.visit_date)::integer AS days,
             sum(cell.length_m) AS length_m, sum(cell.time_s) AS time_s, max(c.visit_date) AS last_day
        -- per metric CRS in use, the tile's box in grid indices and the division's county codes,
        -- computed once (OFFSET 0 keeps the planner from recomputing them for every stored cell)
        FROM (
          SELECT div.boundary, div.county, div.prefix, s.srid, r.x0, r.x1, r.y0, r.y1
            -- the county codes the cells are filed under: [prefix, prefix || '~') in the "C"
            -- collation (one range, so the primary key's leading column serves it)
            FROM (SELECT d.code, d.boundary,
                         CASE WHEN d.level IN ('township', 'village') THEN left(d.code, 6) END AS county,
                         CASE WHEN d.level IN ('township', 'village') THEN left(d.code, 6)
                              ELSE lp_scope_prefix(d.code) END AS prefix
                    FROM divisions d WHERE d.code = $6::text) AS div
            -- the metric CRSs the division's patrols of the span were measured in
            CROSS JOIN LATERAL (
              SELECT DISTINCT p.metric_srid AS srid FROM patrols p
               WHERE p.division_code >= div.prefix AND p.division_code < div.prefix || '~'
                 AND p.started_at < ($5::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
                 AND p.ended_at >= ($4::date - 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS s
            CROSS JOIN tile t
            -- the tile's box in grid indices, a cell wider on each side (a box's edges bend a little
            -- when projected; the pipeline's own bbox test trims what lies outside). The box is
            -- first cut to 20° either side of the CRS's central meridian (CGCS2000 3° zones from
            -- EPSG:4534 at 75°E; UTM zones otherwise), where a transverse Mercator projection is defined.
            CROSS JOIN LATERAL (
              SELECT ST_Intersection(t.bbox, ST_MakeEnvelope(cm.lon - 20, -80, cm.lon + 20, 84, 4326)) AS near
                FROM (SELECT CASE WHEN s.srid BETWEEN 4534 AND 4554 THEN 75 + 3 * (s.srid - 4534)
                                  ELSE (s.srid % 100) * 6 - 183 END AS lon) AS cm) AS nb
            CROSS JOIN LATERAL (
              SELECT floor(ST_XMin(b) / 100)::integer - 1 AS x0, floor(ST_XMax(b) / 100)::integer + 1 AS x1,
                     floor(ST_YMin(b) / 100)::integer - 1 AS y0, floor(ST_YMax(b) / 100)::integer + 1 AS y1
                FROM (SELECT ST_Transform(ST_Segmentize(nb.near, 0.25), s.srid) AS b) AS bb
               WHERE NOT ST_IsEmpty(nb.near)) AS r
          OFFSET 0) AS rng
        -- the sets of the blocks (50 × 50 cells) that meet the box, then their cells in it
        JOIN patrol_cell_sets c
          ON c.division_code >= rng.prefix AND c.division_code < rng.prefix || '~'
         AND c.srid = rng.srid
         AND c.block_x BETWEEN floor(rng.x0 / 50.0)::integer AND floor(rng.x1 / 50.0)::integer
         AND c.block_y BETWEEN floor(rng.y0 / 50.0)::integer AND floor(rng.y1 / 50.0)::integer
         AND c.visit_date BETWEEN $4::date AND $5::date
       CROSS JOIN LATERAL unnest(c.cell_x, c.cell_y, c.length_m, c.time_s) AS cell(x, y, length_m, time_s)
       WHERE cell.x BETWEEN rng.x0 AND rng.x1 AND cell.y BETWEEN rng.y0 AND rng.y1
         AND (rng.county IS NULL OR rng.boundary IS NULL
              OR ST_Intersects(rng.boundary, lp_grid_cell_geom(c.srid, cell.x, cell.y)))
       GROUP BY c.srid, cell.x, cell.y
      -- a fence: the pipeline's bbox test must run on the aggregated cells, not be pushed down onto
      -- every stored row (a projection per row)
      OFFSET 0) AS a`
