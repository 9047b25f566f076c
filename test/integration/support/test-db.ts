import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createPgDb } from '../../../server/db/pg-adapter.js'
import { createPgliteDb } from '../../../server/db/pglite-adapter.js'
import type { Db } from '../../../server/db/port.js'
import { readTemplate } from './template.js'

export const DB_KIND_OF = () => (process.env.DATABASE_URL ? 'postgres' : 'pglite')
export const DB_KIND = process.env.DATABASE_URL ? 'postgres' : 'pglite'

/** A fresh, migrated database for one test file: a PGlite loaded from the dump, or a new database
 *  created from the template on the real server (dropped again by `close`). */
export async function createTestDb(): Promise<Db> {
  const url = process.env.DATABASE_URL
  if (!url) {
    const template = process.env.LP_PGLITE_TEMPLATE
    if (!template) throw new Error('integration global setup did not run')
    return createPgliteDb({ dataDir: 'memory://', loadDataDir: await readTemplate(template) })
  }
  const template = process.env.LP_PG_TEMPLATE
  if (!template) throw new Error('integration global setup did not run')
  const name = `lp_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  await admin.end()
  const dbUrl = new URL(url)
  dbUrl.pathname = `/${name}`
  const db = createPgDb(dbUrl.toString(), { max: 4 })
  return {
    ...db,
    kind: db.kind,
    async close() {
      await db.close()
      const a = new pg.Client({ connectionString: url })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {})
      await a.end()
    },
  }
}
