import { difference, featureCollection, intersect, multiPolygon } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { clipByConvex, clipByHalfPlane } from './half-plane-clip.js'
import {
  type MPoly,
  type Poly,
  type Pt,
  bboxOfMPoly,
  closeRing,
  hasProperCrossing,
  polyArea,
} from './planar.js'
import { bboxRing } from './voronoi.js'

/**
 * Polygon overlay through turf (polyclip-ts underneath). polyclip only does planar arithmetic, so it
 * works unchanged on the metric working coordinates. A failure (polyclip can throw on degenerate
 * input) comes back as null so the caller can drop that one piece instead of the whole run.
 */

function toFeature(mp: MPoly): Feature<MultiPolygon> {
  return multiPolygon(mp as number[][][][])
}

function fromFeature(f: Feature<Polygon | MultiPolygon> | null): MPoly {
  if (!f) return []
  const g = f.geometry
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MPoly
}

/**
 * Run an overlay and check its output. polyclip is not robust everywhere: now and then it throws on
 * valid input ("Unable to complete output ring", a known bug) or returns a ring with a small
 * bow-tie. Snapping the input to a fine grid moves it off the bad case, so the overlay is retried on
 * ever coarser grids (a micrometre up to a centimetre) until the output is simple.
 */
function checkedOverlay(run: (prep: (mp: MPoly) => MPoly) => MPoly): MPoly | null {
  for (const grid of [0, 1e-6, 1e-4, 1e-3, 1e-2]) {
    try {
      const out = run((mp) => (grid === 0 ? mp : snap(mp, grid)))
      if (!out.some(hasProperCrossing)) return out
    } catch {
      // next grid
    }
  }
  return null
}

export function intersectPolys(a: MPoly, b: MPoly): MPoly | null {
  if (a.length === 0 || b.length === 0) return []
  return checkedOverlay((prep) =>
    fromFeature(intersect(featureCollection([toFeature(prep(a)), toFeature(prep(b))]))),
  )
}

function snap(mp: MPoly, grid: number): MPoly {
  return mp.map((p) =>
    p.map((r) => r.map(([x, y]) => [Math.round(x / grid) * grid, Math.round(y / grid) * grid] as Pt)),
  )
}

/**
 * a minus all cutters. When the overlay fails even after snapping, the cutters are split in halves
 * until the one that trips it is alone. Null if that one still fails.
 */
export function subtractPolys(a: MPoly, others: readonly MPoly[]): MPoly | null {
  const cutters = others.filter((o) => o.length > 0)
  if (a.length === 0 || cutters.length === 0) return a
  const out = checkedOverlay((prep) =>
    fromFeature(
      difference(featureCollection([toFeature(prep(a)), ...cutters.map((c) => toFeature(prep(c)))])),
    ),
  )
  if (out !== null || cutters.length === 1) return out
  const mid = Math.ceil(cutters.length / 2)
  const first = subtractPolys(a, cutters.slice(0, mid))
  return first === null ? null : subtractPolys(first, cutters.slice(mid))
}

/** Drop holes smaller than minArea m² (pin-pricks left by overlay). */
export function dropSmallHoles(poly: Poly, minArea: number): Poly {
  return poly.filter((ring, i) => i === 0 || Math.abs(polyArea([ring])) >= minArea)
}

export function convexToMPoly(cell: readonly Pt[]): MPoly {
  const ring = cell.map((p) => [p[0], p[1]] as Pt)
  ring.push([(cell[0] as Pt)[0], (cell[0] as Pt)[1]])
  return [[ring]]
}

/**
 * Intersection with a convex polygon: the fast half-plane clipper, checked; if the input was
 * degenerate enough (zero-width spikes along a cut line) to give a crossing ring, polyclip redoes it.
 */
export function clipToConvex(mp: MPoly, convex: readonly Pt[]): MPoly {
  const fast = clipByConvex(mp, convex)
  if (!fast.some(hasProperCrossing)) return fast
  const ring = [...convex.map((p) => [p[0], p[1]] as Pt), [(convex[0] as Pt)[0], (convex[0] as Pt)[1]] as Pt]
  return intersectPolys(mp, [[ring]]) ?? fast
}

/** The part where a·x + b·y ≤ c, checked like clipToConvex. */
export function clipToHalfPlane(mp: MPoly, a: number, b: number, c: number): MPoly {
  const fast = clipByHalfPlane(mp, a, b, c)
  if (!fast.some(hasProperCrossing)) return fast
  const bb = bboxOfMPoly(mp)
  const frame: MPoly = [
    [closeRing(bboxRing({ minX: bb.minX - 10, minY: bb.minY - 10, maxX: bb.maxX + 10, maxY: bb.maxY + 10 }))],
  ]
  const half = clipByHalfPlane(frame, a, b, c)
  return intersectPolys(mp, half) ?? fast
}
