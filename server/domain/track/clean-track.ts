import type { RawPoint, RawTrack } from './raw-track.js'
import { haversineM } from './haversine-m.js'
import { findSpeedOutliers, type JumpOptions } from './find-speed-outliers.js'
import {
  DROP_DUPLICATE,
  DROP_DUPLICATE_TIME,
  DROP_INACCURATE,
  DROP_INVALID,
  DROP_ISOLATED,
  DROP_OUTLIER,
  type DropReason,
} from './drop-reasons.js'

export interface CleanTrackOptions {
  /** Faster than this between fixes is impossible for the patrol (a setting per patrol kind). Default 120. */
  maxSpeedKmh?: number
  /** Fixes reporting a worse horizontal accuracy (metres) are dropped. Default 100. */
  maxAccuracyM?: number
  /** A longer pause between fixes (seconds) ends a segment: no line is drawn across it. Default 600. */
  gapSplitS?: number
  /** Most consecutive fixes dropped together as one bad cluster. Default 10. */
  maxOutlierRunPoints?: number
  /** Longest time (seconds) such a cluster may span. Default 300. */
  maxOutlierRunS?: number
  /**
   * Jumps under the maximum speed (find-speed-outliers.ts): a step over `factor` times the typical
   * speed around it (at least `floorKmh`) plus `slackM`. Default 5×, 20 km/h, 50 m, 5 steps each side;
   * null judges none.
   */
  jump?: JumpOptions | null
  /** [minLon, minLat, maxLon, maxLat] of the county, WGS84: a cheap first test for flagging. */
  countyBbox?: readonly [number, number, number, number]
  /** Exact test against the county boundary, for points inside the bbox (or all points without one). */
  isInsideCounty?: (lon: number, lat: number) => boolean
}

export const CLEAN_TRACK_DEFAULTS = {
  maxSpeedKmh: 120,
  maxAccuracyM: 100,
  gapSplitS: 600,
  // Ten fixes cover a cell-tower fallback of a few seconds at 1 Hz or a multipath excursion; more, or
  // longer than five minutes, is a stretch that happened (or a track that cannot be judged), not noise.
  maxOutlierRunPoints: 10,
  maxOutlierRunS: 300,
  // A walking patrol (5 km/h) may be thrown 25 km/h × the step's time + 50 m before a step counts as
  // a jump; a car at 60 km/h, 300 km/h (so only the maximum applies); a device standing still, 20
  // km/h + 50 m. The 50 m is twice a poor phone fix's error.
  jump: { factor: 5, floorKmh: 20, slackM: 50, window: 5 },
} as const

export interface CleanPoint extends RawPoint {
  /** Set (true) when a county test was given and the point lies outside; such points are kept. */
  outsideCounty?: boolean
}

export interface DroppedPoint {
  /** The point's position in the input (RawPoint.index). */
  index: number
  reason: DropReason
  lon: number
  lat: number
  time: number
}

export interface CleanedTrack {
  /** Time-ordered runs of at least two points; lines are drawn within a segment, never between. */
  segments: CleanPoint[][]
  /** Sorted by input index. */
  dropped: DroppedPoint[]
  counts: {
    received: number
    kept: number
    outliers: number
    /** Both 'duplicate' and 'duplicate_time'. */
    duplicates: number
    inaccurate: number
    invalid: number
    isolated: number
  }
  /** Points whose time is earlier than a point before them in the input. */
  reordered: number
  /** Sum of geodesic lengths within segments, metres. */
  lengthM: number
  /** The same per segment. */
  segmentLengthsM: number[]
  /** Sum of segment durations (first to last fix), seconds; gaps between segments do not count. */
  durationS: number
  warnings: string[]
  /** Kept points outside the county (0 when no county test was given). */
  outsideCounty: number
}

interface Item {
  point: RawPoint
  /** Source segment number, from segmentsHint. */
  source: number
}

/**
 * Cleans a parsed WGS84 track as one batch (design.md, "Data flow": order, dedupe, speed outliers),
 * then cuts it into segments. Every decision looks at the whole track rather than comparing each fix
 * with the last one accepted, so one bad fix cannot make every later good one look wrong.
 *
 * (a) stable sort by time; (b) drop same-time points; (c) drop fixes with poor accuracy; (d) drop
 * speed outliers (find-speed-outliers.ts); (e) split at time gaps and source segment boundaries, and
 * drop points left alone; (f) flag points outside the county without dropping them — a patrol may
 * cross a neighbouring county's road, and the supervisor should see it rather than lose it.
 */
export function cleanTrack(raw: RawTrack, options: CleanTrackOptions = {}): CleanedTrack {
  const o = { ...CLEAN_TRACK_DEFAULTS, ...withoutUndefined(options) }
  const dropped: DroppedPoint[] = []
  const drop = (point: RawPoint, reason: DropReason) =>
    dropped.push({ index: point.index, reason, lon: point.lon, lat: point.lat, time: point.time })
  const warnings: string[] = []

  const hints = [...raw.segmentsHint].sort((a, b) => a - b)
  let items: Item[] = []
  let source = 0
  raw.points.forEach((point, position) => {
    while (source + 1 < hints.length && (hints[source + 1] as number) <= position) source++
    if (isUsable(point)) items.push({ point, source })
    else drop(point, DROP_INVALID)
  })

  // (a) Array.prototype.sort is stable (ES2019), so equal times keep their input order for (b).
  let latest = -Infinity
  let reordered = 0
  for (const { point } of items) {
    if (point.time < latest) reordered++
    else latest = point.time
  }
  items.sort((x, y) => x.point.time - y.point.time)
  if (reordered > 0) warnings.push(`${reordered} points were out of time order; the track was sorted by time`)
  warnIfSourcesInterleave(items, warnings)

  // (b) The first point of each instant stays; later ones at that instant go. Sorted, so the point
  // kept for an instant is always the last one in `unique`.
  const unique: Item[] = []
  for (const item of items) {
    const kept = unique[unique.length - 1]
    if (kept?.point.time !== item.point.time) unique.push(item)
    else if (kept.point.lon === item.point.lon && kept.point.lat === item.point.lat)
      drop(item.point, DROP_DUPLICATE)
    else drop(item.point, DROP_DUPLICATE_TIME)
  }

  // (c) A fix the device itself calls poor is not evidence of where the patrol was.
  items = unique.filter((item) => {
    const poor = item.point.accuracy !== undefined && item.point.accuracy > o.maxAccuracyM
    if (poor) drop(item.point, DROP_INACCURATE)
    return !poor
  })

  // (d) Judged on what is left, so duplicates and poor fixes cannot hide or create a spike.
  const speeds = findSpeedOutliers(
    items.map((item) => item.point),
    {
      maxSpeedKmh: o.maxSpeedKmh,
      maxRunPoints: o.maxOutlierRunPoints,
      maxRunS: o.maxOutlierRunS,
      ...(o.jump && { jump: o.jump }),
    },
  )
  const outlierSet = new Set(speeds.outliers)
  for (const position of speeds.outliers) drop((items[position] as Item).point, DROP_OUTLIER)
  if (speeds.unresolved.length > 0) {
    const [a, b] = speeds.unresolved[0] as [number, number]
    warnings.push(
      `${speeds.unresolved.length} consecutive point pairs stay faster than ${o.maxSpeedKmh} km/h, or far faster ` +
        `than the patrol around them, because no ` +
        `short run of points explains them (kept); the first is between points ` +
        `${(items[a] as Item).point.index} and ${(items[b] as Item).point.index}`,
    )
  }
  items = items.filter((_, position) => !outlierSet.has(position))

  // (e) No line across a pause or between the device's own segments: nobody knows the way taken.
  const segments: CleanPoint[][] = []
  let current: Item[] = []
  // (the input's point objects, not copies: flagOutsideCounty replaces a point it flags)
  const closeSegment = () => {
    if (current.length >= 2) segments.push(current.map((item) => item.point))
    else for (const item of current) drop(item.point, DROP_ISOLATED)
    current = []
  }
  for (const item of items) {
    const last = current[current.length - 1]
    if (last && (last.source !== item.source || item.point.time - last.point.time > o.gapSplitS * 1000))
      closeSegment()
    current.push(item)
  }
  closeSegment()

  // (f) Flagged only: the supervisor decides what a patrol outside the county means.
  const outsideCounty = flagOutsideCounty(segments, o.countyBbox, o.isInsideCounty)

  let lengthM = 0
  let durationS = 0
  let kept = 0
  const segmentLengthsM: number[] = []
  for (const segment of segments) {
    kept += segment.length
    let length = 0
    for (let i = 1; i < segment.length; i++)
      length += haversineM(segment[i - 1] as CleanPoint, segment[i] as CleanPoint)
    segmentLengthsM.push(length)
    lengthM += length
    durationS += ((segment[segment.length - 1] as CleanPoint).time - (segment[0] as CleanPoint).time) / 1000
  }
  if (outsideCounty > 0) warnings.push(`${outsideCounty} of ${kept} kept points lie outside the county`)
  if (segments.length === 0) warnings.push('no segment of at least two points is left after cleaning')

  dropped.sort((x, y) => x.index - y.index)
  const count = (...reasons: DropReason[]) => dropped.filter((d) => reasons.includes(d.reason)).length
  return {
    segments,
    dropped,
    counts: {
      received: raw.points.length,
      kept,
      outliers: count(DROP_OUTLIER),
      duplicates: count(DROP_DUPLICATE, DROP_DUPLICATE_TIME),
      inaccurate: count(DROP_INACCURATE),
      invalid: count(DROP_INVALID),
      isolated: count(DROP_ISOLATED),
    },
    reordered,
    lengthM,
    segmentLengthsM,
    durationS,
    warnings,
    outsideCounty,
  }
}

/** The parsers reject these; a RawTrack built elsewhere (live OsmAnd points) may still carry them. */
function isUsable(p: RawPoint): boolean {
  return (
    Number.isFinite(p.lon) &&
    Number.isFinite(p.lat) &&
    Number.isFinite(p.time) &&
    Math.abs(p.lon) <= 180 &&
    Math.abs(p.lat) <= 90
  )
}

/**
 * Source segments that overlap in time (two devices' logs concatenated, a merged export) cannot both
 * be followed: after sorting, the track is cut wherever the source changes, which may leave many
 * short pieces. Say so rather than let the supervisor wonder.
 */
function warnIfSourcesInterleave(items: readonly Item[], warnings: string[]): void {
  const sources = new Set(items.map((item) => item.source))
  let changes = 0
  for (let i = 1; i < items.length; i++)
    if ((items[i] as Item).source !== (items[i - 1] as Item).source) changes++
  if (changes > sources.size - 1) {
    warnings.push(
      'source segments overlap in time; the track is cut wherever points from different segments alternate',
    )
  }
}

function flagOutsideCounty(
  segments: CleanPoint[][],
  bbox: CleanTrackOptions['countyBbox'],
  isInside: CleanTrackOptions['isInsideCounty'],
): number {
  if (!bbox && !isInside) return 0
  let outside = 0
  for (const segment of segments) {
    segment.forEach((point, i) => {
      const inBbox =
        !bbox ||
        (point.lon >= bbox[0] && point.lat >= bbox[1] && point.lon <= bbox[2] && point.lat <= bbox[3])
      if (!inBbox || (isInside && !isInside(point.lon, point.lat))) {
        // (a copy: the input's point stays as it was)
        segment[i] = { ...point, outsideCounty: true }
        outside++
      }
    })
  }
  return outside
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>
}
