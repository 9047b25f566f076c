import { mkdir } from 'node:fs/promises'
import { PGlite, types } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { ArrayParam, arrayLiteral } from './array-param.js'
import type { Db, Queryable, QueryResult } from './port.js'

// Match the pg adapter: int8 and numeric come back as numbers.
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
}

// PGlite writes a bytea parameter as hex one byte at a time in JavaScript (Array.from, a string per
// byte, join): the ~100 KB of coverage cells of a post took longer than the rest of it, a recompute's
// ~15 MB far longer. Node's hex encoder writes the same text.
const serializers = {
  [types.BYTEA]: (v: unknown) => {
    if (!(v instanceof Uint8Array)) throw new Error('Invalid input for bytea type')
    return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
  },
}

export interface PgliteOptions {
  /** A folder, or `memory://` for tests. */
  dataDir: string
  /** A dumped data dir (tar) to start from, so tests skip the ~18 s PostGIS cold start. */
  loadDataDir?: Blob | File
}

function wrap(pg: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<R>(text: string, values?: unknown[]): Promise<QueryResult<R>> {
      const params = values?.map((v) => (v instanceof ArrayParam ? arrayLiteral(v) : v))
      const res = await pg.query<R>(text, params, { parsers })
      // PGlite reports affectedRows = 0 for a SELECT; count the rows then, as pg does.
      return { rows: res.rows, rowCount: res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0) }
    },
    async exec(sql: string): Promise<void> {
      await pg.exec(sql)
    },
  }
}

export async function createPgliteDb(opts: PgliteOptions): Promise<Db & { pglite: PGlite }> {
  if (!opts.dataDir.startsWith('memory://')) await mkdir(opts.dataDir, { recursive: true })
  const pg = new PGlite({
    dataDir: opts.dataDir,
    extensions: { postgis },
    serializers,
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  })
  await pg.waitReady
  const base = wrap(pg)
  return {
    kind: 'pglite',
    pglite: pg,
    query: base.query,
    exec: base.exec,
    // PGlite runs one connection: its transaction() takes an exclusive lock and rolls back on
    // a thrown error, which is exactly what a failed statement inside a transaction needs here.
    transaction<T>(fn: (tx: Queryable) => Promise<T>, setup?: string): Promise<T> {
      return pg.transaction(async (tx) => {
        if (setup) await tx.exec(setup)
        return fn(wrap(tx))
      })
    },
    async close() {
      if (!pg.closed) await pg.close()
    },
  }
}
