import type { Queryable } from '../../db/port.js'
import { beijingDaysSpanned } from '../../domain/coverage/beijing-days.js'
import { metricCrsForSrid } from '../../domain/coverage/metric-crs.js'
import { metricProjector } from '../../domain/coverage/metric-projector.js'
import { periodContaining } from '../../domain/coverage/periods.js'
import type { FrequencyPeriod, RuleSet } from '../../domain/rules/rule-set.js'
import type { CleanPoint } from '../../domain/track/clean-track.js'
import {
  computeDayMatch,
  ensureCountyZonesPrepared,
  storeMatches,
  ZONE_PIECE_GRID_M,
  type DayCover,
  type MatchDay,
  type MatchTarget,
  type CoverRow,
  type VisitRow,
} from './match.js'
import {
  cellKey,
  cellOfKey,
  countyPlanFingerprint,
  legsByCell,
  pieceRasters,
  readDayPieces,
  type DayPiece,
  type PieceRaster,
  type TimedXY,
} from './swath-pieces.js'
import { orBits, bitsToHex } from '../../domain/coverage/swath-raster.js'

/** A stored patrol to match: its cleaned segments (WGS84 fixes with epoch-ms times) and its rules. */
export interface PatrolToMatch {
  patrolId: string
  countyCode: string
  /** the metric CRS of the patrol's county (metric-crs.ts) */
  srid: number
  /** enough staff: its swath joins the period coverage (a patrol that does not count adds no cells) */
  countsForFrequency: boolean
  segments: readonly (readonly Pick<CleanPoint, 'lon' | 'lat' | 'time'>[])[]
  /** the same fixes already projected to `srid` (projectSegments), when the caller has them */
  metric?: readonly (readonly TimedXY[])[]
  rules: RuleSet
}

/** Segments of WGS84 fixes in the metric CRS `srid`, each fix with its time. */
export function projectSegments(
  segments: readonly (readonly Pick<CleanPoint, 'lon' | 'lat' | 'time'>[])[],
  srid: number,
): TimedXY[][] {
  const project = metricProjector(metricCrsForSrid(srid).proj4)
  return segments.map((segment) =>
    segment.map((f) => {
      const { x, y } = project(f.lon, f.lat)
      return { x, y, t: f.time }
    }),
  )
}

/**
 * Matches patrols (one posted patrol, a batch of a bulk load, a chunk of a recompute) against the
 * zones in force on each Beijing day they touch, with one set of writes for all of them:
 *
 * 1. each patrol is projected to its metric CRS and cut at Beijing midnights into patrol-days;
 * 2. unless the caller prepared them (a recompute prepares its span once), every zone of the
 *    county's filed plans is cut into its pieces, once (ensureCountyZonesPrepared);
 * 3. the pieces in the 1 km cells the patrol-days reach are read once per process and cell, with
 *    the days their plan is in force (while the plans' fingerprint holds), their rasters once per
 *    process (swath-pieces.ts);
 * 4. each patrol-day is matched in memory (match.ts, computeDayMatch);
 * 5. the swept cells of all patrol-days on the same piece and period are ORed here, so each coverage
 *    row is written once per batch, and the visits and coverage go in one statement (storeMatches).
 *
 * The figures are those of matching each patrol-day alone and ORing in the database, in any order:
 * OR is commutative and the visits of a patrol-day depend on that patrol-day alone.
 */
export async function matchPatrols(
  tx: Queryable,
  patrols: readonly PatrolToMatch[],
  opts: {
    zonesPrepared?: boolean
    target?: MatchTarget
    /** gather the swept cells here (a recompute writes them once, at its end) instead of storing them */
    covers?: CoverSet
  } = {},
): Promise<void> {
  const loaded = await loadMatching(tx, patrols, opts)
  const { visits, covers } = computeMatching(loaded, opts.covers)
  await storeMatches(tx, visits, opts.covers ? [] : covers.toRows(), opts.target)
}

/** What matching needs from the database: the patrol-days, their legs by 1 km cell, pieces and rasters. */
export interface LoadedMatching {
  days: MatchDay[]
  near: Map<number, [TimedXY, TimedXY][]>[]
  piecesOf: Map<string, Map<number, DayPiece[]>>
  rasters: Map<number, Map<string, PieceRaster>>
}

/**
 * Steps 1–3 of matchPatrols: everything read from the database. A post then computes (step 4, no
 * query) while its points, segments and heat cells are being written.
 */
export async function loadMatching(
  tx: Queryable,
  patrols: readonly PatrolToMatch[],
  opts: {
    zonesPrepared?: boolean
    /** the counties' plan fingerprints (countyPlanFingerprint) when the caller read them in this transaction */
    fingerprints?: ReadonlyMap<string, string>
  } = {},
): Promise<LoadedMatching> {
  const days: MatchDay[] = []
  for (const p of patrols) days.push(...patrolDays(p))
  const fingerprints = new Map<string, string>()
  for (const county of new Set(days.map((d) => d.countyCode)))
    fingerprints.set(county, opts.fingerprints?.get(county) ?? (await countyPlanFingerprint(tx, county)))
  if (!opts.zonesPrepared) {
    const counties = new Map(days.map((d) => [`${d.countyCode}/${d.srid}`, d]))
    for (const d of counties.values()) {
      const fingerprint = fingerprints.get(d.countyCode)!
      await ensureCountyZonesPrepared(tx, { countyCode: d.countyCode, srid: d.srid, fingerprint })
    }
  }

  // the legs near each 1 km cell, per patrol-day; the cells wanted per (county, CRS, day)
  const near = days.map((d) => legsByCell(d.lines, d.sightRadiusM, ZONE_PIECE_GRID_M))
  const wanted = new Map<string, { d: MatchDay; cells: Set<number> }>()
  days.forEach((d, i) => {
    const key = `${d.countyCode}/${d.srid}/${d.date}`
    const w = wanted.get(key) ?? { d, cells: new Set<number>() }
    wanted.set(key, w)
    for (const cell of near[i]!.keys()) w.cells.add(cell)
  })
  const piecesOf = new Map<string, Map<number, DayPiece[]>>()
  for (const [key, w] of wanted) {
    const pieces = await readDayPieces(tx, {
      countyCode: w.d.countyCode,
      srid: w.d.srid,
      date: w.d.date,
      fingerprint: fingerprints.get(w.d.countyCode)!,
      cells: [...w.cells].map(cellOfKey),
    })
    const byCell = new Map<number, DayPiece[]>()
    for (const piece of pieces) {
      const cell = cellKey(piece.cell_i, piece.cell_j)
      const list = byCell.get(cell)
      if (list) list.push(piece)
      else byCell.set(cell, [piece])
    }
    piecesOf.set(key, byCell)
  }
  const rasters = new Map<number, Map<string, PieceRaster>>()
  for (const srid of new Set(days.map((d) => d.srid))) {
    const all: DayPiece[] = []
    for (const [key, byCell] of piecesOf)
      if (key.split('/')[1] === String(srid)) for (const list of byCell.values()) all.push(...list)
    rasters.set(srid, await pieceRasters(tx, srid, all))
  }
  return { days, near, piecesOf, rasters }
}

/**
 * Step 4 of matchPatrols, in memory: each patrol-day's visits, and its swept cells ORed into
 * `covers` (a new set unless given).
 */
export function computeMatching(
  { days, near, piecesOf, rasters }: LoadedMatching,
  covers: CoverSet = new CoverSet(),
): { visits: VisitRow[]; covers: CoverSet } {
  const visits: VisitRow[] = []
  days.forEach((d, i) => {
    const byCell = piecesOf.get(`${d.countyCode}/${d.srid}/${d.date}`)!
    const legs = near[i]!
    const pieces: DayPiece[] = []
    for (const cell of legs.keys()) for (const piece of byCell.get(cell) ?? []) pieces.push(piece)
    const dayVisits = computeDayMatch(d, pieces, legs, rasters.get(d.srid)!, (c) => {
      if (d.counts) covers.add(d, c)
    })
    for (const v of dayVisits) visits.push({ ...v, patrol_id: d.patrolId, visit_date: d.date })
  })
  return { visits, covers }
}

/**
 * Swept cells per zone piece and period, ORed in memory, with the number of counting patrol-days
 * that swept them: each piece-period is then written once however many patrol-days met it.
 */
export class CoverSet {
  /** by piece (`zone_id/piece`), then period (`srid/kind/start`) */
  private readonly rows = new Map<string, Map<string, CoverRow>>()
  private count = 0

  get size(): number {
    return this.count
  }

  add(d: MatchDay, c: DayCover): void {
    const kind = d.periodKinds[c.tier - 1]!
    let ofDay = this.dayPeriods.get(d)
    if (!ofDay) this.dayPeriods.set(d, (ofDay = []))
    const period = (ofDay[c.tier - 1] ??= this.period(d.srid, d.date, kind))
    let ofPiece = this.rows.get(c.key)
    if (!ofPiece) this.rows.set(c.key, (ofPiece = new Map()))
    const [from, to] = c.bytes
    const had = ofPiece.get(period.key)
    if (had && had.bits.length === c.bits.length) {
      orBits(had.bits, c.bits, from, to)
      if (from < to) {
        had.from = had.from < had.to ? Math.min(had.from, from) : from
        had.to = Math.max(had.to, to)
      }
      had.patrols++
      return
    }
    if (!had) this.count++
    // (c.bits is a reused buffer: its bytes that may be set are copied)
    const bits = new Uint8Array(c.bits.length)
    bits.set(c.bits.subarray(from, to), from)
    ofPiece.set(period.key, {
      zone_id: c.zone_id,
      piece: c.piece,
      tier: c.tier,
      bits,
      from,
      to,
      cell_area: c.cell_area,
      road: c.road ? bitsToHex(c.road) : null,
      road_cell_m: c.road_cell_m,
      period_kind: kind,
      period_start: period.start,
      srid: d.srid,
      county: d.countyCode,
      patrols: (had?.patrols ?? 0) + 1,
    })
  }

  // (a period's start is date arithmetic on strings: once per CRS, day and kind, not per piece; and
  // looked up once per patrol-day and tier)
  private readonly dayPeriods = new WeakMap<MatchDay, { start: string; key: string }[]>()
  private readonly periods = new Map<string, { start: string; key: string }>()

  private period(srid: number, date: string, kind: FrequencyPeriod): { start: string; key: string } {
    const key = `${srid}/${date}/${kind}`
    let period = this.periods.get(key)
    if (period === undefined) {
      const start = periodContaining(date, kind).start
      period = { start, key: `${srid}/${kind}/${start}` }
      this.periods.set(key, period)
    }
    return period
  }

  /** The rows to store (storeMatches). */
  toRows(): CoverRow[] {
    const out: CoverRow[] = []
    for (const ofPiece of this.rows.values()) for (const row of ofPiece.values()) out.push(row)
    return out
  }
}

/** A patrol's Beijing days, each with its legs in the metric CRS (cut at midnight). */
function patrolDays(p: PatrolToMatch): MatchDay[] {
  const kept = p.segments.flat()
  if (kept.length === 0) return []
  const metric = p.metric ?? projectSegments(p.segments, p.srid)
  const { frequency } = p.rules.patrol
  const out: MatchDay[] = []
  for (const day of beijingDaysSpanned(kept[0]!.time, kept[kept.length - 1]!.time)) {
    const lines = linesWithin(metric, day.startMs, day.endMs)
    if (lines.length === 0) continue
    out.push({
      patrolId: p.patrolId,
      countyCode: p.countyCode,
      srid: p.srid,
      counts: p.countsForFrequency,
      date: day.date,
      sightRadiusM: p.rules.visit.sight_radius_m,
      lines,
      minSwathShare: p.rules.visit.min_swath_share,
      minDwellS: p.rules.visit.min_dwell_s,
      periodKinds: [frequency.tier1.period, frequency.tier2.period, frequency.tier3.period] as const,
    })
  }
  return out
}

/**
 * The parts of the segments within [fromMs, toMs] (as ST_LocateBetween cuts them on the fix time):
 * a leg across a bound is cut where the patrol, moving at constant speed along it, crossed it.
 */
export function linesWithin(
  segments: readonly (readonly TimedXY[])[],
  fromMs: number,
  toMs: number,
): TimedXY[][] {
  // (a fix inside the span is shared with the input, not copied: matching only reads it)
  const out: TimedXY[][] = []
  const at = (a: TimedXY, b: TimedXY, t: number) => {
    const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t)
    return { x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y), t }
  }
  for (const seg of segments) {
    let line: TimedXY[] = []
    for (let i = 0; i < seg.length; i++) {
      const p = seg[i]!
      const prev = seg[i - 1]
      const inside = p.t >= fromMs && p.t <= toMs
      if (prev && line.length === 0 && inside && prev.t < fromMs) line.push(at(prev, p, fromMs))
      if (inside) line.push(p)
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
