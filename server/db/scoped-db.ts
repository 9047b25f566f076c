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
// superuser bypass them). JIT compilation is turned off with them: PostGIS declares its functions
// with high planner costs, so a plan over a few thousand legs crosses jit_above_cost and PostgreSQL
// spent around a second compiling code that then ran for milliseconds (1.4 s of JIT for a 10 ms
// statement); set here, no request pays a round trip of its own for it. PGlite has no JIT (the
// setting exists and does nothing). All three settings are LOCAL, so they end with the transaction.
const ENTER_SCOPE = `SELECT set_config('role', 'landpatrol_app', true), set_config('landpatrol.scope', $1::text, true),
                            set_config('jit', 'off', true)`

/**
 * ENTER_SCOPE with the scope written in, to open a transaction in the round trip of its BEGIN (a
 * statement sent with another takes no parameters). A scope is a division code prefix: digits only,
 * which is checked, so nothing but digits is ever written into the statement.
 */
function enterScopeStatement(scope: string): string {
  if (!/^[0-9]{0,12}$/.test(scope)) throw new Error(`not a division code prefix: ${JSON.stringify(scope)}`)
  return ENTER_SCOPE.replace('$1::text', `'${scope}'::text`)
}

export function createScopedDb(db: Db, scope: string): ScopedDb {
  const enter = enterScopeStatement(scope)
  const transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    db.transaction((tx) => fn(tx.forkReader ? { ...tx, forkReader: () => scopedFork(tx, scope) } : tx), enter)
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
