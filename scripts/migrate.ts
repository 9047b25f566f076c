import { loadConfig } from '../server/config.js'
import { createDb } from '../server/db/create-db.js'
import { migrate, MIGRATIONS_DIR } from '../server/db/migrate.js'
import { argValue } from './cli-db.js'

/** `npm run migrate [-- --dir migrations]`: applies pending migrations; exits 1 when one fails. */
async function main() {
  const config = loadConfig()
  const db = await createDb(config)
  try {
    const { applied, level } = await migrate(db, argValue(process.argv.slice(2), 'dir') ?? MIGRATIONS_DIR)
    console.log(
      applied.length ? `applied ${applied.join(', ')}; level ${level}` : `up to date; level ${level}`,
    )
  } finally {
    await db.close()
  }
}

main().catch((err: unknown) => {
  console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
