import type { Queryable } from '../../db/port.js'
import { zonesInForceJoin } from '../zones/in-force.js'
import type { LonLatBox } from './params.js'

export interface ZoneFeatureRow {
  id: string
  tier: number
  category: string
  name: string
  township_code: string | null
  unit_id: string | null
  area_m2: number
  area_mu: number
  area_ha: number
  plan_id: string
  geometry: { type: string; coordinates: unknown[] }
}

// Areas come from zones.area_m2 (ellipsoidal, computed when the zone was filed); 1 mu = 10000/15 m².
// Coordinates to 9 decimals (~0.1 mm): exact enough to round-trip a surveyed boundary.
const ZONE_FEATURE_COLUMNS = `z.id, z.tier, z.category, z.name, z.township_code, z.unit_id, z.plan_id,
       round(z.area_m2::numeric, 1) AS area_m2,
       round((z.area_m2 * 15 / 10000)::numeric, 2) AS area_mu,
       round((z.area_m2 / 10000)::numeric, 4) AS area_ha,
       ST_AsGeoJSON(z.geom, 9)::json AS geometry`

/**
 * `AND (…)` keeping zones that meet one of the boxes, with its parameters numbered from `first`.
 * The && lets the GiST index narrow the candidates before the exact ST_Intersects.
 */
function boxFilter(boxes: readonly LonLatBox[], first: number): { text: string; values: number[] } {
  if (boxes.length === 0) return { text: '', values: [] }
  const terms = boxes.map((_box, i) => {
    const p = first + 4 * i
    const env = `ST_MakeEnvelope($${p}::float8, $${p + 1}::float8, $${p + 2}::float8, $${p + 3}::float8, 4326)`
    return `(z.geom && ${env} AND ST_Intersects(z.geom, ${env}))`
  })
  return { text: ` AND (${terms.join(' OR ')})`, values: boxes.flat() }
}

export interface ZoneItemsFilter {
  day: string
  boxes: readonly LonLatBox[]
}

export async function countZonesInForce(db: Queryable, f: ZoneItemsFilter): Promise<number> {
  const box = boxFilter(f.boxes, 2)
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM ${zonesInForceJoin(1)} WHERE TRUE${box.text}`,
    [f.day, ...box.values],
  )
  return res.rows[0]?.n ?? 0
}

/** One page of zones in force, in a stable order (by id) so that pages neither repeat nor skip. */
export async function listZonesInForce(
  db: Queryable,
  f: ZoneItemsFilter & { limit: number; offset: number },
): Promise<ZoneFeatureRow[]> {
  const box = boxFilter(f.boxes, 4)
  const res = await db.query<ZoneFeatureRow>(
    `SELECT ${ZONE_FEATURE_COLUMNS}
       FROM ${zonesInForceJoin(1)}
      WHERE TRUE${box.text}
      ORDER BY z.id
      LIMIT $2::integer OFFSET $3::integer`,
    [f.day, f.limit, f.offset, ...box.values],
  )
  return res.rows
}

export async function findZoneInForce(
  db: Queryable,
  day: string,
  id: string,
): Promise<ZoneFeatureRow | undefined> {
  const res = await db.query<ZoneFeatureRow>(
    `SELECT ${ZONE_FEATURE_COLUMNS} FROM ${zonesInForceJoin(1)} WHERE z.id = $2::uuid`,
    [day, id],
  )
  return res.rows[0]
}

/** [minx, miny, maxx, maxy] of the zones in force, or undefined when there are none. */
export async function findZonesInForceExtent(
  db: Queryable,
  day: string,
): Promise<[number, number, number, number] | undefined> {
  const res = await db.query<{ minx: number | null; miny: number; maxx: number; maxy: number }>(
    `SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy
       FROM (SELECT ST_Extent(z.geom) AS e FROM ${zonesInForceJoin(1)}) q`,
    [day],
  )
  const row = res.rows[0]
  if (!row || row.minx === null) return undefined
  return [row.minx, row.miny, row.maxx, row.maxy]
}
