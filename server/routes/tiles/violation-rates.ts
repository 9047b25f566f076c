import type { Geometry } from 'geojson'
import { cellToBoundary, latLngToCell } from 'h3-js'
import type { Queryable } from '../../db/port.js'
import { toCalendarDate } from '../../domain/rules/calendar-date.js'
import { encodeMvtLayer, type EncodedTile, type TilePropertyValue } from '../../tiles/encode-mvt.js'
import type { TileAddress } from '../../tiles/tile-grid.js'
import { patrolKmByHex, per100Km } from '../violations/hotspot-effort.js'
import { layerTileSql, VIOLATIONS_TILE_SOURCE } from './queries.js'

export interface ViolationRateTileRequest extends TileAddress {
  from: string | null
  to: string | null
  category: number | null
  /** H3 resolution of the cells the rate is computed over */
  resolution: number
}

/**
 * The `violations` layer with each point's hotspot normalised by patrol effort (`per=100km`): the
 * H3 cell it lies in (`cell`), the violations found in that cell over the span (`cell_count`, the
 * whole cell, not just the part inside this tile), the km patrolled there (`patrol_km`) and
 * violations per 100 km (`per_100km`, left out where no patrol went). Same points and filters as the
 * plain layer; MapLibre can weight its heat by `per_100km`.
 */
export async function renderViolationRateTile(
  db: Queryable,
  req: ViolationRateTileRequest,
): Promise<EncodedTile> {
  const source = `SELECT s.geom, s.properties || jsonb_build_object('lon', ST_X(s.geom), 'lat', ST_Y(s.geom)) AS properties
                    FROM (${VIOLATIONS_TILE_SOURCE}) AS s`
  const res = await db.query<{ geometry: Geometry; properties: Record<string, TilePropertyValue> }>(
    layerTileSql(source),
    [req.z, req.x, req.y, req.from, req.to, req.category],
  )
  if (res.rows.length === 0) return encodeMvtLayer('violations', [])

  const cellOf = (p: Record<string, TilePropertyValue>) =>
    latLngToCell(Number(p.lat), Number(p.lon), req.resolution)
  const cells = new Set(res.rows.map((r) => cellOf(r.properties)))
  // the hexagons' box: everything counted must lie in it
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const cell of cells)
    for (const [lon, lat] of cellToBoundary(cell, true) as [number, number][]) {
      w = Math.min(w, lon)
      e = Math.max(e, lon)
      s = Math.min(s, lat)
      n = Math.max(n, lat)
    }
  const bbox = [w, s, e, n] as const

  // every violation of the span in those hexagons (a hexagon may reach beyond this tile)
  const all = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(v.location) AS lon, ST_Y(v.location) AS lat FROM violations v
      WHERE v.location && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)
        AND ($5::date IS NULL OR (v.found_at AT TIME ZONE 'Asia/Shanghai')::date >= $5::date)
        AND ($6::date IS NULL OR (v.found_at AT TIME ZONE 'Asia/Shanghai')::date <= $6::date)
        AND ($7::smallint IS NULL OR v.category = $7::smallint)`,
    [...bbox, req.from, req.to, req.category],
  )
  const counts = new Map<string, number>()
  for (const v of all.rows) {
    const cell = latLngToCell(v.lat, v.lon, req.resolution)
    if (cells.has(cell)) counts.set(cell, (counts.get(cell) ?? 0) + 1)
  }
  const km = await patrolKmByHex(db, {
    division: null,
    from: req.from ?? '1970-01-01',
    to: req.to ?? toCalendarDate(new Date()),
    resolution: req.resolution,
    bbox,
  })

  return encodeMvtLayer(
    'violations',
    res.rows.map((r) => {
      const cell = cellOf(r.properties)
      const { lon: _lon, lat: _lat, ...properties } = r.properties
      const patrolKm = km.get(cell) ?? 0
      return {
        geometry: r.geometry,
        properties: {
          ...properties,
          cell,
          cell_count: counts.get(cell) ?? 0,
          patrol_km: Math.round(patrolKm * 1000) / 1000,
          per_100km: per100Km(counts.get(cell) ?? 0, patrolKm),
        },
      }
    }),
  )
}
