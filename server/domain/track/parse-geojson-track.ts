import type { RawTrack } from './raw-track.js'
import type { ParseTrackOptions } from './parse-track-options.js'
import { assembleRawTrack, type LocatedCandidate } from './assemble-raw-track.js'
import { TrackInputError, type TrackErrorItem } from './track-errors.js'
import {
  JSON_MALFORMED,
  POSITION_MALFORMED,
  TIMES_MISMATCH,
  TIME_MISSING,
  TRACK_SHAPE_UNSUPPORTED,
} from './track-input-reasons.js'

export interface ParseGeojsonTrackOptions extends ParseTrackOptions {
  /** JSON Pointer of the track inside the request body, prefixed to every error path. Default '/track'. */
  basePath?: string
}

type Json = Record<string, unknown>

interface Collected {
  candidates: LocatedCandidate[]
  segmentStarts: number[]
  errors: TrackErrorItem[]
  waypoints: number
}

/**
 * Reads a track posted as GeoJSON (design.md, POST /patrols): a Feature (or FeatureCollection of
 * Features) with a LineString or MultiLineString geometry and one time per coordinate, or a
 * FeatureCollection of Point features each with `properties.time`.
 *
 * Times per coordinate come from `properties.coordTimes` (the API contract; togeojson ≤ 5 and many
 * KML/GPX converters) or `properties.coordinateProperties.times` (togeojson ≥ 6), as a flat array for
 * a LineString or an array per part for a MultiLineString. Point features beside a line are counted
 * as waypoints, not track points. A bare geometry is accepted as a shape but has nowhere to carry
 * times, so it fails with that said.
 *
 * Error paths are JSON Pointers into the request body (`/track/geometry/coordinates/17`).
 */
export function parseGeojsonTrack(input: unknown, options: ParseGeojsonTrackOptions = {}): RawTrack {
  const base = options.basePath ?? '/track'
  const value = typeof input === 'string' ? parseJson(input, base) : input
  const collected: Collected = { candidates: [], segmentStarts: [], errors: [], waypoints: 0 }

  if (!isObject(value)) {
    throw shapeError(base, 'the track must be a GeoJSON Feature, FeatureCollection or geometry object')
  }
  if (value.type === 'FeatureCollection') collectFeatureCollection(value, base, collected)
  else if (value.type === 'Feature' && isObject(value.geometry) && value.geometry.type === 'Point') {
    // A lone Point Feature is one point: reported as "only one point", which is what is wrong with it.
    collected.segmentStarts.push(0)
    collectPointFeature(value, base, collected)
  } else if (value.type === 'Feature') collectLineFeature(value, base, collected)
  else if (value.type === 'LineString' || value.type === 'MultiLineString') {
    throw shapeError(
      base,
      `a bare ${value.type} has no properties to carry times; send a Feature with properties.coordTimes`,
      TIME_MISSING,
    )
  } else {
    throw shapeError(
      `${base}/type`,
      `type ${JSON.stringify(value.type)} is not a track (LineString, MultiLineString or Point features)`,
    )
  }

  return assembleRawTrack(
    {
      candidates: collected.candidates,
      segmentStarts: collected.segmentStarts,
      trackPath: base,
      label: 'GeoJSON track',
      waypoints: collected.waypoints,
      errors: collected.errors,
    },
    options,
  )
}

function collectFeatureCollection(fc: Json, base: string, out: Collected): void {
  const features = fc.features
  if (!Array.isArray(features))
    throw shapeError(`${base}/features`, 'a FeatureCollection needs a features array')
  const lines: number[] = []
  const points: number[] = []
  features.forEach((feature: unknown, i) => {
    const path = `${base}/features/${i}`
    const type = isObject(feature) && isObject(feature.geometry) ? feature.geometry.type : undefined
    if (type === 'LineString' || type === 'MultiLineString') lines.push(i)
    else if (type === 'Point') points.push(i)
    else {
      out.errors.push({
        path: `${path}/geometry`,
        reason: TRACK_SHAPE_UNSUPPORTED,
        message: `a track feature needs a LineString, MultiLineString or Point geometry, not ${describeGeometry(feature)}`,
      })
    }
  })
  if (lines.length > 0) {
    // A converted GPX (togeojson) puts waypoints beside the track as Point features.
    out.waypoints = points.length
    for (const i of lines) collectLineFeature(features[i] as Json, `${base}/features/${i}`, out)
    return
  }
  out.segmentStarts.push(0)
  for (const i of points) collectPointFeature(features[i] as Json, `${base}/features/${i}`, out)
}

function collectPointFeature(feature: Json, path: string, out: Collected): void {
  const geometry = feature.geometry as Json
  const properties = isObject(feature.properties) ? feature.properties : {}
  const position = geometry.coordinates
  if (!Array.isArray(position)) {
    out.errors.push({
      path: `${path}/geometry/coordinates`,
      reason: POSITION_MALFORMED,
      message: 'a Point needs coordinates [lon, lat]',
    })
    return
  }
  out.candidates.push({
    path,
    candidate: {
      lon: position[0],
      lat: position[1],
      ele: position[2],
      time: properties.time,
      accuracy: properties.accuracy,
      hdop: properties.hdop,
      textual: false,
    },
  })
}

function collectLineFeature(feature: Json, path: string, out: Collected): void {
  const geometry = feature.geometry
  if (!isObject(geometry) || (geometry.type !== 'LineString' && geometry.type !== 'MultiLineString')) {
    throw shapeError(
      `${path}/geometry`,
      `a track Feature needs a LineString or MultiLineString geometry, not ${describeGeometry(feature)}`,
    )
  }
  const properties = isObject(feature.properties) ? feature.properties : {}
  const times = findTimes(properties, path)
  const coordinates = geometry.coordinates
  if (!Array.isArray(coordinates)) {
    out.errors.push({
      path: `${path}/geometry/coordinates`,
      reason: POSITION_MALFORMED,
      message: 'coordinates must be an array',
    })
    return
  }
  const parts: unknown[][] =
    geometry.type === 'LineString'
      ? [coordinates]
      : coordinates.map((part, k) => {
          if (Array.isArray(part)) return part
          out.errors.push({
            path: `${path}/geometry/coordinates/${k}`,
            reason: POSITION_MALFORMED,
            message: 'each part of a MultiLineString must be an array of positions',
          })
          return []
        })
  const partPaths =
    geometry.type === 'LineString'
      ? [`${path}/geometry/coordinates`]
      : parts.map((_, k) => `${path}/geometry/coordinates/${k}`)
  const partTimes = alignTimes(times, parts, geometry.type, path, out.errors)

  parts.forEach((part, k) => {
    out.segmentStarts.push(out.candidates.length)
    part.forEach((position, i) => {
      if (!Array.isArray(position)) {
        out.errors.push({
          path: `${partPaths[k]}/${i}`,
          reason: POSITION_MALFORMED,
          message: 'a position must be [lon, lat]',
        })
        return
      }
      out.candidates.push({
        path: partPaths[k]!,
        index: i,
        candidate: {
          lon: position[0],
          lat: position[1],
          ele: position[2],
          // Without aligned times every point would also read "time missing"; the problem is already
          // reported once for the array (so the track is rejected) and the points' coordinates are
          // still checked.
          time: partTimes ? partTimes[k]?.[i] : UNALIGNED_TIME,
          textual: false,
        },
      })
    })
  })
}

/** Stands in for a time when the times cannot be aligned with the coordinates (already reported). */
const UNALIGNED_TIME = 0

interface FoundTimes {
  values: unknown
  path: string
}

function findTimes(properties: Json, featurePath: string): FoundTimes | undefined {
  if (properties.coordTimes !== undefined) {
    return { values: properties.coordTimes, path: `${featurePath}/properties/coordTimes` }
  }
  const nested = properties.coordinateProperties
  if (isObject(nested) && nested.times !== undefined) {
    return { values: nested.times, path: `${featurePath}/properties/coordinateProperties/times` }
  }
  return undefined
}

/**
 * Pairs the times with the coordinates, part by part. Returns undefined (after recording why) when
 * they cannot be paired: guessing which time belongs to which point would put a patrol in the wrong
 * place at the wrong time, so a count mismatch is one error for the whole array.
 */
function alignTimes(
  found: FoundTimes | undefined,
  parts: unknown[][],
  geometryType: 'LineString' | 'MultiLineString',
  featurePath: string,
  errors: TrackErrorItem[],
): unknown[][] | undefined {
  const total = parts.reduce((sum, part) => sum + part.length, 0)
  if (!found) {
    errors.push({
      path: `${featurePath}/properties/coordTimes`,
      reason: TIME_MISSING,
      message: 'properties.coordTimes is missing: a track needs one time per coordinate',
    })
    return undefined
  }
  const values = found.values
  if (!Array.isArray(values)) {
    errors.push({ path: found.path, reason: TIMES_MISMATCH, message: 'times must be an array' })
    return undefined
  }
  const nested = values.length > 0 && values.every((v) => Array.isArray(v))
  if (geometryType === 'MultiLineString' && nested) {
    const lengthsMatch =
      values.length === parts.length &&
      parts.every((part, k) => (values[k] as unknown[]).length === part.length)
    if (lengthsMatch) return values as unknown[][]
    errors.push({
      path: found.path,
      reason: TIMES_MISMATCH,
      message: `times per part (${values.map((v) => (v as unknown[]).length).join(', ')}) do not match coordinates per part (${parts.map((p) => p.length).join(', ')})`,
    })
    return undefined
  }
  if (values.length !== total || nested) {
    errors.push({
      path: found.path,
      reason: TIMES_MISMATCH,
      message: `${values.length} times for ${total} coordinates; each coordinate needs its own time`,
    })
    return undefined
  }
  // A flat list for a MultiLineString is split part by part in coordinate order.
  const aligned: unknown[][] = []
  let offset = 0
  for (const part of parts) {
    aligned.push(values.slice(offset, offset + part.length))
    offset += part.length
  }
  return aligned
}

function parseJson(text: string, base: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new TrackInputError('the track is not valid JSON', [
      {
        path: base,
        reason: JSON_MALFORMED,
        message: error instanceof Error ? error.message : 'invalid JSON',
      },
    ])
  }
}

function shapeError(
  path: string,
  message: string,
  reason: TrackErrorItem['reason'] = TRACK_SHAPE_UNSUPPORTED,
) {
  return new TrackInputError('the GeoJSON is not a patrol track', [{ path, reason, message }])
}

function describeGeometry(feature: unknown): string {
  if (!isObject(feature)) return 'a non-object'
  if (feature.geometry === null) return 'a null geometry'
  if (!isObject(feature.geometry)) return 'a missing geometry'
  return JSON.stringify(feature.geometry.type)
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
