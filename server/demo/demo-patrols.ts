import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import path from 'node:path'
import type { Db, Queryable } from '../db/port.js'
import { createScopedDb, type ScopedDb } from '../db/scoped-db.js'
import { metricCrsFor } from '../domain/coverage/metric-crs.js'
import type { PatrolKind } from '../domain/coverage/patrol-kinds.js'
import {
  ingestPatrolBatch,
  preparePatrol,
  storePreparedPatrol,
  type PatrolSubmission,
} from '../routes/patrols/ingest.js'
import { ensureCountyZonesPrepared } from '../routes/patrols/match.js'
import { countyPlanFingerprint } from '../routes/patrols/swath-pieces.js'
import { ensurePointPartitions, findUnitForPatrol, vacuumLiveFigures } from '../routes/patrols/queries.js'
import { readDemoJson } from './demo-files.js'
import { DEMO_COUNTY, keyIds } from './demo-zones.js'
import type { DemoContext, DemoStep } from './load-demo.js'

/** One line of patrols.ndjson (scripts/demo/patrols.ts writePatrol). */
interface DemoPatrolLine {
  external_id: string
  unit_key: string
  staff_keys: string[]
  kind: PatrolKind
  track: unknown
}

export interface DemoPatrolsOptions {
  /** patrols per transaction (default 32) */
  batchSize?: number
  /**
   * transactions at once in this thread, without worker threads (default 2 on PostgreSQL, 1 on
   * PGlite, whose one connection runs one at a time)
   */
  concurrency?: number
  /**
   * worker threads that parse, clean and match batches, each with its own database connection
   * (default 2 on PostgreSQL; 0 on PGlite, whose one connection lives in this thread)
   */
  threads?: number
  /** load only the first n patrols of the file (a subset for quick runs; `npm start` loads all) */
  limit?: number
  /** after each committed batch */
  onProgress?: (done: number, total: number) => Promise<void> | void
}

export interface DemoPatrolsResult {
  /** patrols in the file (or the limit) */
  patrols: number
  /** of them stored by this run (the rest were already there) */
  stored: number
  /** points received by the stored patrols */
  points: number
}

/** Deadlock or serialization failure: the batch is rolled back whole and tried again. */
const RETRYABLE = new Set(['40P01', '40001'])
const MAX_TRIES = 6

/**
 * The demo month's patrols, loaded through the same ingest path as POST /patrols (parse, clean,
 * store every point, match, cells), a batch of patrols per transaction and, on PostgreSQL, two
 * transactions at once, in worker threads of their own. Resumable: a batch commits its patrols
 * together, and a patrol is identified by its external_id, so a load that was interrupted skips
 * what it already stored.
 */
export async function loadDemoPatrols(
  db: Db,
  dir: string,
  opts: DemoPatrolsOptions = {},
): Promise<DemoPatrolsResult> {
  const scoped = createScopedDb(db, '')
  const lines = await readPatrolLines(dir, opts.limit)
  const now = await demoNow(dir)
  const concurrency = Math.max(1, opts.concurrency ?? (db.kind === 'postgres' ? 2 : 1))
  const threads = opts.threads ?? (db.kind === 'postgres' && db.connectionString ? DEFAULT_THREADS : 0)
  const { ids, existing } = await scoped.transaction(async (tx) => {
    if (concurrency > 1 || threads > 1) {
      await prepareCountyPieces(tx, dir)
      // the month's point partitions made before the batches run: the first batch would make them
      // and hold the table's lock to its end, and the other batches would wait for it
      const [from, to] = await demoMonthSpan(dir)
      await ensurePointPartitions(tx, from, to)
    }
    const existing = await tx.query<{ external_id: string }>(
      'SELECT external_id FROM patrols WHERE division_code = $1::text',
      [DEMO_COUNTY],
    )
    return { ids: await keyIds(tx, dir), existing: new Set(existing.rows.map((r) => r.external_id)) }
  })
  // A batch is one unit's patrols (batchesByUnit), matched together (match-patrols.ts): each zone
  // piece-period the unit's patrols swept is written once per batch, its cells ORed in memory. Two
  // batches at once write their coverage rows each in one statement in one order, so they may wait
  // for each other but not deadlock (a deadlock elsewhere is retried).
  const batches = batchesByUnit(lines, Math.max(1, opts.batchSize ?? 32))

  const context: DemoBatchContext = { ids, existing, now }
  const { stored, points } =
    threads > 1 && db.connectionString
      ? await ingestInThreads(db.connectionString, batches, context, threads, (done) =>
          opts.onProgress?.(done, lines.length),
        )
      : await ingestHere(scoped, batches, context, concurrency, (done) =>
          opts.onProgress?.(done, lines.length),
        )
  if (stored > 0) await vacuumLiveFigures(db)
  return { patrols: lines.length, stored, points }
}

/** What every batch needs: the demo's ids, the patrols stored before, the demo's "now". */
export interface DemoBatchContext {
  ids: { units: Map<string, string>; people: Map<string, string> }
  existing: Set<string>
  now: number
}

const DEFAULT_THREADS = 2

/**
 * One batch (lines of patrols.ndjson) through ingestPatrolBatch in one transaction, those stored
 * before skipped; a deadlock or serialization failure rolls it back and tries it again.
 */
export async function ingestDemoBatch(
  scoped: ScopedDb,
  batch: readonly string[],
  context: DemoBatchContext,
): Promise<{ stored: number; points: number }> {
  // (parsed as the batch goes, and again on a retry: each patrol's parsed JSON can go once it is
  // prepared, not stay alive with the whole batch's to the commit)
  function* submissions() {
    for (const line of batch) {
      const p = JSON.parse(line) as DemoPatrolLine
      if (!context.existing.has(p.external_id)) yield toSubmission(p, context.ids)
    }
  }
  let stored = 0
  let points = 0
  const results = await withRetry(() =>
    ingestPatrolBatch(scoped, submissions(), { postedBy: null, now: context.now }),
  )
  for (const r of results) {
    if (r.status !== 201) continue
    stored++
    points += r.points_received
  }
  return { stored, points }
}

/** The batches in this thread, `concurrency` transactions at once. */
async function ingestHere(
  scoped: ScopedDb,
  batches: readonly string[][],
  context: DemoBatchContext,
  concurrency: number,
  progress: (done: number) => Promise<void> | void,
): Promise<{ stored: number; points: number }> {
  let next = 0
  let done = 0
  const total = { stored: 0, points: 0 }
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!
      const r = await ingestDemoBatch(scoped, batch, context)
      total.stored += r.stored
      total.points += r.points
      done += batch.length
      await progress(done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker))
  return total
}

/**
 * The batches in worker threads (demo-patrols-worker.ts), each thread with its own connection and
 * handed the next batch as it finishes one: parsing, cleaning and matching are CPU work that one
 * thread cannot share, so this thread would otherwise be the bottleneck of the load. The first failure stops every thread and rejects.
 */
async function ingestInThreads(
  connectionString: string,
  batches: readonly string[][],
  context: DemoBatchContext,
  threads: number,
  progress: (done: number) => Promise<void> | void,
): Promise<{ stored: number; points: number }> {
  const code = workerScript()
  const workerData: DemoWorkerData = {
    connectionString,
    now: context.now,
    units: [...context.ids.units],
    people: [...context.ids.people],
    existing: [...context.existing],
  }
  const workers = Array.from(
    { length: Math.min(threads, batches.length) },
    () => new Worker(code, { eval: true, workerData }),
  )
  let next = 0
  let done = 0
  const total = { stored: 0, points: 0 }
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let current: string[] | undefined
            const give = () => {
              current = batches[next++]
              if (current) w.postMessage(current)
              else resolve()
            }
            w.on('message', (m: DemoWorkerReply) => {
              if ('error' in m) {
                reject(Object.assign(new Error(m.error.message), { code: m.error.code }))
                return
              }
              total.stored += m.stored
              total.points += m.points
              done += current!.length
              Promise.resolve(progress(done)).then(give, reject)
            })
            w.on('error', reject)
            w.on('exit', (code) => {
              if (current !== undefined || code !== 0)
                reject(new Error(`demo patrol worker exited (${code})`))
            })
            give()
          }),
      ),
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return total
}

/**
 * The code of a worker thread that loads demo-patrols-worker: from TypeScript sources (tsx, as the
 * server runs) through tsx's loader, registered in the worker (an `--import` of it in the worker's
 * execArgv does not apply to a worker's modules); compiled, directly.
 */
function workerScript(): string {
  const here = import.meta.url
  if (!here.endsWith('.ts'))
    return `import(${JSON.stringify(new URL('./demo-patrols-worker.js', here).href)})`
  const require = createRequire(here)
  const tsxJson = require.resolve('tsx/package.json')
  const pkg = require(tsxJson) as { exports: Record<string, { import: { default: string } }> }
  const api = pathToFileURL(path.join(path.dirname(tsxJson), pkg.exports['./esm/api']!.import.default)).href
  const worker = new URL('./demo-patrols-worker.ts', here).href
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}) })`
}

/** What a demo patrol worker starts with. */
export interface DemoWorkerData {
  connectionString: string
  now: number
  units: [string, string][]
  people: [string, string][]
  existing: string[]
}

/** A worker's answer to a batch. */
export type DemoWorkerReply =
  { stored: number; points: number } | { error: { message: string; code?: string } }

/** The same, every patrol in the caller's one transaction (DemoStep.run). */
async function loadDemoPatrolsIn(tx: Queryable, dir: string): Promise<void> {
  const now = await demoNow(dir)
  const ids = await keyIds(tx, dir)
  for (const line of await readPatrolLines(dir)) {
    const submission = toSubmission(JSON.parse(line) as DemoPatrolLine, ids)
    await storePreparedPatrol(tx, preparePatrol(submission, { now }), { postedBy: null })
  }
}

export const DEMO_PATROLS_STEP: DemoStep = {
  name: 'patrols',
  weight: 20,
  run: (ctx, tx) => loadDemoPatrolsIn(tx, ctx.dir),
  async runBatched(ctx: DemoContext, progress) {
    const started = Date.now()
    const r = await loadDemoPatrols(ctx.db, ctx.dir, { onProgress: progress })
    const s = (Date.now() - started) / 1000
    ctx.log.info(
      `demo county: ${r.stored} of ${r.patrols} patrols stored (${r.points} points) in ${s.toFixed(1)} s`,
    )
  },
}

/**
 * Batches of one unit's patrols, the units taken in turn: a station patrols its own township, so
 * two batches running at once mostly match different zones and seldom wait on (or deadlock over)
 * the same coverage rows. A deadlock that still happens is retried.
 */
function batchesByUnit(lines: readonly string[], size: number): string[][] {
  const byUnit = new Map<string, string[]>()
  for (const line of lines) {
    const unit = /"unit_key":"([^"]*)"/.exec(line)?.[1] ?? ''
    const list = byUnit.get(unit) ?? []
    list.push(line)
    byUnit.set(unit, list)
  }
  const perUnit = [...byUnit.values()].map((list) => {
    const out: string[][] = []
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
    return out
  })
  const batches: string[][] = []
  for (let round = 0; batches.length < perUnit.reduce((n, u) => n + u.length, 0); round++)
    for (const u of perUnit) if (u[round]) batches.push(u[round]!)
  return batches
}

async function readPatrolLines(dir: string, limit?: number): Promise<string[]> {
  const text = await readFile(path.join(dir, 'patrols.ndjson'), 'utf8')
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  return limit === undefined ? lines : lines.slice(0, limit)
}

function toSubmission(
  p: DemoPatrolLine,
  ids: { units: Map<string, string>; people: Map<string, string> },
): PatrolSubmission {
  const unitId = ids.units.get(p.unit_key)
  if (!unitId) throw new Error(`demo patrol ${p.external_id}: unknown unit ${p.unit_key}`)
  const staff = p.staff_keys.map((k) => {
    const id = ids.people.get(k)
    if (!id) throw new Error(`demo patrol ${p.external_id}: unknown person ${k}`)
    return id
  })
  return {
    externalId: p.external_id,
    unitId,
    staff,
    kind: p.kind,
    crs: undefined,
    format: 'geojson',
    track: p.track,
    trackPath: '/track',
  }
}

/** The demo's month (manifest.json): year and month (1–12). */
async function demoMonth(dir: string): Promise<[number, number]> {
  const manifest = await readDemoJson<{ month?: string }>(dir, 'manifest.json')
  return (manifest.month ?? '2026-10').split('-').map(Number) as [number, number]
}

/** The demo month (UTC epoch ms), a day wider on each side: its patrols' fixes all fall in it. */
async function demoMonthSpan(dir: string): Promise<[number, number]> {
  const [y, m] = await demoMonth(dir)
  const day = 86_400_000
  return [Date.UTC(y, m - 1, 1) - day, Date.UTC(y, m, 1) + day]
}

/**
 * "Now" for the demo's future-time check: the demo month lies in the past on any real clock after
 * it, but a machine whose clock is earlier must still load it.
 */
async function demoNow(dir: string): Promise<number> {
  const [y, m] = await demoMonth(dir)
  return Math.max(Date.now(), Date.UTC(y, m, 2))
}

/**
 * Cuts every zone of the county into its metric pieces once, before parallel batches match their
 * patrols: they would otherwise each prepare the zones they meet, and queue (or deadlock) on the
 * same pieces' rows (ensureCountyZonesPrepared, as each batch's matching calls it: then finding
 * nothing left to do).
 */
async function prepareCountyPieces(tx: Queryable, dir: string): Promise<void> {
  const units = await readDemoJson<{ key: string }[]>(dir, 'units.json')
  const anyUnit = (await keyIds(tx, dir)).units.get(units[0]?.key ?? '')
  if (!anyUnit) return
  const unit = await findUnitForPatrol(tx, anyUnit)
  if (unit?.county_lon == null || unit.county_lat == null) return
  const { srid } = metricCrsFor(unit.county_lon, unit.county_lat)
  const fingerprint = await countyPlanFingerprint(tx, DEMO_COUNTY)
  await ensureCountyZonesPrepared(tx, { countyCode: DEMO_COUNTY, srid, fingerprint })
}

async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const code = (err as { code?: string }).code
      if (attempt >= MAX_TRIES || !code || !RETRYABLE.has(code)) throw err
      // the other transaction goes on; wait a little (randomly, so two retries do not meet again)
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt))
    }
  }
}
