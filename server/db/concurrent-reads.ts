import type { Queryable, SnapshotReader } from './port.js'

type Reads<T extends readonly unknown[]> = { [K in keyof T]: (db: Queryable) => Promise<T[K]> }

/**
 * Independent reads of one transaction, at once where the database allows: the first on the
 * transaction itself, each other one on a reader that sees the transaction's snapshot (another pooled
 * PostgreSQL connection, which `prepare` sets up as the transaction was, e.g. its planner settings).
 * On PGlite (one connection), outside a transaction, or when the pool has no free connection, the
 * reads run one after another on `db`, in order (after a write in the transaction too, which readers
 * would not see: then on `db`, whose connection takes them one at a time). The answers are the same
 * either way: each read sees the snapshot of a moment inside the transaction, as each statement of a
 * READ COMMITTED one does.
 */
export async function readConcurrently<T extends readonly unknown[]>(
  db: Queryable,
  reads: Reads<T>,
  prepare: (reader: Queryable) => Promise<void> = async () => {},
): Promise<T> {
  const forked = reads.map((read, i) => {
    const fork = i === 0 ? null : (db.forkReader?.() ?? null)
    return fork && readOn(db, fork, read, prepare)
  })
  // (awaited below; until then a failure must not count as unhandled)
  for (const p of forked) p?.catch(() => {})
  try {
    const values: unknown[] = []
    for (const [i, read] of reads.entries()) if (!forked[i]) values[i] = await read(db)
    for (const [i, p] of forked.entries()) if (p) values[i] = await p
    return values as unknown as T
  } finally {
    // the readers' connections are back in the pool before the transaction ends, even after a failure
    await Promise.allSettled(forked)
  }
}

async function readOn<R>(
  db: Queryable,
  fork: Promise<SnapshotReader | null>,
  read: (db: Queryable) => Promise<R>,
  prepare: (reader: Queryable) => Promise<void>,
): Promise<R> {
  const reader = await fork
  if (!reader) return read(db)
  let value: R
  try {
    await prepare(reader)
    value = await read(reader)
  } catch (err) {
    await reader.release(err)
    throw err
  }
  await reader.release()
  return value
}
