import type { Db } from '../../db/port.js'
import { createScopedDb } from '../../db/scoped-db.js'
import { countyMetricSrid } from './county-boundaries.js'
import { countyPlanFingerprint, MAX_CACHED_PIECES, pieceRasters, readDayPieces } from './swath-pieces.js'

/**
 * Fills this process's memory of zone pieces (swath-pieces.ts) for the counties with a filed plan,
 * the most recently filed first, as far as the memory holds: each county's pieces by 1 km cell and
 * their cell masks, read and computed once here instead of by the first posts that meet them (a post
 * that has to compute its pieces' masks takes about twice as long). Run in the background at start;
 * answers how many pieces it prepared.
 */
export async function warmPieceMemory(db: Db): Promise<number> {
  const system = createScopedDb(db, '')
  const counties = await system.query<{ code: string }>(
    `SELECT division_code AS code FROM zone_plans WHERE status = 'filed'
      GROUP BY division_code ORDER BY max(filed_at) DESC NULLS LAST`,
  )
  let warmed = 0
  for (const { code } of counties.rows) {
    const done = await system.transaction(async (tx) => {
      const srid = await countyMetricSrid(tx, code)
      if (srid === undefined) return 0
      const pieces = await tx.query<{ zone_id: string; piece: number; cell_i: number; cell_j: number }>(
        `SELECT zone_id, piece, cell_i, cell_j FROM zone_pieces WHERE division_code = $1::text AND srid = $2::integer`,
        [code, srid],
      )
      if (warmed + pieces.rows.length > MAX_CACHED_PIECES) return -1
      if (pieces.rows.length === 0) return 0
      const cells = new Map(
        pieces.rows.map((p) => [`${p.cell_i}/${p.cell_j}`, [p.cell_i, p.cell_j] as [number, number]]),
      )
      const fingerprint = await countyPlanFingerprint(tx, code)
      await readDayPieces(tx, {
        countyCode: code,
        srid,
        date: '0001-01-01',
        cells: [...cells.values()],
        fingerprint,
      })
      await pieceRasters(tx, srid, pieces.rows)
      return pieces.rows.length
    })
    if (done < 0) break
    warmed += done
  }
  return warmed
}
