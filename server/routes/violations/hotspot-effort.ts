import { latLngToCell } from 'h3-js'
import type { Queryable } from '../../db/port.js'

/**
 * Patrol effort behind violation hotspots (design.md, "heat": hotspots normalised by patrol effort,
 * violations per 100 km patrolled). The kilometres come from the stored heat cells (patrol_cell_sets:
 * the track length inside each 100 m square of the metric grid, per day), never from raw points:
 * each square's length is put in the H3 cell of the square's centre. A square straddling a hexagon's
 * edge is thus given whole to one side; at resolution 8 (hexagon edges ≈ 460 m) that moves at most
 * a few per cent of a hexagon's kilometres, and nothing at all from the county's total.
 */

export interface HexEffortQuery {
  /** null: everything the caller may see */
  division: string | null
  /** Beijing days, inclusive */
  from: string
  to: string
  resolution: number
  /** WGS84 [west, south, east, north]: only squares whose centre lies inside (a tile's surroundings) */
  bbox?: readonly [number, number, number, number]
}

/** H3 cell → km patrolled in it on a day of [from, to]. */
export async function patrolKmByHex(db: Queryable, q: HexEffortQuery): Promise<Map<string, number>> {
  const res = await db.query<{ lon: number; lat: number; m: number }>(
    `SELECT ST_X(c.pt) AS lon, ST_Y(c.pt) AS lat, a.m
       FROM (SELECT pc.srid, cell.x AS cell_x, cell.y AS cell_y, sum(cell.m) AS m
               FROM patrol_cell_sets pc
              CROSS JOIN LATERAL unnest(pc.cell_x, pc.cell_y, pc.length_m) AS cell(x, y, m)
              WHERE ($1::text IS NULL OR starts_with(pc.division_code, lp_scope_prefix($1::text))
                     OR pc.division_code = left($1::text, 6))
                AND pc.visit_date BETWEEN $2::date AND $3::date
                AND cell.m > 0
              GROUP BY pc.srid, cell.x, cell.y) AS a
      CROSS JOIN LATERAL (
        SELECT ST_Transform(ST_SetSRID(ST_MakePoint((a.cell_x + 0.5) * 100, (a.cell_y + 0.5) * 100), a.srid), 4326) AS pt
      ) AS c
      WHERE $4::float8 IS NULL OR c.pt && ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326)`,
    [q.division, q.from, q.to, ...(q.bbox ?? [null, null, null, null])],
  )
  const km = new Map<string, number>()
  for (const r of res.rows) {
    const cell = latLngToCell(r.lat, r.lon, q.resolution)
    km.set(cell, (km.get(cell) ?? 0) + r.m / 1000)
  }
  return km
}

/** Violations per 100 km patrolled; null where no patrol went (a rate over nothing is not a rate). */
export function per100Km(count: number, patrolKm: number): number | null {
  return patrolKm > 0 ? Math.round(((count * 100) / patrolKm) * 1000) / 1000 : null
}
