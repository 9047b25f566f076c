/**
 * Ellipsoidal polygon areas, computed without PostGIS, as the independent check on
 * `ST_Area(geography)` and for figures the pure code needs (mu and hectares on a zone list).
 *
 * Each polygon is projected to a Lambert azimuthal equal-area projection on the WGS84 ellipsoid
 * centred on that polygon, where planar area equals ellipsoidal area exactly; what remains is how
 * edges run between vertices. PostGIS follows geodesics; a straight line in the projection bends
 * away from the geodesic as edges grow (a 5° × 5° square comes out 0.08 % small), so edges longer
 * than 0.1° first get intermediate vertices along the great circle, which brings even that square
 * to about 1e-6. Measured against PostGIS ST_Area(geography): the 100 nc.shp counties agree to
 * 6e-6 relative (see geo-areas.test.ts). Not for polygons crossing the antimeridian, which zones in
 * China never do.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson'
import proj4 from 'proj4'
import { findDoubleSignedArea } from './ring-orientation.js'

/** 1 mu (亩) = 10000/15 m² (the market mu, 666.67 m², used in Chinese land statistics). */
export const SQUARE_METRES_PER_MU = 10_000 / 15
export const SQUARE_METRES_PER_HECTARE = 10_000

export function m2ToMu(m2: number): number {
  return m2 / SQUARE_METRES_PER_MU
}

export function m2ToHa(m2: number): number {
  return m2 / SQUARE_METRES_PER_HECTARE
}

function findCentre(rings: Position[][]): [number, number] {
  let minLon = Infinity
  let maxLon = -Infinity
  let minLat = Infinity
  let maxLat = -Infinity
  for (const [lon = 0, lat = 0] of rings[0] ?? []) {
    minLon = Math.min(minLon, lon)
    maxLon = Math.max(maxLon, lon)
    minLat = Math.min(minLat, lat)
    maxLat = Math.max(maxLat, lat)
  }
  return [(minLon + maxLon) / 2, (minLat + maxLat) / 2]
}

const RADIANS = Math.PI / 180
// Longest edge left as it is: 0.1° of arc, about 11 km, beyond the edges of any drawn zone.
const MAX_EDGE_RADIANS = 0.1 * RADIANS

function toUnitVector([lon = NaN, lat = NaN]: Position): [number, number, number] {
  const cosLat = Math.cos(lat * RADIANS)
  return [cosLat * Math.cos(lon * RADIANS), cosLat * Math.sin(lon * RADIANS), Math.sin(lat * RADIANS)]
}

/** The ring with points added along the great circle wherever an edge is longer than 0.1°. */
function densifyRing(ring: Position[]): [number, number][] {
  const dense: [number, number][] = []
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] ?? []
    dense.push([a[0] ?? NaN, a[1] ?? NaN])
    const b = ring[i + 1]
    if (!b) break
    const u = toUnitVector(a)
    const v = toUnitVector(b)
    const angle = Math.acos(Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2]))
    const steps = Math.ceil(angle / MAX_EDGE_RADIANS)
    for (let k = 1; k < steps; k++) {
      const t = k / steps
      const s = Math.sin((1 - t) * angle) / Math.sin(angle)
      const r = Math.sin(t * angle) / Math.sin(angle)
      const x = s * u[0] + r * v[0]
      const y = s * u[1] + r * v[1]
      const z = s * u[2] + r * v[2]
      dense.push([Math.atan2(y, x) / RADIANS, Math.atan2(z, Math.hypot(x, y)) / RADIANS])
    }
  }
  return dense
}

function findPolygonAreaM2(rings: Position[][]): number {
  if (rings.length === 0) return 0
  const [lon0, lat0] = findCentre(rings)
  const laea = proj4(
    'EPSG:4326',
    `+proj=laea +lat_0=${lat0} +lon_0=${lon0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`,
  )
  let area = 0
  rings.forEach((ring, i) => {
    const projected = densifyRing(ring).map((lonLat) => laea.forward(lonLat))
    // Exterior minus holes, whatever way each ring runs.
    const ringArea = Math.abs(findDoubleSignedArea(projected)) / 2
    area += i === 0 ? ringArea : -ringArea
  })
  return area
}

/** Area in m² on the WGS84 ellipsoid of a WGS84 (longitude/latitude) Polygon or MultiPolygon. */
export function geodesicAreaM2(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polygons.reduce((sum, rings) => sum + findPolygonAreaM2(rings), 0)
}
