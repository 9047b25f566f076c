import { DEMO_DIR, ensureDemoFiles, readDemoJson, type DemoDivision } from '../server/demo/demo-files.js'
import { loadDemo } from '../server/demo/load-demo.js'
import { openCliDb } from './cli-db.js'

/**
 * `npm run seed [-- --force]`: empties the database and loads the demo county again. Refuses when
 * the database holds divisions that are not the demo's, unless --force.
 */
async function main() {
  const force = process.argv.includes('--force')
  const db = await openCliDb()
  try {
    await ensureDemoFiles(DEMO_DIR)
    const demoCodes = new Set(
      (await readDemoJson<DemoDivision[]>(DEMO_DIR, 'divisions.json')).map((d) => d.code),
    )
    const others = (
      await db.query<{ code: string }>(`SELECT code FROM divisions WHERE code <> '000000'`)
    ).rows.filter((r) => !demoCodes.has(r.code))
    if (others.length > 0 && !force) {
      console.error(
        `seed: the database holds ${others.length} divisions that are not the demo's; use --force to wipe them`,
      )
      process.exitCode = 1
      return
    }
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND table_name NOT IN ('schema_migrations', 'spatial_ref_sys')`,
    )
    await db.transaction(async (tx) => {
      await tx.exec(`TRUNCATE ${tables.rows.map((t) => `"${t.table_name}"`).join(', ')} CASCADE`)
      await tx.exec(`INSERT INTO divisions (code, name, level) VALUES ('000000', '全国', 'country')`)
    })
    const result = await loadDemo({ dir: DEMO_DIR, db, log: console }, { force: true })
    console.log(`seed: ${result.state} (${result.completed_steps.join(', ')})`)
    if (result.state !== 'done') process.exitCode = 1
  } finally {
    await db.close()
  }
}

main().catch((err: unknown) => {
  console.error(`seed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
