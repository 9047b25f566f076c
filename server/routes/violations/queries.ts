/**
 * SQL for violations and their events, each a function taking the (scoped) connection. Every value
 * is a bind parameter with a cast; rows come back in the shape the routes serve.
 */
import type { Queryable } from '../../db/port.js'
import { zonesInForceJoin } from '../zones/in-force.js'
import { BASIC_FARMLAND_CATEGORY, CULTIVATED_CATEGORIES } from './labels.js'

/** The facts a violation is recorded with, the same when written and when read back. */
interface ViolationFacts {
  division_code: string
  township_code: string | null
  category: number
  source: string
  place: string | null
  area_mu: number | null
  cultivated_mu: number | null
  basic_farmland_mu: number | null
  area_source: string
  farmland_source: string
  party: string | null
  description: string | null
  patrol_id: string | null
  tip_id: string | null
  unit_id: string | null
  major: boolean
  needs_stopping: boolean
  report_required: boolean
}

export interface ViolationRow extends ViolationFacts {
  id: string
  found_at: Date
  location: { type: string; coordinates: unknown[] }
  extent: { type: string; coordinates: unknown[] } | null
  status: string
  last_event_at: Date
  report_due: Date
  report_due_date: string
  major_report_due: Date | null
  reported_at: Date | null
  filed_at: Date | null
  closure_due: Date | null
  closed_at: Date | null
  closing_kind: string | null
  created_at: Date
  report_overdue: boolean
  major_report_overdue: boolean
  closure_overdue: boolean
}

/**
 * Overdue, decided in one place (list filter and every record use these expressions):
 * - report: no report yet, its due instant has passed, and a report is owed — staff judged that
 *   liability must be pursued, or the case is major, or nothing has resolved it (still found or
 *   stopped: neither corrected nor handed on) by the deadline.
 * - major_report: a major event (第二十一条) not yet reported by its own due instant.
 * - closure: filed and not closed by the end of the legal time limit.
 */
const OVERDUE_COLUMNS = `
       (v.reported_at IS NULL AND now() > v.report_due
         AND (v.report_required OR v.major OR v.status IN ('found', 'stopped'))) AS report_overdue,
       (v.major AND v.reported_at IS NULL AND now() > v.major_report_due) AS major_report_overdue,
       (v.status = 'filed' AND v.closed_at IS NULL AND now() > v.closure_due) AS closure_overdue`

const OVERDUE_ANY = `((v.reported_at IS NULL AND now() > v.report_due
         AND (v.report_required OR v.major OR v.status IN ('found', 'stopped')))
      OR (v.major AND v.reported_at IS NULL AND now() > v.major_report_due)
      OR (v.status = 'filed' AND v.closed_at IS NULL AND now() > v.closure_due))`

const VIOLATION_SELECT = `SELECT v.id, v.division_code, v.township_code, v.category, v.source, v.found_at,
       ST_AsGeoJSON(v.location, 7)::json AS location, ST_AsGeoJSON(v.extent, 7)::json AS extent, v.place,
       v.area_mu::float8 AS area_mu, v.cultivated_mu::float8 AS cultivated_mu,
       v.basic_farmland_mu::float8 AS basic_farmland_mu, v.area_source, v.farmland_source,
       v.party, v.description, v.patrol_id, v.tip_id, v.unit_id, v.major, v.needs_stopping, v.report_required,
       v.status, v.last_event_at, v.report_due, v.report_due_date::text AS report_due_date, v.major_report_due,
       v.reported_at, v.filed_at, v.closure_due, v.closed_at, v.closing_kind, v.created_at,${OVERDUE_COLUMNS}
  FROM violations v`

export interface InsertViolation extends ViolationFacts {
  found_at: string
  lon: number
  lat: number
  extent: string | null
  report_due: string
  report_due_date: string
  major_report_due: string | null
  created_by: string
  created_by_person: string | null
}

export async function insertViolation(db: Queryable, v: InsertViolation): Promise<string> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO violations (
       division_code, township_code, category, source, found_at, location, extent, place,
       area_mu, cultivated_mu, basic_farmland_mu, area_source, farmland_source, party, description,
       patrol_id, tip_id, unit_id, major, needs_stopping, report_required, status, last_event_at,
       report_due, report_due_date, major_report_due, created_by, created_by_person)
     VALUES ($1::text, $2::text, $3::smallint, $4::text, $5::timestamptz,
       ST_SetSRID(ST_MakePoint($6::float8, $7::float8), 4326),
       CASE WHEN $8::text IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($8::text), 4326)) END,
       $9::text, $10::numeric, $11::numeric, $12::numeric, $13::text, $14::text, $15::text, $16::text,
       $17::uuid, $18::uuid, $19::uuid, $20::boolean, $21::boolean, $22::boolean, 'found', $5::timestamptz,
       $23::timestamptz, $24::date, $25::timestamptz, $26::uuid, $27::uuid)
     RETURNING id`,
    [
      v.division_code,
      v.township_code,
      v.category,
      v.source,
      v.found_at,
      v.lon,
      v.lat,
      v.extent,
      v.place,
      v.area_mu,
      v.cultivated_mu,
      v.basic_farmland_mu,
      v.area_source,
      v.farmland_source,
      v.party,
      v.description,
      v.patrol_id,
      v.tip_id,
      v.unit_id,
      v.major,
      v.needs_stopping,
      v.report_required,
      v.report_due,
      v.report_due_date,
      v.major_report_due,
      v.created_by,
      v.created_by_person,
    ],
  )
  return (res.rows[0] as { id: string }).id
}

export async function findViolation(
  db: Queryable,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ViolationRow | undefined> {
  // FOR UPDATE serialises concurrent events on one case: the second waits and sees the first.
  const res = await db.query<ViolationRow>(
    `${VIOLATION_SELECT} WHERE v.id = $1::uuid${opts.forUpdate ? ' FOR UPDATE OF v' : ''}`,
    [id],
  )
  return res.rows[0]
}

export interface ViolationFilter {
  status?: string
  overdue?: boolean
  division?: string
  fromMs?: string
  toMs?: string
  category?: number
  major?: boolean
  limit: number
  offset: number
}

export async function listViolations(db: Queryable, f: ViolationFilter): Promise<ViolationRow[]> {
  const res = await db.query<ViolationRow>(
    `${VIOLATION_SELECT}
      WHERE ($1::text IS NULL OR v.status = $1::text)
        AND ($2::boolean IS NULL OR ${OVERDUE_ANY} = $2::boolean)
        AND ($3::text IS NULL OR starts_with(v.division_code, lp_scope_prefix($3::text)) OR v.township_code = $3::text)
        AND ($4::timestamptz IS NULL OR v.found_at >= $4::timestamptz)
        AND ($5::timestamptz IS NULL OR v.found_at < $5::timestamptz)
        AND ($6::smallint IS NULL OR v.category = $6::smallint)
        AND ($7::boolean IS NULL OR v.major = $7::boolean)
      ORDER BY v.found_at DESC, v.id
      LIMIT $8::integer OFFSET $9::integer`,
    [
      f.status ?? null,
      f.overdue ?? null,
      f.division ?? null,
      f.fromMs ?? null,
      f.toMs ?? null,
      f.category ?? null,
      f.major ?? null,
      f.limit,
      f.offset,
    ],
  )
  return res.rows
}

export interface EventRow {
  id: string
  seq: number
  type: string
  at: Date
  from_status: string
  to_status: string
  closing_kind: string | null
  note: string | null
  actor_token_id: string | null
  actor_person_id: string | null
  actor_label: string | null
  recorded_at: Date
}

export async function listEvents(db: Queryable, violationId: string): Promise<EventRow[]> {
  const res = await db.query<EventRow>(
    `SELECT id, seq, type, at, from_status, to_status, closing_kind, note, actor_token_id, actor_person_id,
            actor_label, recorded_at
       FROM violation_events WHERE violation_id = $1::uuid ORDER BY seq`,
    [violationId],
  )
  return res.rows
}

export interface EventsOfMany {
  violation_id: string
  type: string
  at: Date
  closing_kind: string | null
}

export async function listEventsOf(db: Queryable, ids: readonly string[]): Promise<EventsOfMany[]> {
  if (ids.length === 0) return []
  const res = await db.query<EventsOfMany>(
    `SELECT violation_id, type, at, closing_kind FROM violation_events
      WHERE violation_id = ANY($1::uuid[]) ORDER BY violation_id, seq`,
    [ids],
  )
  return res.rows
}

export interface InsertEvent {
  violation_id: string
  division_code: string
  type: string
  at: string
  from_status: string
  to_status: string
  closing_kind: string | null
  note: string | null
  actor_token_id: string
  actor_person_id: string | null
  actor_label: string
}

export async function insertEvent(db: Queryable, e: InsertEvent): Promise<void> {
  await db.query(
    `INSERT INTO violation_events (violation_id, division_code, seq, type, at, from_status, to_status,
       closing_kind, note, actor_token_id, actor_person_id, actor_label)
     SELECT $1::uuid, $2::text, coalesce(max(seq), 0) + 1, $3::text, $4::timestamptz, $5::text, $6::text,
            $7::text, $8::text, $9::uuid, $10::uuid, $11::text
       FROM violation_events WHERE violation_id = $1::uuid`,
    [
      e.violation_id,
      e.division_code,
      e.type,
      e.at,
      e.from_status,
      e.to_status,
      e.closing_kind,
      e.note,
      e.actor_token_id,
      e.actor_person_id,
      e.actor_label,
    ],
  )
}

/** The columns an event moves, written in the transaction that appends it. */
export async function updateViolationState(
  db: Queryable,
  id: string,
  s: {
    status: string
    last_event_at: string
    reported_at?: string
    filed_at?: string
    closure_due?: string
    closed_at?: string
    closing_kind?: string
  },
): Promise<void> {
  await db.query(
    `UPDATE violations SET status = $2::text, last_event_at = $3::timestamptz,
            reported_at = coalesce(reported_at, $4::timestamptz),
            filed_at = coalesce(filed_at, $5::timestamptz),
            closure_due = coalesce(closure_due, $6::timestamptz),
            closed_at = coalesce(closed_at, $7::timestamptz),
            closing_kind = coalesce(closing_kind, $8::text)
      WHERE id = $1::uuid`,
    [
      id,
      s.status,
      s.last_event_at,
      s.reported_at ?? null,
      s.filed_at ?? null,
      s.closure_due ?? null,
      s.closed_at ?? null,
      s.closing_kind ?? null,
    ],
  )
}

export interface ExtentAreas {
  area_m2: number
  basic_farmland_m2: number
  cultivated_m2: number
  /** zones of a filed plan are in force for the county on the day */
  plan_in_force: boolean
  intersects_county: boolean | null
}

/**
 * Areas of an extent, on the ellipsoid (geography), and its overlap with the farmland zones in force
 * on the day of discovery: basic farmland zones → basic farmland; basic plus other farmland zones →
 * cultivated land. Zones are unioned first, so overlapping zones are not counted twice.
 */
export async function measureExtent(
  db: Queryable,
  countyCode: string,
  extentGeoJson: string,
  day: string,
): Promise<ExtentAreas> {
  const res = await db.query<ExtentAreas>(
    `WITH
     -- the extent as stored
     e AS (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)) AS g),
     -- farmland zones of the plan in force that touch the extent
     farm AS (
       SELECT z.category, z.geom FROM ${zonesInForceJoin(2)}, e
        WHERE z.division_code = $3::text AND z.category = ANY($4::text[]) AND z.geom && e.g),
     basic AS (SELECT ST_Union(geom) AS g FROM farm WHERE category = $5::text),
     cultivated AS (SELECT ST_Union(geom) AS g FROM farm)
     SELECT ST_Area(e.g::geography) AS area_m2,
            coalesce(ST_Area(ST_Intersection(e.g, basic.g)::geography), 0) AS basic_farmland_m2,
            coalesce(ST_Area(ST_Intersection(e.g, cultivated.g)::geography), 0) AS cultivated_m2,
            EXISTS (SELECT 1 FROM zone_plans p
                     WHERE p.division_code = $3::text AND p.status IN ('filed', 'superseded')
                       AND p.effective_from <= $2::date
                       AND (p.effective_to IS NULL OR $2::date < p.effective_to)) AS plan_in_force,
            (SELECT CASE WHEN d.boundary IS NULL THEN NULL ELSE ST_Intersects(d.boundary, e.g) END
               FROM divisions d WHERE d.code = $3::text) AS intersects_county
       FROM e, basic, cultivated`,
    [extentGeoJson, day, countyCode, [...CULTIVATED_CATEGORIES], BASIC_FARMLAND_CATEGORY],
  )
  return res.rows[0] as ExtentAreas
}

export interface ResponsiblePersonsRow {
  zone_name: string
  category: string
  tier: number
  unit_name: string | null
  main_person: string | null
  direct_persons: string[]
}

/** The zones in force on the day that contain the location, with their responsible unit and persons. */
export async function findResponsibleZones(
  db: Queryable,
  violationId: string,
  day: string,
): Promise<ResponsiblePersonsRow[]> {
  const res = await db.query<ResponsiblePersonsRow>(
    `SELECT z.name AS zone_name, z.category, z.tier, u.name AS unit_name, mp.name AS main_person,
            coalesce((SELECT array_agg(dp.name ORDER BY dp.name) FROM people dp
                       WHERE dp.id = ANY(z.direct_person_ids)), '{}') AS direct_persons
       FROM violations v
       JOIN ${zonesInForceJoin(2)} ON z.division_code = v.division_code AND ST_Covers(z.geom, v.location)
       LEFT JOIN units u ON u.id = z.unit_id
       LEFT JOIN people mp ON mp.id = z.main_person_id
      WHERE v.id = $1::uuid
      ORDER BY z.tier, z.name`,
    [violationId, day],
  )
  return res.rows
}

export async function findDivisionName(db: Queryable, code: string | null): Promise<string | null> {
  if (!code) return null
  const res = await db.query<{ name: string }>('SELECT name FROM divisions WHERE code = $1::text', [code])
  return res.rows[0]?.name ?? null
}

export async function findUnitName(db: Queryable, id: string | null): Promise<string | null> {
  if (!id) return null
  const res = await db.query<{ name: string }>('SELECT name FROM units WHERE id = $1::uuid', [id])
  return res.rows[0]?.name ?? null
}

export async function findPersonNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const res = await db.query<{ id: string; name: string }>(
    'SELECT id, name FROM people WHERE id = ANY($1::uuid[])',
    [ids],
  )
  return new Map(res.rows.map((r) => [r.id, r.name]))
}
