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
  time: number
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

/** Cells of all segments; consecutive fixes are joined by straight legs, never across segments. */
export function findTrackCells(
  segments: readonly (readonly TimedXY[])[],
  options: GridCellOptions,
): GridCellWeight[] {
  const cells = new Map<string, GridCellWeight>()
  const add = (day: string, cx: number, cy: number, lengthM: number, timeS: number) => {
    const key = `${day}|${cx}|${cy}`
    const cell = cells.get(key)
    if (cell) {
      cell.lengthM += lengthM
      cell.timeS += timeS
    } else cells.set(key, { day, cellX: cx, cellY: cy, lengthM, timeS })
  }
  for (const segment of segments) {
    for (let i = 1; i < segment.length; i++) {
      const a = segment[i - 1] as TimedXY
      const b = segment[i] as TimedXY
      addLeg(a, b, options, add)
    }
  }
  return [...cells.values()]
}

function addLeg(
  a: TimedXY,
  b: TimedXY,
  o: GridCellOptions,
  add: (day: string, cx: number, cy: number, lengthM: number, timeS: number) => void,
): void {
  const size = o.cellSizeM
  const r = o.sightRadiusM
  const day = o.dayOf(a.time)
  const dtS = (b.time - a.time) / 1000
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len = Math.hypot(dx, dy)
  const x0 = Math.floor((Math.min(a.x, b.x) - r) / size)
  const x1 = Math.floor((Math.max(a.x, b.x) + r) / size)
  const y0 = Math.floor((Math.min(a.y, b.y) - r) / size)
  const y1 = Math.floor((Math.max(a.y, b.y) + r) / size)
  for (let cx = x0; cx <= x1; cx++) {
    for (let cy = y0; cy <= y1; cy++) {
      const rect = { minX: cx * size, minY: cy * size, maxX: (cx + 1) * size, maxY: (cy + 1) * size }
      if (len === 0) {
        // A device standing still: its time goes to the cell it stands in.
        if (pointRectDistance(a.x, a.y, rect) > r) continue
        const inside = a.x >= rect.minX && a.x < rect.maxX && a.y >= rect.minY && a.y < rect.maxY
        add(day, cx, cy, 0, inside ? dtS : 0)
        continue
      }
      const clip = clipSegment(a, dx, dy, rect)
      if (clip) {
        const share = clip[1] - clip[0]
        add(day, cx, cy, share * len, share * dtS)
      } else if (segmentRectDistance(a, b, rect) <= r) add(day, cx, cy, 0, 0)
    }
  }
}

interface Rect {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

/** Liang–Barsky: the parameter range [u0, u1] ⊂ [0, 1] of a + u·(dx, dy) inside the rectangle, or null. */
function clipSegment(
  a: { x: number; y: number },
  dx: number,
  dy: number,
  rect: Rect,
): [number, number] | null {
  const range = { u0: 0, u1: 1 }
  const ok =
    clipEdge(-dx, a.x - rect.minX, range) &&
    clipEdge(dx, rect.maxX - a.x, range) &&
    clipEdge(-dy, a.y - rect.minY, range) &&
    clipEdge(dy, rect.maxY - a.y, range)
  return ok && range.u1 > range.u0 ? [range.u0, range.u1] : null
}

function clipEdge(p: number, q: number, range: { u0: number; u1: number }): boolean {
  if (p === 0) return q >= 0
  const u = q / p
  if (p < 0) range.u0 = Math.max(range.u0, u)
  else range.u1 = Math.min(range.u1, u)
  return range.u0 <= range.u1
}

function pointRectDistance(x: number, y: number, rect: Rect): number {
  const ex = Math.max(rect.minX - x, 0, x - rect.maxX)
  const ey = Math.max(rect.minY - y, 0, y - rect.maxY)
  return Math.hypot(ex, ey)
}

function pointSegmentDistance(
  px: number,
  py: number,
  a: { x: number; y: number },
  b: { x: number; y: number },
): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len2 = dx * dx + dy * dy
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / len2))
  return Math.hypot(px - (a.x + u * dx), py - (a.y + u * dy))
}

/** Distance between a segment and a rectangle it does not cross: the nearest of endpoints and corners. */
function segmentRectDistance(a: { x: number; y: number }, b: { x: number; y: number }, rect: Rect): number {
  return Math.min(
    pointRectDistance(a.x, a.y, rect),
    pointRectDistance(b.x, b.y, rect),
    pointSegmentDistance(rect.minX, rect.minY, a, b),
    pointSegmentDistance(rect.minX, rect.maxY, a, b),
    pointSegmentDistance(rect.maxX, rect.minY, a, b),
    pointSegmentDistance(rect.maxX, rect.maxY, a, b),
  )
}
