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

/** Points hashed per update: 4 doubles each, 64 KB. */
const CHUNK_POINTS = 2048

/**
 * sha-256 of a patrol's canonical content: the metadata that changes what the patrol means and every
 * point as received (position, time, accuracy, source segment). Staff order, JSON key order,
 * whitespace, elevation and the file format do not change it, so a device that re-sends the same
 * patrol (even as GPX instead of GeoJSON) is recognised as replaying it, and anything else under the
 * same external_id is a conflict.
 *
 * Version 2: the metadata as JSON (`v: 2`), then each point as four little-endian doubles
 * (longitude, latitude, time in epoch ms, accuracy or NaN without one). A month of points hashes in
 * a few tens of milliseconds; version 1 (hashPatrolContentV1, the points written as JSON text) took
 * over a second, most of it printing numbers. A patrol stored under version 1 is still recognised:
 * a replay whose version 2 hash differs is compared by its version 1 hash (sameContent, ingest.ts).
 */
export function hashPatrolContent(content: PatrolContent): string {
  const hash = createHash('sha256').update(canonicalHead(content, 2), 'utf8')
  const points = content.track.points
  const chunk = new Uint8Array(32 * Math.min(CHUNK_POINTS, points.length))
  const view = new DataView(chunk.buffer)
  for (let start = 0; start < points.length; start += CHUNK_POINTS) {
    const end = Math.min(points.length, start + CHUNK_POINTS)
    for (let i = start, at = 0; i < end; i++, at += 32) {
      const p = points[i]!
      view.setFloat64(at, p.lon, true)
      view.setFloat64(at + 8, p.lat, true)
      view.setFloat64(at + 16, p.time, true)
      view.setFloat64(at + 24, p.accuracy ?? Number.NaN, true)
    }
    hash.update(chunk.subarray(0, 32 * (end - start)))
  }
  return hash.digest('hex')
}

/**
 * Version 1 of the content hash, which patrols stored before version 2 carry: the sha-256 of the
 * JSON text of the metadata with `points: [[lon, lat, time, accuracy], …]` as its last member.
 */
export function hashPatrolContentV1(content: PatrolContent): string {
  const head = canonicalHead(content, 1)
  // the text JSON.stringify would give, written a few hundred points at a time (no array per
  // point; a finite number's JSON text is its String)
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

/** The metadata as canonical JSON: ids lower-cased, staff as a sorted set. */
function canonicalHead(content: PatrolContent, v: 1 | 2): string {
  return JSON.stringify({
    v,
    unit_id: content.unitId.toLowerCase(),
    staff: [...new Set(content.staff.map((s) => s.toLowerCase()))].sort(),
    kind: content.kind,
    crs: content.crs,
    segments: content.track.segmentsHint,
  })
}
