import { ArrayParam } from '../../db/array-param.js'
import type { Queryable } from '../../db/port.js'
import type { PatrolSummary } from './schemas.js'
import { countyBoundary, countyPlaceJoin, type CountyBoundary } from './county-boundaries.js'
import { planFingerprintSql } from './swath-pieces.js'

/**
 * Turns JIT compilation off for the rest of the transaction. PostGIS declares its functions with
 * high planner costs, so a plan over a few thousand legs crosses jit_above_cost and PostgreSQL spends
 * around a second compiling code that then runs for milliseconds (measured: 1.4 s of JIT for a 10 ms
 * statement). PGlite has no JIT; the setting exists there and does nothing.
 */
export async function disableJit(tx: Queryable): Promise<void> {
  await tx.query(`SELECT set_config('jit', 'off', true)`)
}

export interface UnitForPatrol {
  id: string
  name: string
  kind: string
  division_code: string
  county_code: string | null
  county_level: string | null
  /** A point of the county (its boundary, else its zones; null without either), for the metric CRS. */
  county_lon: number | null
  county_lat: number | null
  /** the county's boundary (county-boundaries.ts), when it has one */
  county_boundary: CountyBoundary | undefined
  /** the county's filed plans (countyPlanFingerprint), read with the unit */
  plan_fingerprint: string
}

/**
 * The unit (under the caller's jurisdiction) and its county: the first six digits of its code. The
 * county's boundary comes from this process's copy while the county's row is unchanged.
 */
export async function findUnitForPatrol(tx: Queryable, unitId: string): Promise<UnitForPatrol | undefined> {
  const res = await tx.query<
    Omit<UnitForPatrol, 'county_boundary'> & { county_version: string | null; has_boundary: boolean | null }
  >(
    `SELECT u.id, u.name, u.kind, u.division_code, d.code AS county_code, d.level AS county_level,
            d.xmin::text AS county_version, d.boundary IS NOT NULL AS has_boundary,
            ST_X(c.point) AS county_lon, ST_Y(c.point) AS county_lat, ${planFingerprintSql('d.code')} AS plan_fingerprint
       FROM units u
       LEFT JOIN divisions d ON d.code = left(u.division_code, 6)
       ${countyPlaceJoin('d', 'c')}
      WHERE u.id = $1::uuid`,
    [unitId],
  )
  const row = res.rows[0]
  if (!row) return undefined
  const { county_version, has_boundary, ...unit } = row
  const boundary =
    has_boundary && unit.county_code && county_version
      ? await countyBoundary(tx, unit.county_code, county_version)
      : undefined
  return {
    ...unit,
    county_lon: boundary?.lon ?? unit.county_lon,
    county_lat: boundary?.lat ?? unit.county_lat,
    county_boundary: boundary,
  }
}

/** Positions (0-based) of staff ids that are not people of the county. */
export async function findStaffOutsideCounty(
  tx: Queryable,
  staff: readonly string[],
  countyCode: string,
): Promise<number[]> {
  const res = await tx.query<{ i: number }>(
    `SELECT (s.i - 1)::integer AS i
       FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, i)
       LEFT JOIN people p ON p.id = s.id AND starts_with(p.division_code, $2::text)
      WHERE p.id IS NULL
      ORDER BY s.i`,
    [staff, countyCode],
  )
  return res.rows.map((r) => r.i)
}

/**
 * In one statement: the patrol already stored under the external id (if any), and the positions
 * (0-based) of staff ids that are not people of the county (findStaffOutsideCounty).
 */
export async function findPatrolAndStaffOutside(
  tx: Queryable,
  countyCode: string,
  externalId: string,
  staff: readonly string[],
): Promise<{ existing: { id: string; content_hash: string } | undefined; outsideStaff: number[] }> {
  const res = await tx.query<{ id: string | null; content_hash: string | null; outside: number[] }>(
    `SELECT e.id, e.content_hash,
            ARRAY(SELECT (s.i - 1)::integer
                    FROM unnest($3::uuid[]) WITH ORDINALITY AS s(id, i)
                    LEFT JOIN people p ON p.id = s.id AND starts_with(p.division_code, $1::text)
                   WHERE p.id IS NULL
                   ORDER BY s.i) AS outside
       FROM (SELECT 1) AS one
       LEFT JOIN patrols e ON e.division_code = $1::text AND e.external_id = $2::text`,
    [countyCode, externalId, staff],
  )
  const row = res.rows[0]!
  return {
    existing: row.id && row.content_hash ? { id: row.id, content_hash: row.content_hash } : undefined,
    outsideStaff: row.outside,
  }
}

export async function findPatrolByExternalId(
  tx: Queryable,
  countyCode: string,
  externalId: string,
): Promise<{ id: string; content_hash: string } | undefined> {
  const res = await tx.query<{ id: string; content_hash: string }>(
    `SELECT id, content_hash FROM patrols WHERE division_code = $1::text AND external_id = $2::text`,
    [countyCode, externalId],
  )
  return res.rows[0]
}

/**
 * Monthly partitions of patrol_point_sets for the months [fromMs, toMs] spans (UTC months), at most
 * `maxMonths` of them; points of other months go to the default partition.
 */
export async function ensurePointPartitions(
  tx: Queryable,
  fromMs: number,
  toMs: number,
  maxMonths = 3,
): Promise<void> {
  await tx.query(
    `SELECT lp_ensure_point_sets_partition(m)
       FROM generate_series(date_trunc('month', to_timestamp($1::float8 / 1000) AT TIME ZONE 'UTC'),
                            date_trunc('month', to_timestamp($2::float8 / 1000) AT TIME ZONE 'UTC'),
                            interval '1 month') AS g(month)
      CROSS JOIN LATERAL (SELECT g.month AT TIME ZONE 'UTC' AS m) AS x
      LIMIT $3::integer`,
    [fromMs, toMs, maxMonths],
  )
}

export interface NewPatrol {
  divisionCode: string
  unitId: string
  externalId: string
  kind: string
  staff: string[]
  startedAt: number
  endedAt: number
  pointsFrom: number
  pointsTo: number
  inputFormat: 'geojson' | 'gpx' | 'csv'
  crs: string
  contentHash: string
  pointsReceived: number
  pointsKept: number
  dropped: Record<string, number>
  reordered: number
  segmentCount: number
  lengthM: number
  durationS: number
  countsForFrequency: boolean
  flags: string[]
  warnings: string[]
  metricSrid: number
  postedBy: string | null
}

/** The patrol row, or undefined when the same external_id was stored first by someone else. */
export async function insertPatrol(tx: Queryable, p: NewPatrol): Promise<string | undefined> {
  const res = await tx.query<{ id: string }>(
    `INSERT INTO patrols (division_code, unit_id, external_id, kind, staff, staff_count, started_at, ended_at,
                          points_from, points_to, input_format, crs, content_hash, points_received, points_kept,
                          dropped, reordered, segment_count, length_m, duration_s, counts_for_frequency, flags,
                          warnings, metric_srid, posted_by)
     VALUES ($1::text, $2::uuid, $3::text, $4::text, $5::uuid[], cardinality($5::uuid[]),
             to_timestamp($6::float8 / 1000), to_timestamp($7::float8 / 1000),
             to_timestamp($8::float8 / 1000), to_timestamp($9::float8 / 1000), $10::text, $11::text, $12::text,
             $13::integer, $14::integer, $15::jsonb, $16::integer, $17::integer, $18::float8, $19::float8,
             $20::boolean, $21::text[], $22::text[], $23::integer, $24::uuid)
     ON CONFLICT (division_code, external_id) DO NOTHING
     RETURNING id`,
    [
      p.divisionCode,
      p.unitId,
      p.externalId,
      p.kind,
      p.staff,
      p.startedAt,
      p.endedAt,
      p.pointsFrom,
      p.pointsTo,
      p.inputFormat,
      p.crs,
      p.contentHash,
      p.pointsReceived,
      p.pointsKept,
      JSON.stringify(p.dropped),
      p.reordered,
      p.segmentCount,
      p.lengthM,
      p.durationS,
      p.countsForFrequency,
      p.flags,
      p.warnings,
      p.metricSrid,
      p.postedBy,
    ],
  )
  return res.rows[0]?.id
}

/** One received point: s = input index, t = epoch ms, x/y = lon/lat (WGS84), a = accuracy, g = segment, r = drop reason. */
export interface PointRow {
  s: number
  t: number
  x: number
  y: number
  a: number | null
  g: number | null
  r: string | null
}

/** The received points of one patrol, to be stored as its point sets. */
export interface PointSet {
  patrolId: string
  divisionCode: string
  points: readonly PointRow[]
}

/**
 * The received points of any number of patrols in ONE statement: one row of patrol_point_sets per
 * patrol and UTC month of fix time (a patrol across a month boundary has two), partitioned by that
 * month (ensurePointPartitions creates the month's partition; without it the set lands in the
 * default partition).
 *
 * Each column travels as one array of every set's values (ArrayParam: in PostgreSQL's binary
 * format on pg, so no number is printed or parsed as text, and float8 values arrive bit for bit),
 * which the statement slices per set.
 */
export async function insertPointSets(tx: Queryable, sets: readonly PointSet[]): Promise<void> {
  const insert = pointSetsInsert(sets, 1)
  if (insert) await tx.query(insert.sql, insert.params)
}

/**
 * What a batch of new patrols stores of their tracks — every point, the cleaned segments and the
 * heat cells — in one statement (an INSERT each, as CTEs): one round trip, and the database writes
 * them while the caller goes on computing (a post matches meanwhile).
 */
export async function insertTrackRows(
  tx: Queryable,
  rows: { sets: readonly PointSet[]; segments: readonly SegmentRow[]; cells: readonly CellSetRow[] },
): Promise<void> {
  const inserts: { sql: string; params: unknown[] }[] = []
  let at = 1
  for (const build of [
    (n: number) => pointSetsInsert(rows.sets, n),
    (n: number) => segmentsInsert(rows.segments, n),
    (n: number) => cellSetsInsert(rows.cells, n),
  ]) {
    const insert = build(at)
    if (!insert) continue
    inserts.push(insert)
    at += insert.params.length
  }
  if (inserts.length === 0) return
  await tx.query(
    inserts.length === 1
      ? inserts[0]!.sql
      : `WITH ${inserts.map((q, i) => `w${i} AS (${q.sql})`).join(', ')} SELECT 1`,
    inserts.flatMap((q) => q.params),
  )
}

/** INSERT of the point sets, its parameters numbered from $at; undefined when there is nothing. */
function pointSetsInsert(
  sets: readonly PointSet[],
  at: number,
): { sql: string; params: unknown[] } | undefined {
  const groups = pointSetGroups(sets)
  if (groups.length === 0) return undefined
  // every set's points in one array per column, each set a slice [o + 1, o + n] of them
  const total = groups.reduce((n, g) => n + g.points.length, 0)
  const s = new Int32Array(total)
  const t = new Float64Array(total)
  const x = new Float64Array(total)
  const y = new Float64Array(total)
  const a: (number | null)[] = new Array<number | null>(total)
  const g: (number | null)[] = new Array<number | null>(total)
  const r: (string | null)[] = new Array<string | null>(total)
  let k = 0
  for (const group of groups) {
    for (const p of group.points) {
      if (!Number.isInteger(p.s) || !Number.isFinite(p.t) || !Number.isFinite(p.x) || !Number.isFinite(p.y))
        throw new Error(`point ${p.s} of patrol ${group.patrolId}: not a finite fix`)
      s[k] = p.s
      t[k] = p.t
      x[k] = p.x
      y[k] = p.y
      a[k] = p.a
      g[k] = p.g
      r[k] = p.r
      k++
    }
  }
  const $ = (k: number) => `$${at + k - 1}`
  const slice = (k: number, type: string) => sliceOfSet($(k), type)
  return {
    sql: `INSERT INTO patrol_point_sets (patrol_id, division_code, month_start, seq, fixed_ms, lon, lat, accuracy, segment,
                                    drop_reason)
     SELECT g.patrol_id, g.division_code, to_timestamp(g.month_ms / 1000), ${slice(4, 'integer')},
            ${slice(5, 'float8')}, ${slice(6, 'float8')}, ${slice(7, 'float8')}, ${slice(8, 'real')},
            ${slice(9, 'integer')}, ${slice(10, 'text')}
       FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(3)}::float8[], ${$(11)}::integer[], ${$(12)}::integer[])
            AS g(patrol_id, division_code, month_ms, o, n)`,
    params: [
      groups.map((k) => k.patrolId),
      groups.map((k) => k.divisionCode),
      groups.map((k) => k.monthMs),
      new ArrayParam('int4', s),
      new ArrayParam('float8', t),
      new ArrayParam('float8', x),
      new ArrayParam('float8', y),
      new ArrayParam('float4', a),
      new ArrayParam('int4', g),
      new ArrayParam('text', r),
      ...setBounds(groups.map((group) => group.points.length)),
    ],
  }
}

/** The points of each set split by UTC month of fix time, in input order within each month. */
export function pointSetGroups(
  sets: readonly PointSet[],
): { patrolId: string; divisionCode: string; monthMs: number; points: readonly PointRow[] }[] {
  const out: { patrolId: string; divisionCode: string; monthMs: number; points: readonly PointRow[] }[] = []
  for (const set of sets) {
    if (set.points.length === 0) continue
    const [firstLo, firstHi] = utcMonthOf(set.points[0]!.t)
    // the common case, every fix in the first fix's month, costs no Date per point
    if (set.points.every((p) => p.t >= firstLo && p.t < firstHi)) {
      out.push({
        patrolId: set.patrolId,
        divisionCode: set.divisionCode,
        monthMs: firstLo,
        points: set.points,
      })
      continue
    }
    const byMonth = new Map<number, PointRow[]>()
    for (const p of set.points) {
      const month = utcMonthOf(p.t)[0]
      const list = byMonth.get(month)
      if (list) list.push(p)
      else byMonth.set(month, [p])
    }
    for (const [monthMs, points] of [...byMonth].sort((m, n) => m[0] - n[0]))
      out.push({ patrolId: set.patrolId, divisionCode: set.divisionCode, monthMs, points })
  }
  return out
}

/** [first instant, first instant of the next] of the UTC month of `ms`, epoch ms. */
function utcMonthOf(ms: number): [number, number] {
  const d = new Date(ms)
  return [
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  ]
}

/**
 * A PostgreSQL array literal of numbers, NULL for null ('{1.5,null,2}'). JSON would write a
 * non-finite number as null, so those are refused here (as are nulls where `required`).
 */
function numberArrayLiteral(values: readonly (number | null)[], required: boolean): string {
  for (const v of values) {
    if (v === null ? required : !Number.isFinite(v)) throw new Error(`not a finite number: ${v}`)
  }
  return `{${JSON.stringify(values).slice(1, -1)}}`
}

export interface SegmentRow {
  patrolId: string
  divisionCode: string
  /** EWKB LineString M (M = epoch seconds), see ewkb.ts */
  ewkb: Uint8Array
  startedAt: number
  endedAt: number
  points: number
  lengthM: number
}

/**
 * INSERT of the cleaned segments of any number of patrols, numbered from 0 within each patrol, its
 * parameters numbered from $at; undefined when there is nothing.
 */
function segmentsInsert(
  segments: readonly SegmentRow[],
  at: number,
): { sql: string; params: unknown[] } | undefined {
  if (segments.length === 0) return undefined
  const $ = (k: number) => `$${at + k - 1}`
  return {
    sql: `INSERT INTO patrol_segments (patrol_id, seq, division_code, geom, started_at, ended_at, point_count, length_m)
     SELECT s.patrol, (row_number() OVER (PARTITION BY s.patrol ORDER BY s.n) - 1)::integer, s.division,
            s.ewkb::geometry, to_timestamp(s.t0 / 1000), to_timestamp(s.t1 / 1000), s.points, s.len
       FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(3)}::bytea[], ${$(4)}::float8[], ${$(5)}::float8[],
                   ${$(6)}::integer[], ${$(7)}::float8[])
            WITH ORDINALITY AS s(patrol, division, ewkb, t0, t1, points, len, n)`,
    params: [
      tokenArrayLiteral(segments.map((s) => s.patrolId)),
      tokenArrayLiteral(segments.map((s) => s.divisionCode)),
      // (binary on pg: hex text was twice the bytes, and a text array of ~50 MB for PostgreSQL to parse)
      new ArrayParam(
        'bytea',
        segments.map((s) => s.ewkb),
      ),
      numberArrayLiteral(
        segments.map((s) => s.startedAt),
        true,
      ),
      numberArrayLiteral(
        segments.map((s) => s.endedAt),
        true,
      ),
      numberArrayLiteral(
        segments.map((s) => s.points),
        true,
      ),
      numberArrayLiteral(
        segments.map((s) => s.lengthM),
        true,
      ),
    ],
  }
}

/**
 * Where each set lies in the flat arrays of a bulk INSERT (sets of these lengths, one after
 * another): its offset and its length, the parameters `g.o` and `g.n` of sliceOfSet.
 */
function setBounds(lengths: readonly number[]): [ArrayParam, ArrayParam] {
  const offsets: number[] = []
  let o = 0
  for (const n of lengths) {
    offsets.push(o)
    o += n
  }
  return [new ArrayParam('int4', offsets), new ArrayParam('int4', lengths)]
}

/** SQL of one set's slice [g.o + 1, g.o + g.n] of the flat array parameter `param` cast to `type`[]. */
function sliceOfSet(param: string, type: string): string {
  return `(${param}::${type}[])[g.o + 1 : g.o + g.n]`
}

/**
 * The heat cells of a patrol on one Beijing day in one 5 km block of the grid (patrol_cell_sets,
 * migrations/0016): d = the day, bx/by = the block, and per cell its column, row, metres and seconds.
 */
export interface CellSetRow {
  patrolId: string
  divisionCode: string
  srid: number
  d: string
  bx: number
  by: number
  x: readonly number[]
  y: readonly number[]
  l: readonly number[]
  t: readonly number[]
}

/**
 * INSERT of the heat cell sets of any number of patrols: the keys as arrays, every set's cells in
 * one array per column sliced per set (as the point sets are), its parameters numbered from $at;
 * undefined when none.
 */
function cellSetsInsert(
  sets: readonly CellSetRow[],
  at: number,
): { sql: string; params: unknown[] } | undefined {
  if (sets.length === 0) return undefined
  // every set's cells in one array per column, each set a slice [o + 1, o + n] of them
  const flat = (value: (s: CellSetRow) => readonly number[]) => {
    const out: number[] = []
    for (const set of sets) for (const v of value(set)) out.push(v)
    return out
  }
  const $ = (k: number) => `$${at + k - 1}`
  const slice = (k: number, type: string) => sliceOfSet($(k), type)
  return {
    sql: `INSERT INTO patrol_cell_sets (patrol_id, division_code, visit_date, srid, block_x, block_y, cell_x, cell_y,
                                   length_m, time_s)
     SELECT g.patrol_id, g.division_code, g.visit_date, g.srid, g.bx, g.by, ${slice(7, 'integer')},
            ${slice(8, 'integer')}, ${slice(9, 'float8')}, ${slice(10, 'float8')}
       FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(3)}::date[], ${$(4)}::integer[], ${$(5)}::integer[],
                   ${$(6)}::integer[], ${$(11)}::integer[], ${$(12)}::integer[])
            AS g(patrol_id, division_code, visit_date, srid, bx, by, o, n)`,
    params: [
      tokenArrayLiteral(sets.map((c) => c.patrolId)),
      tokenArrayLiteral(sets.map((c) => c.divisionCode)),
      tokenArrayLiteral(sets.map((c) => c.d)),
      new ArrayParam(
        'int4',
        sets.map((c) => c.srid),
      ),
      new ArrayParam(
        'int4',
        sets.map((c) => c.bx),
      ),
      new ArrayParam(
        'int4',
        sets.map((c) => c.by),
      ),
      new ArrayParam(
        'int4',
        flat((c) => c.x),
      ),
      new ArrayParam(
        'int4',
        flat((c) => c.y),
      ),
      new ArrayParam(
        'float8',
        flat((c) => c.l),
      ),
      new ArrayParam(
        'float8',
        flat((c) => c.t),
      ),
      ...setBounds(sets.map((c) => c.x.length)),
    ],
  }
}

/** A PostgreSQL array literal of tokens that need no quoting (ids, codes, dates): '{a1,b-2}'. */
function tokenArrayLiteral(values: readonly string[]): string {
  for (const v of values)
    if (!/^[0-9A-Za-z_-]+$/.test(v)) throw new Error(`not a plain token: ${JSON.stringify(v)}`)
  return `{${values.join(',')}}`
}

interface SummaryRow {
  id: string
  external_id: string
  points_received: number
  points_kept: number
  dropped: Record<string, number>
  reordered: number
  segment_count: number
  length_m: number
  duration_s: number
  started_at: Date
  ended_at: Date
  counts_for_frequency: boolean
  flags: string[]
  warnings: string[]
}

interface VisitRow {
  zone_id: string
  zone_name: string
  tier: number
  visit_date: string
  /** epoch seconds */
  entered_at: number | string
  left_at: number | string
  swath_share: number
  clipped_length_m: number
  dwell_s: number
  counted: boolean
  reason: string | null
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

/**
 * The patrol as POST /patrols answers it, read back from the stored rows: a replay of the same
 * content gets exactly the body the first post got.
 */
export async function readPatrolSummary(tx: Queryable, patrolId: string): Promise<PatrolSummary | undefined> {
  const res = await tx.query<PatrolSummaryRow>(
    `${patrolSummarySelect('zone_visits')} FROM patrols p WHERE p.id = $1::uuid`,
    [patrolId],
  )
  const p = res.rows[0]
  return p && patrolSummaryOf(p)
}

/** A patrol's row as patrolSummarySelect answers it. */
export type PatrolSummaryRow = SummaryRow & { visits: VisitRow[] }

/**
 * SELECT of a patrol's summary (FROM patrols p, which the caller adds with its WHERE), its qualifying
 * visits read from `visits`: the table, or the RETURNING rows of the statement that stored them
 * (storeMatches answers a post's summary in the statement that writes its visits).
 */
export function patrolSummarySelect(visits: string): string {
  return `SELECT p.id, p.external_id, p.points_received, p.points_kept, p.dropped, p.reordered, p.segment_count,
            p.length_m, p.duration_s, p.started_at, p.ended_at, p.counts_for_frequency, p.flags, p.warnings,
            coalesce((SELECT json_agg(json_build_object(
                        'zone_id', v.zone_id, 'zone_name', z.name, 'tier', v.tier, 'visit_date', v.visit_date::text,
                        'entered_at', extract(epoch FROM v.entered_at), 'left_at', extract(epoch FROM v.left_at),
                        'swath_share', v.swath_share, 'clipped_length_m', v.clipped_length_m, 'dwell_s', v.dwell_s,
                        'counted', v.counted, 'reason', v.reason)
                        ORDER BY v.visit_date, v.entered_at, v.zone_id)
                        FROM ${visits} v JOIN zones z ON z.id = v.zone_id
                       WHERE v.patrol_id = p.id AND v.qualifies), '[]') AS visits`
}

/** The summary of a patrol's row (patrolSummarySelect). */
export function patrolSummaryOf(p: PatrolSummaryRow): PatrolSummary {
  const d = p.dropped
  return {
    id: p.id,
    external_id: p.external_id,
    points_received: p.points_received,
    points_kept: p.points_kept,
    dropped: {
      outliers: d.outliers ?? 0,
      duplicates: d.duplicates ?? 0,
      inaccurate: d.inaccurate ?? 0,
      invalid: d.invalid ?? 0,
      isolated: d.isolated ?? 0,
    },
    reordered: p.reordered,
    segments: p.segment_count,
    length_m: round(p.length_m, 1),
    duration_s: round(p.duration_s, 1),
    started_at: p.started_at.toISOString(),
    ended_at: p.ended_at.toISOString(),
    visits: p.visits.map((v) => ({
      zone_id: v.zone_id,
      zone_name: v.zone_name,
      tier: v.tier,
      visit_date: v.visit_date,
      entered_at: isoFromEpochSeconds(v.entered_at),
      left_at: isoFromEpochSeconds(v.left_at),
      covered_share: round(v.swath_share, 4),
      clipped_length_m: round(v.clipped_length_m, 1),
      dwell_s: round(v.dwell_s, 1),
      counted: v.counted,
      reason: v.reason,
    })),
    counts_for_frequency: p.counts_for_frequency,
    flags: p.flags,
    warnings: p.warnings,
  }
}

/** epoch seconds (as json_build_object writes extract(epoch …)) → ISO 8601 with milliseconds */
function isoFromEpochSeconds(value: string | number): string {
  return new Date(Math.round(Number(value) * 1000)).toISOString()
}

/**
 * After a bulk write of a county's figures (a recompute's swap, a bulk load): vacuumed at once,
 * coverage reads are index-only scans again (until autovacuum comes round, each row read visits the
 * heap). Best effort: a connection that does not own the tables, or a table busy elsewhere, is
 * skipped without failing the work that called it.
 */
export async function vacuumLiveFigures(db: Queryable): Promise<void> {
  try {
    await db.query(`VACUUM (SKIP_LOCKED) zone_visits, zone_period_coverage, patrol_cell_sets`)
  } catch {
    // (a vacuum is an optimisation only)
  }
}
