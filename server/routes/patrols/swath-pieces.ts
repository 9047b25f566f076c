import type { Queryable } from '../../db/port.js'
import { geometryFromWkb } from '../../domain/coverage/ewkb.js'
import { decodePieceRaster } from './piece-raster-blob.js'
import { prepareRings, type PreparedRings } from '../../domain/coverage/leg-clip.js'
import {
  andBits,
  bitsToHex,
  countBits,
  POPCOUNT,
  emptyBits,
  gridFor,
  legCoversBox,
  rasterizeLeg,
  rasterizePolygons,
  cellSizeFor,
  SWATH_CELL_M,
  type CellGrid,
  type XY,
} from '../../domain/coverage/swath-raster.js'

/**
 * The raster side of matching (swath-raster.ts): which cells of each zone piece near a day's track
 * the track's sight swath covers. Pieces (zone_pieces) lie each in one cell of the 1 km grid and
 * never change once prepared, so their cell masks are computed once per process from the piece's
 * geometry and kept in memory.
 */

/** A zone piece as a raster: its grid, the cells whose centres lie in it, and its road cells. */
export interface PieceRaster {
  /**
   * the piece's polygons (rings of [x, y] in the metric CRS), on a raster computed from them (what
   * encodePieceRaster stores; read back, the piece has them only as `rings`)
   */
  polygons?: number[][][][]
  /** the same, edges indexed for leg clipping (leg-clip.ts) */
  rings: PreparedRings
  bbox: [number, number, number, number]
  /** cell size (m) of this piece's grid (swath-raster.ts, cellSizeFor of the zone's area) */
  cell: number
  grid: CellGrid
  mask: Uint8Array
  maskCells: number
  /** exact area of the piece (m², metric CRS) / maskCells */
  cellArea: number
  /** road centre-line cells of the piece (inside the mask), and road length per such cell */
  roadMask: Uint8Array | null
  roadCellM: number
}

// (a county of 3,500 zones has ~12,000 pieces; a piece holds at most 256 vertices and 5 KB of bits)
export const MAX_CACHED_PIECES = 16_000
const pieceCache = new Map<string, PieceRaster>()

const pieceKey = (zoneId: string, srid: number, piece: number) => `${zoneId}/${srid}/${piece}`

/**
 * A 1 km cell (i, j) as one number, for maps keyed by cell without a string per look-up (|j| < 2^19:
 * 524,000 km from the metric CRS's origin).
 */
export function cellKey(i: number, j: number): number {
  return i * 1_048_576 + j
}

/** The cell of a cellKey. */
export function cellOfKey(key: number): [number, number] {
  const i = Math.round(key / 1_048_576)
  return [i, key - i * 1_048_576]
}

/** A piece of a zone in force near the day's track. */
export interface DayPiece {
  zone_id: string
  piece: number
  tier: number
  cell_i: number
  cell_j: number
  /** the whole zone's area in the metric CRS (zone_metric) */
  zone_area: number
}

/** A piece of a zone of a filed plan, with the days its plan is in force: [from, to). */
interface PieceInForce extends DayPiece {
  from: string
  to: string | null
}

/**
 * The pieces of the county's filed plans per 1 km cell, as last read, by `county/srid`, under the
 * fingerprint of the plans (countyPlanFingerprint) they were read with: while it holds, pieces and
 * the days they are in force cannot change (a filed plan's zones are fixed, and filing or
 * superseding a plan changes the fingerprint), so a cell once read needs no query again.
 */
const cellPieces = new Map<string, { fingerprint: string; cells: Map<number, PieceInForce[]> }>()
const MAX_CACHED_CELL_PIECES = 200_000
let cachedCellPieces = 0

/**
 * Pieces, in the given 1 km cells, of the county's zones in force on the day: from memory, the
 * cells not read before in one query. `fingerprint` is the county's plans' (countyPlanFingerprint),
 * read in the caller's transaction.
 */
export async function readDayPieces(
  tx: Queryable,
  q: {
    countyCode: string
    srid: number
    date: string
    cells: readonly [number, number][]
    fingerprint: string
  },
): Promise<DayPiece[]> {
  if (q.cells.length === 0) return []
  const key = `${q.countyCode}/${q.srid}`
  let county = cellPieces.get(key)
  if (!county || county.fingerprint !== q.fingerprint) {
    if (county) cachedCellPieces -= [...county.cells.values()].reduce((n, l) => n + l.length, 0)
    county = { fingerprint: q.fingerprint, cells: new Map() }
    cellPieces.set(key, county)
  }
  const missing = q.cells.filter(([i, j]) => !county.cells.has(cellKey(i, j)))
  if (missing.length > 0) {
    const read = await readCellPieces(tx, q.countyCode, q.srid, missing)
    if (cachedCellPieces + read.length > MAX_CACHED_CELL_PIECES) {
      for (const c of cellPieces.values()) c.cells.clear()
      cachedCellPieces = 0
    }
    for (const [i, j] of missing) county.cells.set(cellKey(i, j), [])
    for (const p of read) county.cells.get(cellKey(p.cell_i, p.cell_j))!.push(p)
    cachedCellPieces += read.length
  }
  const out: DayPiece[] = []
  for (const [i, j] of q.cells) {
    for (const p of county.cells.get(cellKey(i, j)) ?? []) {
      if (p.from <= q.date && (p.to === null || q.date < p.to)) out.push(p)
    }
  }
  return out
}

/** Pieces, in the given 1 km cells, of the zones of the county's filed (and superseded) plans. */
async function readCellPieces(
  tx: Queryable,
  countyCode: string,
  srid: number,
  cells: readonly [number, number][],
): Promise<PieceInForce[]> {
  const res = await tx.query<PieceInForce>(
    `WITH
     -- the pieces in the cells first (index on srid, cell): joined to the zones first, the planner
     -- misjudges the row-level-security range on zones and walks every zone of the county; for the
     -- same reason the county is checked on the pieces, so that each zone is found by its key
     cell_piece AS MATERIALIZED (
       SELECT zp.*
         FROM unnest($3::integer[], $4::integer[]) AS c(i, j)
        -- one index probe per cell (OFFSET 0 keeps the planner from turning this into a scan of the
        -- whole table filtered by cell, which it estimates as cheaper under row-level security)
        CROSS JOIN LATERAL (
              SELECT x.zone_id, x.piece, x.cell_i, x.cell_j FROM zone_pieces x
               WHERE x.srid = $2::integer AND x.cell_i = c.i AND x.cell_j = c.j AND x.division_code = $1::text
              OFFSET 0) AS zp)
     SELECT zp.zone_id, zp.piece, z.tier, zp.cell_i, zp.cell_j, m.area AS zone_area,
            p.effective_from::text AS "from", p.effective_to::text AS "to"
       FROM cell_piece zp
       JOIN zones z ON z.id = zp.zone_id
       JOIN zone_plans p ON p.id = z.plan_id AND p.status IN ('filed', 'superseded')
       JOIN zone_metric m ON m.zone_id = zp.zone_id AND m.srid = $2::integer
      ORDER BY zp.zone_id, zp.piece`,
    [countyCode, srid, cells.map((c) => c[0]), cells.map((c) => c[1])],
  )
  return res.rows
}

/**
 * A fingerprint of the county's filed (and superseded) plans: their ids, filing times and the days
 * they are in force. Equal fingerprints, equal zones in force on every day.
 */
export async function countyPlanFingerprint(tx: Queryable, countyCode: string): Promise<string> {
  const res = await tx.query<{ fp: string }>(`SELECT ${planFingerprintSql('$1::text')} AS fp`, [countyCode])
  return res.rows[0]?.fp ?? ''
}

/**
 * SQL of the fingerprint of the filed plans of the county whose code `county` gives, as
 * countyPlanFingerprint answers it (a query that reads the county anyway answers it too).
 */
export function planFingerprintSql(county: string): string {
  return `coalesce((SELECT md5(string_agg(concat_ws('@', fp.id, fp.status, fp.effective_from, fp.effective_to,
                                                   fp.filed_at), ',' ORDER BY fp.id))
                      FROM zone_plans fp WHERE fp.division_code = ${county} AND fp.status IN ('filed', 'superseded')), '')`
}

export interface PieceShapeRow {
  zone_id: string
  piece: number
  /** the whole zone's area (zone_metric): it sets the piece's cell size */
  zone_area: number
  geom: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] }
  road: { type: string; coordinates: number[][] | number[][][] } | null
}

/**
 * The rasters of the pieces: from this process's memory, else as stored with the piece when its
 * county was prepared (piece-raster-store.ts), else computed from the piece's shape (a piece
 * prepared before rasters were stored). One query for all that are not in memory.
 */
export async function pieceRasters(
  tx: Queryable,
  srid: number,
  pieces: readonly { zone_id: string; piece: number }[],
): Promise<Map<string, PieceRaster>> {
  const out = new Map<string, PieceRaster>()
  const missing: { zone_id: string; piece: number }[] = []
  for (const p of pieces) {
    const key = pieceKey(p.zone_id, srid, p.piece)
    const hit = pieceCache.get(key)
    if (hit) out.set(key, hit)
    else missing.push(p)
  }
  if (missing.length === 0) return out
  const res = await tx.query<PieceRasterRow>(
    `SELECT zp.zone_id, zp.piece, zp.raster, m.area AS zone_area,
            CASE WHEN zp.raster IS NULL THEN ST_AsBinary(zp.geom) END AS geom,
            CASE WHEN zp.raster IS NULL THEN ST_AsBinary(r.road) END AS road
       FROM unnest($2::uuid[], $3::integer[]) AS k(zone_id, piece)
       -- one probe of the key per piece (OFFSET 0: see readDayPieces)
       CROSS JOIN LATERAL (
             SELECT x.zone_id, x.piece, x.srid, x.geom, x.raster FROM zone_pieces x
              WHERE x.zone_id = k.zone_id AND x.srid = $1::integer AND x.piece = k.piece OFFSET 0) AS zp
       JOIN zone_metric m ON m.zone_id = zp.zone_id AND m.srid = zp.srid
       LEFT JOIN zone_piece_roads r ON r.zone_id = zp.zone_id AND r.srid = zp.srid AND r.piece = zp.piece`,
    [srid, missing.map((p) => p.zone_id), missing.map((p) => p.piece)],
  )
  if (pieceCache.size + res.rows.length > MAX_CACHED_PIECES) pieceCache.clear()
  for (const row of res.rows) {
    const raster = (row.raster && decodePieceRaster(row.raster)) || rasterOfShapes(row)
    const key = pieceKey(row.zone_id, srid, row.piece)
    pieceCache.set(key, raster)
    out.set(key, raster)
  }
  return out
}

/** A piece as read for its raster: the stored raster, or (without one) its shape and road as WKB. */
export interface PieceRasterRow {
  zone_id: string
  piece: number
  zone_area: number
  raster: Uint8Array | null
  geom: Uint8Array | null
  road: Uint8Array | null
}

/** The raster of a piece computed from its shape and road (WKB: a tenth of the work of GeoJSON text). */
export function rasterOfShapes(row: Omit<PieceRasterRow, 'raster'>): PieceRaster {
  if (!row.geom) throw new Error(`zone piece ${row.zone_id}/${row.piece} has no shape`)
  return rasterizePiece({
    ...row,
    geom: geometryFromWkb(row.geom) as PieceShapeRow['geom'],
    road: row.road ? (geometryFromWkb(row.road) as NonNullable<PieceShapeRow['road']>) : null,
  })
}

export function pieceRasterOf(
  rasters: Map<string, PieceRaster>,
  srid: number,
  p: { zone_id: string; piece: number },
): PieceRaster | undefined {
  return rasters.get(pieceKey(p.zone_id, srid, p.piece))
}

export function rasterizePiece(row: PieceShapeRow): PieceRaster {
  const polygons = (
    row.geom.type === 'Polygon' ? [row.geom.coordinates] : row.geom.coordinates
  ) as number[][][][]
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
  let area = 0
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      const a = ringArea(ring)
      area += i === 0 ? Math.abs(a) : -Math.abs(a)
      for (const [x, y] of ring) {
        minX = Math.min(minX, x!)
        maxX = Math.max(maxX, x!)
        minY = Math.min(minY, y!)
        maxY = Math.max(maxY, y!)
      }
    })
  }
  // the zone's size sets the cell (a zone's share is measured over all its pieces: a sliver of a
  // large zone needs no finer cells, a small zone does)
  const cell = cellSizeFor(row.zone_area)
  const grid = gridFor(minX, minY, maxX, maxY, cell)
  let { bits: mask, count: maskCells } = rasterizePolygons(polygons, grid, cell)
  if (maskCells === 0) {
    // a sliver narrower than a cell holds no cell centre: it stands for the cells its vertices lie in
    mask = emptyBits(grid)
    for (const polygon of polygons) for (const ring of polygon) markLineCells(mask, grid, cell, ring)
    maskCells = countBits(mask)
  }
  let roadMask: Uint8Array | null = null
  let roadCellM = 0
  if (row.road) {
    const lines = (
      row.road.type === 'LineString' ? [row.road.coordinates] : row.road.coordinates
    ) as number[][][]
    roadMask = emptyBits(grid)
    let length = 0
    for (const line of lines) length += markLineCells(roadMask, grid, cell, line)
    andBits(roadMask, mask)
    const roadCells = countBits(roadMask)
    roadCellM = roadCells > 0 ? length / roadCells : 0
  }
  return {
    polygons,
    rings: prepareRings(polygons),
    bbox: [minX, minY, maxX, maxY],
    cell,
    grid,
    mask,
    maskCells,
    cellArea: maskCells > 0 ? area / maskCells : 0,
    roadMask,
    roadCellM,
  }
}

/** Shoelace area of a ring (signed). */
function ringArea(ring: readonly number[][]): number {
  let s = 0
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
  return s / 2
}

/** Marks the cells a polyline passes through (sampled every fifth of a cell); answers its length. */
function markLineCells(bits: Uint8Array, g: CellGrid, cell: number, line: readonly number[][]): number {
  let length = 0
  const step = cell / 5
  const mark = (x: number, y: number) => {
    const col = Math.floor(x / cell) - g.x0
    const row = Math.floor(y / cell) - g.y0
    if (col >= 0 && col < g.w && row >= 0 && row < g.h) {
      const k = row * g.w + col
      bits[k >> 3]! |= 0x80 >> (k & 7)
    }
  }
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i] as [number, number]
    const [bx, by] = line[i + 1] as [number, number]
    const len = Math.hypot(bx - ax, by - ay)
    length += len
    const n = Math.max(1, Math.ceil(len / step))
    for (let s = 0; s <= n; s++) mark(ax + ((bx - ax) * s) / n, ay + ((by - ay) * s) / n)
  }
  return length
}

/** A fix in the metric CRS with its time (epoch ms). */
export interface TimedXY extends XY {
  t: number
}

/** The legs (metric CRS) near each 1 km cell: within the radius of the cell's square. */
export function legsByCell(
  lines: readonly (readonly TimedXY[])[],
  r: number,
  cellM: number,
): Map<number, [TimedXY, TimedXY][]> {
  const out = new Map<number, [TimedXY, TimedXY][]>()
  for (const line of lines) {
    for (let i = 0; i + 1 < line.length; i++) {
      const a = line[i]!
      const b = line[i + 1]!
      const leg: [TimedXY, TimedXY] = [a, b]
      const i0 = Math.floor((Math.min(a.x, b.x) - r) / cellM)
      const i1 = Math.floor((Math.max(a.x, b.x) + r) / cellM)
      const j0 = Math.floor((Math.min(a.y, b.y) - r) / cellM)
      const j1 = Math.floor((Math.max(a.y, b.y) + r) / cellM)
      for (let ci = i0; ci <= i1; ci++) {
        for (let cj = j0; cj <= j1; cj++) {
          const key = cellKey(ci, cj)
          const list = out.get(key)
          if (list) list.push(leg)
          else out.set(key, [leg])
        }
      }
    }
  }
  return out
}

// Bit sets of a piece-day live only until the caller has ORed them into its period's (CoverSet):
// one zeroed buffer per size, reused, instead of a new one per piece and day (which kept the garbage
// collector busy for a third of a recompute).
const scratch = new Map<number, Uint8Array>()

function scratchBits(g: CellGrid): Uint8Array {
  const n = (g.w * g.h) >> 3
  let bits = scratch.get(n)
  if (bits) bits.fill(0)
  else {
    bits = new Uint8Array(n)
    if (scratch.size > 4096) scratch.clear()
    scratch.set(n, bits)
  }
  return bits
}

/**
 * The piece's cells the legs' sight swath covers (inside the piece), and how many. The bits are
 * valid until the next call (a reused buffer, or the piece's mask itself): copy to keep them. A leg whose swath
 * holds the piece's whole box covers every cell of it (small pieces, mostly): no need to draw it.
 */
export function sweptCells(raster: PieceRaster, legs: readonly [XY, XY][], r: number): SweptBits {
  const g = raster.grid
  const c = raster.cell
  const [bMinX, bMinY, bMaxX, bMaxY] = raster.bbox
  const [minX, minY] = [(g.x0 - 1) * c - r, (g.y0 - 1) * c - r]
  const [maxX, maxY] = [(g.x0 + g.w + 1) * c + r, (g.y0 + g.h + 1) * c + r]
  let bits: Uint8Array | undefined
  for (let k = 0; k < legs.length; k++) {
    const a = legs[k]![0]
    const b = legs[k]![1]
    if (Math.max(a.x, b.x) < minX || Math.min(a.x, b.x) > maxX) continue
    if (Math.max(a.y, b.y) < minY || Math.min(a.y, b.y) > maxY) continue
    if (legCoversBox(a, b, r, bMinX, bMinY, bMaxX, bMaxY))
      return { bits: raster.mask, count: raster.maskCells, bytes: [0, raster.mask.length] }
    bits ??= scratchBits(g)
    rasterizeLeg(bits, g, a, b, r, c)
  }
  if (!bits) return { bits: scratchBits(g), count: 0, bytes: [0, 0] }
  andBits(bits, raster.mask)
  return { bits, count: countBits(bits), bytes: [0, bits.length] }
}

/** The sight swath of the legs near one 1 km cell, on the 5 m grid of that cell. */
export interface CellSwath {
  grid: CellGrid
  bits: Uint8Array
  /** the rows and columns of the grid the legs were drawn in (the rest is empty) */
  rows: [number, number]
  cols: [number, number]
}

/**
 * Draws the legs near the 1 km cell (ci, cj) on the cell's own 5 m grid, once per cell and
 * patrol-day: every piece of 5 m cells in the cell then takes its cells from it (swathOfPiece)
 * instead of drawing every leg again. The grid is the pieces' grid (column = floor(x / 5)), so a
 * cell's bit is set here exactly when drawing on the piece's grid would set it.
 */
export function cellSwath(
  ci: number,
  cj: number,
  cellM: number,
  legs: readonly [XY, XY][],
  r: number,
): CellSwath {
  const n = Math.round(cellM / SWATH_CELL_M)
  const grid: CellGrid = { x0: ci * n, y0: cj * n, w: Math.ceil(n / 8) * 8, h: n }
  const bits = emptyBits(grid)
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
  for (let k = 0; k < legs.length; k++) {
    const a = legs[k]![0]
    const b = legs[k]![1]
    rasterizeLeg(bits, grid, a, b, r, SWATH_CELL_M)
    minX = Math.min(minX, a.x, b.x)
    maxX = Math.max(maxX, a.x, b.x)
    minY = Math.min(minY, a.y, b.y)
    maxY = Math.max(maxY, a.y, b.y)
  }
  const c = SWATH_CELL_M
  const rows: [number, number] = [
    Math.max(0, Math.floor((minY - r) / c) - 1 - grid.y0),
    Math.min(grid.h - 1, Math.ceil((maxY + r) / c) + 1 - grid.y0),
  ]
  const cols: [number, number] = [
    Math.max(0, Math.floor((minX - r) / c) - 1 - grid.x0),
    Math.min(grid.w - 1, Math.ceil((maxX + r) / c) + 1 - grid.x0),
  ]
  return { grid, bits, rows, cols }
}

/**
 * A 5 m piece's swept cells taken from its 1 km cell's swath (cells outside the cell: none); valid
 * until the next call, as sweptCells'. Only the piece's rows and bytes the swath was drawn in are
 * visited (a track crossing a 1 km cell sweeps a band of it); `bytes` is the range of the answer
 * that may be non-zero.
 */
export function swathOfPiece(swath: CellSwath, raster: PieceRaster): SweptBits {
  const src = swath.bits
  const sg = swath.grid
  const dg = raster.grid
  const out = scratchBits(dg)
  const dx = dg.x0 - sg.x0
  const dy = dg.y0 - sg.y0
  const bytesPerRow = dg.w >> 3
  const row0 = Math.max(0, swath.rows[0] - dy)
  const row1 = Math.min(dg.h - 1, swath.rows[1] - dy)
  const k0 = Math.max(0, Math.floor((swath.cols[0] - dx) / 8))
  const k1 = Math.min(bytesPerRow - 1, Math.floor((swath.cols[1] - dx) / 8))
  if (row0 > row1 || k0 > k1) return { bits: out, count: 0, bytes: [0, 0] }
  let count = 0
  for (let row = row0; row <= row1; row++) {
    const srow = row + dy
    if (srow < 0 || srow >= sg.h) continue
    const base = srow * sg.w
    for (let k = k0; k <= k1; k++) {
      const col = dx + k * 8
      let v: number
      if (col >= 0 && col + 8 <= sg.w) {
        const bit = base + col
        const i = bit >> 3
        const shift = bit & 7
        v = shift === 0 ? src[i]! : ((src[i]! << shift) | (src[i + 1]! >> (8 - shift))) & 0xff
      } else {
        v = 0
        for (let b = 0; b < 8; b++) {
          const c = col + b
          if (c < 0 || c >= sg.w) continue
          const bit = base + c
          if (src[bit >> 3]! & (0x80 >> (bit & 7))) v |= 0x80 >> b
        }
      }
      v &= raster.mask[row * bytesPerRow + k]!
      out[row * bytesPerRow + k] = v
      count += POPCOUNT[v]!
    }
  }
  return { bits: out, count, bytes: [row0 * bytesPerRow, (row1 + 1) * bytesPerRow] }
}

/** Swept cells of a piece: the bits, how many are set, and the byte range [from, to) that may be set. */
export interface SweptBits {
  bits: Uint8Array
  count: number
  bytes: [number, number]
}

export { bitsToHex }
