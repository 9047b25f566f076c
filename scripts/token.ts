import { ROLES, type Role } from '../server/auth/tokens.js'
import { createScopedDb } from '../server/db/scoped-db.js'
import { insertToken } from '../server/routes/tokens/queries.js'
import { argValue, openCliDb } from './cli-db.js'

/** `npm run token -- --role device --division 510112 [--label "GPS 01"]` prints a new token's secret. */
async function main() {
  const args = process.argv.slice(2)
  const role = argValue(args, 'role')
  const division = argValue(args, 'division')
  const label = argValue(args, 'label') ?? `${role} token (cli)`
  if (!role || !ROLES.includes(role as Role) || !division) {
    console.error(`usage: npm run token -- --role <${ROLES.join('|')}> --division <code> [--label text]`)
    process.exit(2)
  }
  const db = await openCliDb()
  try {
    const exists = await db.query('SELECT 1 FROM divisions WHERE code = $1::text', [division])
    if (exists.rowCount === 0) {
      console.error(`division ${division} does not exist; create it first (POST /api/v1/divisions)`)
      process.exitCode = 1
      return
    }
    const token = await createScopedDb(db, '').transaction((tx) =>
      insertToken(tx, { role: role as Role, division_code: division, label }),
    )
    console.log(token.secret)
  } finally {
    await db.close()
  }
}

main().catch((err: unknown) => {
  console.error(`token: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
