import type { FastifyRequest } from 'fastify'
import { badRequest, type ProblemDetailItem } from '../../errors.js'
import type { PatrolKind } from '../../domain/coverage/patrol-kinds.js'
import type { PatrolSubmission, TrackFormat } from './ingest.js'
import type { PostPatrolBody, PostPatrolQuery } from './schemas.js'

/** Media types of a track body and the format each carries. */
export const TRACK_MEDIA_TYPES: Readonly<Record<string, TrackFormat>> = {
  'application/gpx+xml': 'gpx',
  'application/xml': 'gpx',
  'text/xml': 'gpx',
  'text/csv': 'csv',
  'application/geo+json': 'geojson',
}

/** The body of a non-JSON post, as text (parsed by the track parsers, which name bad points). */
export interface TrackText {
  trackText: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The submission from either form: a JSON body with metadata and track together, or a track body
 * (GPX, CSV, bare GeoJSON) with the metadata in the query string.
 */
export function readSubmission(request: FastifyRequest): PatrolSubmission {
  const query = request.query as PostPatrolQuery
  const body = request.body as PostPatrolBody | TrackText | undefined
  if (body === undefined || body === null)
    throw badRequest('the patrol is missing', [
      { path: '/', message: 'send JSON, GPX (application/gpx+xml) or CSV (text/csv)' },
    ])
  if (!('trackText' in body)) {
    const misplaced = Object.keys(query)
    if (misplaced.length > 0) {
      throw badRequest(
        'with a JSON body the patrol metadata goes in the body, not the query string',
        misplaced.map((k) => ({ path: `/query/${k}`, message: 'not allowed with application/json' })),
      )
    }
    return {
      externalId: body.external_id,
      unitId: body.unit_id,
      staff: body.staff,
      kind: body.kind,
      crs: body.crs,
      format: 'geojson',
      track: body.track,
      trackPath: '/track',
    }
  }

  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const format = TRACK_MEDIA_TYPES[mediaType] ?? 'gpx'
  const errors: ProblemDetailItem[] = []
  for (const key of ['external_id', 'unit_id', 'staff', 'kind'] as const) {
    if (query[key] === undefined)
      errors.push({ path: `/query/${key}`, message: 'is required with a track body' })
  }
  const staff = (query.staff ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  staff.forEach((id, i) => {
    if (!UUID.test(id))
      errors.push({ path: `/staff/${i}`, message: `${JSON.stringify(id)} is not a person id (uuid)` })
  })
  if (query.staff !== undefined && staff.length === 0)
    errors.push({ path: '/query/staff', message: 'at least one person id' })
  if (new Set(staff.map((s) => s.toLowerCase())).size !== staff.length)
    errors.push({ path: '/query/staff', message: 'a person is listed twice' })
  if (errors.length > 0) throw badRequest('the patrol metadata in the query string is incomplete', errors)
  return {
    externalId: query.external_id as string,
    unitId: query.unit_id as string,
    staff,
    kind: query.kind as PatrolKind,
    crs: query.crs,
    format,
    track: body.trackText,
    trackPath: '',
  }
}
