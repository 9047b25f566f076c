import type { Geometry } from 'geojson'
import { resolveCrs } from '../../domain/geo/crs.js'
import { toWgs84Geometry } from '../../domain/geo/to-wgs84-geometry.js'
import { unprocessable, type ProblemDetailItem } from '../../errors.js'
import type { RoadInput } from './derive.js'

const ROAD_CLASS: Record<string, 'main' | 'rural'> = {
  main: 'main',
  rural: 'rural',
  主干: 'main',
  干线: 'main',
  公路干线: 'main',
  乡村: 'rural',
  乡村道路: 'rural',
}

function isPosition(p: unknown): boolean {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    p.every(Number.isFinite)
  )
}

/** Road centre lines: a FeatureCollection of (Multi)LineStrings with `road_class` main/rural. */
export function readRoadUpload(body: unknown, crsParam: string | undefined): RoadInput[] {
  const doc = body as { type?: unknown; features?: unknown; crs?: unknown } | null
  if (!doc || typeof doc !== 'object' || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw unprocessable('expected a GeoJSON FeatureCollection of road centre lines', [
      { path: '/', message: 'not a FeatureCollection', reason: 'NOT_FEATURE_COLLECTION' },
    ])
  const crs = resolveCrs({ param: crsParam, geojsonCrsMember: doc.crs, format: 'geojson' })
  if (!crs.ok)
    throw unprocessable(crs.message, [
      { path: crs.source === 'param' ? '/crs' : '/crs', message: crs.message, reason: crs.reason },
    ])
  const errors: ProblemDetailItem[] = []
  const roads: RoadInput[] = []
  doc.features.forEach((f: unknown, index: number) => {
    const feature = f as {
      type?: unknown
      geometry?: { type?: unknown; coordinates?: unknown }
      properties?: Record<string, unknown> | null
    }
    const base = `/features/${index}`
    const g = feature?.geometry
    const lines =
      g?.type === 'LineString'
        ? [g.coordinates]
        : g?.type === 'MultiLineString' && Array.isArray(g.coordinates)
          ? g.coordinates
          : null
    if (feature?.type !== 'Feature' || !lines) {
      errors.push({
        path: `${base}/geometry`,
        message: 'a road must be a LineString or MultiLineString',
        reason: 'NOT_LINE',
        index,
      })
      return
    }
    if (!lines.every((l) => Array.isArray(l) && l.length >= 2 && l.every(isPosition))) {
      errors.push({
        path: `${base}/geometry`,
        message: 'each line needs ≥ 2 numeric positions',
        reason: 'BAD_COORDINATES',
        index,
      })
      return
    }
    const cls = ROAD_CLASS[String(feature.properties?.road_class ?? feature.properties?.['道路等级'] ?? '')]
    if (!cls) {
      errors.push({
        path: `${base}/properties/road_class`,
        message: 'road_class must be "main" or "rural"',
        reason: 'BAD_ROAD_CLASS',
        index,
      })
      return
    }
    const converted = toWgs84Geometry(g as Geometry, crs.crs)
    if (!converted.ok) {
      errors.push({ path: `${base}/geometry`, message: converted.message, reason: converted.reason, index })
      return
    }
    roads.push({
      index,
      geometry: converted.geometry,
      road_class: cls,
      name: String(feature.properties?.name ?? feature.properties?.['名称'] ?? '').slice(0, 200),
    })
  })
  if (errors.length > 0)
    throw unprocessable(`${errors.length} road feature(s) refused; nothing was stored`, errors)
  return roads
}
