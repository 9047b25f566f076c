import type { Queryable } from '../../db/port.js'
import type { ScopedDb } from '../../db/scoped-db.js'
import { startOfCalendarDay, addCalendarDays } from '../../domain/rules/calendar-date.js'
import { defaultSpan } from './span.js'
import { readPatrolSummary } from './queries.js'
import type { ListPatrolsQuery } from './schemas.js'

interface ListRow {
  id: string
  external_id: string
  division_code: string
  unit_id: string
  unit_name: string
  kind: string
  staff: string[]
  staff_count: number
  started_at: Date
  ended_at: Date
  points_received: number
  points_kept: number
  length_m: number
  duration_s: number
  visits: number
  counted_visits: number
  counts_for_frequency: boolean
  flags: string[]
  total: number
}

/** The ledger: patrols of the division (county code, or a township: its units') started in the span. */
export async function listPatrols(db: Queryable, q: ListPatrolsQuery, callerDivision: string) {
  const span = defaultSpan(q.from, q.to)
  const division = q.division ?? callerDivision
  const res = await db.query<ListRow>(
    `SELECT p.id, p.external_id, p.division_code, p.unit_id, u.name AS unit_name, p.kind, p.staff, p.staff_count,
            p.started_at, p.ended_at, p.points_received, p.points_kept, p.length_m, p.duration_s,
            (SELECT count(*) FROM zone_visits v WHERE v.patrol_id = p.id AND v.qualifies)::integer AS visits,
            (SELECT count(*) FROM zone_visits v WHERE v.patrol_id = p.id AND v.counted)::integer AS counted_visits,
            p.counts_for_frequency, p.flags, count(*) OVER ()::integer AS total
       FROM patrols p JOIN units u ON u.id = p.unit_id
      WHERE (starts_with(p.division_code, lp_scope_prefix($1::text)) OR u.division_code = $1::text)
        AND p.started_at >= $2::timestamptz AND p.started_at < $3::timestamptz
        AND ($4::uuid IS NULL OR p.unit_id = $4::uuid)
      ORDER BY p.started_at, p.id
      LIMIT $5::integer OFFSET $6::integer`,
    [
      division,
      startOfCalendarDay(span.from),
      startOfCalendarDay(addCalendarDays(span.to, 1)),
      q.unit_id ?? null,
      q.limit ?? 500,
      q.offset ?? 0,
    ],
  )
  return {
    total: res.rows[0]?.total ?? 0,
    items: res.rows.map(({ total: _total, ...r }) => ({
      ...r,
      started_at: r.started_at.toISOString(),
      ended_at: r.ended_at.toISOString(),
      length_m: Math.round(r.length_m * 10) / 10,
      duration_s: Math.round(r.duration_s * 10) / 10,
      person_hours: Math.round(((r.duration_s * r.staff_count) / 3600) * 100) / 100,
    })),
  }
}

interface SegmentRow {
  seq: number
  geometry: unknown
  times: number[]
  started_at: Date
  ended_at: Date
  point_count: number
  length_m: number
}

/**
 * One patrol for the ledger: the summary POST answered, its metadata, the cleaned segments as GeoJSON
 * (with the fix times as coordTimes), every dropped point with its reason, and every zone contact
 * including those that did not meet the visit rule. Reads this one patrol's raw points (the
 * partitions of its own months only); coverage never does.
 */
export async function readPatrolDetail(db: ScopedDb, id: string) {
  return db.transaction((tx) => readDetail(tx, id))
}

async function readDetail(tx: Queryable, id: string) {
  const summary = await readPatrolSummary(tx, id)
  if (!summary) return undefined
  const meta = await tx.query<{
    division_code: string
    unit_id: string
    unit_name: string
    kind: string
    staff: string[]
    staff_count: number
    crs: string
    input_format: string
    metric_srid: number
    created_at: Date
    points_from: Date
    points_to: Date
  }>(
    `SELECT p.division_code, p.unit_id, u.name AS unit_name, p.kind, p.staff, p.staff_count, p.crs, p.input_format,
            p.metric_srid, p.created_at, p.points_from, p.points_to
       FROM patrols p JOIN units u ON u.id = p.unit_id WHERE p.id = $1::uuid`,
    [id],
  )
  const m = meta.rows[0]!
  const segments = await tx.query<SegmentRow>(
    `SELECT s.seq, ST_AsGeoJSON(ST_Force2D(s.geom), 7)::json AS geometry,
            ARRAY(SELECT ST_M(dp.geom) FROM ST_DumpPoints(s.geom) AS dp ORDER BY dp.path[1]) AS times,
            s.started_at, s.ended_at, s.point_count, s.length_m
       FROM patrol_segments s WHERE s.patrol_id = $1::uuid ORDER BY s.seq`,
    [id],
  )
  // the fix-time bounds let PostgreSQL read only this patrol's month partitions
  const dropped = await tx.query<{
    seq: number
    t: Date
    lon: number
    lat: number
    accuracy: number | null
    reason: string
  }>(
    `SELECT seq, fixed_at AS t, lon, lat, accuracy, drop_reason AS reason
       FROM patrol_points
      WHERE patrol_id = $1::uuid AND NOT kept AND fixed_at >= $2::timestamptz AND fixed_at <= $3::timestamptz
      ORDER BY seq`,
    [id, m.points_from, m.points_to],
  )
  const contacts = await tx.query<{
    zone_id: string
    zone_name: string
    tier: number
    visit_date: string
    entered_at: Date
    left_at: Date
    swath_share: number
    clipped_length_m: number
    dwell_s: number
    qualifies: boolean
    counted: boolean
    reason: string | null
  }>(
    `SELECT v.zone_id, z.name AS zone_name, v.tier, v.visit_date::text AS visit_date, v.entered_at, v.left_at,
            v.swath_share, v.clipped_length_m, v.dwell_s, v.qualifies, v.counted, v.reason
       FROM zone_visits v JOIN zones z ON z.id = v.zone_id
      WHERE v.patrol_id = $1::uuid ORDER BY v.visit_date, v.entered_at, v.zone_id`,
    [id],
  )
  return {
    ...summary,
    division_code: m.division_code,
    unit_id: m.unit_id,
    unit_name: m.unit_name,
    kind: m.kind,
    staff: m.staff,
    staff_count: m.staff_count,
    person_hours: Math.round(((summary.duration_s * m.staff_count) / 3600) * 100) / 100,
    crs: m.crs,
    input_format: m.input_format,
    metric_srid: m.metric_srid,
    created_at: m.created_at.toISOString(),
    track: {
      type: 'FeatureCollection',
      features: segments.rows.map((s) => ({
        type: 'Feature',
        geometry: s.geometry,
        properties: {
          segment: s.seq,
          started_at: s.started_at.toISOString(),
          ended_at: s.ended_at.toISOString(),
          point_count: s.point_count,
          length_m: Math.round(s.length_m * 10) / 10,
          coordTimes: s.times.map((t) => new Date(Math.round(t * 1000)).toISOString()),
        },
      })),
    },
    dropped_points: dropped.rows.map((d) => ({
      index: d.seq,
      time: d.t.toISOString(),
      lon: d.lon,
      lat: d.lat,
      accuracy: d.accuracy,
      reason: d.reason,
    })),
    zone_contacts: contacts.rows.map((c) => ({
      ...c,
      entered_at: c.entered_at.toISOString(),
      left_at: c.left_at.toISOString(),
      swath_share: Math.round(c.swath_share * 10000) / 10000,
      clipped_length_m: Math.round(c.clipped_length_m * 10) / 10,
      dwell_s: Math.round(c.dwell_s * 10) / 10,
    })),
  }
}
