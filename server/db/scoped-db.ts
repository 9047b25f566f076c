import type { Role } from '../auth/tokens.js'
import type { Db, Queryable, QueryResult, SnapshotReader } from './port.js'

/** Who is asking: resolved from the bearer token by the auth plugin. */
export interface Principal {
  tokenId: string
  role: Role
  divisionCode: string
  /** code prefix of the caller's jurisdiction ('' = whole country) */
  scope: string
  personId: string | null
  label: string
}

/** The database as seen by one caller: every statement runs under row-level security. */
export interface ScopedDb extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

// Switching to the unprivileged role makes the policies of migrations/0001 apply (the owner and a
// superuser bypass them); both settings are LOCAL, so they end with the transaction.
const ENTER_SCOPE = `SELECT set_config('role', 'landpatrol_app', true), set_config('landpatrol.scope', $1::text, true)`

export function createScopedDb(db: Db, scope: string): ScopedDb {
  const transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    db.transaction(async (tx) => {
      await tx.query(ENTER_SCOPE, [scope])
      return fn(tx.forkReader ? { ...tx, forkReader: () => scopedFork(tx, scope) } : tx)
    })
  return {
    transaction,
    query<R>(text: string, values?: unknown[]): Promise<QueryResult<R>> {
      return transaction((tx) => tx.query<R>(text, values))
    },
    exec(sql: string): Promise<void> {
      return transaction((tx) => tx.exec(sql))
    },
  }
}

/** A reader on the transaction's snapshot enters the same scope (the settings are per transaction). */
function scopedFork(tx: Queryable, scope: string): Promise<SnapshotReader | null> | null {
  const fork = tx.forkReader?.()
  return (
    fork?.then(async (reader) => {
      if (!reader) return null
      try {
        await reader.query(ENTER_SCOPE, [scope])
        return reader
      } catch (err) {
        await reader.release(err)
        throw err
      }
    }) ?? null
  )
}
