import type { Queryable } from '../../db/port.js'
import { iso, isoRequired } from './common.js'

interface TipRow {
  id: string
  division_code: string
  township_code: string | null
  channel: string
  received_at: Date
  location: { type: string; coordinates: unknown[] } | null
  place: string | null
  content: string
  reporter: string | null
  reporter_contact: string | null
  info_officer_id: string | null
  status: string
  violation_id: string | null
  check_due: Date
  check_due_date: string
  closed_at: Date | null
  checked_on_time: boolean | null
  overdue: boolean
  note: string | null
  created_at: Date
}

// Overdue: still open after the end of its check day. On time: closed at or before it.
const TIP_SELECT = `SELECT t.id, t.division_code, t.township_code, t.channel, t.received_at,
       ST_AsGeoJSON(t.location, 7)::json AS location, t.place, t.content, t.reporter, t.reporter_contact,
       t.info_officer_id, t.status, t.violation_id, t.check_due, t.check_due_date::text AS check_due_date,
       t.closed_at, CASE WHEN t.closed_at IS NULL THEN NULL ELSE t.closed_at <= t.check_due END AS checked_on_time,
       (t.status = 'open' AND now() > t.check_due) AS overdue, t.note, t.created_at
  FROM tips t`

function present(r: TipRow) {
  return {
    ...r,
    received_at: isoRequired(r.received_at),
    check_due: isoRequired(r.check_due),
    closed_at: iso(r.closed_at),
    created_at: isoRequired(r.created_at),
  }
}

export interface InsertTip {
  division_code: string
  township_code: string | null
  channel: string
  received_at: string
  lon: number | null
  lat: number | null
  place: string | null
  content: string
  reporter: string | null
  reporter_contact: string | null
  info_officer_id: string | null
  check_due: string
  check_due_date: string
  note: string | null
  created_by: string
}

export async function insertTip(db: Queryable, t: InsertTip): Promise<string> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO tips (division_code, township_code, channel, received_at, location, place, content, reporter,
       reporter_contact, info_officer_id, check_due, check_due_date, note, created_by)
     VALUES ($1::text, $2::text, $3::text, $4::timestamptz,
       CASE WHEN $5::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326) END,
       $7::text, $8::text, $9::text, $10::text, $11::uuid, $12::timestamptz, $13::date, $14::text, $15::uuid)
     RETURNING id`,
    [
      t.division_code,
      t.township_code,
      t.channel,
      t.received_at,
      t.lon,
      t.lat,
      t.place,
      t.content,
      t.reporter,
      t.reporter_contact,
      t.info_officer_id,
      t.check_due,
      t.check_due_date,
      t.note,
      t.created_by,
    ],
  )
  return (res.rows[0] as { id: string }).id
}

export async function findTip(db: Queryable, id: string, forUpdate = false) {
  const res = await db.query<TipRow>(
    `${TIP_SELECT} WHERE t.id = $1::uuid${forUpdate ? ' FOR UPDATE OF t' : ''}`,
    [id],
  )
  const row = res.rows[0]
  return row ? present(row) : undefined
}

export async function listTips(
  db: Queryable,
  f: { status?: string; overdue?: boolean; division?: string; from?: string; to?: string },
) {
  const res = await db.query<TipRow>(
    `${TIP_SELECT}
      WHERE ($1::text IS NULL OR t.status = $1::text)
        AND ($2::boolean IS NULL OR (t.status = 'open' AND now() > t.check_due) = $2::boolean)
        AND ($3::text IS NULL OR starts_with(t.division_code, lp_scope_prefix($3::text)) OR t.township_code = $3::text)
        AND ($4::timestamptz IS NULL OR t.received_at >= $4::timestamptz)
        AND ($5::timestamptz IS NULL OR t.received_at < $5::timestamptz)
      ORDER BY t.received_at DESC, t.id
      LIMIT 5000`,
    [f.status ?? null, f.overdue ?? null, f.division ?? null, f.from ?? null, f.to ?? null],
  )
  return res.rows.map(present)
}

export async function closeTip(
  db: Queryable,
  id: string,
  c: {
    status: 'violation' | 'unfounded'
    violation_id: string | null
    closed_at: string
    note: string | null
    by: string
  },
): Promise<void> {
  await db.query(
    `UPDATE tips SET status = $2::text, violation_id = $3::uuid, closed_at = $4::timestamptz,
            note = coalesce($5::text, note), checked_by = $6::uuid
      WHERE id = $1::uuid AND status = 'open'`,
    [id, c.status, c.violation_id, c.closed_at, c.note, c.by],
  )
}
