/**
 * Plane geometry in the generator's working CRS (a local transverse Mercator in metres, see
 * projection.ts). Everything is built in metres so distances, buffers and GPS noise are plain
 * arithmetic; conversion to WGS84 happens once, when files are written.
 */

export type Pt = [number, number]
/** Closed ring: first point repeated at the end. */
export type Ring = Pt[]
/** Exterior ring followed by holes. */
export type Poly = Ring[]
export type MPoly = Poly[]

export interface BBox {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

export function distance(a: Pt, b: Pt): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1])
}

export function lerp(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
}

/** Shoelace area, positive for counter-clockwise rings. */
export function signedRingArea(ring: readonly Pt[]): number {
  let s = 0
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i] as Pt
    const q = ring[(i + 1) % n] as Pt
    s += p[0] * q[1] - q[0] * p[1]
  }
  return s / 2
}

export function polyArea(poly: Poly): number {
  let a = 0
  poly.forEach((ring, i) => {
    const r = Math.abs(signedRingArea(ring))
    a += i === 0 ? r : -r
  })
  return a
}

export function mpolyArea(mp: MPoly): number {
  let a = 0
  for (const p of mp) a += polyArea(p)
  return a
}

export function closeRing(pts: readonly Pt[]): Ring {
  const first = pts[0] as Pt
  const last = pts[pts.length - 1] as Pt
  const ring = pts.map((p) => [p[0], p[1]] as Pt)
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]])
  return ring
}

export function emptyBBox(): BBox {
  return { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity }
}

export function bboxOfPts(pts: readonly Pt[], into: BBox = emptyBBox()): BBox {
  for (const p of pts) {
    if (p[0] < into.minX) into.minX = p[0]
    if (p[1] < into.minY) into.minY = p[1]
    if (p[0] > into.maxX) into.maxX = p[0]
    if (p[1] > into.maxY) into.maxY = p[1]
  }
  return into
}

export function bboxOfMPoly(mp: MPoly): BBox {
  const b = emptyBBox()
  for (const p of mp) bboxOfPts(p[0] as Ring, b)
  return b
}

export function bboxIntersects(a: BBox, b: BBox, margin = 0): boolean {
  return (
    a.minX <= b.maxX + margin &&
    b.minX <= a.maxX + margin &&
    a.minY <= b.maxY + margin &&
    b.minY <= a.maxY + margin
  )
}

export function bboxContainsPt(b: BBox, p: Pt): boolean {
  return p[0] >= b.minX && p[0] <= b.maxX && p[1] >= b.minY && p[1] <= b.maxY
}

/** Even–odd ray casting; works for open or closed rings. */
export function pointInRing(p: Pt, ring: readonly Pt[]): boolean {
  let inside = false
  const [x, y] = p
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Pt
    const b = ring[j] as Pt
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside
  }
  return inside
}

export function pointInPoly(p: Pt, poly: Poly): boolean {
  if (!pointInRing(p, poly[0] as Ring)) return false
  for (let i = 1; i < poly.length; i++) if (pointInRing(p, poly[i] as Ring)) return false
  return true
}

export function pointInMPoly(p: Pt, mp: MPoly): boolean {
  return mp.some((poly) => pointInPoly(p, poly))
}

export function distPointSegment(p: Pt, a: Pt, b: Pt): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2
  t = Math.max(0, Math.min(1, t))
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))
}

export function distPointRing(p: Pt, ring: readonly Pt[]): number {
  let best = Infinity
  for (let i = 0; i + 1 < ring.length; i++) {
    const d = distPointSegment(p, ring[i] as Pt, ring[i + 1] as Pt)
    if (d < best) best = d
  }
  return best
}

function orient(a: Pt, b: Pt, c: Pt): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/** True when segments ab and cd share any point (touching counts). */
export function segmentsIntersect(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(a, b, c)
  const o2 = orient(a, b, d)
  const o3 = orient(c, d, a)
  const o4 = orient(c, d, b)
  if (o1 * o2 < 0 && o3 * o4 < 0) return true
  const onSeg = (p: Pt, q: Pt, r: Pt) =>
    Math.min(p[0], q[0]) <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= r[1] &&
    r[1] <= Math.max(p[1], q[1])
  if (o1 === 0 && onSeg(a, b, c)) return true
  if (o2 === 0 && onSeg(a, b, d)) return true
  if (o3 === 0 && onSeg(c, d, a)) return true
  if (o4 === 0 && onSeg(c, d, b)) return true
  return false
}

/** Does segment ab cross (or touch) the ring? */
export function segmentHitsRing(a: Pt, b: Pt, ring: readonly Pt[]): boolean {
  const minX = Math.min(a[0], b[0])
  const maxX = Math.max(a[0], b[0])
  const minY = Math.min(a[1], b[1])
  const maxY = Math.max(a[1], b[1])
  for (let i = 0; i + 1 < ring.length; i++) {
    const c = ring[i] as Pt
    const d = ring[i + 1] as Pt
    if (Math.max(c[0], d[0]) < minX || Math.min(c[0], d[0]) > maxX) continue
    if (Math.max(c[1], d[1]) < minY || Math.min(c[1], d[1]) > maxY) continue
    if (segmentsIntersect(a, b, c, d)) return true
  }
  return false
}

/** Area-weighted centroid of a simple ring. */
export function ringCentroid(ring: readonly Pt[]): Pt {
  let a = 0
  let cx = 0
  let cy = 0
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i] as Pt
    const q = ring[(i + 1) % n] as Pt
    const f = p[0] * q[1] - q[0] * p[1]
    a += f
    cx += (p[0] + q[0]) * f
    cy += (p[1] + q[1]) * f
  }
  if (a === 0) return [(ring[0] as Pt)[0], (ring[0] as Pt)[1]]
  return [cx / (3 * a), cy / (3 * a)]
}

/** Length of a polyline. */
export function lineLength(pts: readonly Pt[]): number {
  let s = 0
  for (let i = 0; i + 1 < pts.length; i++) s += distance(pts[i] as Pt, pts[i + 1] as Pt)
  return s
}

/**
 * Do two polygon sets share any area or boundary point? Exact for simple rings: some edges cross, or
 * one ring lies inside the other. Cheap next to an overlay, so it filters what an overlay must see.
 */
export function polysTouch(a: readonly Poly[], b: readonly Poly[]): boolean {
  const ringsA = a.flat()
  const ringsB = b.flat()
  const boxesB = ringsB.map((r) => bboxOfPts(r))
  for (const ra of ringsA) {
    const ba = bboxOfPts(ra)
    for (let k = 0; k < ringsB.length; k++) {
      const rb = ringsB[k] as Ring
      if (!bboxIntersects(ba, boxesB[k] as BBox)) continue
      for (let i = 0; i + 1 < ra.length; i++) {
        const p = ra[i] as Pt
        const q = ra[i + 1] as Pt
        if (segmentHitsRing(p, q, rb)) return true
      }
    }
  }
  // no crossing edges: one is inside the other or they are apart. Any single vertex may lie on the
  // other's boundary (shapes cut from each other share edges), so probe every vertex
  for (const ra of ringsA) for (const p of ra) if (b.some((poly) => pointInPoly(p, poly))) return true
  for (const rb of ringsB) for (const p of rb) if (a.some((poly) => pointInPoly(p, poly))) return true
  return false
}

/**
 * Does any pair of edges of the polygon (across all its rings) cross properly, i.e. each strictly
 * separates the other's end points? Touching is allowed. A sweep over x keeps it near-linear.
 */
export function hasProperCrossing(poly: Poly): boolean {
  const segs: { a: Pt; b: Pt; minX: number; maxX: number; minY: number; maxY: number }[] = []
  for (const r of poly) {
    for (let i = 0; i + 1 < r.length; i++) {
      const a = r[i] as Pt
      const b = r[i + 1] as Pt
      segs.push({
        a,
        b,
        minX: Math.min(a[0], b[0]),
        maxX: Math.max(a[0], b[0]),
        minY: Math.min(a[1], b[1]),
        maxY: Math.max(a[1], b[1]),
      })
    }
  }
  segs.sort((s, t) => s.minX - t.minX)
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i] as (typeof segs)[number]
    for (let j = i + 1; j < segs.length; j++) {
      const t = segs[j] as (typeof segs)[number]
      if (t.minX > s.maxX) break
      if (t.minY > s.maxY || t.maxY < s.minY) continue
      if (
        orient(s.a, s.b, t.a) * orient(s.a, s.b, t.b) < 0 &&
        orient(t.a, t.b, s.a) * orient(t.a, t.b, s.b) < 0
      )
        return true
    }
  }
  return false
}
