/**
 * The sight swath as a raster: cells of SWATH_CELL_M metres (finer for small pieces, cellSizeFor) on
 * a grid fixed in the metric CRS (column = floor(x / cell), row = floor(y / cell)). A cell belongs to a zone piece
 * when its centre lies inside the piece, and is seen when its centre lies within the sight radius of
 * a leg of the track (the straight line between two consecutive fixes). A zone's swath share is then
 * seen cells / cells, per piece weighted by the piece's exact area per cell.
 *
 * Why a raster and not the exact buffer: the exact union of the swaths of a month's noisy tracks per
 * zone is the dominant cost of matching (buffering a vehicle's jittery track and unioning it with the
 * period's swath so far took ~80 % of a post), while a bit set is unioned by OR and measured by a bit
 * count, in the database (`bit varying`, `|`, `bit_count`). At 5 m cells against a 50 m radius the
 * share differs from the exact one by a fraction of a percentage point on the zones of a county
 * (checked against turf's buffer ∩ zone in the tests and against the naive PostGIS query in the bench).
 *
 * Every bit set here is laid out as PostgreSQL's `bit varying` reads a hex literal: cell (col, row) of
 * a grid is bit index (row − y0)·w + (col − x0), most significant bit of each byte first; w is a
 * multiple of 8 so that every set is a whole number of bytes and its hex text casts exactly.
 */

export const SWATH_CELL_M = 5

/** Cells a zone should hold at least, so that a swath edge across it moves its share by little. */
export const MIN_PIECE_CELLS = 2_000
/** Finer cells, for smaller pieces: each divides SWATH_CELL_M, so every grid nests in the coarsest. */
const FINER_CELLS_M = [2.5, 1, 0.5] as const

/**
 * The cell size for the pieces of a zone of `areaM2`: 5 m, or finer for a small zone so that it holds
 * at least MIN_PIECE_CELLS cells where possible (a 5,000 m² zone at 5 m would hold 200 cells, and the
 * edge of one swath across it moved its share by 3.5 points against the exact union). Chosen by the
 * zone, not the piece: the share is the zone's, so a sliver cut off a large zone along the 1 km grid
 * needs no finer cells (and finer cells cost rows drawn for every leg near them: measured, the
 * per-piece choice drew 60 % of a county month's rows on 2.5 m and finer cells).
 */
export function cellSizeFor(areaM2: number): number {
  if (areaM2 / (SWATH_CELL_M * SWATH_CELL_M) >= MIN_PIECE_CELLS) return SWATH_CELL_M
  for (const c of FINER_CELLS_M) if (areaM2 / (c * c) >= MIN_PIECE_CELLS) return c
  return 0.5
}

/** A piece's box of cells: columns [x0, x0 + w), rows [y0, y0 + h). */
export interface CellGrid {
  x0: number
  y0: number
  w: number
  h: number
}

/** A point in the metric CRS. */
export interface XY {
  x: number
  y: number
}

/** The grid of cells whose centres can lie in the box [minX, maxX] × [minY, maxY]. */
export function gridFor(
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
  cell = SWATH_CELL_M,
): CellGrid {
  const x0 = Math.floor(minX / cell)
  const y0 = Math.floor(minY / cell)
  const w = Math.max(1, Math.floor(maxX / cell) - x0 + 1)
  const h = Math.max(1, Math.floor(maxY / cell) - y0 + 1)
  return { x0, y0, w: Math.ceil(w / 8) * 8, h }
}

export function emptyBits(g: CellGrid): Uint8Array {
  return new Uint8Array((g.w * g.h) >> 3)
}

/** Sets bits [from, to] (inclusive) of one row (whole bytes at once, masks at the two ends). */
function setRun(bits: Uint8Array, g: CellGrid, row: number, from: number, to: number): void {
  const lo = from > 0 ? from : 0
  const hi = to < g.w - 1 ? to : g.w - 1
  if (lo > hi || row < 0 || row >= g.h) return
  const k0 = row * g.w + lo
  const k1 = row * g.w + hi
  const b0 = k0 >> 3
  const b1 = k1 >> 3
  // most significant bit first: bits (k0 & 7)…7 of the first byte, 0…(k1 & 7) of the last
  const first = 0xff >> (k0 & 7)
  const last = (0xff << (7 - (k1 & 7))) & 0xff
  if (b0 === b1) {
    bits[b0]! |= first & last
    return
  }
  bits[b0]! |= first
  for (let b = b0 + 1; b < b1; b++) bits[b] = 0xff
  bits[b1]! |= last
}

/**
 * The cells of `g` whose centres lie inside the polygons (rings of [x, y] in the metric CRS; holes
 * by the even–odd rule, as OGC polygons are). A centre exactly on an edge shared by two pieces falls
 * in exactly one of them (half-open rules in both directions).
 */
export function rasterizePolygons(
  polygons: readonly (readonly (readonly (readonly number[])[])[])[],
  g: CellGrid,
  cell = SWATH_CELL_M,
): { bits: Uint8Array; count: number } {
  const bits = emptyBits(g)
  // Each edge's crossings go to the rows whose centre line it spans (found from its y-range, a row
  // more on each side, then tested exactly), so a row looks at its own few crossings instead of
  // every edge: two passes, counting then filling, over one flat array.
  const rowOf = (y: number) => Math.floor(y / cell - 0.5) - g.y0
  const counts = new Int32Array(g.h + 1)
  const each = (visit: (row: number, x: number) => void) => {
    for (const polygon of polygons) {
      for (const ring of polygon) {
        for (let i = 0, n = ring.length; i < n - 1; i++) {
          const a = ring[i]!
          const b = ring[i + 1]!
          const ay = a[1]!
          const by = b[1]!
          if (ay === by) continue
          const lo = Math.max(0, rowOf(Math.min(ay, by)) - 1)
          const hi = Math.min(g.h - 1, rowOf(Math.max(ay, by)) + 1)
          for (let row = lo; row <= hi; row++) {
            const yc = (g.y0 + row + 0.5) * cell
            if ((ay <= yc && yc < by) || (by <= yc && yc < ay))
              visit(row, a[0]! + ((yc - ay) / (by - ay)) * (b[0]! - a[0]!))
          }
        }
      }
    }
  }
  each((row) => counts[row + 1]!++)
  for (let row = 0; row < g.h; row++) counts[row + 1]! += counts[row]!
  const xs = new Float64Array(counts[g.h]!)
  const fill = counts.slice(0, g.h)
  each((row, x) => {
    xs[fill[row]!++] = x
  })
  for (let row = 0; row < g.h; row++) {
    const start = counts[row]!
    const end = counts[row + 1]!
    if (end - start < 2) continue
    // (a row holds a few crossings: insertion sort)
    for (let i = start + 1; i < end; i++) {
      const x = xs[i]!
      let j = i - 1
      while (j >= start && xs[j]! > x) {
        xs[j + 1] = xs[j]!
        j--
      }
      xs[j + 1] = x
    }
    for (let i = start; i + 1 < end; i += 2) {
      // centres in [xs[i], xs[i+1])
      const from = Math.ceil(xs[i]! / cell - 0.5) - g.x0
      let to = Math.floor(xs[i + 1]! / cell - 0.5) - g.x0
      if ((g.x0 + to + 0.5) * cell >= xs[i + 1]!) to--
      setRun(bits, g, row, from, to)
    }
  }
  return { bits, count: countBits(bits) }
}

/**
 * Marks the cells of `g` whose centres lie within `r` of the leg a→b (a capsule: the two end discs
 * and the band between them). Each row of cells meets the capsule, a convex set, in one interval.
 */
export function rasterizeLeg(
  bits: Uint8Array,
  g: CellGrid,
  a: XY,
  b: XY,
  r: number,
  cell = SWATH_CELL_M,
): void {
  const minRow = Math.ceil((Math.min(a.y, b.y) - r) / cell - 0.5) - g.y0
  const maxRow = Math.floor((Math.max(a.y, b.y) + r) / cell - 0.5) - g.y0
  if (maxRow < 0 || minRow >= g.h) return
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len = Math.sqrt(dx * dx + dy * dy)
  const ux = len > 0 ? dx / len : 0
  const uy = len > 0 ? dy / len : 0
  const r2 = r * r
  // The band 0 ≤ (P − a)·u ≤ len, |(P − a) × u| ≤ r meets the row y = yc (ey = yc − a.y) in
  //   along:  x between a.x − ey·uy/ux and that + len/ux   (ux ≠ 0)
  //   across: x between a.x − r/uy + ey·ux/uy and that + 2r/uy   (uy ≠ 0)
  // each bound linear in ey: the slopes and offsets are taken once per leg (this runs for every row
  // of every leg of every patrol, ~30 million rows a county month).
  const alongSlope = ux !== 0 ? -uy / ux : 0
  const alongWidth = ux !== 0 ? len / ux : 0
  const acrossSlope = uy !== 0 ? ux / uy : 0
  const acrossStart = uy !== 0 ? a.x - r / uy : 0
  const acrossWidth = uy !== 0 ? (2 * r) / uy : 0
  const x0 = g.x0
  for (let row = Math.max(0, minRow), last = Math.min(g.h - 1, maxRow); row <= last; row++) {
    const yc = (g.y0 + row + 0.5) * cell
    let lo = Infinity
    let hi = -Infinity
    // the end discs
    const da = yc - a.y
    if (da * da <= r2) {
      const s = Math.sqrt(r2 - da * da)
      lo = a.x - s
      hi = a.x + s
    }
    if (len > 0) {
      const db = yc - b.y
      if (db * db <= r2) {
        const s = Math.sqrt(r2 - db * db)
        if (b.x - s < lo) lo = b.x - s
        if (b.x + s > hi) hi = b.x + s
      }
      const ey = da
      let bandLo = -Infinity
      let bandHi = Infinity
      if (ux !== 0) {
        const p = a.x + ey * alongSlope
        const q = p + alongWidth
        bandLo = p < q ? p : q
        bandHi = p < q ? q : p
      } else if (ey * uy < 0 || ey * uy > len) {
        bandLo = Infinity
        bandHi = -Infinity
      }
      if (bandLo > bandHi) {
        // (no band in this row: the discs alone)
      } else if (uy !== 0) {
        const p = acrossStart + ey * acrossSlope
        const q = p + acrossWidth
        if ((p < q ? p : q) > bandLo) bandLo = p < q ? p : q
        if ((p < q ? q : p) < bandHi) bandHi = p < q ? q : p
      } else if (Math.abs(ey * ux) > r) {
        bandLo = Infinity
      }
      if (bandLo <= bandHi) {
        if (bandLo < lo) lo = bandLo
        if (bandHi > hi) hi = bandHi
      }
    }
    if (lo > hi) continue
    setRun(bits, g, row, Math.ceil(lo / cell - 0.5) - x0, Math.floor(hi / cell - 0.5) - x0)
  }
}

/** Whether every point of the box [minX, maxX] × [minY, maxY] lies within `r` of the leg a→b. */
export function legCoversBox(
  a: XY,
  b: XY,
  r: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): boolean {
  // the capsule is convex: it holds the box when it holds the box's corners
  return (
    withinOfLeg(a, b, r, minX, minY) &&
    withinOfLeg(a, b, r, maxX, minY) &&
    withinOfLeg(a, b, r, minX, maxY) &&
    withinOfLeg(a, b, r, maxX, maxY)
  )
}

function withinOfLeg(a: XY, b: XY, r: number, x: number, y: number): boolean {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len2 = dx * dx + dy * dy
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / len2)) : 0
  const ex = a.x + t * dx - x
  const ey = a.y + t * dy - y
  return ex * ex + ey * ey <= r * r
}

/** a &= b (same grid). */
export function andBits(a: Uint8Array, b: Uint8Array): Uint8Array {
  for (let i = 0; i < a.length; i++) a[i]! &= b[i]!
  return a
}

/** a |= b (same grid), over the bytes [from, to) (b holds no bits outside them), all by default. */
export function orBits(a: Uint8Array, b: Uint8Array, from = 0, to = a.length): Uint8Array {
  for (let i = from; i < to; i++) a[i]! |= b[i]!
  return a
}

/** Set bits of each byte value. */
export const POPCOUNT = new Uint8Array(256).map((_, i) => {
  let n = 0
  for (let v = i; v; v >>= 1) n += v & 1
  return n
})

export function countBits(bits: Uint8Array): number {
  let n = 0
  for (let i = 0; i < bits.length; i++) n += POPCOUNT[bits[i]!]!
  return n
}

/** The hex text PostgreSQL casts to the same `bit varying` (with an 'x' in front). */
export function bitsToHex(bits: Uint8Array): string {
  return Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('hex')
}

/** PostgreSQL's text of a `bit varying` ('0101…') back to bytes. */
export function bitsFromText(text: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(text.length / 8))
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 49) out[k >> 3]! |= 0x80 >> (k & 7)
  return out
}
