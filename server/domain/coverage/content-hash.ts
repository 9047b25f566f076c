import { createHash } from 'node:crypto'
import type { RawTrack } from '../track/raw-track.js'

export interface PatrolContent {
  unitId: string
  staff: readonly string[]
  kind: string
  /** As resolved (parseTrackCrs), so 'wgs84' and 'EPSG:4326' are the same content. */
  crs: string
  /** As parsed, before any conversion or cleaning. */
  track: RawTrack
}

/**
 * sha-256 of a patrol's canonical content: the metadata that changes what the patrol means and every
 * point as received (position, time, accuracy, source segment). Staff order, JSON key order,
 * whitespace, elevation and the file format do not change it, so a device that re-sends the same
 * patrol (even as GPX instead of GeoJSON) is recognised as replaying it, and anything else under the
 * same external_id is a conflict.
 */
export function hashPatrolContent(content: PatrolContent): string {
  const canonical = JSON.stringify({
    v: 1,
    unit_id: content.unitId.toLowerCase(),
    staff: [...new Set(content.staff.map((s) => s.toLowerCase()))].sort(),
    kind: content.kind,
    crs: content.crs,
    segments: content.track.segmentsHint,
    points: content.track.points.map((p) => [p.lon, p.lat, p.time, p.accuracy ?? null]),
  })
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}
