import { prepareEdges } from '../../domain/coverage/leg-clip.js'
import type { PieceRaster } from './swath-pieces.js'

/**
 * A zone piece's raster (swath-pieces.ts, rasterizePiece) as bytes, stored with the piece
 * (zone_pieces.raster) when its county is prepared: matching then reads the cell masks instead of
 * computing them from the piece's shape in every process (two load threads, the server after a
 * restart). Little-endian:
 *
 *   u8 version (1) · f64 cell · i32 x0, y0, w, h · i32 maskCells · f64 cellArea · f64 roadCellM ·
 *   f64 bbox[4] · u32 mask bytes, mask · u32 road mask bytes (0: no road), road mask ·
 *   u32 polygons, per polygon u32 rings, per ring u32 points, f64 x, y per point
 */
const VERSION = 1

export function encodePieceRaster(r: PieceRaster): Uint8Array {
  if (!r.polygons) throw new Error('a raster read back from its bytes is stored already')
  let points = 0
  let rings = 0
  for (const polygon of r.polygons) {
    rings += polygon.length
    for (const ring of polygon) points += ring.length
  }
  const road = r.roadMask ?? new Uint8Array(0)
  const size =
    1 +
    8 +
    16 +
    4 +
    16 +
    32 +
    4 +
    r.mask.length +
    4 +
    road.length +
    4 +
    4 * r.polygons.length +
    4 * rings +
    16 * points
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  let at = 0
  const u32 = (v: number) => {
    view.setUint32(at, v, true)
    at += 4
  }
  const i32 = (v: number) => {
    view.setInt32(at, v, true)
    at += 4
  }
  const f64 = (v: number) => {
    view.setFloat64(at, v, true)
    at += 8
  }
  const bytes = (b: Uint8Array) => {
    u32(b.length)
    out.set(b, at)
    at += b.length
  }
  view.setUint8(at++, VERSION)
  f64(r.cell)
  i32(r.grid.x0)
  i32(r.grid.y0)
  i32(r.grid.w)
  i32(r.grid.h)
  i32(r.maskCells)
  f64(r.cellArea)
  f64(r.roadCellM)
  for (const v of r.bbox) f64(v)
  bytes(r.mask)
  bytes(road)
  u32(r.polygons.length)
  for (const polygon of r.polygons) {
    u32(polygon.length)
    for (const ring of polygon) {
      u32(ring.length)
      for (const [x, y] of ring) {
        f64(x!)
        f64(y!)
      }
    }
  }
  return out
}

/**
 * The raster back from its bytes; its masks are views of `blob` (not copies), its polygons only as
 * the edges leg clipping uses. Undefined for bytes of another version (the piece is then rasterized
 * from its shape).
 */
export function decodePieceRaster(blob: Uint8Array): PieceRaster | undefined {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
  let at = 0
  if (view.getUint8(at++) !== VERSION) return undefined
  const u32 = () => {
    const v = view.getUint32(at, true)
    at += 4
    return v
  }
  const i32 = () => {
    const v = view.getInt32(at, true)
    at += 4
    return v
  }
  const f64 = () => {
    const v = view.getFloat64(at, true)
    at += 8
    return v
  }
  const bytes = () => {
    const n = u32()
    const b = blob.subarray(at, at + n)
    at += n
    return b
  }
  const cell = f64()
  const grid = { x0: i32(), y0: i32(), w: i32(), h: i32() }
  const maskCells = i32()
  const cellArea = f64()
  const roadCellM = f64()
  const bbox: [number, number, number, number] = [f64(), f64(), f64(), f64()]
  const mask = bytes()
  const road = bytes()
  // the rings straight into the edge list leg clipping indexes (no array per vertex)
  const edges: number[] = []
  for (let polygons = u32(), p = 0; p < polygons; p++) {
    for (let rings = u32(), r = 0; r < rings; r++) {
      const n = u32()
      let x = f64()
      let y = f64()
      for (let i = 1; i < n; i++) {
        const nx = f64()
        const ny = f64()
        edges.push(x, y, nx, ny)
        x = nx
        y = ny
      }
    }
  }
  return {
    rings: prepareEdges(Float64Array.from(edges)),
    bbox,
    cell,
    grid,
    mask,
    maskCells,
    cellArea,
    roadMask: road.length > 0 ? road : null,
    roadCellM,
  }
}
