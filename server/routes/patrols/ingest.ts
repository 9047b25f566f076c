import proj4 from 'proj4'
import type { Queryable } from '../../db/port.js'
import type { ScopedDb } from '../../db/scoped-db.js'
import { conflict, notFound, unprocessable, type ProblemDetailItem } from '../../errors.js'
import { beijingDateOf, beijingDaysSpanned, type DayWindow } from '../../domain/coverage/beijing-days.js'
import { hashPatrolContent } from '../../domain/coverage/content-hash.js'
import { lineStringMHex } from '../../domain/coverage/ewkb.js'
import { findTrackCells, GRID_CELL_SIZE_M } from '../../domain/coverage/grid-cells.js'
import { metricCrsFor, metricCrsForSrid } from '../../domain/coverage/metric-crs.js'
import { MAX_SPEED_KMH_BY_KIND, type PatrolKind } from '../../domain/coverage/patrol-kinds.js'
import { DEFAULT_RULE_SET, type RuleSet } from '../../domain/rules/rule-set.js'
import { rulesInForceForUnit } from '../rule-sets/queries.js'
import { cleanTrack, type CleanedTrack } from '../../domain/track/clean-track.js'
import { parseTrackCrs, toWgs84, type TrackCrs } from '../../domain/track/convert-crs.js'
import { parseCsvTrack } from '../../domain/track/parse-csv-track.js'
import { parseGeojsonTrack } from '../../domain/track/parse-geojson-track.js'
import { parseGpxTrack } from '../../domain/track/parse-gpx-track.js'
import { haversineM } from '../../domain/track/haversine-m.js'
import type { RawTrack } from '../../domain/track/raw-track.js'
import { TrackInputError } from '../../domain/track/track-errors.js'
import { matchPatrolDay, prepareZonePieces } from './match.js'
import { prepareZoneRoads } from './road-coverage.js'
import {
  countFixesOutsideCounty,
  disableJit,
  ensurePointPartitions,
  findPatrolByExternalId,
  findStaffOutsideCounty,
  findUnitForPatrol,
  insertCells,
  insertPatrol,
  insertPointSets,
  insertSegments,
  readPatrolSummary,
} from './queries.js'
import type { PatrolSummary } from './schemas.js'

export type TrackFormat = 'geojson' | 'gpx' | 'csv'

export interface PatrolSubmission {
  externalId: string
  unitId: string
  staff: string[]
  kind: PatrolKind
  crs: string | undefined
  format: TrackFormat
  /** GeoJSON as parsed JSON or text; GPX and CSV as text. */
  track: unknown
  /** JSON Pointer of the track in the request, for GeoJSON error paths ('/track' or ''). */
  trackPath: string
}

export interface IngestResult {
  status: 200 | 201
  summary: PatrolSummary
}

/** A kept track needs at least one segment (two fixes) to be matched at all. */
export const TRACK_NO_SEGMENT = 'TRACK_NO_SEGMENT'
export const STAFF_NOT_IN_COUNTY = 'STAFF_NOT_IN_COUNTY'
export const UNIT_NOT_IN_COUNTY = 'UNIT_NOT_IN_COUNTY'

/**
 * POST /patrols: parse → clean → store → match, all or nothing. Everything that can be refused is
 * checked before the first write, and every write is in one transaction, so a refused or failed post
 * stores nothing. Idempotent on (county, external_id): the same content again answers 200 with the
 * stored patrol, different content 409; two identical posts at once meet at the unique constraint
 * and the later one answers with the earlier one's patrol.
 */
export async function ingestPatrol(
  db: ScopedDb,
  submission: PatrolSubmission,
  opts: { postedBy: string | null; rules?: RuleSet; now?: number },
): Promise<IngestResult> {
  // the rules in force for the posting unit's county on the day the patrol started (rule sets per
  // jurisdiction, by effective date): a track posted late is judged by the rules of its day
  const raw = readTrack(submission, opts.now)
  const rules = opts.rules ?? (await rulesInForceForUnit(db, submission.unitId, dayOfFirstFix(raw)))
  const prepared = preparePatrol(submission, { ...opts, rules }, raw)
  return db.transaction((tx) => storePreparedPatrol(tx, prepared, { ...opts, rules }))
}

/**
 * Several patrols through the same path as POST /patrols, in one transaction (a bulk load: the
 * demo month). Each is parsed and cleaned first, so a refused track stores nothing of the batch;
 * each is idempotent on its external_id as a single post is, so a batch that was committed before
 * answers 200 for every patrol when it is loaded again.
 */
export async function ingestPatrolBatch(
  db: ScopedDb,
  submissions: readonly PatrolSubmission[],
  opts: { postedBy: string | null; rules?: RuleSet; now?: number },
): Promise<IngestResult[]> {
  const rulesOfUnit = new Map<string, RuleSet>()
  const prepared: { patrol: PreparedPatrol; rules: RuleSet }[] = []
  for (const s of submissions) {
    const raw = readTrack(s, opts.now)
    const day = dayOfFirstFix(raw)
    let rules = opts.rules ?? rulesOfUnit.get(`${s.unitId}/${day}`)
    if (!rules) {
      rules = await rulesInForceForUnit(db, s.unitId, day)
      rulesOfUnit.set(`${s.unitId}/${day}`, rules)
    }
    prepared.push({ patrol: preparePatrol(s, { ...opts, rules }, raw), rules })
  }
  return db.transaction(async (tx) => {
    const out: IngestResult[] = []
    for (const p of prepared) out.push(await storePreparedPatrol(tx, p.patrol, { ...opts, rules: p.rules }))
    return out
  })
}

/** A submission parsed, converted to WGS84 and cleaned: everything of a post that needs no database. */
export interface PreparedPatrol {
  submission: PatrolSubmission
  raw: RawTrack
  crs: TrackCrs
  contentHash: string
  wgs84: RawTrack
  cleaned: CleanedTrack
}

/** Parse → convert → clean; refuses (422) a track that is malformed or has no segment left. */
export function preparePatrol(
  submission: PatrolSubmission,
  opts: { rules?: RuleSet; now?: number } = {},
  raw: RawTrack = readTrack(submission, opts.now),
): PreparedPatrol {
  const rules = opts.rules ?? DEFAULT_RULE_SET
  const crs = readCrs(submission.crs)
  const contentHash = hashPatrolContent({
    unitId: submission.unitId,
    staff: submission.staff,
    kind: submission.kind,
    crs,
    track: raw,
  })
  const wgs84: RawTrack = { ...raw, points: toWgs84(raw.points, crs) }
  const cleaned = cleanTrack(wgs84, {
    maxSpeedKmh: MAX_SPEED_KMH_BY_KIND[submission.kind],
    gapSplitS: rules.track.gap_split_s,
  })
  if (cleaned.segments.length === 0) throw noSegmentLeft(cleaned, submission.trackPath || '/')
  return { submission, raw, crs, contentHash, wgs84, cleaned }
}

/** Store → match a prepared patrol inside the caller's transaction (row-level security applies). */
export async function storePreparedPatrol(
  tx: Queryable,
  prepared: PreparedPatrol,
  opts: { postedBy: string | null; rules?: RuleSet },
): Promise<IngestResult> {
  const rules = opts.rules ?? DEFAULT_RULE_SET
  const { submission, raw, crs, contentHash, wgs84, cleaned } = prepared
  await disableJit(tx)
  const unit = await findUnitForPatrol(tx, submission.unitId)
  if (!unit) throw notFound(`unit ${submission.unitId} not found in your jurisdiction`)
  if (!unit.county_code || unit.county_level !== 'county') {
    throw unprocessable('a patrol unit must belong to a county in your jurisdiction', [
      {
        path: '/unit_id',
        reason: UNIT_NOT_IN_COUNTY,
        message: `unit ${unit.id} (${unit.division_code}) has no county in your jurisdiction`,
      },
    ])
  }
  const county = unit.county_code

  const replay = await answerExisting(tx, county, submission.externalId, contentHash)
  if (replay) return replay

  const outsideStaff = await findStaffOutsideCounty(tx, submission.staff, county)
  if (outsideStaff.length > 0) {
    throw unprocessable(
      `${outsideStaff.length} staff member(s) are not people of county ${county}`,
      outsideStaff.map((i) => ({
        path: `/staff/${i}`,
        reason: STAFF_NOT_IN_COUNTY,
        message: `${submission.staff[i]} is not a person of county ${county} in your jurisdiction`,
      })),
    )
  }

  const kept = cleaned.segments.flat()
  const metric = metricCrsFor(
    unit.county_lon ?? (kept[0]?.lon as number),
    unit.county_lat ?? (kept[0]?.lat as number),
  )
  const segments = cleaned.segments.map((segment) => ({
    hex: lineStringMHex(segment),
    startedAt: segment[0]!.time,
    endedAt: segment[segment.length - 1]!.time,
    points: segment.length,
    lengthM: segmentLengthM(segment),
  }))
  const outside = await countFixesOutsideCounty(
    tx,
    county,
    segments.map((s) => s.hex),
  )
  const staffCount = new Set(submission.staff.map((s) => s.toLowerCase())).size
  const countsForFrequency = staffCount >= rules.patrol.min_staff
  const flags: string[] = []
  const warnings = [...(raw.warnings ?? []), ...cleaned.warnings]
  if (!countsForFrequency) {
    flags.push('understaffed')
    warnings.push(
      `${staffCount} staff recorded; a patrol needs at least ${rules.patrol.min_staff} to count toward frequency (recorded, not counted)`,
    )
  }
  if (outside > 0) {
    flags.push('outside_county')
    warnings.push(`${outside} of ${kept.length} kept points lie outside county ${county}`)
  }

  const [pointsFrom, pointsTo] = timeRange(wgs84.points)
  const startedAt = kept[0]?.time as number
  const endedAt = kept[kept.length - 1]?.time as number
  await ensurePointPartitions(tx, startedAt, endedAt)
  const patrolId = await insertPatrol(tx, {
    divisionCode: county,
    unitId: unit.id,
    externalId: submission.externalId,
    kind: submission.kind,
    staff: submission.staff,
    startedAt,
    endedAt,
    pointsFrom,
    pointsTo,
    inputFormat: submission.format,
    crs,
    contentHash,
    pointsReceived: cleaned.counts.received,
    pointsKept: cleaned.counts.kept,
    dropped: {
      outliers: cleaned.counts.outliers,
      duplicates: cleaned.counts.duplicates,
      inaccurate: cleaned.counts.inaccurate,
      invalid: cleaned.counts.invalid,
      isolated: cleaned.counts.isolated,
    },
    reordered: cleaned.reordered,
    segmentCount: cleaned.segments.length,
    lengthM: cleaned.lengthM,
    durationS: cleaned.durationS,
    countsForFrequency,
    flags,
    warnings,
    metricSrid: metric.srid,
    postedBy: opts.postedBy,
  })
  if (!patrolId) {
    // Lost the race to an identical (or conflicting) post that committed first.
    const winner = await answerExisting(tx, county, submission.externalId, contentHash)
    if (winner) return winner
    throw conflict(`patrol ${submission.externalId} is being stored by another request; retry`)
  }

  await storePoints(tx, patrolId, county, wgs84, cleaned)
  await insertSegments(tx, patrolId, county, segments)
  await matchStoredPatrol(tx, { patrolId, countyCode: county, srid: metric.srid, cleaned, rules })
  await storeCells(tx, patrolId, county, metric, cleaned, rules)

  const summary = await readPatrolSummary(tx, patrolId)
  if (!summary) throw new Error(`patrol ${patrolId} vanished after insert`)
  return { status: 201, summary }
}

/** Beijing date of the earliest fix (the track's first day), 'YYYY-MM-DD'. */
function dayOfFirstFix(raw: RawTrack): string {
  const first = timeRange(raw.points)[0]
  return beijingDateOf(Number.isFinite(first) ? first : Date.now())
}

function readTrack(s: PatrolSubmission, now: number | undefined): RawTrack {
  const options = now === undefined ? {} : { now }
  try {
    switch (s.format) {
      case 'geojson':
        return parseGeojsonTrack(s.track, { ...options, basePath: s.trackPath })
      case 'gpx':
        return parseGpxTrack(String(s.track), options)
      case 'csv':
        return parseCsvTrack(String(s.track), options)
    }
  } catch (error) {
    throw asProblem(error)
  }
}

function readCrs(crs: string | undefined): TrackCrs {
  try {
    return parseTrackCrs(crs)
  } catch (error) {
    throw asProblem(error)
  }
}

/** TrackInputError → 422 problem+json with every point's path, reason and message. */
export function asProblem(error: unknown): unknown {
  if (!(error instanceof TrackInputError)) return error
  return unprocessable(
    error.message,
    error.errors.map((e) => ({ ...e, path: e.path === 'crs' ? '/crs' : e.path })),
  )
}

async function answerExisting(
  tx: Queryable,
  county: string,
  externalId: string,
  contentHash: string,
): Promise<IngestResult | undefined> {
  const existing = await findPatrolByExternalId(tx, county, externalId)
  if (!existing) return undefined
  if (existing.content_hash !== contentHash) {
    throw conflict(
      `external_id ${JSON.stringify(externalId)} is already patrol ${existing.id} with different content`,
      [{ path: '/external_id', message: 'already used in this county for a different patrol' }],
      { patrol_id: existing.id },
    )
  }
  const summary = await readPatrolSummary(tx, existing.id)
  if (!summary) throw new Error(`patrol ${existing.id} not readable`)
  return { status: 200, summary }
}

/** Names each dropped point by its position in the input ('point 17'), whatever the format. */
function noSegmentLeft(cleaned: CleanedTrack, trackPath: string) {
  const errors: ProblemDetailItem[] = [
    {
      path: trackPath,
      reason: TRACK_NO_SEGMENT,
      message: `no two consecutive fixes are left after cleaning (${cleaned.counts.received} received, ${cleaned.dropped.length} dropped)`,
    },
    ...cleaned.dropped.slice(0, 50).map((d) => ({
      path: `point ${d.index}`,
      index: d.index,
      reason: d.reason,
      message: `point ${d.index} dropped: ${d.reason}`,
    })),
  ]
  return unprocessable('the track has no usable segment after cleaning', errors)
}

/** Every received point, kept (with its segment) or dropped (with its reason). */
async function storePoints(
  tx: Queryable,
  patrolId: string,
  county: string,
  track: RawTrack,
  cleaned: CleanedTrack,
): Promise<void> {
  const segmentOf = new Map<number, number>()
  cleaned.segments.forEach((segment, s) => {
    for (const p of segment) segmentOf.set(p.index, s)
  })
  const reasonOf = new Map(cleaned.dropped.map((d) => [d.index, d.reason]))
  await insertPointSets(tx, [
    {
      patrolId,
      divisionCode: county,
      points: track.points.map((p) => ({
        s: p.index,
        t: p.time,
        x: p.lon,
        y: p.lat,
        a: p.accuracy ?? null,
        g: segmentOf.get(p.index) ?? null,
        r: reasonOf.get(p.index) ?? null,
      })),
    },
  ])
}

function segmentLengthM(segment: readonly { lon: number; lat: number }[]): number {
  let sum = 0
  for (let i = 1; i < segment.length; i++) sum += haversineM(segment[i - 1]!, segment[i]!)
  return sum
}

/** Matches every Beijing day the patrol touches against the zones in force that day. */
export async function matchStoredPatrol(
  tx: Queryable,
  o: {
    patrolId: string
    countyCode: string
    srid: number
    cleaned: CleanedTrack
    rules: RuleSet
    /** every zone the patrol can reach is prepared already (prepareCountyZones, a recompute) */
    zonesPrepared?: boolean
  },
): Promise<void> {
  const kept = o.cleaned.segments.flat()
  const first = kept[0]?.time as number
  const last = kept[kept.length - 1]?.time as number
  const { frequency } = o.rules.patrol
  const project = proj4('EPSG:4326', metricCrsForSrid(o.srid).proj4)
  const metric = o.cleaned.segments.map((segment) =>
    segment.map((p) => {
      const [x, y] = project.forward([p.lon, p.lat]) as [number, number]
      return { x, y, t: p.time }
    }),
  )
  for (const day of beijingDaysSpanned(first, last)) {
    const inDay = kept.filter((p) => p.time >= day.startMs && p.time <= day.endMs)
    // the legs that cross midnight reach into the day from a point outside it
    const near = inDay.length > 0 ? inDay : kept
    const bbox = widenedBbox(near, o.rules.visit.sight_radius_m, day.startMs, day.endMs, o.cleaned)
    const matchDay = {
      patrolId: o.patrolId,
      countyCode: o.countyCode,
      srid: o.srid,
      date: day.date,
      fromS: day.startMs / 1000,
      toS: day.endMs / 1000,
      bbox,
      sightRadiusM: o.rules.visit.sight_radius_m,
      lines: linesWithin(metric, day.startMs, day.endMs),
      minSwathShare: o.rules.visit.min_swath_share,
      minDwellS: o.rules.visit.min_dwell_s,
      periodKinds: [frequency.tier1.period, frequency.tier2.period, frequency.tier3.period] as const,
    }
    if (!o.zonesPrepared) {
      await prepareZonePieces(tx, matchDay)
      await prepareZoneRoads(tx, matchDay)
    }
    await matchPatrolDay(tx, matchDay)
  }
}

/**
 * The parts of the segments within [fromMs, toMs] (as ST_LocateBetween cuts them on the fix time):
 * a leg across a bound is cut where the patrol, moving at constant speed along it, crossed it.
 */
export function linesWithin(
  segments: readonly (readonly { x: number; y: number; t: number }[])[],
  fromMs: number,
  toMs: number,
): { x: number; y: number; t: number }[][] {
  const out: { x: number; y: number; t: number }[][] = []
  const at = (a: { x: number; y: number; t: number }, b: { x: number; y: number; t: number }, t: number) => {
    const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t)
    return { x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y), t }
  }
  for (const seg of segments) {
    let line: { x: number; y: number; t: number }[] = []
    for (let i = 0; i < seg.length; i++) {
      const p = seg[i]!
      const prev = seg[i - 1]
      const inside = p.t >= fromMs && p.t <= toMs
      if (prev && line.length === 0 && inside && prev.t < fromMs) line.push(at(prev, p, fromMs))
      if (inside) line.push({ x: p.x, y: p.y, t: p.t })
      else if (prev && p.t > toMs && prev.t <= toMs && prev.t >= fromMs) line.push(at(prev, p, toMs))
      else if (prev && prev.t < fromMs && p.t > toMs) line.push(at(prev, p, fromMs), at(prev, p, toMs))
      if (!inside && line.length > 0) {
        out.push(line)
        line = []
      }
    }
    if (line.length > 0) out.push(line)
  }
  return out
}

/**
 * WGS84 box of the day's part of the track (with the fixes just before and after the day, whose legs
 * reach into it), widened by the sight radius plus a margin.
 */
function widenedBbox(
  inDay: readonly { lon: number; lat: number }[],
  radiusM: number,
  startMs: number,
  endMs: number,
  cleaned: CleanedTrack,
): [number, number, number, number] {
  const pts = [...inDay]
  for (const segment of cleaned.segments) {
    for (let i = 1; i < segment.length; i++) {
      const a = segment[i - 1]!
      const b = segment[i]!
      if ((a.time < startMs && b.time >= startMs) || (a.time <= endMs && b.time > endMs)) pts.push(a, b)
    }
  }
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const p of pts) {
    minLon = Math.min(minLon, p.lon)
    maxLon = Math.max(maxLon, p.lon)
    minLat = Math.min(minLat, p.lat)
    maxLat = Math.max(maxLat, p.lat)
  }
  // 1° of latitude ≥ 110.5 km; a degree of longitude shrinks with cos(latitude). Double the radius as margin.
  const dLat = (2 * radiusM) / 110_500
  const dLon = dLat / Math.max(0.05, Math.cos((Math.max(Math.abs(minLat), Math.abs(maxLat)) * Math.PI) / 180))
  return [minLon - dLon, minLat - dLat, maxLon + dLon, maxLat + dLat]
}

async function storeCells(
  tx: Queryable,
  patrolId: string,
  county: string,
  metric: { srid: number; proj4: string },
  cleaned: CleanedTrack,
  rules: RuleSet,
): Promise<void> {
  const project = proj4('EPSG:4326', metric.proj4)
  const segments = cleaned.segments.map((segment) =>
    segment.map((p) => {
      const [x, y] = project.forward([p.lon, p.lat]) as [number, number]
      return { x, y, time: p.time }
    }),
  )
  const cells = findTrackCells(segments, {
    cellSizeM: GRID_CELL_SIZE_M,
    sightRadiusM: rules.visit.sight_radius_m,
    dayOf: dayFinder(beijingDaysSpanned(segments[0]![0]!.time, segments.at(-1)!.at(-1)!.time)),
  })
  await insertCells(
    tx,
    patrolId,
    county,
    metric.srid,
    cells.map((c) => ({ d: c.day, x: c.cellX, y: c.cellY, l: c.lengthM, t: c.timeS })),
  )
}

/** Beijing day of an instant within the patrol, by lookup in its few day windows. */
function dayFinder(days: readonly DayWindow[]): (ms: number) => string {
  return (ms) => (days.find((d) => ms < d.endMs) ?? days[days.length - 1]!).date
}

/** Earliest and latest fix (a spread into Math.min would overflow the stack on a day of 1 Hz fixes). */
function timeRange(points: readonly { time: number }[]): [number, number] {
  let from = Infinity
  let to = -Infinity
  for (const p of points) {
    if (p.time < from) from = p.time
    if (p.time > to) to = p.time
  }
  return [from, to]
}
