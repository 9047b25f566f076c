import type { Queryable } from '../../db/port.js'
import type { ScopedDb } from '../../db/scoped-db.js'
import { conflict, notFound, unprocessable, type ProblemDetailItem } from '../../errors.js'
import { beijingDateOf, beijingDaysSpanned, type DayWindow } from '../../domain/coverage/beijing-days.js'
import {
  hashPatrolContent,
  hashPatrolContentV1,
  type PatrolContent,
} from '../../domain/coverage/content-hash.js'
import { lineStringMEwkb } from '../../domain/coverage/ewkb.js'
import {
  cellSetsOf,
  findTrackCells,
  GRID_CELL_SIZE_M,
  type TimedXY,
} from '../../domain/coverage/grid-cells.js'
import { metricCrsFor } from '../../domain/coverage/metric-crs.js'
import { MAX_SPEED_KMH_BY_KIND, type PatrolKind } from '../../domain/coverage/patrol-kinds.js'
import { DEFAULT_RULE_SET, type RuleSet } from '../../domain/rules/rule-set.js'
import { rulesInForceForUnit } from '../rule-sets/queries.js'
import { cleanTrack, type CleanedTrack } from '../../domain/track/clean-track.js'
import { parseTrackCrs, toWgs84, type TrackCrs } from '../../domain/track/convert-crs.js'
import { parseCsvTrack } from '../../domain/track/parse-csv-track.js'
import { parseGeojsonTrack } from '../../domain/track/parse-geojson-track.js'
import { parseGpxTrack } from '../../domain/track/parse-gpx-track.js'
import type { RawTrack } from '../../domain/track/raw-track.js'
import { TrackInputError } from '../../domain/track/track-errors.js'
import { countFixesOutside } from './county-boundaries.js'
import { computeMatching, loadMatching, projectSegments } from './match-patrols.js'
import { storeMatches } from './match.js'
import {
  ensurePointPartitions,
  findPatrolByExternalId,
  findPatrolAndStaffOutside,
  findUnitForPatrol,
  insertPatrol,
  insertTrackRows,
  readPatrolSummary,
  type CellSetRow,
  type PointSet,
  type SegmentRow,
  type UnitForPatrol,
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

/** A submission without its track: what a prepared patrol keeps of it once the track is parsed. */
export type SubmissionMeta = Omit<PatrolSubmission, 'track'>

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
  // (one transaction from the rules to the last write: a post is a single round of the scope set-up)
  const raw = readTrack(submission, opts.now)
  return db.transaction(async (tx) => {
    const rules = opts.rules ?? (await rulesInForceForUnit(tx, submission.unitId, dayOfFirstFix(raw)))
    const prepared = preparePatrol(submission, { ...opts, rules }, raw)
    return storePreparedPatrol(tx, prepared, { ...opts, rules })
  })
}

/**
 * Several patrols through the same path as POST /patrols, in one transaction (a bulk load: the
 * demo month). Each is parsed and cleaned first, so a refused track stores nothing of the batch;
 * each is idempotent on its external_id as a single post is, so a batch that was committed before
 * answers 200 for every patrol when it is loaded again. Answers each patrol's id and status, not its
 * summary (a bulk load reads no visits back).
 *
 * The submissions are read once, in order: given lazily (a generator), each one's parsed track can
 * be let go once it is prepared, instead of the whole batch's staying alive to the commit.
 */
export async function ingestPatrolBatch(
  db: ScopedDb,
  submissions: Iterable<PatrolSubmission>,
  opts: { postedBy: string | null; rules?: RuleSet; now?: number },
): Promise<StoredBrief[]> {
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
  if (prepared.length === 0) return []
  return db.transaction((tx) =>
    storePreparedPatrols(
      tx,
      prepared.map((p) => ({ prepared: p.patrol, rules: p.rules })),
      { postedBy: opts.postedBy, summaries: false },
    ),
  )
}

/** A submission parsed, converted to WGS84 and cleaned: everything of a post that needs no database. */
export interface PreparedPatrol {
  submission: SubmissionMeta
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
  const contentHash = hashPatrolContent(contentOf(submission, crs, raw))
  const wgs84: RawTrack = { ...raw, points: toWgs84(raw.points, crs) }
  const cleaned = cleanTrack(wgs84, {
    maxSpeedKmh: MAX_SPEED_KMH_BY_KIND[submission.kind],
    gapSplitS: rules.track.gap_split_s,
  })
  if (cleaned.segments.length === 0) throw noSegmentLeft(cleaned, submission.trackPath || '/')
  return { submission: withoutTrack(submission), raw, crs, contentHash, wgs84, cleaned }
}

/** The submission's fields but its track (parsed into the prepared patrol's points). */
function withoutTrack(s: PatrolSubmission): SubmissionMeta {
  const { track: _track, ...meta } = s
  return meta
}

/** Store → match a prepared patrol inside the caller's transaction (row-level security applies). */
export async function storePreparedPatrol(
  tx: Queryable,
  prepared: PreparedPatrol,
  opts: { postedBy: string | null; rules?: RuleSet },
): Promise<IngestResult> {
  const [result] = await storePreparedPatrols(tx, [{ prepared, rules: opts.rules ?? DEFAULT_RULE_SET }], opts)
  return result as IngestResult
}

/** What storePreparedPatrols answers for each patrol when asked for no summaries (a bulk load). */
export interface StoredBrief {
  status: 200 | 201
  patrol_id: string
  points_received: number
}

/**
 * Store → match prepared patrols inside the caller's transaction (row-level security applies): each
 * is checked and gets its patrol row in turn (a replay of a stored one answers 200 with it); then the
 * points, segments, matching and heat cells of all the new ones are written together, a statement
 * each, whatever their number (one posted patrol, or a batch of a bulk load).
 */
export async function storePreparedPatrols(
  tx: Queryable,
  items: readonly { prepared: PreparedPatrol; rules: RuleSet }[],
  opts: { postedBy: string | null },
): Promise<IngestResult[]>
export async function storePreparedPatrols(
  tx: Queryable,
  items: readonly { prepared: PreparedPatrol; rules: RuleSet }[],
  opts: { postedBy: string | null; summaries: false },
): Promise<StoredBrief[]>
export async function storePreparedPatrols(
  tx: Queryable,
  items: readonly { prepared: PreparedPatrol; rules: RuleSet }[],
  opts: { postedBy: string | null; summaries?: boolean },
): Promise<(IngestResult | StoredBrief)[]> {
  const units = new Map<string, UnitForPatrol>()
  const answers: { status: 200 | 201; patrolId: string; pointsReceived: number }[] = []
  const admitted: AdmittedPatrol[] = []
  for (const item of items) {
    const a = await admitPatrol(tx, item.prepared, item.rules, units, opts.postedBy)
    answers.push({
      status: a.status,
      patrolId: a.patrolId,
      pointsReceived: item.prepared.cleaned.counts.received,
    })
    if (a.status === 201) admitted.push(a)
  }
  if (admitted.length > 0) {
    // the months of the kept fixes (as one patrol's own): a stray dropped fix of another year makes none
    const kept = admitted.flatMap((a) => {
      const segments = a.prepared.cleaned.segments
      return [segments[0]![0]!, segments.at(-1)!.at(-1)!]
    })
    const [from, to] = timeRange(kept)
    await ensurePointPartitions(tx, from, to)
  }
  // (each patrol projected to its county's metric CRS once, for its heat cells and its matching)
  const metric = new Map<AdmittedPatrol, TimedXY[][]>()
  const metricOf = (a: AdmittedPatrol) => {
    let m = metric.get(a)
    if (!m) metric.set(a, (m = projectSegments(a.prepared.cleaned.segments, a.metric.srid)))
    return m
  }
  // Every point, the segments and the heat cells are written while the matching is read and
  // computed: the statement goes out now and the database works on it meanwhile (matching reads
  // nothing once the county's pieces are in this process's memory; a read it needs waits its turn).
  const written = insertTrackRows(tx, {
    sets: admitted.map((a) => pointSet(a.patrolId, a.county, a.prepared.wgs84, a.prepared.cleaned)),
    segments: admitted.flatMap((a) =>
      a.segments.map((s) => ({ ...s, patrolId: a.patrolId, divisionCode: a.county })),
    ),
    cells: admitted.flatMap((a) => patrolCells(a, metricOf(a))),
  })
  // (awaited below; until then a failure must not count as an unhandled rejection)
  written.catch(() => {})
  const loaded = await loadMatching(
    tx,
    admitted.map((a) => ({
      patrolId: a.patrolId,
      countyCode: a.county,
      srid: a.metric.srid,
      countsForFrequency: a.countsForFrequency,
      segments: a.prepared.cleaned.segments,
      metric: metricOf(a),
      rules: a.rules,
    })),
    { fingerprints: new Map([...units.values()].map((u) => [u.county_code ?? '', u.plan_fingerprint])) },
  )
  const { visits, covers } = computeMatching(loaded)
  await written
  // a single new patrol's summary comes back from the statement that stores its visits
  const single = opts.summaries !== false && admitted.length === 1 ? admitted[0]!.patrolId : undefined
  const summaryOfSingle = await storeMatches(tx, visits, covers.toRows(), { live: true }, single)

  if (opts.summaries === false)
    return answers.map((a) => ({
      status: a.status,
      patrol_id: a.patrolId,
      points_received: a.pointsReceived,
    }))
  const out: IngestResult[] = []
  for (const a of answers) {
    const summary =
      a.patrolId === single && summaryOfSingle ? summaryOfSingle : await readPatrolSummary(tx, a.patrolId)
    if (!summary) throw new Error(`patrol ${a.patrolId} vanished after insert`)
    out.push({ status: a.status, summary })
  }
  return out
}

/** A new patrol with its row inserted: what the batch writes of it. */
interface AdmittedPatrol {
  status: 201
  patrolId: string
  county: string
  prepared: PreparedPatrol
  rules: RuleSet
  metric: { srid: number; proj4: string }
  countsForFrequency: boolean
  segments: Omit<SegmentRow, 'patrolId' | 'divisionCode'>[]
}

/**
 * Checks a prepared patrol against the database (its unit and county, a replay of its external id,
 * its staff) and inserts its patrol row; answers the stored patrol's id for a replay (200).
 */
async function admitPatrol(
  tx: Queryable,
  prepared: PreparedPatrol,
  rules: RuleSet,
  units: Map<string, UnitForPatrol>,
  postedBy: string | null,
): Promise<AdmittedPatrol | { status: 200; patrolId: string }> {
  const { submission, raw, crs, contentHash, wgs84, cleaned } = prepared
  let unit = units.get(submission.unitId)
  if (!unit) {
    unit = await findUnitForPatrol(tx, submission.unitId)
    if (!unit) throw notFound(`unit ${submission.unitId} not found in your jurisdiction`)
    units.set(submission.unitId, unit)
  }
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

  // a replay answers with the stored patrol (whatever its staff are now); a new patrol's staff must
  // be people of the county
  const found = await findPatrolAndStaffOutside(tx, county, submission.externalId, submission.staff)
  const replay = sameContent(found.existing, prepared)
  if (replay) return { status: 200, patrolId: replay }

  const { outsideStaff } = found
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
  const segments = cleaned.segments.map((segment, i) => ({
    ewkb: lineStringMEwkb(segment),
    startedAt: segment[0]!.time,
    endedAt: segment[segment.length - 1]!.time,
    points: segment.length,
    lengthM: cleaned.segmentLengthsM[i]!,
  }))
  const outside = countFixesOutside(unit.county_boundary, cleaned.segments)
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
    postedBy,
  })
  if (!patrolId) {
    // Lost the race to an identical (or conflicting) post that committed first.
    const winner = await findExisting(tx, county, prepared)
    if (winner) return { status: 200, patrolId: winner }
    throw conflict(`patrol ${submission.externalId} is being stored by another request; retry`)
  }
  return { status: 201, patrolId, county, prepared, rules, metric, countsForFrequency, segments }
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

/** The stored patrol of the same external id and content, or 409 when its content differs. */
async function findExisting(
  tx: Queryable,
  county: string,
  prepared: PreparedPatrol,
): Promise<string | undefined> {
  const existing = await findPatrolByExternalId(tx, county, prepared.submission.externalId)
  return sameContent(existing, prepared)
}

/**
 * The stored patrol's id when its content is the same, or 409 when it differs; undefined without one.
 * A patrol stored with the version 1 content hash (content-hash.ts) is compared by that version.
 */
function sameContent(
  existing: { id: string; content_hash: string } | undefined,
  prepared: PreparedPatrol,
): string | undefined {
  if (!existing) return undefined
  const { submission, crs, raw, contentHash } = prepared
  if (
    existing.content_hash !== contentHash &&
    existing.content_hash !== hashPatrolContentV1(contentOf(submission, crs, raw))
  ) {
    throw conflict(
      `external_id ${JSON.stringify(submission.externalId)} is already patrol ${existing.id} with different content`,
      [{ path: '/external_id', message: 'already used in this county for a different patrol' }],
      { patrol_id: existing.id },
    )
  }
  return existing.id
}

/** What the content hash covers of a submission. */
function contentOf(submission: SubmissionMeta, crs: TrackCrs, raw: RawTrack): PatrolContent {
  return { unitId: submission.unitId, staff: submission.staff, kind: submission.kind, crs, track: raw }
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

/** Every received point of the patrol, kept (with its segment) or dropped (with its reason). */
function pointSet(patrolId: string, county: string, track: RawTrack, cleaned: CleanedTrack): PointSet {
  // (segment + 1 by input index, 0 for none: an array, not a map of a million entries a month)
  let size = 0
  for (const p of track.points) size = Math.max(size, p.index + 1)
  const segmentOf = new Int32Array(size)
  cleaned.segments.forEach((segment, s) => {
    for (const p of segment) segmentOf[p.index] = s + 1
  })
  const reasonOf = new Map(cleaned.dropped.map((d) => [d.index, d.reason]))
  return {
    patrolId,
    divisionCode: county,
    points: track.points.map((p) => ({
      s: p.index,
      t: p.time,
      x: p.lon,
      y: p.lat,
      a: p.accuracy ?? null,
      g: segmentOf[p.index]! > 0 ? segmentOf[p.index]! - 1 : null,
      r: reasonOf.size > 0 ? (reasonOf.get(p.index) ?? null) : null,
    })),
  }
}

/**
 * The patrol's heat cells (grid-cells.ts) from its projected segments: metres and seconds per 100 m
 * cell and Beijing day, as sets per day and 5 km block.
 */
function patrolCells(a: AdmittedPatrol, segments: readonly (readonly TimedXY[])[]): CellSetRow[] {
  const cells = findTrackCells(segments, {
    cellSizeM: GRID_CELL_SIZE_M,
    sightRadiusM: a.rules.visit.sight_radius_m,
    dayOf: dayFinder(beijingDaysSpanned(segments[0]![0]!.t, segments.at(-1)!.at(-1)!.t)),
  })
  return cellSetsOf(cells).map((s) => ({
    patrolId: a.patrolId,
    divisionCode: a.county,
    srid: a.metric.srid,
    d: s.day,
    bx: s.blockX,
    by: s.blockY,
    x: s.cellX,
    y: s.cellY,
    l: s.lengthM,
    t: s.timeS,
  }))
}

/** Beijing day of an instant within the patrol, by lookup in its few day windows. */
function dayFinder(days: readonly DayWindow[]): (ms: number) => string {
  const last = days[days.length - 1]!
  return (ms) => {
    for (let i = 0; i < days.length; i++) if (ms < days[i]!.endMs) return days[i]!.date
    return last.date
  }
}

/** Earliest and latest fix (a spread into Math.min would overflow the stack on a day of 1 Hz fixes). */
function timeRange(points: readonly { time: number }[]): [number, number] {
  let from = Infinity
  let to = -Infinity
  for (let i = 0; i < points.length; i++) {
    const t = points[i]!.time
    if (t < from) from = t
    if (t > to) to = t
  }
  return [from, to]
}
