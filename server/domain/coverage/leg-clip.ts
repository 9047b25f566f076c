/**
 * Where a leg (the straight line between two consecutive fixes) runs inside a polygon, in planar
 * metric coordinates: the fractions along the leg of each part inside. The leg is cut at every
 * crossing with an edge of any ring, and each part between cuts is inside when its midpoint is
 * (even–odd rule, so holes are outside). A leg that only touches the boundary meets the polygon
 * without a part inside.
 */

export type Rings = readonly (readonly (readonly number[])[])[]

export interface LegInside {
  /** the leg meets the polygon (crosses, runs inside or touches it) */
  meets: boolean
  /** [from, to] fractions along the leg of its parts inside, in order, not overlapping */
  parts: [number, number][]
  /** first and last fraction where the leg meets the polygon */
  first: number
  last: number
}

/**
 * The edges of polygons indexed by horizontal slabs: a leg is tested against the edges of the slabs
 * its y-range meets, and a point against those of its own slab, instead of every edge of the piece
 * (up to 256 vertices) every time. Every edge that can meet the leg (or cross the point's row) is
 * among them, so the answers are exactly those of testing every edge.
 */
export interface PreparedRings {
  /** edge k is (edges[4k], edges[4k+1]) → (edges[4k+2], edges[4k+3]) */
  edges: Float64Array
  y0: number
  slabH: number
  /** edge indices per slab */
  slabs: Int32Array[]
  /** scratch: the last query that took each edge (no edge is tested twice for one leg) */
  seen: Uint32Array
  stamp: number
}

// edges are indexed by their y-range widened by this (m): far beyond the tolerances of the tests
const PAD = 1e-6

export function prepareRings(polygons: readonly Rings[]): PreparedRings {
  const list: number[] = []
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, n = ring.length; i < n - 1; i++) {
        const a = ring[i]!
        const b = ring[i + 1]!
        list.push(a[0]!, a[1]!, b[0]!, b[1]!)
      }
    }
  }
  return prepareEdges(Float64Array.from(list))
}

/** The same from the rings' edges already listed: edge k is (edges[4k], edges[4k+1]) → (edges[4k+2], edges[4k+3]). */
export function prepareEdges(edges: Float64Array): PreparedRings {
  let [minY, maxY] = [Infinity, -Infinity]
  for (let k = 1; k < edges.length; k += 2) {
    if (edges[k]! < minY) minY = edges[k]!
    if (edges[k]! > maxY) maxY = edges[k]!
  }
  const count = edges.length / 4
  const n = Math.max(1, Math.min(64, Math.ceil(count / 8)))
  const y0 = Number.isFinite(minY) ? minY : 0
  const slabH = Number.isFinite(maxY) && maxY > minY ? (maxY - minY) / n : 1
  const lists: number[][] = Array.from({ length: n }, () => [])
  for (let k = 0; k < count; k++) {
    const lo = Math.min(edges[4 * k + 1]!, edges[4 * k + 3]!) - PAD
    const hi = Math.max(edges[4 * k + 1]!, edges[4 * k + 3]!) + PAD
    const [s0, s1] = slabRange(lo, hi, y0, slabH, n)
    for (let s = s0; s <= s1; s++) lists[s]!.push(k)
  }
  return {
    edges,
    y0,
    slabH,
    slabs: lists.map((l) => Int32Array.from(l)),
    seen: new Uint32Array(count),
    stamp: 0,
  }
}

function slabRange(lo: number, hi: number, y0: number, slabH: number, n: number): [number, number] {
  const s0 = Math.min(n - 1, Math.max(0, Math.floor((lo - y0) / slabH)))
  const s1 = Math.min(n - 1, Math.max(0, Math.floor((hi - y0) / slabH)))
  return [s0, s1]
}

/** Even–odd point-in-polygon over all rings of all polygons. */
export function pointInRings(x: number, y: number, polygons: readonly Rings[] | PreparedRings): boolean {
  const p = 'edges' in polygons ? polygons : prepareRings(polygons)
  const [s] = slabRange(y, y, p.y0, p.slabH, p.slabs.length)
  const e = p.edges
  let inside = false
  for (const k of p.slabs[s]!) {
    const ax = e[4 * k]!
    const ay = e[4 * k + 1]!
    const bx = e[4 * k + 2]!
    const by = e[4 * k + 3]!
    if (ay > y !== by > y && x < ax + ((y - ay) / (by - ay)) * (bx - ax)) inside = !inside
  }
  return inside
}

const EPS = 1e-12

// the answers for a leg that meets no edge (shared: callers only read them)
const WHOLE_LEG: LegInside = Object.freeze({ meets: true, parts: [[0, 1]], first: 0, last: 1 }) as LegInside
const NO_PART: LegInside = Object.freeze({
  meets: false,
  parts: [],
  first: Infinity,
  last: -Infinity,
}) as LegInside

export function legInside(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  polygons: readonly Rings[] | PreparedRings,
): LegInside {
  const prepared = 'edges' in polygons ? polygons : prepareRings(polygons)
  const dx = bx - ax
  const dy = by - ay
  if (dx === 0 && dy === 0) {
    const inside = pointInRings(ax, ay, prepared)
    return { meets: inside, parts: inside ? [[0, 1]] : [], first: 0, last: 1 }
  }
  // the fractions where the leg meets an edge, with its ends; none met (most legs near a piece):
  // the whole leg lies on one side, and no array is made
  let cuts: number[] | undefined
  let touched = false
  let first = Infinity
  let last = -Infinity
  const e = prepared.edges
  const stamp = ++prepared.stamp
  if (stamp === 0xffffffff) {
    prepared.seen.fill(0)
    prepared.stamp = 1
  }
  const [s0, s1] = slabRange(
    Math.min(ay, by) - PAD,
    Math.max(ay, by) + PAD,
    prepared.y0,
    prepared.slabH,
    prepared.slabs.length,
  )
  for (let s = s0; s <= s1; s++) {
    for (const k of prepared.slabs[s]!) {
      if (prepared.seen[k] === prepared.stamp) continue
      prepared.seen[k] = prepared.stamp
      const cx = e[4 * k]!
      const cy = e[4 * k + 1]!
      const ex = e[4 * k + 2]! - cx
      const ey = e[4 * k + 3]! - cy
      const denom = dx * ey - dy * ex
      const qx = cx - ax
      const qy = cy - ay
      if (Math.abs(denom) > EPS) {
        const t = (qx * ey - qy * ex) / denom
        const u = (qx * dy - qy * dx) / denom
        if (t >= -EPS && t <= 1 + EPS && u >= -EPS && u <= 1 + EPS) {
          const tc = Math.min(1, Math.max(0, t))
          ;(cuts ??= [0, 1]).push(tc)
          touched = true
          first = Math.min(first, tc)
          last = Math.max(last, tc)
        }
      } else if (Math.abs(qx * dy - qy * dx) <= EPS * Math.hypot(dx, dy) * Math.hypot(qx, qy) + EPS) {
        // collinear: the edge's ends projected on the leg
        const len2 = dx * dx + dy * dy
        for (const t of [(qx * dx + qy * dy) / len2, ((qx + ex) * dx + (qy + ey) * dy) / len2]) {
          if (t >= 0 && t <= 1) {
            ;(cuts ??= [0, 1]).push(t)
            touched = true
            first = Math.min(first, t)
            last = Math.max(last, t)
          }
        }
      }
    }
  }
  if (!cuts) return pointInRings(ax + 0.5 * dx, ay + 0.5 * dy, prepared) ? WHOLE_LEG : NO_PART
  // (a leg meets a piece's edges a few times: insertion sort, in place, without sort's scratch array)
  for (let i = 1; i < cuts.length; i++) {
    const c = cuts[i]!
    let j = i - 1
    while (j >= 0 && cuts[j]! > c) {
      cuts[j + 1] = cuts[j]!
      j--
    }
    cuts[j + 1] = c
  }
  const parts: [number, number][] = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const t0 = cuts[i]!
    const t1 = cuts[i + 1]!
    if (t1 - t0 <= EPS) continue
    const tm = (t0 + t1) / 2
    if (!pointInRings(ax + tm * dx, ay + tm * dy, prepared)) continue
    const prev = parts[parts.length - 1]
    if (prev && Math.abs(prev[1] - t0) <= EPS) prev[1] = t1
    else parts.push([t0, t1])
  }
  if (parts.length > 0) {
    first = Math.min(first, parts[0]![0])
    last = Math.max(last, parts[parts.length - 1]![1])
  }
  return { meets: parts.length > 0 || touched, parts, first, last }
}
