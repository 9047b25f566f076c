import type { Geometry } from 'geojson'
import type { Queryable } from '../../db/port.js'
import { encodeMvtLayer, type EncodedTile, type TilePropertyValue } from '../../tiles/encode-mvt.js'
import type { TileAddress } from '../../tiles/tile-grid.js'
import { layerTileSql } from './queries.js'

export interface LayerTileRequest extends TileAddress {
  /** The layer's source query (see `layerTileSql` for its contract: `$1..$3` are z, x, y). */
  sql: string
  /** The layer's own parameters, bound from `$4` on. */
  params: readonly unknown[]
  layerName: string
}

/**
 * Renders one layer of one tile: tile-space geometry from the database (same SQL on PostgreSQL and
 * PGlite), MVT encoding in TypeScript. The z/x/y must already be checked against the grid.
 */
export async function renderLayerTile(db: Queryable, req: LayerTileRequest): Promise<EncodedTile> {
  const res = await db.query<{ geometry: Geometry; properties: Record<string, TilePropertyValue> }>(
    layerTileSql(req.sql),
    [req.z, req.x, req.y, ...req.params],
  )
  return encodeMvtLayer(req.layerName, res.rows)
}
