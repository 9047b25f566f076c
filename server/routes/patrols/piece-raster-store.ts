import { ArrayParam } from '../../db/array-param.js'
import type { Queryable } from '../../db/port.js'
import { encodePieceRaster } from './piece-raster-blob.js'
import { rasterOfShapes, type PieceRasterRow } from './swath-pieces.js'

/**
 * Stores the raster (cell masks, piece-raster-blob.ts) of every piece of the county in the metric
 * CRS that has none yet, computed from the piece's shape and road: run where pieces are prepared
 * (match.ts, prepareCountyZones: at filing, by a recompute, by the first post after an unprepared
 * filing), after the roads, which the raster holds. Each piece's raster depends on its shape and its
 * zone's area alone, which never change once prepared. Answers how many it stored.
 */
export async function storePieceRasters(tx: Queryable, countyCode: string, srid: number): Promise<number> {
  const res = await tx.query<Omit<PieceRasterRow, 'raster'>>(
    `SELECT zp.zone_id, zp.piece, m.area AS zone_area, ST_AsBinary(zp.geom) AS geom, ST_AsBinary(r.road) AS road
       FROM zone_pieces zp
       JOIN zone_metric m ON m.zone_id = zp.zone_id AND m.srid = zp.srid
       LEFT JOIN zone_piece_roads r ON r.zone_id = zp.zone_id AND r.srid = zp.srid AND r.piece = zp.piece
      WHERE zp.division_code = $1::text AND zp.srid = $2::integer AND zp.raster IS NULL
      -- one order for every writer (two preparations of the county at once wait, not deadlock)
      ORDER BY zp.zone_id, zp.piece
        FOR UPDATE OF zp`,
    [countyCode, srid],
  )
  if (res.rows.length === 0) return 0
  const blobs = res.rows.map((row) => encodePieceRaster(rasterOfShapes(row)))
  await tx.query(
    `UPDATE zone_pieces zp SET raster = v.raster
       FROM unnest($2::uuid[], $3::integer[], $4::bytea[]) AS v(zone_id, piece, raster)
      WHERE zp.zone_id = v.zone_id AND zp.srid = $1::integer AND zp.piece = v.piece`,
    [
      srid,
      res.rows.map((r) => r.zone_id),
      new ArrayParam(
        'int4',
        res.rows.map((r) => r.piece),
      ),
      new ArrayParam('bytea', blobs),
    ],
  )
  return res.rows.length
}
