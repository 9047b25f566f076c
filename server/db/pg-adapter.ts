import pg from 'pg'
import type { Db, Queryable, QueryResult } from './port.js'

// Return int8 and numeric as JS numbers: counts and areas in this domain stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(text: string, values?: unknown[]): Promise<QueryResult<R>> {
      const res = await client.query(text, values as unknown[] | undefined)
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 }
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql)
    },
  }
}

export function createPgDb(connectionString: string, opts: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10 })
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {})
  const base = wrap(pool)
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn(wrap(client))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    },
    async close() {
      await pool.end()
    },
  }
}
