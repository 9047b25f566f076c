import type { Queryable } from '../../db/port.js'

export interface RoadInput {
  index: number
  geometry: unknown
  road_class: 'main' | 'rural'
  name: string
}

export const DEFAULT_ROAD_BUFFER_M = { main: 200, rural: 50 } as const

/**
 * Stores road centre lines and (re)derives the plan's corridor zones: each line buffered on each
 * side on the ellipsoid (geography buffer: PostGIS picks a local metric projection), flat ends so
 * a corridor stops where its road stops, clipped to the county. Where corridors cross, the main
 * road's wins, so corridors never overlap each other.
 */
export async function deriveRoadZones(
  tx: Queryable,
  opts: { planId: string; countyCode: string; roads: RoadInput[]; mainM: number; ruralM: number },
): Promise<{ roads: number; zones: number }> {
  if (opts.roads.length > 0) {
    await tx.query(
      `INSERT INTO road_lines (plan_id, division_code, road_class, name, geom, length_m)
       SELECT $1::uuid, $2::text, r->>'road_class', coalesce(r->>'name', ''),
              ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r->>'g'), 4326)),
              ST_Length(ST_SetSRID(ST_GeomFromGeoJSON(r->>'g'), 4326)::geography)
         FROM jsonb_array_elements($3::jsonb) AS r`,
      [
        opts.planId,
        opts.countyCode,
        JSON.stringify(
          opts.roads.map((r) => ({ g: JSON.stringify(r.geometry), road_class: r.road_class, name: r.name })),
        ),
      ],
    )
  }
  await tx.query(`DELETE FROM zones WHERE plan_id = $1::uuid AND source = 'road'`, [opts.planId])
  const res = await tx.query<{ n: number }>(
    `WITH county AS (SELECT boundary FROM divisions WHERE code = $2::text),
     -- corridor of each road line, buffered each side in metres on the ellipsoid
     corridor AS (
       SELECT r.id, r.road_class, r.name,
              ST_Buffer(r.geom::geography,
                        CASE r.road_class WHEN 'main' THEN $3::float8 ELSE $4::float8 END,
                        'endcap=flat join=round')::geometry AS geom
         FROM road_lines r WHERE r.plan_id = $1::uuid),
     main_union AS (SELECT ST_Union(geom) AS geom FROM corridor WHERE road_class = 'main'),
     -- rural corridors give way to main ones; everything is clipped to the county
     shaped AS (
       SELECT c.road_class, c.name,
              ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(
                CASE WHEN c.road_class = 'rural' AND m.geom IS NOT NULL THEN ST_Difference(c.geom, m.geom) ELSE c.geom END,
                coalesce(county.boundary, c.geom))), 3)) AS geom
         FROM corridor c CROSS JOIN main_union m CROSS JOIN county),
     -- a road's corridor zone lies in the township it overlaps most
     placed AS (
       SELECT s.*, (SELECT d.code FROM divisions d
                     WHERE d.level = 'township' AND d.parent_code = $2::text AND d.boundary && s.geom
                     ORDER BY ST_Area(ST_Intersection(d.boundary, s.geom)) DESC LIMIT 1) AS township_code
         FROM shaped s WHERE NOT ST_IsEmpty(s.geom) AND ST_Area(s.geom::geography) >= 1),
     ins AS (
       INSERT INTO zones (plan_id, division_code, township_code, category, tier, name, source, geom, area_m2)
       SELECT $1::uuid, $2::text, p.township_code,
              CASE p.road_class WHEN 'main' THEN 'main_road' ELSE 'rural_road' END,
              CASE p.road_class WHEN 'main' THEN 1 ELSE 2 END,
              p.name, 'road', p.geom, ST_Area(p.geom::geography)
         FROM placed p
       RETURNING 1)
     SELECT count(*)::integer AS n FROM ins`,
    [opts.planId, opts.countyCode, opts.mainM, opts.ruralM],
  )
  const roads = await tx.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM road_lines WHERE plan_id = $1::uuid`,
    [opts.planId],
  )
  return { roads: roads.rows[0]?.n ?? 0, zones: res.rows[0]?.n ?? 0 }
}

/**
 * Tier 3 (`other`) = the jurisdiction minus tiers 1 and 2, one zone per township (so each has its
 * station), computed in PostGIS. Re-running replaces the previous derivation.
 */
export async function deriveOtherZones(
  tx: Queryable,
  opts: { planId: string; countyCode: string },
): Promise<{ zones: number; area_m2: number }> {
  await tx.query(`DELETE FROM zones WHERE plan_id = $1::uuid AND source = 'derived'`, [opts.planId])
  const res = await tx.query<{ n: number; a: number | null }>(
    `WITH covered AS (
       SELECT ST_Union(geom) AS geom FROM zones WHERE plan_id = $1::uuid AND tier IN (1, 2)),
     -- the areas to split: townships with a boundary, or the whole county when it has none
     parts AS (
       SELECT d.code AS township_code, d.name, d.boundary AS geom
         FROM divisions d WHERE d.level = 'township' AND d.parent_code = $2::text AND d.boundary IS NOT NULL
       UNION ALL
       SELECT NULL, c.name, c.boundary FROM divisions c
        WHERE c.code = $2::text AND c.boundary IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM divisions d WHERE d.level = 'township' AND d.parent_code = $2::text
                                                      AND d.boundary IS NOT NULL)),
     remainder AS (
       SELECT p.township_code, p.name,
              ST_Multi(ST_CollectionExtract(ST_MakeValid(
                CASE WHEN cv.geom IS NULL THEN p.geom ELSE ST_Difference(p.geom, cv.geom) END), 3)) AS geom
         FROM parts p CROSS JOIN covered cv),
     ins AS (
       INSERT INTO zones (plan_id, division_code, township_code, category, tier, name, unit_id, source, geom, area_m2)
       SELECT $1::uuid, $2::text, r.township_code, 'other', 3, r.name || ' 其他区域',
              (SELECT u.id FROM units u WHERE u.division_code = r.township_code AND u.kind = 'station'
                ORDER BY u.name LIMIT 1),
              'derived', r.geom, ST_Area(r.geom::geography)
         FROM remainder r WHERE NOT ST_IsEmpty(r.geom) AND ST_Area(r.geom::geography) >= 1
       RETURNING area_m2)
     SELECT count(*)::integer AS n, sum(area_m2) AS a FROM ins`,
    [opts.planId, opts.countyCode],
  )
  return { zones: res.rows[0]?.n ?? 0, area_m2: Math.round((res.rows[0]?.a ?? 0) * 100) / 100 }
}
