import pg from 'pg'
import { createPgDb } from '../../server/db/pg-adapter.js'
import { migrate } from '../../server/db/migrate.js'
import { buildPgliteTemplate } from './support/template.js'

/**
 * Prepares one migrated template database for the whole run; each test file then gets a fresh
 * copy of it (test/integration/support/test-db.ts), so files never share state.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL
  if (!url) {
    process.env.LP_PGLITE_TEMPLATE = await buildPgliteTemplate()
    return async () => {}
  }
  const template = `lp_template_${process.pid}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${template}`)
  await admin.query(`CREATE DATABASE ${template}`)
  const templateUrl = new URL(url)
  templateUrl.pathname = `/${template}`
  const db = createPgDb(templateUrl.toString(), { max: 1 })
  await migrate(db)
  await db.close()
  process.env.LP_PG_TEMPLATE = template
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`).catch(() => {})
    await admin.end()
  }
}
