/**
 * A copy of a GeoJSON geometry with every position passed through a function; the input is never
 * mutated (gcoord's own transform rewrites its argument in place, which a validator must not do).
 */
import type { Geometry, Position } from 'geojson'

export function mapPositions<G extends Geometry>(geometry: G, fn: (position: Position) => Position): G {
  switch (geometry.type) {
    case 'Point':
      return { ...geometry, coordinates: fn(geometry.coordinates) }
    case 'MultiPoint':
    case 'LineString':
      return { ...geometry, coordinates: geometry.coordinates.map(fn) }
    case 'MultiLineString':
    case 'Polygon':
      return { ...geometry, coordinates: geometry.coordinates.map((line) => line.map(fn)) }
    case 'MultiPolygon':
      return {
        ...geometry,
        coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(fn))),
      }
    case 'GeometryCollection':
      return { ...geometry, geometries: geometry.geometries.map((g) => mapPositions(g, fn)) }
  }
}

/** Every position of a geometry, in file order. */
export function* listPositions(geometry: Geometry): Generator<Position> {
  switch (geometry.type) {
    case 'Point':
      yield geometry.coordinates
      return
    case 'MultiPoint':
    case 'LineString':
      yield* geometry.coordinates
      return
    case 'MultiLineString':
    case 'Polygon':
      for (const line of geometry.coordinates) yield* line
      return
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) for (const ring of polygon) yield* ring
      return
    case 'GeometryCollection':
      for (const g of geometry.geometries) yield* listPositions(g)
  }
}

/** [minX, minY, maxX, maxY] of a geometry, or null when it has no positions. */
export function findBbox(geometry: Geometry): [number, number, number, number] | null {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const [x, y] of listPositions(geometry)) {
    if (x === undefined || y === undefined) continue
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  return minX === Infinity ? null : [minX, minY, maxX, maxY]
}
