import type { Config } from '../config.js'
import { createPgDb } from './pg-adapter.js'
import { createPgliteDb } from './pglite-adapter.js'
import type { Db } from './port.js'

/** `DATABASE_URL` set ⇒ real PostgreSQL + PostGIS through `pg`; unset ⇒ embedded PGlite + PostGIS. */
export async function createDb(config: Pick<Config, 'databaseUrl' | 'pgliteDir'>): Promise<Db> {
  if (config.databaseUrl) return createPgDb(config.databaseUrl)
  return createPgliteDb({ dataDir: config.pgliteDir })
}
