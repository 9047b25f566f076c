import pg from 'pg'
import { ArrayParam, binaryArray } from './array-param.js'
import type { Db, Queryable, QueryResult, SnapshotReader } from './port.js'

// Return int8 and numeric as JS numbers: counts and areas in this domain stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

/** A parameter as node-postgres takes it: an ArrayParam as a Buffer, which it sends in binary format. */
function toPgValue(value: unknown): unknown {
  return value instanceof ArrayParam ? binaryArray(value) : value
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(text: string, values?: unknown[]): Promise<QueryResult<R>> {
      const res = await client.query(text, values?.map(toPgValue))
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 }
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql)
    },
  }
}

// what pg_export_snapshot() answers (e.g. 00000003-0000001B-1); checked, as SET TRANSACTION SNAPSHOT
// takes no bind parameter
const SNAPSHOT_ID = /^[0-9A-F]+(-[0-9A-F]+)+$/

/** Readers on the snapshot of the transaction on `client`, each on another connection of the pool. */
function snapshotForker(pool: pg.Pool, max: number, client: pg.PoolClient) {
  // null once the transaction has written: an exported snapshot does not show its own changes
  let snapshot: Promise<string | null> | undefined
  return (): Promise<SnapshotReader | null> | null => {
    // an idle connection not promised to an earlier waiter, or room for a new one; pool.connect()
    // below queues at once, so the next call sees this one counted
    if (pool.idleCount <= pool.waitingCount && pool.totalCount >= max) return null
    const connecting = pool.connect()
    snapshot ??= client
      .query<{ id: string | null }>(
        `SELECT CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN pg_export_snapshot() END AS id`,
      )
      .then((res) => res.rows[0]!.id)
    return (async () => {
      const fork = await connecting
      try {
        const id = await snapshot
        if (id === null) {
          fork.release()
          return null
        }
        if (!SNAPSHOT_ID.test(id)) throw new Error(`unexpected snapshot id ${id}`)
        await fork.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '${id}'`)
      } catch (err) {
        await fork.query('ROLLBACK').catch(() => {})
        fork.release()
        throw err
      }
      let released = false
      return {
        ...wrap(fork),
        async release(err?: unknown) {
          if (released) return
          released = true
          try {
            await fork.query(err === undefined ? 'COMMIT' : 'ROLLBACK')
          } finally {
            fork.release()
          }
        },
      }
    })()
  }
}

export function createPgDb(connectionString: string, opts: { max?: number } = {}): Db {
  const max = opts.max ?? 10
  const pool = new pg.Pool({ connectionString, max })
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {})
  const base = wrap(pool)
  return {
    kind: 'postgres',
    connectionString,
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, setup?: string): Promise<T> {
      const client = await pool.connect()
      try {
        // (a simple query may hold several statements: BEGIN and the setup go in one round trip)
        await client.query(setup ? `BEGIN; ${setup}` : 'BEGIN')
        const result = await fn({ ...wrap(client), forkReader: snapshotForker(pool, max, client) })
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
