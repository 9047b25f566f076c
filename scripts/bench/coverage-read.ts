/**
 * Times the county-month coverage read (GET /coverage) on an existing, already loaded PostgreSQL
 * database (DATABASE_URL, e.g. a copy of a seeded one): RUNS requests through app.inject (median,
 * p95), the time of each SQL statement of a request as the app ran it, the split between computing
 * the figures and serialising the JSON, and EXPLAIN (ANALYZE, BUFFERS) of each statement under the
 * request's row-level security scope. OUT=<file> writes the response body, to compare two versions
 * byte for byte. The database is only read, apart from one viewer token.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/lp_x npx tsx scripts/bench/coverage-read.ts
 *   (RUNS=20, FROM=2026-10-01, TO=2026-10-31, DIVISION=<the demo county>, PLANS=1 prints the plans)
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { buildApp } from '../../server/app.js'
import { createPgDb } from '../../server/db/pg-adapter.js'
import type { Db, Queryable } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { DEMO_COUNTY } from '../../server/demo/demo-zones.js'
import { computeCoverage } from '../../server/routes/patrols/coverage.js'
import { defaultSpan } from '../../server/routes/patrols/span.js'
import { rulesInForce } from '../../server/routes/rule-sets/queries.js'
import { insertToken } from '../../server/routes/tokens/queries.js'
import { statsOf } from './harness.js'

interface Statement {
  text: string
  values: unknown[] | undefined
  ms: number
}

/**
 * The database, recording the statements run inside transactions (and on the readers beside them,
 * readConcurrently) while `recording` is set, in the order they began.
 */
function recordingDb(db: Db) {
  const state = { recording: false, log: [] as Statement[] }
  const record = <Q extends Queryable>(tx: Q): Q => ({
    ...tx,
    async query(text: string, values?: unknown[]) {
      const statement = { text, values, ms: 0 }
      if (state.recording) state.log.push(statement)
      const t0 = performance.now()
      const res = await tx.query(text, values)
      statement.ms = performance.now() - t0
      return res as never
    },
    exec: (sql: string) => tx.exec(sql),
    ...(tx.forkReader && { forkReader: () => tx.forkReader?.()?.then((r) => r && record(r)) ?? null }),
  })
  const wrapped: Db = {
    kind: db.kind,
    query: (text, values) => db.query(text, values),
    exec: (sql) => db.exec(sql),
    transaction: (fn, setup) => db.transaction((tx) => fn(record(tx)), setup),
    close: () => db.close(),
  }
  return { db: wrapped, state }
}

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL: a loaded PostgreSQL database')
const runs = Number(process.env.RUNS ?? 20)
const division = process.env.DIVISION ?? DEMO_COUNTY
const from = process.env.FROM ?? '2026-10-01'
const to = process.env.TO ?? '2026-10-31'

const base = createPgDb(url)
const { db, state } = recordingDb(base)
const app = await buildApp({ db })
await app.ready()
try {
  const token = (
    await createScopedDb(base, '').transaction((tx) =>
      insertToken(tx, { role: 'viewer', division_code: division, label: 'coverage-read bench' }),
    )
  ).secret
  let contentType = ''
  const read = async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/coverage?division=${division}&from=${from}&to=${to}`,
      headers: { authorization: `Bearer ${token}` },
    })
    if (res.statusCode !== 200) throw new Error(`coverage read: ${res.statusCode} ${res.body}`)
    contentType = String(res.headers['content-type'])
    return res.body
  }

  await read()
  await read()
  // CPU time of this process is steadier than wall time on a shared machine: reported beside it.
  const cpu0 = process.cpuUsage()
  const samples: number[] = []
  // by text and occurrence: with readers beside the transaction, the order of beginning can vary
  const perStatement = new Map<string, number[]>()
  const keysOf = (log: Statement[]) => {
    const seen = new Map<string, number>()
    return log.map((s) => {
      const n = (seen.get(s.text) ?? 0) + 1
      seen.set(s.text, n)
      return `${n}\u0000${s.text}`
    })
  }
  let body = ''
  for (let i = 0; i < runs; i++) {
    state.log = []
    state.recording = true
    const t0 = performance.now()
    body = await read()
    samples.push(performance.now() - t0)
    state.recording = false
    const keys = keysOf(state.log)
    state.log.forEach((s, k) => perStatement.set(keys[k]!, [...(perStatement.get(keys[k]!) ?? []), s.ms]))
  }
  const cpu = process.cpuUsage(cpu0)
  const statements = state.log
  const statementKeys = keysOf(statements)
  const total = statsOf(samples)
  console.log(
    `GET /coverage ${division} ${from}..${to}: ${runs} runs, median ${total.median.toFixed(1)} ms, p95 ${total.p95.toFixed(1)} ms, min ${total.min.toFixed(1)} ms; ${contentType}, body ${Buffer.byteLength(body)} bytes, sha256 ${createHash('sha256').update(body).digest('hex').slice(0, 16)}`,
  )
  console.log(`CPU per request (this process): ${((cpu.user + cpu.system) / 1000 / runs).toFixed(1)} ms`)
  if (process.env.OUT) writeFileSync(process.env.OUT, body)

  // the figures without HTTP: computing them vs serialising them
  const span = defaultSpan(from, to)
  const compute: number[] = []
  const stringify: number[] = []
  for (let i = 0; i < Math.min(runs, 10); i++) {
    const t0 = performance.now()
    const figures = await createScopedDb(base, division).transaction(async (tx) =>
      computeCoverage(tx, { ...span, division }, await rulesInForce(tx, division, span.to)),
    )
    const t1 = performance.now()
    JSON.stringify(figures)
    compute.push(t1 - t0)
    stringify.push(performance.now() - t1)
  }
  console.log(
    `computeCoverage median ${statsOf(compute).median.toFixed(1)} ms; JSON.stringify median ${statsOf(stringify).median.toFixed(1)} ms`,
  )

  console.log('\nstatements of one request (median ms as run by the app; EXPLAIN ANALYZE under the scope):')
  for (const [k, s] of statements.entries()) {
    const head = s.text.replace(/\s+/g, ' ').trim().slice(0, 90)
    const ms = statsOf(perStatement.get(statementKeys[k]!) ?? []).median
    let plan: string[] = []
    if (/^\s*(WITH|SELECT)/i.test(s.text) && !/set_config/.test(s.text)) {
      plan = await createScopedDb(base, division).transaction(async (tx) => {
        await tx.query(`SELECT set_config('jit', 'off', true)`)
        const res = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values)
        return res.rows.map((r) => r['QUERY PLAN'])
      })
    }
    const exec = plan.find((l) => l.startsWith('Execution Time'))
    const buffers = plan.find((l) => l.trim().startsWith('Buffers'))
    console.log(`#${k} ${ms.toFixed(1)} ms  ${exec ?? ''}  ${buffers?.trim() ?? ''}\n    ${head}`)
    if (process.env.PLANS === '1' && plan.length > 0) console.log(plan.map((l) => `      ${l}`).join('\n'))
  }
} finally {
  await app.close()
  await base.close()
}
