import type { Random } from './random.js'
import { type BBox, type Pt, distance } from './planar.js'

/**
 * Voronoi cells by half-plane clipping of a convex container. O(n²) per set, which is nothing for the
 * few dozen sites per level here, and every cell is convex and lies inside the container, so children
 * built inside a parent cell tile it exactly (up to float noise).
 */

/** Keep the part of the convex polygon (open ring) where a·x + b·y ≤ c. */
function clipHalfPlane(poly: Pt[], a: number, b: number, c: number): Pt[] {
  const out: Pt[] = []
  const n = poly.length
  for (let i = 0; i < n; i++) {
    const p = poly[i] as Pt
    const q = poly[(i + 1) % n] as Pt
    const sp = a * p[0] + b * p[1] - c
    const sq = a * q[0] + b * q[1] - c
    if (sp <= 0) out.push(p)
    if ((sp < 0 && sq > 0) || (sp > 0 && sq < 0)) {
      const t = sp / (sp - sq)
      out.push([p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t])
    }
  }
  return out
}

/** One convex cell (open ring, counter-clockwise) per site; an empty array if a site is degenerate. */
export function voronoiCells(sites: readonly Pt[], container: readonly Pt[]): Pt[][] {
  return sites.map((s, i) => {
    let cell = container.slice() as Pt[]
    for (let j = 0; j < sites.length && cell.length >= 3; j++) {
      if (j === i) continue
      const o = sites[j] as Pt
      // keep points closer to s than to o: (p − m)·(o − s) ≤ 0 with m the midpoint
      const a = o[0] - s[0]
      const b = o[1] - s[1]
      const c = (a * (o[0] + s[0])) / 2 + (b * (o[1] + s[1])) / 2
      cell = clipHalfPlane(cell, a, b, c)
    }
    return cell.length >= 3 ? cell : []
  })
}

export function bboxRing(b: BBox): Pt[] {
  return [
    [b.minX, b.minY],
    [b.maxX, b.minY],
    [b.maxX, b.maxY],
    [b.minX, b.maxY],
  ]
}

/**
 * Well-spread random points (Mitchell's best candidate): each new point is the candidate farthest
 * from those already placed, which avoids the clumps of plain uniform sampling.
 */
export function spreadPoints(
  rng: Random,
  count: number,
  bbox: BBox,
  accept: (p: Pt) => boolean,
  existing: readonly Pt[] = [],
  candidates = 12,
): Pt[] {
  const placed: Pt[] = existing.slice()
  const out: Pt[] = []
  for (let k = 0; k < count; k++) {
    let best: Pt | null = null
    let bestD = -1
    for (let c = 0; c < candidates; c++) {
      let p: Pt | null = null
      for (let tries = 0; tries < 200 && !p; tries++) {
        const q: Pt = [rng.float(bbox.minX, bbox.maxX), rng.float(bbox.minY, bbox.maxY)]
        if (accept(q)) p = q
      }
      if (!p) continue
      let d = Infinity
      for (const o of placed) d = Math.min(d, distance(o, p))
      if (d > bestD) {
        bestD = d
        best = p
      }
    }
    if (!best) break
    placed.push(best)
    out.push(best)
  }
  return out
}
