/**
 * The slippy-map tile grid (XYZ, Web Mercator, y counted from the north) and the vector tile
 * constants shared by the SQL pipeline and the encoder.
 */

/** Tile units across a tile (the MVT default; MapLibre expects it). */
export const TILE_EXTENT = 4096
/** Tile units kept beyond each edge so that renderers draw strokes across tile seams. */
export const TILE_BUFFER = 64
/** Deepest zoom served: ~4 cm per tile unit at the equator, past any survey accuracy. */
export const MAX_TILE_ZOOM = 22

export const TILE_REASON_ZOOM_RANGE = `z must be an integer from 0 to ${MAX_TILE_ZOOM}`
export const TILE_REASON_COLUMN_RANGE = 'x must be an integer from 0 to 2^z − 1'
export const TILE_REASON_ROW_RANGE = 'y must be an integer from 0 to 2^z − 1'

export interface TileAddress {
  z: number
  x: number
  y: number
}

export interface TileAddressIssue {
  path: string
  message: string
}

/** Why a z/x/y is not a tile of the grid (empty when it is one); paths name the URL parts. */
export function findTileAddressIssues({ z, x, y }: TileAddress): TileAddressIssue[] {
  if (!Number.isInteger(z) || z < 0 || z > MAX_TILE_ZOOM)
    return [{ path: '/params/z', message: TILE_REASON_ZOOM_RANGE }]
  const size = 2 ** z
  const issues: TileAddressIssue[] = []
  if (!Number.isInteger(x) || x < 0 || x >= size)
    issues.push({ path: '/params/x', message: `${TILE_REASON_COLUMN_RANGE} (${size - 1} at z=${z})` })
  if (!Number.isInteger(y) || y < 0 || y >= size)
    issues.push({ path: '/params/y', message: `${TILE_REASON_ROW_RANGE} (${size - 1} at z=${z})` })
  return issues
}
