import pg from 'pg'
import { createPgDb } from '../../server/db/pg-adapter.js'
import { createPgliteDb } from '../../server/db/pglite-adapter.js'
import { migrate } from '../../server/db/migrate.js'
import type { Db } from '../../server/db/port.js'

export interface BenchDb {
  label: string
  db: Db
  /** A database kept from an earlier run (BENCH_KEEP=1): its data are already built. */
  reused?: boolean
  dispose(): Promise<void>
}

/**
 * A fresh embedded database, and — when DATABASE_URL is set — a fresh database on that server.
 * With BENCH_KEEP=1 the server's database is `landpatrol_bench_kept` (or BENCH_KEEP_DB, so that
 * several people on one server keep their own): kept after the run and reused by the next one
 * (its built data too), so the slow data build is paid once.
 */
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
    const keep = process.env.BENCH_KEEP === '1'
    const keptName = process.env.BENCH_KEEP_DB ?? 'landpatrol_bench_kept'
    if (!/^[a-z_][a-z0-9_]*$/.test(keptName)) throw new Error(`BENCH_KEEP_DB: not a plain name: ${keptName}`)
    const name = keep ? keptName : `landpatrol_bench_${process.pid}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const exists =
      ((await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1::text`, [name])).rowCount ?? 0) > 0
    if (!keep || !exists) {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`)
      await admin.query(`CREATE DATABASE ${name}`)
    }
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
      reused: keep && exists,
      async dispose() {
        await db.close()
        if (keep) return
        const a = new pg.Client({ connectionString: url })
        await a.connect()
        await a.query(`DROP DATABASE IF EXISTS ${name}`)
        await a.end()
      },
    })
  }
  return out
}
