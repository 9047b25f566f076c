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
}

export type DbKind = 'pglite' | 'postgres'

export interface Db extends Queryable {
  readonly kind: DbKind
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}
