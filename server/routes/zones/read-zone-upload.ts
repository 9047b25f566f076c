import { resolveCrs } from '../../domain/geo/crs.js'
import { readShapefileZip } from '../../domain/geo/read-shapefile-zip.js'
import { describeCrs } from '../../domain/geo/resolved-crs.js'
import {
  validateFeatureCollection,
  validateGeoJsonText,
  type FeatureValidation,
} from '../../domain/geo/validate-features.js'
import { readZoneAttributes } from '../../domain/zones/zone-properties.js'
import { unprocessable } from '../../errors.js'
import type { FeatureProblem, StagedFeature } from '../plans/zone-import.js'
import type { ImportQuery } from '../plans/schemas.js'

export type UploadBody = { kind: 'json'; text: string } | { kind: 'zip'; bytes: Buffer }

export interface ZoneUpload {
  features: StagedFeature[]
  problems: FeatureProblem[]
  warnings: { index: number | null; message: string }[]
  featureCount: number
  crs: { code: string; source: string }
}

function crsCode(crs: FeatureValidation['crs']): string {
  if (!crs) return 'unknown'
  return 'code' in crs && typeof crs.code === 'string' ? crs.code : describeCrs(crs)
}

/**
 * Reads an uploaded zone file into WGS84 features with their zone attributes: structure, CRS and
 * coordinates by the pure geo checks, attributes by the zone rules. File-level problems (no CRS,
 * unreadable zip) stop here with a 422; per-feature problems are returned with their index.
 */
export async function readZoneUpload(body: UploadBody, query: ImportQuery): Promise<ZoneUpload> {
  let validation: FeatureValidation
  let featureCount: number
  let source: string
  if (body.kind === 'json') {
    validation = validateGeoJsonText(body.text, { crsParam: query.crs })
    const doc = safeCount(body.text)
    featureCount = doc
    source = query.crs ? 'param' : /"crs"\s*:/.test(body.text) ? 'geojson-crs-member' : 'rfc7946-default'
  } else {
    const shp = await readShapefileZip(body.bytes, { encoding: query.encoding ?? null })
    if (shp.errors.length > 0)
      throw unprocessable(
        `the zipped Shapefile cannot be read: ${shp.errors.map((e) => e.message).join('; ')}`,
        shp.errors.map((e) => ({ ...e })),
      )
    const crs = resolveCrs({ param: query.crs, prjText: shp.prjText, format: 'shapefile' })
    if (!crs.ok)
      throw unprocessable(crs.message, [
        {
          path: crs.source === 'prj' ? `/${shp.shpName ?? 'shp'}/prj` : '/querystring/crs',
          message: crs.message,
          reason: crs.reason,
        },
      ])
    source = crs.source
    featureCount = shp.features.length
    // Shapefile rings are clockwise by its own convention: turning them is not worth a warning.
    validation = validateFeatureCollection(
      { type: 'FeatureCollection', features: shp.features },
      { crs: crs.crs, winding: 'any' },
    )
    validation.warnings.push(...shp.warnings.map((w) => ({ ...w, reason: w.reason as never })))
    for (const note of crs.warnings)
      validation.warnings.push({ index: null, path: '', reason: 'CRS_NOTE' as never, message: note })
  }

  const fileLevel = validation.errors.filter((e) => e.index === null)
  if (fileLevel.length > 0)
    throw unprocessable(
      fileLevel.map((e) => e.message).join('; '),
      validation.errors.map((e) => ({ ...e, path: e.path || '/' })),
    )

  const problems: FeatureProblem[] = validation.errors.map((e) => ({
    index: e.index,
    path: e.path || `/features/${e.index}`,
    reason: e.reason,
    message: e.message,
  }))
  const features: StagedFeature[] = []
  for (const f of validation.features) {
    const props =
      query.category && !hasCategory(f.properties)
        ? { ...f.properties, category: query.category }
        : f.properties
    const attrs = readZoneAttributes(props, `/features/${f.index}/properties`)
    if (!attrs.ok) {
      problems.push(...attrs.problems.map((p) => ({ index: f.index, ...p })))
      continue
    }
    features.push({ index: f.index, geometry: f.geometry, attrs: attrs.value })
  }
  return {
    features,
    problems,
    warnings: validation.warnings.map((w) => ({ index: w.index, message: w.message })),
    featureCount: Math.max(featureCount, features.length + new Set(problems.map((p) => p.index)).size),
    crs: { code: crsCode(validation.crs), source },
  }
}

function hasCategory(props: Record<string, unknown> | null | undefined): boolean {
  return ['category', 'CATEGORY', '类别', '类型', 'zone_type'].some(
    (k) => props?.[k] !== undefined && props?.[k] !== null && props?.[k] !== '',
  )
}

function safeCount(text: string): number {
  try {
    const doc = JSON.parse(text) as { type?: string; features?: unknown[] }
    return doc?.type === 'FeatureCollection' && Array.isArray(doc.features) ? doc.features.length : 1
  } catch {
    return 0
  }
}
