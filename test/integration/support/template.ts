import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createPgliteDb } from '../../../server/db/pglite-adapter.js'
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../../server/db/migrate.js'
import { REPO_ROOT } from '../../support/paths.js'

/** Hash of the migrations, so a cached template is rebuilt whenever a migration changes. */
export async function migrationsHash(): Promise<string> {
  const h = createHash('sha256')
  for (const m of await readMigrations(MIGRATIONS_DIR)) h.update(m.name).update(m.sql)
  return h.digest('hex').slice(0, 16)
}

/**
 * A migrated PGlite data dir, dumped once and cached under data/cache: every test file starts
 * its own database from it in a few seconds instead of the ~18 s PostGIS cold start.
 */
export async function buildPgliteTemplate(): Promise<string> {
  const dir = path.join(REPO_ROOT, 'data/cache')
  const file = path.join(dir, `pglite-template-${await migrationsHash()}.tar.gz`)
  if (existsSync(file)) return file
  await mkdir(dir, { recursive: true })
  const db = await createPgliteDb({ dataDir: 'memory://' })
  await migrate(db)
  const dump = await db.pglite.dumpDataDir('gzip')
  await db.close()
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, Buffer.from(await dump.arrayBuffer()))
  await rename(tmp, file)
  return file
}

export async function readTemplate(file: string): Promise<Blob> {
  return new Blob([await readFile(file)])
}
