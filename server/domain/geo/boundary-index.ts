/**
 * A (multi)polygon prepared for many point-in-polygon tests: its edges sorted into horizontal
 * slabs, so a point is tested against the few edges of its slab (a county boundary of 20,000
 * vertices has a few dozen per slab) instead of all of them. A point on an edge or vertex counts
 * as covered, as PostGIS's ST_Intersects and ST_Covers have it; holes and several polygons are
 * handled by the even–odd rule over all rings (valid polygons: holes inside their shell, shells
 * apart).
 */
export interface BoundaryIndex {
  /** does the closed polygon (interior or boundary) hold the point? */
  covers(x: number, y: number): boolean
}

/** Rings as flat [x0, y0, x1, y1, …] arrays, closed or not (a closing edge is implied). */
export function indexBoundary(rings: readonly Float64Array[]): BoundaryIndex {
  let minY = Infinity
  let maxY = -Infinity
  let minX = Infinity
  let maxX = -Infinity
  let edges = 0
  for (const ring of rings) {
    for (let k = 0; k < ring.length; k += 2) {
      const x = ring[k]!
      const y = ring[k + 1]!
      if (y < minY) minY = y
      if (y > maxY) maxY = y
      if (x < minX) minX = x
      if (x > maxX) maxX = x
    }
    edges += ring.length / 2
  }
  if (edges === 0) return { covers: () => false }
  // about 8 edges per slab on average; an edge goes into every slab its y-range meets
  const slabs = Math.max(1, Math.min(4096, Math.ceil(edges / 8)))
  const height = (maxY - minY) / slabs || 1
  const slabOf = (y: number) => Math.min(slabs - 1, Math.max(0, Math.floor((y - minY) / height)))
  const lists: number[][] = Array.from({ length: slabs }, () => [])
  for (const ring of rings) {
    const n = ring.length / 2
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n
      const y1 = ring[2 * i + 1]!
      const y2 = ring[2 * j + 1]!
      const x1 = ring[2 * i]!
      const x2 = ring[2 * j]!
      if (x1 === x2 && y1 === y2) continue
      const last = slabOf(Math.max(y1, y2))
      for (let s = slabOf(Math.min(y1, y2)); s <= last; s++) lists[s]!.push(x1, y1, x2, y2)
    }
  }
  const slabEdges = lists.map((l) => Float64Array.from(l))
  return {
    covers(x, y) {
      if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) return false
      const e = slabEdges[slabOf(y)]!
      let inside = false
      for (let k = 0; k < e.length; k += 4) {
        const x1 = e[k]!
        const y1 = e[k + 1]!
        const x2 = e[k + 2]!
        const y2 = e[k + 3]!
        // on the edge: collinear and within its box
        if (
          (x2 - x1) * (y - y1) === (y2 - y1) * (x - x1) &&
          x >= Math.min(x1, x2) &&
          x <= Math.max(x1, x2) &&
          y >= Math.min(y1, y2) &&
          y <= Math.max(y1, y2)
        )
          return true
        // the ray to +x crosses the edge (half-open in y, so a vertex is counted once)
        if (y1 > y !== y2 > y && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside
      }
      return inside
    },
  }
}
