/**
 * Ring orientation, which the two formats zones travel in define oppositely:
 * GeoJSON (RFC 7946 §3.1.6) wants exterior rings counter-clockwise and holes clockwise; Shapefile
 * (ESRI white paper, 1998) wants exterior rings clockwise and holes counter-clockwise, and readers
 * use the orientation to tell holes from islands. Orientation is a property of the planar ring in
 * its own x/y; both longitude/latitude and east/north grids keep it.
 */
import type { Position } from 'geojson'

/** Twice the signed planar area (shoelace); positive for counter-clockwise with y pointing up. */
export function findDoubleSignedArea(ring: readonly Position[]): number {
  let sum = 0
  // Relative to the first vertex: the products stay small, so far-from-origin grid coordinates
  // (eastings of 39 500 000 m) keep their precision.
  const [x0 = 0, y0 = 0] = ring[0] ?? []
  for (let i = 1; i + 1 < ring.length; i++) {
    const [ax = 0, ay = 0] = ring[i] ?? []
    const [bx = 0, by = 0] = ring[i + 1] ?? []
    sum += (ax - x0) * (by - y0) - (bx - x0) * (ay - y0)
  }
  return sum
}

export type Winding = 'counterclockwise' | 'clockwise'

/**
 * The rings of one polygon, exterior first, turned so the exterior runs `exterior` and the holes
 * the other way. Reports whether anything was reversed. Rings without area are left as they are.
 */
export function orientPolygon(
  rings: readonly Position[][],
  exterior: Winding,
): { rings: Position[][]; changed: boolean } {
  let changed = false
  const oriented = rings.map((ring, i) => {
    const area = findDoubleSignedArea(ring)
    const wanted: Winding = (i === 0) === (exterior === 'counterclockwise') ? 'counterclockwise' : 'clockwise'
    const actual: Winding | null = area > 0 ? 'counterclockwise' : area < 0 ? 'clockwise' : null
    if (actual === null || actual === wanted) return ring
    changed = true
    return [...ring].reverse()
  })
  return { rings: oriented, changed }
}
