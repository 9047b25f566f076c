// readConcurrently: on PostgreSQL the reads after the first run on other pooled connections; they must
// answer as the transaction itself would (its scope, its role, its snapshot), and give their
// connections back whatever happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readConcurrently } from '../../server/db/concurrent-reads.js'
import type { Queryable } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { insertDivision } from '../../server/routes/divisions/queries.js'
import { DB_KIND_OF, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
}, 120_000)
afterAll(async () => ctx?.close())

/** who is reading, under which scope, on which connection, and what the scope lets it see */
async function whoAmI(db: Queryable) {
  const res = await db.query<{ role: string; scope: string; pid: number; divisions: number }>(
    `SELECT current_user AS role, current_setting('landpatrol.scope') AS scope, pg_backend_pid() AS pid,
            (SELECT count(*)::integer FROM divisions WHERE code LIKE '5101%') AS divisions`,
  )
  return res.rows[0]!
}

const threeReads = (db: Queryable) => readConcurrently(db, [whoAmI, whoAmI, whoAmI])

describe('readConcurrently', () => {
  it('answers each read in order, under the transaction’s role and scope', async () => {
    const answers = await createScopedDb(ctx.db, '510199').transaction(threeReads)
    expect(answers.map(({ pid: _, ...a }) => a)).toEqual(
      Array(3).fill({ role: 'landpatrol_app', scope: '510199', divisions: 2 }),
    )
    // (PGlite has one connection: there the reads run one after another on it)
    const connections = DB_KIND_OF() === 'postgres' ? 3 : 1
    expect(new Set(answers.map((a) => a.pid)).size).toBe(connections)
  })

  it('sees what the transaction wrote before (on its own connection then)', async () => {
    const answers = await createScopedDb(ctx.db, '')
      .transaction(async (tx) => {
        await insertDivision(tx, {
          code: '510197',
          name: '新县',
          level: 'county',
          parent_code: '510100',
        } as never)
        const reads = await threeReads(tx)
        throw Object.assign(new Error('roll back'), { reads })
      })
      .catch((err: { reads: Awaited<ReturnType<typeof threeReads>> }) => err.reads)
    expect(answers.map((a) => a.divisions)).toEqual([5, 5, 5])
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1)
  })

  it('fails as its failing read does, and gives the connections back', async () => {
    const failing = (db: Queryable) => db.query(`SELECT 1 / 0`)
    for (let i = 0; i < 5; i++)
      await expect(
        createScopedDb(ctx.db, '510199').transaction((tx) => readConcurrently(tx, [whoAmI, failing, whoAmI])),
      ).rejects.toThrow(/division by zero/)
    const answers = await createScopedDb(ctx.db, '510199').transaction(threeReads)
    expect(new Set(answers.map((a) => a.pid)).size).toBe(DB_KIND_OF() === 'postgres' ? 3 : 1)
  })
})
