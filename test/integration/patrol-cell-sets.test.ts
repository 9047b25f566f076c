import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readMigrations } from '../../server/db/migrate.js'
import { createTestContext, type TestContext } from './support/test-app.js'

// Migration 0016: the heat cells of a database written before it (one row per cell in
// patrol_cells) become sets per patrol, Beijing day and 5 km block (patrol_cell_sets), cell for
// cell. Run here on the migrated test database with the old table put back in a transaction that
// is rolled back.

let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext({ seedDivisions: false })
})

afterAll(async () => {
  await ctx?.close()
})

class Rollback extends Error {}

interface OldCell {
  division_code: string
  srid: number
  cell_x: number
  cell_y: number
  visit_date: string
  patrol_id: string
  length_m: number
  time_s: number
}

describe('migration 0016 (heat cells as sets)', () => {
  it('turns the rows of patrol_cells into sets per patrol, day and 5 km block, cell for cell', async () => {
    const migration = (await readMigrations()).find((m) => m.version === 16)
    expect(migration?.name).toBe('0016_patrol_cell_sets.sql')
    // two patrols, two days, cells on both sides of the grid's origin and of block edges (±50)
    const patrols = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2']
    const old: OldCell[] = []
    for (const [p, patrol_id] of patrols.entries())
      for (const visit_date of ['2026-10-05', '2026-10-06'])
        for (let x = -53; x <= 52; x += 7)
          for (let y = -51; y <= 101; y += 13)
            old.push({
              division_code: p === 0 ? '510199' : '510198',
              srid: 4544,
              cell_x: x,
              cell_y: y,
              visit_date,
              patrol_id,
              length_m: Math.abs(x * 3.25 + y),
              time_s: (x + 60) / 7,
            })
    let read: (OldCell & { block_x: number; block_y: number })[] = []
    let oldGone = false
    await ctx.db
      .transaction(async (tx) => {
        await tx.exec(`DROP TABLE patrol_cell_sets`)
        await tx.exec(`CREATE TABLE patrol_cells (
          division_code text COLLATE "C" NOT NULL, srid integer NOT NULL, cell_x integer NOT NULL,
          cell_y integer NOT NULL, visit_date date NOT NULL, patrol_id uuid NOT NULL,
          length_m double precision NOT NULL, time_s double precision NOT NULL,
          PRIMARY KEY (division_code, srid, cell_x, cell_y, visit_date, patrol_id))`)
        await tx.query(
          `INSERT INTO patrol_cells SELECT * FROM json_populate_recordset(NULL::patrol_cells, $1::json)`,
          [JSON.stringify(old)],
        )
        await tx.exec(migration!.sql)
        oldGone = (await tx.query(`SELECT to_regclass('patrol_cells') AS t`)).rows[0]?.t === null
        read = (
          await tx.query<OldCell & { block_x: number; block_y: number }>(
            `SELECT s.division_code, s.srid, c.x AS cell_x, c.y AS cell_y, s.visit_date::text AS visit_date,
                    s.patrol_id, c.l AS length_m, c.t AS time_s, s.block_x, s.block_y
               FROM patrol_cell_sets s, unnest(s.cell_x, s.cell_y, s.length_m, s.time_s) AS c(x, y, l, t)`,
          )
        ).rows
        throw new Rollback()
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e
      })
    expect(oldGone).toBe(true)
    const key = (c: OldCell) =>
      `${c.patrol_id} ${c.division_code} ${c.srid} ${c.visit_date} ${c.cell_x} ${c.cell_y} ${c.length_m} ${c.time_s}`
    expect(read.map(key).sort()).toEqual(old.map(key).sort())
    for (const c of read) {
      expect(c.block_x).toBe(Math.floor(c.cell_x / 50))
      expect(c.block_y).toBe(Math.floor(c.cell_y / 50))
    }
    // 2 patrols × 2 days × blocks -2..1 in x (cells -53..52) × -2..1 in y (cells -51..92)
    const sets = new Set(read.map((c) => `${c.patrol_id}/${c.visit_date}/${c.block_x}/${c.block_y}`))
    expect(sets.size).toBe(2 * 2 * 4 * 4)
  })
})
