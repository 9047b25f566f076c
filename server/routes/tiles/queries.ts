import { zonesInForceJoin } from '../zones/in-force.js'

/**
 * SQL of the vector tile pipeline. A layer supplies a source query; the pipeline wraps it and
 * returns each feature's geometry in tile units as GeoJSON, ready for server/tiles/encode-mvt.ts.
 *
 * Why not ST_AsMVT: PGlite's PostGIS is built without protobuf (docs/design.md), so the tile-space
 * geometry is computed here with functions present in PostGIS 3.3 and on PGlite, and encoded in
 * TypeScript. One path on both databases.
 *
 * Contract for a source query:
 * - `$1`, `$2`, `$3` are z, x, y (integers); the layer's own parameters start at `$4`;
 * - it may read the CTE `tile` (columns `bbox`, the tile plus its buffer in EPSG:4326, and `env`,
 *   the tile in EPSG:3857);
 * - it returns `geom` (EPSG:4326) and `properties` (jsonb; null values are left out of the tile).
 * The pipeline keeps only rows whose `geom && tile.bbox`; a source that aggregates should filter on
 * `tile.bbox` itself, before aggregating, so that an index can be used.
 */
export function layerTileSql(sourceSql: string): string {
  // 4096 and 64 are TILE_EXTENT and TILE_BUFFER of server/tiles/tile-grid.ts.
  return `WITH
-- the tile in Web Mercator metres, the size of one tile unit, and the buffered tile in WGS84
tile AS (
  SELECT e.env,
         ST_XMin(e.env) AS x0,
         ST_YMax(e.env) AS y0,
         e.unit_m,
         -- Web Mercator maps a lon/lat box to a box, so the buffered tile's bbox in 4326 is exact.
         -- Clamped to the Mercator world: outside it PROJ wraps longitudes and the box would turn
         -- inside out at z 0 and 1 (PostGIS 3.3's ST_TileEnvelope margin does not clamp either).
         ST_Transform(ST_MakeEnvelope(
           greatest(ST_XMin(e.env) - 64 * e.unit_m, -20037508.342789244),
           greatest(ST_YMin(e.env) - 64 * e.unit_m, -20037508.342789244),
           least(ST_XMax(e.env) + 64 * e.unit_m, 20037508.342789244),
           least(ST_YMax(e.env) + 64 * e.unit_m, 20037508.342789244),
           3857), 4326) AS bbox
    FROM (SELECT env, (ST_XMax(env) - ST_XMin(env)) / 4096 AS unit_m
            FROM (SELECT ST_TileEnvelope($1::integer, $2::integer, $3::integer) AS env) t) e
),
-- the layer's features
source AS (
${sourceSql}
),
-- Each feature in tile space, in one pass (MATERIALIZED: inlined, the expression would be evaluated
-- once for the filter below and again for the output):
-- 1. clipped to the buffered tile in 4326 before projecting, so that a large polygon (a county's
--    tier-3 remainder) is not projected whole for every tile it touches; clip edges lie in the
--    buffer, outside the drawn tile, so clipping in 4326 rather than 3857 changes nothing visible;
-- 2. projected to 3857 and moved to tile units: x right and y down from the tile's north-west
--    corner, 4096 across;
-- 3. simplified by half a tile unit, the drawing resolution (plain Douglas-Peucker as ST_AsMVTGeom
--    does; the topology-preserving variant costs ~3x for no visible difference at this tolerance),
--    keeping zones smaller than that as specks instead of letting them vanish at low zoom;
-- 4. snapped to whole units, as MVT stores integers (rings that collapse are removed).
projected AS MATERIALIZED (
  SELECT s.properties,
         ST_SnapToGrid(
           ST_Simplify(
             ST_TransScale(
               ST_Transform(ST_ClipByBox2D(s.geom, t.bbox), 3857),
               -t.x0, -t.y0, 1 / t.unit_m, -1 / t.unit_m),
             0.5, true),
           1) AS geom
    FROM source s CROSS JOIN tile t
   WHERE s.geom && t.bbox
)
-- features that collapsed below one tile unit are dropped
SELECT ST_AsGeoJSON(p.geom, 0)::json AS geometry, p.properties
  FROM projected p
 WHERE p.geom IS NOT NULL AND NOT ST_IsEmpty(p.geom)`
}

/** Properties of a zone in the `zones` tile layer. */
const ZONE_TILE_PROPERTIES = `jsonb_build_object(
           'id', z.id,
           'tier', z.tier,
           'category', z.category,
           'name', z.name,
           -- 1 mu = 10000/15 m²; rounded to 0.01 mu
           'area_mu', round((z.area_m2 * 15 / 10000)::numeric, 2),
           'unit_id', z.unit_id)`

/** Source of the `zones` layer: zones in force on the date `$4`. */
export const ZONES_IN_FORCE_TILE_SOURCE = `SELECT z.geom, ${ZONE_TILE_PROPERTIES} AS properties
    FROM ${zonesInForceJoin(4)}`

/** Source of the `zones` layer for one plan `$4` as drawn, whatever its status (drafts included). */
export const PLAN_ZONES_TILE_SOURCE = `SELECT z.geom, ${ZONE_TILE_PROPERTIES} AS properties
    FROM zones z
   WHERE z.plan_id = $4::uuid`

export const PLAN_VISIBLE_SQL = `SELECT 1 FROM zone_plans WHERE id = $1::uuid`

/**
 * Source of the `violations` layer: each violation's location as a point, filtered by the time it
 * was found ($4, $5: an inclusive span of Beijing dates; null = open-ended) and, optionally, by
 * category ($6). MapLibre draws heat at low zoom and points at high zoom from the same layer.
 */
export const VIOLATIONS_TILE_SOURCE = `
  SELECT v.location AS geom,
         jsonb_build_object(
           'id', v.id,
           'category', v.category,
           'status', v.status,
           'major', v.major,
           'found_at', to_char(v.found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
           'overdue', (v.status IN ('found', 'stopped') AND v.report_due < now())
         ) AS properties
    FROM violations v CROSS JOIN tile t
   WHERE v.location && t.bbox
     AND ($4::date IS NULL OR (v.found_at AT TIME ZONE 'Asia/Shanghai')::date >= $4::date)
     AND ($5::date IS NULL OR (v.found_at AT TIME ZONE 'Asia/Shanghai')::date <= $5::date)
     AND ($6::smallint IS NULL OR v.category = $6::smallint)`

/**
 * Source of the `tracks` layer: the cleaned segments (never a line across a gap) of the patrols
 * that ran on a Beijing day of [$4, $5], in division $6 (its county's patrols for a township).
 * Properties: patrol_id, kind, unit (the unit's name), unit_id, day (Beijing date it started).
 */
export const TRACKS_TILE_SOURCE = `
  SELECT ST_Force2D(s.geom) AS geom,
         jsonb_build_object(
           'patrol_id', p.id,
           'kind', p.kind,
           'unit', u.name,
           'unit_id', p.unit_id,
           'day', to_char(p.started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
         ) AS properties
    FROM patrol_segments s
    JOIN patrols p ON p.id = s.patrol_id
    JOIN units u ON u.id = p.unit_id
    CROSS JOIN tile t
   WHERE s.geom && t.bbox
     AND (starts_with(p.division_code, lp_scope_prefix($6::text)) OR p.division_code = left($6::text, 6))
     AND s.started_at < ($5::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
     AND s.ended_at >= $4::date::timestamp AT TIME ZONE 'Asia/Shanghai'`
