import type { Geometry, Position } from 'geojson'
import vtpbf, { type GeojsonVtFeature } from 'vt-pbf'
import { orientTileRing, type TilePosition } from './ring-winding.js'
import { TILE_EXTENT } from './tile-grid.js'

/** MVT property values; `null` is left out of the tile (the format has no null). */
export type TilePropertyValue = string | number | boolean | null

/** One feature whose geometry is already in tile units (0..4096, y down), as the SQL pipeline returns it. */
export interface TileSpaceFeature {
  geometry: Geometry
  properties: Record<string, TilePropertyValue>
  /** MVT feature ids are unsigned integers; UUIDs go into properties instead. */
  id?: number
}

const toTilePosition = (p: Position): TilePosition => [Math.round(p[0] ?? 0), Math.round(p[1] ?? 0)]

/** A ring as vt-pbf wants it: closed (it drops the closing point itself and writes ClosePath). */
function closedRing(positions: readonly Position[]): TilePosition[] {
  const ring = positions.map(toTilePosition)
  const first = ring[0]
  const last = ring[ring.length - 1]
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push(first)
  return ring
}

/**
 * The rings of polygons, flattened in order (exterior, its holes, next exterior …) and wound as
 * the spec wants; a polygon whose exterior collapsed is dropped with its holes, a collapsed hole alone.
 */
function polygonRings(polygons: readonly (readonly (readonly Position[])[])[]): TilePosition[][] {
  const rings: TilePosition[][] = []
  for (const polygon of polygons) {
    const [exterior, ...holes] = polygon
    if (!exterior) continue
    const outer = orientTileRing(closedRing(exterior), 'exterior')
    if (!outer || outer.length < 4) continue
    rings.push(outer)
    for (const hole of holes) {
      const inner = orientTileRing(closedRing(hole), 'interior')
      if (inner && inner.length >= 4) rings.push(inner)
    }
  }
  return rings
}

function lineStrings(lines: readonly (readonly Position[])[]): TilePosition[][] {
  return lines.map((line) => line.map(toTilePosition)).filter((line) => line.length >= 2)
}

/** The geojson-vt form of one tile-space geometry; `undefined` when nothing drawable is left. */
export function toGeojsonVtGeometry(
  geometry: Geometry,
): Pick<GeojsonVtFeature, 'type' | 'geometry'> | undefined {
  let type: 1 | 2 | 3
  let parts: TilePosition[] | TilePosition[][]
  switch (geometry.type) {
    case 'Point':
      type = 1
      parts = [toTilePosition(geometry.coordinates)]
      break
    case 'MultiPoint':
      type = 1
      parts = geometry.coordinates.map(toTilePosition)
      break
    case 'LineString':
      type = 2
      parts = lineStrings([geometry.coordinates])
      break
    case 'MultiLineString':
      type = 2
      parts = lineStrings(geometry.coordinates)
      break
    case 'Polygon':
      type = 3
      parts = polygonRings([geometry.coordinates])
      break
    case 'MultiPolygon':
      type = 3
      parts = polygonRings(geometry.coordinates)
      break
    default:
      // A GeometryCollection has no single MVT type; the SQL pipeline never yields one for a layer
      // of one geometry kind.
      return undefined
  }
  if (parts.length === 0) return undefined
  return { type, geometry: parts as GeojsonVtFeature['geometry'] }
}

export interface EncodedTile {
  /** MVT 2.1 protobuf bytes; a valid tile with an empty layer when `featureCount` is 0. */
  bytes: Uint8Array
  /** Features written (those with nothing drawable left are not). */
  featureCount: number
}

/** Encodes tile-space features as one MVT 2.1 layer; callers decide whether to send an empty one. */
export function encodeMvtLayer(layerName: string, features: readonly TileSpaceFeature[]): EncodedTile {
  const vtFeatures: GeojsonVtFeature[] = []
  for (const feature of features) {
    const geometry = toGeojsonVtGeometry(feature.geometry)
    if (!geometry) continue
    vtFeatures.push({
      ...geometry,
      tags: feature.properties,
      ...(feature.id !== undefined ? { id: feature.id } : {}),
    })
  }
  const bytes = vtpbf.fromGeojsonVt(
    { [layerName]: { features: vtFeatures } },
    { version: 2, extent: TILE_EXTENT },
  )
  return { bytes, featureCount: vtFeatures.length }
}
