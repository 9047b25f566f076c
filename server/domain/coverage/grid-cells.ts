/**
 * Heat cells of one patrol: the squares of a metric grid (default 100 m, in the county's
 * Gauss–Krüger zone, see metric-crs.ts) within the sight radius of the track, each with the track
 * length and time inside it. Weighting by length and time rather than counting fixes keeps a device
 * logging every second from looking busier than one logging every thirty (design.md, "heat").
 *
 * Cell (x, y) is [x·size, (x+1)·size) × [y·size, (y+1)·size) in projected metres; SQL turns it back
 * into a polygon with lp_grid_cell_geom(srid, x, y).
 */
export interface TimedXY {
  x: number
  y: number
  /** epoch ms */
  t: number
}

export interface GridCellWeight {
  /** Beijing day of the legs that reached the cell (a leg belongs to the day it starts on). */
  day: string
  cellX: number
  cellY: number
  /** Track length inside the cell, metres (0 when only the swath reaches it). */
  lengthM: number
  /** Time spent inside the cell, seconds, at constant speed along each leg. */
  timeS: number
}

export interface GridCellOptions {
  cellSizeM: number
  sightRadiusM: number
  dayOf: (ms: number) => string
}

export const GRID_CELL_SIZE_M = 100

/**
 * Cells of all segments; consecutive fixes are joined by straight legs, never across segments.
 * (Cells are keyed by number within each day, and a leg's candidate cells are tested without
 * building objects: a 2,000-fix post meets ~15,000 leg-cell pairs.)
 */
export function findTrackCells(
  segments: readonly (readonly TimedXY[])[],
  options: GridCellOptions,
): GridCellWeight[] {
  const out: GridCellWeight[] = []
  const days = new Map<string, Map<number, GridCellWeight>>()
  const size = options.cellSizeM
  const r = options.sightRadiusM
  const r2 = r * r
  const add = (
    cells: Map<number, GridCellWeight>,
    day: string,
    cx: number,
    cy: number,
    l: number,
    t: number,
  ) => {
    // (|cy| < 2^23 cells: unique keys for any grid on Earth in metres)
    const key = cx * 16777216 + cy
    const cell = cells.get(key)
    if (cell) {
      cell.lengthM += l
      cell.timeS += t
    } else {
      const c = { day, cellX: cx, cellY: cy, lengthM: l, timeS: t }
      cells.set(key, c)
      out.push(c)
    }
  }
  for (const segment of segments) {
    for (let i = 1; i < segment.length; i++) {
      const a = segment[i - 1] as TimedXY
      const b = segment[i] as TimedXY
      const day = options.dayOf(a.t)
      let cells = days.get(day)
      if (!cells) days.set(day, (cells = new Map()))
      const dtS = (b.t - a.t) / 1000
      const dx = b.x - a.x
      const dy = b.y - a.y
      const len = Math.sqrt(dx * dx + dy * dy)
      const x0 = Math.floor((Math.min(a.x, b.x) - r) / size)
      const x1 = Math.floor((Math.max(a.x, b.x) + r) / size)
      const y0 = Math.floor((Math.min(a.y, b.y) - r) / size)
      const y1 = Math.floor((Math.max(a.y, b.y) + r) / size)
      for (let cx = x0; cx <= x1; cx++) {
        const minX = cx * size
        const maxX = (cx + 1) * size
        for (let cy = y0; cy <= y1; cy++) {
          const minY = cy * size
          const maxY = (cy + 1) * size
          if (len === 0) {
            // A device standing still: its time goes to the cell it stands in.
            if (pointRectDistance2(a.x, a.y, minX, minY, maxX, maxY) > r2) continue
            const inside = a.x >= minX && a.x < maxX && a.y >= minY && a.y < maxY
            add(cells, day, cx, cy, 0, inside ? dtS : 0)
            continue
          }
          const share = clippedShare(a.x, a.y, dx, dy, minX, minY, maxX, maxY)
          if (share > 0) add(cells, day, cx, cy, share * len, share * dtS)
          else if (segmentNearRect(a, b, minX, minY, maxX, maxY, r2)) add(cells, day, cx, cy, 0, 0)
        }
      }
    }
  }
  return out
}

/** Cells per side of a block of the grid: heat cells are stored as sets per day and block (5 km). */
export const CELL_BLOCK = 50

/** The cells of one Beijing day in one block of CELL_BLOCK × CELL_BLOCK cells, as parallel columns. */
export interface GridCellSet {
  day: string
  blockX: number
  blockY: number
  cellX: number[]
  cellY: number[]
  lengthM: number[]
  timeS: number[]
}

/** Cells grouped by day and block (patrol_cell_sets), each set's cells in the order given. */
export function cellSetsOf(cells: readonly GridCellWeight[]): GridCellSet[] {
  const sets = new Map<string, GridCellSet>()
  for (const c of cells) {
    const blockX = Math.floor(c.cellX / CELL_BLOCK)
    const blockY = Math.floor(c.cellY / CELL_BLOCK)
    const key = `${c.day}/${blockX}/${blockY}`
    let set = sets.get(key)
    if (!set) {
      set = { day: c.day, blockX, blockY, cellX: [], cellY: [], lengthM: [], timeS: [] }
      sets.set(key, set)
    }
    set.cellX.push(c.cellX)
    set.cellY.push(c.cellY)
    set.lengthM.push(c.lengthM)
    set.timeS.push(c.timeS)
  }
  return [...sets.values()]
}

/**
 * Liang–Barsky: the length of the parameter range [u0, u1] ⊂ [0, 1] of a + u·(dx, dy) inside the
 * rectangle, or 0 when the leg misses it (or only touches it).
 */
function clippedShare(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): number {
  let u0 = 0
  let u1 = 1
  // the four edges as (p, q): the leg is inside the edge's half-plane where p·u ≤ q
  for (let k = 0; k < 4; k++) {
    const p = k === 0 ? -dx : k === 1 ? dx : k === 2 ? -dy : dy
    const q = k === 0 ? ax - minX : k === 1 ? maxX - ax : k === 2 ? ay - minY : maxY - ay
    if (p === 0) {
      if (q < 0) return 0
      continue
    }
    const u = q / p
    if (p < 0) u0 = Math.max(u0, u)
    else u1 = Math.min(u1, u)
    if (u0 > u1) return 0
  }
  return u1 > u0 ? u1 - u0 : 0
}

/** Squared distance from a point to a rectangle (0 inside). */
function pointRectDistance2(
  x: number,
  y: number,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): number {
  const ex = Math.max(minX - x, 0, x - maxX)
  const ey = Math.max(minY - y, 0, y - maxY)
  return ex * ex + ey * ey
}

/** Squared distance from a point to a segment. */
function pointSegmentDistance2(px: number, py: number, a: TimedXY, b: TimedXY): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len2 = dx * dx + dy * dy
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / len2))
  const ex = px - (a.x + u * dx)
  const ey = py - (a.y + u * dy)
  return ex * ex + ey * ey
}

/**
 * Whether a segment that does not cross a rectangle comes within √r2 of it: the nearest points are
 * among its endpoints and the rectangle's corners (compared squared, nearest first found).
 */
function segmentNearRect(
  a: TimedXY,
  b: TimedXY,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
  r2: number,
): boolean {
  return (
    pointRectDistance2(a.x, a.y, minX, minY, maxX, maxY) <= r2 ||
    pointRectDistance2(b.x, b.y, minX, minY, maxX, maxY) <= r2 ||
    pointSegmentDistance2(minX, minY, a, b) <= r2 ||
    pointSegmentDistance2(minX, maxY, a, b) <= r2 ||
    pointSegmentDistance2(maxX, minY, a, b) <= r2 ||
    pointSegmentDistance2(maxX, maxY, a, b) <= r2
  )
}
