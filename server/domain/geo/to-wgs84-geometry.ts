/**
 * Any GeoJSON geometry, from a resolved CRS to WGS84 longitude/latitude.
 *
 * GCJ-02 and BD-09 go through gcoord: they are obfuscation offsets, not datums, and proj4 knows
 * nothing of them (gcoord inverts GCJ-02 iteratively to 1e-6°, about 0.1 m, and leaves points
 * outside China untouched, as the offset is only applied inside). Everything else goes through
 * proj4; projected grids are first checked for swapped axes and wrong zone prefixes. Values after
 * x and y (Z, M) are carried through unchanged.
 */
import * as gcoordModule from 'gcoord'
import type { Geometry, Position } from 'geojson'
import proj4 from 'proj4'
import { checkGridAxes } from './check-grid-axes.js'
import { REPROJECTION_FAILED, type CrsProblem } from './crs-reasons.js'
import { findBbox, mapPositions } from './map-positions.js'
import type { ResolvedCrs } from './resolved-crs.js'

// gcoord is CommonJS (module.exports = the API object) with typings that say `export default`.
// Under NodeNext, TypeScript therefore believes the API sits one `.default` deeper than Node puts it;
// the cast states what Node really hands over.
const gcoord = gcoordModule.default as unknown as typeof gcoordModule.default.default

export type Wgs84Result<G extends Geometry> = { ok: true; geometry: G } | ({ ok: false } & CrsProblem)

type Forward = (xy: [number, number]) => [number, number]

// One proj4 converter per definition: building one parses the definition and derives constants,
// which would otherwise be repeated for each of thousands of features of one file.
// Definitions from uploaded .prj files are arbitrary text, so the cache is bounded.
const converters = new Map<string, Forward>()
const MAX_CACHED_CONVERTERS = 64

function findConverter(def: string): Forward {
  let forward = converters.get(def)
  if (!forward) {
    const converter = proj4(def, 'EPSG:4326')
    forward = (xy) => converter.forward(xy)
    if (converters.size >= MAX_CACHED_CONVERTERS) converters.clear()
    converters.set(def, forward)
  }
  return forward
}

function withRest(xy: [number, number], position: Position): Position {
  return position.length > 2 ? [xy[0], xy[1], ...position.slice(2)] : xy
}

function fromGcoord(crsFrom: typeof gcoord.GCJ02 | typeof gcoord.BD09): (position: Position) => Position {
  return (position) => {
    const [x = NaN, y = NaN] = position
    const [lon = NaN, lat = NaN] = gcoord.transform([x, y], crsFrom, gcoord.WGS84)
    return withRest([lon, lat], position)
  }
}

export function toWgs84Geometry<G extends Geometry>(geometry: G, crs: ResolvedCrs): Wgs84Result<G> {
  if (crs.kind === 'wgs84') return { ok: true, geometry }
  if (crs.kind === 'gcj02') return { ok: true, geometry: mapPositions(geometry, fromGcoord(gcoord.GCJ02)) }
  if (crs.kind === 'bd09') return { ok: true, geometry: mapPositions(geometry, fromGcoord(gcoord.BD09)) }

  const bbox = findBbox(geometry)
  if (bbox) {
    const problem = checkGridAxes(bbox, crs)
    if (problem) return { ok: false, ...problem }
  }
  const forward = findConverter(crs.def)
  let failed = false
  const projected = mapPositions(geometry, (position) => {
    const [x = NaN, y = NaN] = position
    const lonLat = forward([x, y])
    if (!Number.isFinite(lonLat[0]) || !Number.isFinite(lonLat[1])) failed = true
    return withRest(lonLat, position)
  })
  if (failed) {
    return {
      ok: false,
      reason: REPROJECTION_FAILED,
      message: `Some coordinates could not be converted from ${crs.code ?? crs.name} to WGS84.`,
    }
  }
  return { ok: true, geometry: projected }
}
