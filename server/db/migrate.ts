import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { PROJECT_ROOT } from '../paths.js'
import type { Db } from './port.js'

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations')

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/
// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_428_311

export interface Migration {
  version: number
  name: string
  sql: string
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    })
  }
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
  const seen = new Set<number>()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file)
    if (!match) throw new Error(`migration file name ${file} does not match NNNN_name.sql`)
    const version = Number(match[1])
    if (seen.has(version)) throw new Error(`two migrations with version ${version}`)
    seen.add(version)
    migrations.push({ version, name: file, sql: await readFile(path.join(dir, file), 'utf8') })
  }
  return migrations
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so two
 * processes starting at once never apply the same file twice. Forward-only: an applied file is
 * never re-run; a failing one rolls back and throws MigrationError (callers exit non-zero).
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<{ applied: string[]; level: number }> {
  const migrations = await readMigrations(dir)
  const applied: string[] = []
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY])
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1::integer', [
        migration.version,
      ])
      if (existing.rowCount > 0) return false
      try {
        await tx.exec(migration.sql)
      } catch (err) {
        throw new MigrationError(migration.name, err)
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2::text)', [
        migration.version,
        migration.name,
      ])
      return true
    })
    if (done) applied.push(migration.name)
  }
  return { applied, level: await migrationLevel(db) }
}

export async function migrationLevel(db: Db): Promise<number> {
  const res = await db.query<{ level: number | null }>(`SELECT max(version) AS level FROM schema_migrations`)
  return res.rows[0]?.level ?? 0
}
