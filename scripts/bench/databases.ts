import pg from 'pg'
import { createPgDb } from '../../server/db/pg-adapter.js'
import { createPgliteDb } from '../../server/db/pglite-adapter.js'
import { migrate } from '../../server/db/migrate.js'
import type { Db } from '../../server/db/port.js'

export interface BenchDb {
  label: string
  db: Db
  dispose(): Promise<void>
}

/** A fresh embedded database, and — when DATABASE_URL is set — a fresh database on that server. */
export async function openBenchDatabases(): Promise<BenchDb[]> {
  const out: BenchDb[] = []
  const only = process.env.BENCH_DB
  if (!only || only === 'pglite') {
    const db = await createPgliteDb({ dataDir: 'memory://' })
    await migrate(db)
    out.push({ label: 'PGlite', db, dispose: () => db.close() })
  }
  const url = process.env.DATABASE_URL
  if (url && (!only || only === 'postgres')) {
    const name = `landpatrol_bench_${process.pid}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${name}`)
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const u = new URL(url)
    u.pathname = `/${name}`
    const db = createPgDb(u.toString())
    await migrate(db)
    const version = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]
      ?.v
    out.push({
      label: `PostgreSQL ${version}`,
      db,
      async dispose() {
        await db.close()
        const a = new pg.Client({ connectionString: url })
        await a.connect()
        await a.query(`DROP DATABASE IF EXISTS ${name}`)
        await a.end()
      },
    })
  }
  return out
}
