import type { Db } from '../../../server/db/port.js'

/**
 * A fingerprint of every table's content (row count and an md5 of the rows), to prove that a
 * refused request changed nothing. Token use timestamps are left out: reading is not a change.
 */
export async function snapshotDatabase(db: Db): Promise<Record<string, string>> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys'
      ORDER BY table_name`,
  )
  const out: Record<string, string> = {}
  for (const { table_name } of tables.rows) {
    const res = await db.query<{ n: number; h: string | null }>(
      `SELECT count(*)::integer AS n,
              md5(string_agg((to_jsonb(t) - 'last_used_at')::text, '|' ORDER BY (to_jsonb(t) - 'last_used_at')::text)) AS h
         FROM "${table_name.replace(/"/g, '""')}" t`,
    )
    out[table_name] = `${res.rows[0]?.n}:${res.rows[0]?.h}`
  }
  return out
}
