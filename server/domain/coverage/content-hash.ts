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
  const head = JSON.stringify({
    v: 1,
    unit_id: content.unitId.toLowerCase(),
    staff: [...new Set(content.staff.map((s) => s.toLowerCase()))].sort(),
    kind: content.kind,
    crs: content.crs,
    segments: content.track.segmentsHint,
  })
  // the text JSON.stringify would give the object with `points: [[lon, lat, time, accuracy], …]` as
  // its last member, written a few hundred points at a time (no array per point; a finite number's
  // JSON text is its String)
  const hash = createHash('sha256').update(`${head.slice(0, -1)},"points":[`, 'utf8')
  const points = content.track.points
  let chunk = ''
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!
    chunk += `${i > 0 ? ',' : ''}[${p.lon},${p.lat},${p.time},${p.accuracy ?? 'null'}]`
    if (chunk.length > 16_384) {
      hash.update(chunk, 'utf8')
      chunk = ''
    }
  }
  return hash.update(`${chunk}]}`, 'utf8').digest('hex')
}
