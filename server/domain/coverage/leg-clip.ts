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

/** Even–odd point-in-polygon over all rings of all polygons. */
export function pointInRings(x: number, y: number, polygons: readonly Rings[]): boolean {
  let inside = false
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, n = ring.length; i < n - 1; i++) {
        const a = ring[i]!
        const b = ring[i + 1]!
        const ay = a[1]!
        const by = b[1]!
        if (ay > y !== by > y && x < a[0]! + ((y - ay) / (by - ay)) * (b[0]! - a[0]!)) inside = !inside
      }
    }
  }
  return inside
}

const EPS = 1e-12

export function legInside(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  polygons: readonly Rings[],
): LegInside {
  const dx = bx - ax
  const dy = by - ay
  if (dx === 0 && dy === 0) {
    const inside = pointInRings(ax, ay, polygons)
    return { meets: inside, parts: inside ? [[0, 1]] : [], first: 0, last: 1 }
  }
  const cuts: number[] = [0, 1]
  let touched = false
  let first = Infinity
  let last = -Infinity
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, n = ring.length; i < n - 1; i++) {
        const cx = ring[i]![0]!
        const cy = ring[i]![1]!
        const ex = ring[i + 1]![0]! - cx
        const ey = ring[i + 1]![1]! - cy
        const denom = dx * ey - dy * ex
        const qx = cx - ax
        const qy = cy - ay
        if (Math.abs(denom) > EPS) {
          const t = (qx * ey - qy * ex) / denom
          const u = (qx * dy - qy * dx) / denom
          if (t >= -EPS && t <= 1 + EPS && u >= -EPS && u <= 1 + EPS) {
            const tc = Math.min(1, Math.max(0, t))
            cuts.push(tc)
            touched = true
            first = Math.min(first, tc)
            last = Math.max(last, tc)
          }
        } else if (Math.abs(qx * dy - qy * dx) <= EPS * Math.hypot(dx, dy) * Math.hypot(qx, qy) + EPS) {
          // collinear: the edge's ends projected on the leg
          const len2 = dx * dx + dy * dy
          for (const t of [(qx * dx + qy * dy) / len2, ((qx + ex) * dx + (qy + ey) * dy) / len2]) {
            if (t >= 0 && t <= 1) {
              cuts.push(t)
              touched = true
              first = Math.min(first, t)
              last = Math.max(last, t)
            }
          }
        }
      }
    }
  }
  cuts.sort((p, q) => p - q)
  const parts: [number, number][] = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const t0 = cuts[i]!
    const t1 = cuts[i + 1]!
    if (t1 - t0 <= EPS) continue
    const tm = (t0 + t1) / 2
    if (!pointInRings(ax + tm * dx, ay + tm * dy, polygons)) continue
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
