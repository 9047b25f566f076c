import type { Db } from '../../db/port.js'

export async function readDatabaseVersions(db: Db): Promise<{ postgres: string; postgis: string }> {
  const res = await db.query<{ postgres: string; postgis: string }>(
    `SELECT current_setting('server_version') AS postgres, postgis_lib_version() AS postgis`,
  )
  const row = res.rows[0]
  return { postgres: row?.postgres ?? 'unknown', postgis: row?.postgis ?? 'unknown' }
}

export async function readJobStates(db: Db): Promise<Record<string, unknown>> {
  const res = await db.query<{ key: string; value: unknown }>(
    `SELECT key, value FROM app_state WHERE key LIKE 'job:%'`,
  )
  return Object.fromEntries(res.rows.map((r) => [r.key.slice(4), r.value]))
}
