import type { Queryable } from '../../db/port.js'
import { zonesInForceJoin } from './in-force.js'

export interface ZoneFilter {
  division?: string
  tier?: number
  bbox?: [number, number, number, number]
  at: string
}

// One zone as a GeoJSON Feature, areas in m², mu and ha from the stored ellipsoidal area.
const FEATURE = `json_build_object(
    'type', 'Feature', 'id', z.id,
    'geometry', ST_AsGeoJSON(z.geom, 7)::json,
    'properties', json_build_object(
      'id', z.id, 'plan_id', z.plan_id, 'division_code', z.division_code, 'township_code', z.township_code,
      'category', z.category, 'tier', z.tier, 'tier_reason', z.tier_reason, 'name', z.name,
      'unit_id', z.unit_id, 'main_person_id', z.main_person_id, 'direct_person_ids', z.direct_person_ids,
      'source', z.source, 'area_m2', round(z.area_m2::numeric, 2),
      'area_mu', round((z.area_m2 * 15 / 10000)::numeric, 2), 'area_ha', round((z.area_m2 / 10000)::numeric, 4)))`

/** Zones in force on a date, as a FeatureCollection built in SQL (no per-row work in Node). */
export async function listZonesInForce(db: Queryable, f: ZoneFilter): Promise<unknown> {
  const res = await db.query<{ fc: unknown }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(${FEATURE} ORDER BY z.name, z.id), '[]'::json)) AS fc
       FROM ${zonesInForceJoin(1)}
      WHERE ($2::text IS NULL OR starts_with(z.division_code, lp_scope_prefix($2::text)) OR z.township_code = $2::text)
        AND ($3::integer IS NULL OR z.tier = $3::integer)
        AND ($4::float8 IS NULL OR z.geom && ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326))`,
    [
      f.at,
      f.division ?? null,
      f.tier ?? null,
      f.bbox?.[0] ?? null,
      f.bbox?.[1] ?? null,
      f.bbox?.[2] ?? null,
      f.bbox?.[3] ?? null,
    ],
  )
  return res.rows[0]?.fc
}

export async function listPlanZones(db: Queryable, planId: string): Promise<unknown> {
  const res = await db.query<{ fc: unknown }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(${FEATURE} ORDER BY z.source_index, z.name, z.id), '[]'::json)) AS fc
       FROM zones z WHERE z.plan_id = $1::uuid`,
    [planId],
  )
  return res.rows[0]?.fc
}

export async function findPlanZone(db: Queryable, planId: string, zoneId: string): Promise<unknown> {
  const res = await db.query<{ f: unknown }>(
    `SELECT ${FEATURE} AS f FROM zones z WHERE z.plan_id = $1::uuid AND z.id = $2::uuid`,
    [planId, zoneId],
  )
  return res.rows[0]?.f
}

export async function deletePlanZone(db: Queryable, planId: string, zoneId: string): Promise<boolean> {
  const res = await db.query('DELETE FROM zones WHERE plan_id = $1::uuid AND id = $2::uuid', [planId, zoneId])
  return res.rowCount > 0
}
