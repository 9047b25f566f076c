import type { Role } from '../../../server/auth/tokens.js'
import { buildApp, type App } from '../../../server/app.js'
import type { Db } from '../../../server/db/port.js'
import { createScopedDb } from '../../../server/db/scoped-db.js'
import { insertDivision } from '../../../server/routes/divisions/queries.js'
import { insertToken } from '../../../server/routes/tokens/queries.js'
import { createTestDb } from './test-db.js'
export { DB_KIND_OF } from './test-db.js'

export interface TestContext {
  app: App
  db: Db
  /** admin of the whole country */
  rootToken: string
  token(role: Role, divisionCode: string): Promise<string>
  close(): Promise<void>
}

/** The division tree most tests stand on: 四川 → 成都 → 示范县 510199 and its sibling 510198. */
export const FIXTURE_DIVISIONS = [
  { code: '510000', name: '四川省', level: 'province', parent_code: '000000' },
  { code: '510100', name: '成都市', level: 'city', parent_code: '510000' },
  {
    code: '510199',
    name: '示范县',
    level: 'county',
    parent_code: '510100',
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [103.9, 29.9],
          [104.1, 29.9],
          [104.1, 30.1],
          [103.9, 30.1],
          [103.9, 29.9],
        ],
      ],
    },
  },
  {
    code: '510198',
    name: '邻县',
    level: 'county',
    parent_code: '510100',
    boundary: {
      type: 'Polygon',
      coordinates: [
        [
          [104.1, 29.9],
          [104.3, 29.9],
          [104.3, 30.1],
          [104.1, 30.1],
          [104.1, 29.9],
        ],
      ],
    },
  },
  { code: '510199001', name: '城关镇', level: 'township', parent_code: '510199', boundary: null },
] as const

export async function createTestContext(
  opts: { seedDivisions?: boolean; bodyLimitBytes?: number } = {},
): Promise<TestContext> {
  const db = await createTestDb()
  const app = await buildApp({ db, bodyLimitBytes: opts.bodyLimitBytes })
  await app.ready()
  const system = createScopedDb(db, '')
  if (opts.seedDivisions ?? true) {
    await system.transaction(async (tx) => {
      for (const d of FIXTURE_DIVISIONS) await insertDivision(tx, d as never)
    })
  }
  const token = async (role: Role, divisionCode: string) =>
    (
      await system.transaction((tx) =>
        insertToken(tx, { role, division_code: divisionCode, label: `test ${role}` }),
      )
    ).secret
  const rootToken = await token('admin', '000000')
  return {
    app,
    db,
    rootToken,
    token,
    async close() {
      await app.close()
      await db.close()
    },
  }
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })
