import type { MultiPolygon, Polygon } from 'geojson'
import type { Queryable } from '../../db/port.js'

/** Who and what a plan's filing package names besides the plan row itself. */
export interface PlanParties {
  county_name: string | null
  created_by: string | null
  created_by_name: string | null
  submitted_by: string | null
  submitted_by_name: string | null
  filed_by: string | null
  filed_by_name: string | null
  filed_by_division_name: string | null
}

/**
 * Names behind the plan's codes and person ids. Every join runs under the caller's row-level
 * security, so a county user exporting a plan filed by the city gets the city person's id but not
 * their name (null): the package never shows more than the caller may read.
 */
export async function findPlanParties(db: Queryable, planId: string): Promise<PlanParties | undefined> {
  const res = await db.query<PlanParties>(
    `SELECT c.name AS county_name,
            p.created_by, cb.name AS created_by_name,
            p.submitted_by, sb.name AS submitted_by_name,
            p.filed_by, fb.name AS filed_by_name,
            fd.name AS filed_by_division_name
       FROM zone_plans p
       LEFT JOIN divisions c ON c.code = p.division_code
       LEFT JOIN people cb ON cb.id = p.created_by
       LEFT JOIN people sb ON sb.id = p.submitted_by
       LEFT JOIN people fb ON fb.id = p.filed_by
       LEFT JOIN divisions fd ON fd.code = p.filed_by_division
      WHERE p.id = $1::uuid`,
    [planId],
  )
  return res.rows[0]
}

/** One zone as the filing package writes it: attributes with names resolved, areas rounded as the API rounds them. */
export interface ExportZoneRow {
  id: string
  tier: 1 | 2 | 3
  category: string
  tier_reason: string | null
  name: string
  township_code: string | null
  township_name: string | null
  unit_id: string | null
  unit_name: string | null
  main_person_id: string | null
  main_person_name: string | null
  direct_person_ids: string[]
  direct_person_names: string[]
  source: string
  area_m2: number
  area_mu: number
  area_ha: number
  geometry: Polygon | MultiPolygon
}

// Order of the register: by tier, then as imported (source_index), then by name.
// Geometry:
//  - a one-part MultiPolygon (how every zone is stored) goes out as the Polygon it was drawn as;
//  - ST_ForcePolygonCCW gives the RFC 7946 right-hand rule (exterior counter-clockwise, holes
//    clockwise); the Shapefile writer turns rings the other way for its own convention;
//  - 8 decimals of a degree ≈ 1 mm, below the centimetre at which WGS84 and CGCS2000 differ, so the
//    written coordinates keep everything the stored ones say. Areas are the stored ellipsoidal m²
//    (ST_Area on geography at import), rounded exactly as GET /plans/{id}/zones rounds them.
const EXPORT_ZONES_SQL = `
  SELECT z.id, z.tier, z.category, z.tier_reason, z.name,
         z.township_code, t.name AS township_name,
         z.unit_id, u.name AS unit_name,
         z.main_person_id, mp.name AS main_person_name,
         z.direct_person_ids::text[] AS direct_person_ids,
         coalesce(dp.names, '{}') AS direct_person_names,
         z.source,
         round(z.area_m2::numeric, 2) AS area_m2,
         round((z.area_m2 * 15 / 10000)::numeric, 2) AS area_mu,
         round((z.area_m2 / 10000)::numeric, 4) AS area_ha,
         ST_AsGeoJSON(
           ST_ForcePolygonCCW(CASE WHEN ST_NumGeometries(z.geom) = 1 THEN ST_GeometryN(z.geom, 1) ELSE z.geom END),
           8
         )::json AS geometry
    FROM zones z
    LEFT JOIN divisions t ON t.code = z.township_code
    LEFT JOIN units u ON u.id = z.unit_id
    LEFT JOIN people mp ON mp.id = z.main_person_id
    -- direct responsible persons' names, in the order the zone lists them
    LEFT JOIN LATERAL (
      SELECT array_agg(p.name ORDER BY d.ord) AS names
        FROM unnest(z.direct_person_ids) WITH ORDINALITY AS d(id, ord)
        JOIN people p ON p.id = d.id
    ) dp ON true
   WHERE z.plan_id = $1::uuid
   ORDER BY z.tier, z.source_index NULLS LAST, z.name, z.id`

export async function listExportZones(db: Queryable, planId: string): Promise<ExportZoneRow[]> {
  const res = await db.query<ExportZoneRow>(EXPORT_ZONES_SQL, [planId])
  return res.rows
}

/** One line of the area summary: a tier and category, a tier subtotal (category null), or the total (both null). */
export interface AreaSummaryRow {
  tier: number | null
  category: string | null
  zones: number
  /** null only on the grand-total line of a plan without zones */
  area_m2: number | null
  area_mu: number | null
  area_ha: number | null
}

// Totals are summed from the unrounded m² and rounded once, like the plan's by_tier figures
// (plans/queries.ts), so the register's totals equal what GET /plans/{id} reports.
const AREA_SUMMARY_SQL = `
  SELECT z.tier::integer AS tier, z.category,
         count(*)::integer AS zones,
         round(sum(z.area_m2)::numeric, 2) AS area_m2,
         round((sum(z.area_m2) * 15 / 10000)::numeric, 2) AS area_mu,
         round((sum(z.area_m2) / 10000)::numeric, 4) AS area_ha
    FROM zones z
   WHERE z.plan_id = $1::uuid
   GROUP BY GROUPING SETS ((z.tier, z.category), (z.tier), ())
   ORDER BY z.tier NULLS LAST, z.category NULLS LAST`

export async function summarisePlanAreas(db: Queryable, planId: string): Promise<AreaSummaryRow[]> {
  const res = await db.query<AreaSummaryRow>(AREA_SUMMARY_SQL, [planId])
  return res.rows
}

/**
 * Holds the plan still for the length of the export's transaction: every edit of a draft's zones
 * first takes the plan row FOR UPDATE (requireDraft), so with this share lock the plan row, the
 * zones and the totals all come from the same state of the plan. Other exports are not blocked.
 */
export async function lockPlanForExport(db: Queryable, planId: string): Promise<void> {
  await db.query('SELECT 1 FROM zone_plans WHERE id = $1::uuid FOR SHARE', [planId])
}
