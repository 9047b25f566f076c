/**
 * The one data-access port. Both adapters (node-postgres and PGlite) implement it, so every
 * query in the product runs unchanged on a real PostgreSQL/PostGIS and on the embedded one.
 */
export interface QueryResult<R> {
  rows: R[]
  rowCount: number
}

export interface Sql {
  text: string
  values?: unknown[]
}

export interface Queryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<R>>
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
  /**
   * A transaction on pooled PostgreSQL only: another connection, in a read-only transaction that sees
   * this transaction's snapshot, so that independent reads can run beside this one's (readConcurrently).
   * Null, at once, when the pool has no free connection: waiting for one while holding this one could
   * deadlock a full pool; resolves to null when this transaction has written (a reader would not see
   * its changes). Absent on PGlite (one connection) and outside transactions.
   */
  forkReader?(): Promise<SnapshotReader | null> | null
}

/** A read-only transaction on the snapshot of another; `release` ends it (rolled back after an error). */
export interface SnapshotReader extends Queryable {
  release(err?: unknown): Promise<void>
}

export type DbKind = 'pglite' | 'postgres'

export interface Db extends Queryable {
  readonly kind: DbKind
  /** PostgreSQL: where the pool connects (a worker thread opens its own connection there) */
  readonly connectionString?: string
  /**
   * Runs `fn` in a transaction. `setup`: statements without parameters that open it (settings), sent
   * with BEGIN in one round trip where the driver allows.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, setup?: string): Promise<T>
  close(): Promise<void>
}
