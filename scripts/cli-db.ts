import { loadConfig } from '../server/config.js'
import { createDb } from '../server/db/create-db.js'
import { migrate } from '../server/db/migrate.js'
import type { Db } from '../server/db/port.js'

/**
 * Opens the configured database for a command-line tool. PGlite is one process at a time: with
 * the embedded database, stop the server first (or use the API).
 */
export async function openCliDb(): Promise<Db> {
  const config = loadConfig()
  try {
    const db = await createDb(config)
    await migrate(db)
    return db
  } catch (err) {
    if (!config.databaseUrl)
      console.error(
        `could not open the embedded database in ${config.pgliteDir}; is the server running? (stop it first)`,
      )
    throw err
  }
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`)
  if (i >= 0) return args[i + 1]
  const eq = args.find((a) => a.startsWith(`--${name}=`))
  return eq?.slice(name.length + 3)
}
