/**
 * Recomputing a county's visits and swath coverage for a span of days, after a zone plan is filed
 * with an effective date in the past (the zones in force changed) or the rules changed (an admin
 * asks for it), from the stored cleaned segments; each patrol under the rules in force for its
 * county on the day it started (rule sets per jurisdiction, by effective date).
 *
 * How reads keep serving the previous figures until the new ones are complete, on both databases:
 *
 * - On PostgreSQL one long transaction would do it by MVCC, but PGlite is one connection: a
 *   transaction there holds the only connection, and every read would wait for the whole recompute.
 * - So the job matches its patrols a chunk at a time, each chunk in its own short transaction: the
 *   visits into staging rows (coverage_recompute_visits, migrations/0008) that no read looks at, the
 *   swept cells into memory (CoverSet, ORed across chunks); the live rows stay as they were. Between
 *   chunks the connection is free, so reads (and posts) go on.
 * - When every patrol is matched, one transaction replaces the live rows of the span with the staged
 *   visits and the gathered cells. A read sees the old figures or the new ones, never a mix.
 * - Patrols posted while the job runs are matched live by their post as usual; the swap transaction
 *   first locks out new posts, lists any patrol of the span the job has not staged yet and, if there
 *   is one, ends without swapping so the next chunk stages it; the swap replaces the live rows only
 *   when the staged ones cover every patrol of the span.
 * - Each chunk commits its staged visits together with its patrols' "done" marks. A job stopped and
 *   run again in the same process goes on where it stopped; a job interrupted by a restart (the
 *   plugin below picks unfinished jobs up when it starts) lost its gathered cells with the process,
 *   so it matches its patrols again from the first (restartMatching).
 *
 * The matching itself is the product's: `matchPatrols` (match-patrols.ts), as a post uses it, fed the
 * fixes of the stored segments instead of a posted track, a chunk of patrols at once, and told to
 * write the job's staging rows instead of the live ones (MatchTarget).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import type { Db, Queryable } from '../../db/port.js'
import { createScopedDb, type ScopedDb } from '../../db/scoped-db.js'
import { notFound, unprocessable } from '../../errors.js'
import { lineStringMFromEwkb } from '../../domain/coverage/ewkb.js'
import { recomputeDays } from '../../domain/coverage/recompute-span.js'
import {
  addCalendarDays,
  calendarDaysBetween,
  startOfCalendarDay,
  toCalendarDate,
  type CalendarDate,
} from '../../domain/rules/calendar-date.js'
import type { RuleSet } from '../../domain/rules/rule-set.js'
import { API_PREFIX, READERS } from '../../plugins/auth.js'
import { DivisionCode, IdParams, problemResponses, Uuid } from '../common-schemas.js'
import { rulesInForce } from '../rule-sets/queries.js'
import { CoverSet, matchPatrols, type PatrolToMatch } from './match-patrols.js'
import { prepareCountyZones } from './match.js'
import { vacuumLiveFigures } from './queries.js'
import {
  anyPatrolIn,
  dropStagedRows,
  enlistPatrols,
  jobSrids,
  findRecomputeJob,
  holdOffNewPatrols,
  insertRecomputeJob,
  listUnfinishedJobs,
  markPatrolsDone,
  restartMatching,
  nextPatrols,
  readSegmentTracks,
  skipVanishedPatrols,
  swapInStagedRows,
  updateJobProgress,
  type RecomputeJobRow,
} from './recompute-queries.js'

/**
 * Patrols matched per chunk transaction. On PGlite a chunk holds the one connection; a demo patrol
 * (~3,000 fixes) matches in well under a second, so reads wait at most a few seconds.
 */
export const RECOMPUTE_CHUNK_PATROLS = 500
/**
 * … and at most about this many kept fixes: a chunk's staged coverage rows are written once per
 * chunk, so fewer, larger chunks write less (a county month of ~1 M fixes in four on PostgreSQL);
 * on PGlite a chunk holds the one connection, so reads wait for it: smaller there.
 */
export const RECOMPUTE_CHUNK_POINTS = { postgres: 250_000, pglite: 60_000 } as const
/** The longest span one request may ask for (days). */
export const RECOMPUTE_MAX_DAYS = 400

const epochMs = (date: CalendarDate) => startOfCalendarDay(date).getTime()

// ---- the job ---------------------------------------------------------------------------------

/** The stored segments (readSegmentTracks, in order) as each patrol's segments of fixes. */
function segmentsOf(
  rows: Awaited<ReturnType<typeof readSegmentTracks>>,
): Map<string, PatrolToMatch['segments'][number][]> {
  const tracks = new Map<string, PatrolToMatch['segments'][number][]>()
  for (const r of rows) {
    const segments = tracks.get(r.patrol_id) ?? []
    tracks.set(r.patrol_id, segments)
    segments.push(lineStringMFromEwkb(r.wkb))
  }
  return tracks
}

/** Matches the next chunk of the job's patrols into its staging rows; answers how many it matched. */
async function matchChunk(
  scoped: ScopedDb,
  job: RecomputeJobRow,
  rules: RuleSet | undefined,
  size: { patrols: number; points: number },
  preparedSrids: ReadonlySet<number>,
  covers: CoverSet,
): Promise<number> {
  return scoped.transaction(async (tx) => {
    await skipVanishedPatrols(tx, job.id)
    const patrols = await nextPatrols(tx, job.id, size.patrols, size.points)
    if (patrols.length === 0) return 0
    const ids = patrols.map((p) => p.patrol_id)
    const tracks = segmentsOf(await readSegmentTracks(tx, ids))
    const rulesOn = new Map<string, RuleSet>()
    const toMatch: PatrolToMatch[] = []
    const unprepared: PatrolToMatch[] = []
    for (const p of patrols) {
      const segments = tracks.get(p.patrol_id)
      if (!segments || segments.length === 0) continue
      const key = `${p.division_code}/${p.started_on}`
      let patrolRules = rules ?? rulesOn.get(key)
      if (!patrolRules) {
        patrolRules = await rulesInForce(tx, p.division_code, p.started_on)
        rulesOn.set(key, patrolRules)
      }
      // (a patrol posted while the job ran in another metric CRS prepares its own zones)
      ;(preparedSrids.has(p.metric_srid) ? toMatch : unprepared).push({
        patrolId: p.patrol_id,
        countyCode: p.division_code,
        srid: p.metric_srid,
        countsForFrequency: p.counts_for_frequency,
        segments,
        rules: patrolRules,
      })
    }
    const target = { jobId: job.id }
    await matchPatrols(tx, toMatch, { zonesPrepared: true, target, covers })
    await matchPatrols(tx, unprepared, { target, covers })
    await markPatrolsDone(tx, job.id, ids)
    await updateJobProgress(tx, job.id, { state: 'running', step: 'matching patrols' })
    return patrols.length
  })
}

/** Swaps the staged rows in, unless patrols of the span were posted meanwhile (then answers false). */
async function trySwap(scoped: ScopedDb, job: RecomputeJobRow, covers: CoverSet): Promise<boolean> {
  return scoped.transaction(async (tx) => {
    await holdOffNewPatrols(tx)
    const late = await enlistPatrols(tx, {
      id: job.id,
      divisionCode: job.division_code,
      fromMs: epochMs(job.days_from),
      toMs: epochMs(job.days_to),
    })
    if (late > 0) return false
    const n = await swapInStagedRows(tx, {
      id: job.id,
      divisionCode: job.division_code,
      daysFrom: job.days_from,
      daysTo: job.days_to,
      covers,
    })
    await updateJobProgress(tx, job.id, {
      state: 'done',
      step: 'done',
      message: `${n.visits} visits and ${n.coverage} coverage rows replaced`,
    })
    return true
  })
}

/**
 * The swept cells each running job has gathered so far, by job id: kept in memory until the swap
 * (writing them once instead of once per chunk). A job resumed by another process (after a restart)
 * finds none here and matches its patrols again from the first.
 */
const jobCovers = new Map<string, CoverSet>()

export interface RunOptions {
  /** the rules to match every patrol with (tests); by default those in force for each patrol */
  rules?: RuleSet
  chunkPatrols?: number
  /** Checked between chunks: true stops the job where it is (it stays 'running', resumable). */
  stopping?: () => boolean
}

/** Runs (or resumes) one job to the end. */
export async function runRecomputeJob(
  db: Db,
  jobId: string,
  opts: RunOptions = {},
): Promise<RecomputeJobRow> {
  const system = createScopedDb(db, '')
  const found = await findRecomputeJob(system, jobId)
  if (!found) throw new Error(`recompute job ${jobId} not found`)
  if (found.state === 'done' || found.state === 'failed') return found
  const job = found
  const scoped = createScopedDb(db, job.division_code)
  // (none given: each patrol's rules are those in force for its county on its day)
  const rules = opts.rules
  let covers = jobCovers.get(job.id)
  try {
    if (!covers) {
      covers = new CoverSet()
      jobCovers.set(job.id, covers)
      await scoped.transaction((tx) => restartMatching(tx, job.id))
    }
    await scoped.transaction(async (tx) => {
      await enlistPatrols(tx, {
        id: job.id,
        divisionCode: job.division_code,
        fromMs: epochMs(job.days_from),
        toMs: epochMs(job.days_to),
      })
      await updateJobProgress(tx, job.id, { state: 'running', step: 'preparing zones' })
    })
    // every zone in force in the span cut into its pieces once, in each metric CRS of the job's patrols
    const prepared = await scoped.transaction(async (tx) => {
      const srids = await jobSrids(tx, job.id)
      for (const srid of srids)
        await prepareCountyZones(tx, {
          countyCode: job.division_code,
          srid,
          from: job.days_from,
          to: job.days_to,
        })
      await updateJobProgress(tx, job.id, { state: 'running', step: 'matching patrols' })
      return new Set(srids)
    })
    for (;;) {
      if (opts.stopping?.()) return (await findRecomputeJob(system, jobId))!
      const matched = await matchChunk(
        scoped,
        job,
        rules,
        {
          patrols: opts.chunkPatrols ?? RECOMPUTE_CHUNK_PATROLS,
          points: RECOMPUTE_CHUNK_POINTS[db.kind],
        },
        prepared,
        covers,
      )
      if (matched > 0) continue
      if (await trySwap(scoped, job, covers)) break
    }
    await vacuumLiveFigures(db)
    jobCovers.delete(job.id)
  } catch (error) {
    jobCovers.delete(job.id)
    const message = error instanceof Error ? error.message : String(error)
    await scoped.transaction(async (tx) => {
      await dropStagedRows(tx, job.id)
      await updateJobProgress(tx, job.id, { state: 'failed', step: 'failed', message })
    })
  }
  return (await findRecomputeJob(system, jobId))!
}

/**
 * One worker per database runs the jobs one after another (two jobs of a county must not swap in
 * each other's half-built figures), in the background of the process that holds the database.
 */
export class RecomputeWorker {
  private readonly queue: string[] = []
  private running: Promise<void> | undefined
  private stopped = false

  constructor(
    private readonly db: Db,
    private readonly log: { error: (obj: unknown, msg?: string) => void } = console,
  ) {}

  enqueue(jobId: string): void {
    if (this.stopped || this.queue.includes(jobId)) return
    this.queue.push(jobId)
    this.running ??= this.drain()
  }

  /** Resolves when the queue is empty. */
  async idle(): Promise<void> {
    while (this.running) await this.running
  }

  /** Stops after the current chunk; unfinished jobs stay in the database and resume on the next start. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.idle()
  }

  private async drain(): Promise<void> {
    try {
      for (let id = this.queue.shift(); id && !this.stopped; id = this.queue.shift()) {
        try {
          await runRecomputeJob(this.db, id, { stopping: () => this.stopped })
        } catch (error) {
          this.log.error({ err: error, job: id }, 'coverage recompute job failed')
        }
      }
    } finally {
      this.running = undefined
    }
  }
}

const workers = new WeakMap<Db, RecomputeWorker>()

/** The database's worker (made on first use). */
export function recomputeWorker(db: Db): RecomputeWorker {
  let w = workers.get(db)
  if (!w) {
    w = new RecomputeWorker(db)
    workers.set(db, w)
  }
  return w
}

/** Stops the database's worker and forgets it (an app built later on the same database starts afresh). */
export async function stopRecomputeWorker(db: Db): Promise<void> {
  const w = workers.get(db)
  workers.delete(db)
  await w?.stop()
}

/**
 * Called in the transaction that files a plan: when its effective date is not in the future and
 * patrols of the county fall on its days so far, records a recompute job of [effective_from,
 * min(effective_to, tomorrow)). The caller enqueues it after commit (recomputeWorker(db).enqueue);
 * should the process stop first, the job is picked up at the next start.
 */
export async function recordRecomputeForFiledPlan(
  tx: Queryable,
  plan: { id: string; division_code: string; effective_from: string; effective_to: string | null },
  requestedBy: string | null,
  now: Date = new Date(),
): Promise<RecomputeJobRow | undefined> {
  const tomorrow = addCalendarDays(toCalendarDate(now), 1)
  if (plan.effective_from >= tomorrow) return undefined
  const to = plan.effective_to && plan.effective_to < tomorrow ? plan.effective_to : tomorrow
  if (to <= plan.effective_from) return undefined
  const days = recomputeDays(plan.effective_from, to)
  if (!(await anyPatrolIn(tx, plan.division_code, epochMs(days.from), epochMs(days.to)))) return undefined
  return insertRecomputeJob(tx, {
    divisionCode: plan.division_code,
    reason: 'plan_filed',
    planId: plan.id,
    rangeFrom: plan.effective_from,
    rangeTo: to,
    daysFrom: days.from,
    daysTo: days.to,
    requestedBy,
  })
}

// ---- routes ----------------------------------------------------------------------------------

export const JobView = Type.Object(
  {
    id: Uuid,
    kind: Type.Literal('coverage_recompute'),
    division_code: Type.String(),
    reason: Type.Enum(['plan_filed', 'requested']),
    plan_id: Type.Union([Uuid, Type.Null()]),
    state: Type.Enum(['pending', 'running', 'done', 'failed']),
    percent: Type.Number(),
    step: Type.String(),
    patrols_total: Type.Integer(),
    patrols_done: Type.Integer(),
    range: Type.Object({ from: Type.String(), to: Type.String({ description: 'last day, inclusive' }) }),
    recomputed_days: Type.Object({
      from: Type.String(),
      to: Type.String({ description: 'last day, inclusive' }),
    }),
    message: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'RecomputeJob' },
)
export type JobView = Static<typeof JobView>

export function jobView(j: RecomputeJobRow): JobView {
  const percent =
    j.state === 'done'
      ? 100
      : j.patrols_total > 0
        ? Math.round(((95 * j.patrols_done) / j.patrols_total) * 10) / 10
        : 0
  return {
    id: j.id,
    kind: 'coverage_recompute',
    division_code: j.division_code,
    reason: j.reason,
    plan_id: j.plan_id,
    state: j.state,
    percent,
    step: j.step,
    patrols_total: j.patrols_total,
    patrols_done: j.patrols_done,
    range: { from: j.range_from, to: addCalendarDays(j.range_to, -1) },
    recomputed_days: { from: j.days_from, to: addCalendarDays(j.days_to, -1) },
    message: j.message,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
  }
}

const RecomputeBody = Type.Object(
  {
    division: DivisionCode,
    from: Type.String({ format: 'date', description: 'first Beijing day' }),
    to: Type.String({ format: 'date', description: 'last Beijing day, inclusive' }),
  },
  { additionalProperties: false, example: { division: '510199', from: '2027-10-01', to: '2027-10-31' } },
)

const recomputeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onReady', async () => {
    const worker = recomputeWorker(app.systemDb)
    for (const id of await listUnfinishedJobs(createScopedDb(app.systemDb, ''))) worker.enqueue(id)
  })
  app.addHook('onClose', async () => stopRecomputeWorker(app.systemDb))

  app.post(
    '/coverage/recompute',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['patrols'],
        summary:
          "Recompute a county's visits and swath coverage for [from, to] (widened to whole weeks and months) from the stored cleaned segments, in the background; reads serve the previous figures until it is complete. 202 with the job (GET /jobs/{id}).",
        body: RecomputeBody,
        response: { 202: JobView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { division, from, to } = request.body
      if (to < from)
        throw unprocessable('the span ends before it starts', [
          { path: '/to', message: `${to} is before ${from}` },
        ])
      if (calendarDaysBetween(from, to) >= RECOMPUTE_MAX_DAYS)
        throw unprocessable(`at most ${RECOMPUTE_MAX_DAYS} days can be recomputed at once`, [
          { path: '/to', message: `${from} to ${to} is ${calendarDaysBetween(from, to) + 1} days` },
        ])
      const job = await request.db.transaction(async (tx) => {
        const d = await tx.query<{ level: string }>('SELECT level FROM divisions WHERE code = $1::text', [
          division,
        ])
        if (d.rowCount === 0) throw notFound(`division ${division} not found in your jurisdiction`)
        if (d.rows[0]!.level !== 'county')
          throw unprocessable('coverage is recomputed per county', [
            { path: '/division', message: `${division} is a ${d.rows[0]!.level}, not a county` },
          ])
        const end = addCalendarDays(to, 1)
        const days = recomputeDays(from, end)
        return insertRecomputeJob(tx, {
          divisionCode: division,
          reason: 'requested',
          planId: null,
          rangeFrom: from,
          rangeTo: end,
          daysFrom: days.from,
          daysTo: days.to,
          requestedBy: request.principal.personId,
        })
      })
      recomputeWorker(app.systemDb).enqueue(job.id)
      return reply.code(202).header('location', `${API_PREFIX}/jobs/${job.id}`).send(jobView(job))
    },
  )

  app.get(
    '/jobs/:id',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['patrols'],
        summary: 'A background job (coverage recompute): state and progress',
        params: IdParams,
        response: { 200: JobView, ...problemResponses },
      },
    },
    async (request) => {
      const job = await findRecomputeJob(request.db, request.params.id)
      if (!job) throw notFound(`job ${request.params.id} not found`)
      return jobView(job)
    },
  )
}

export default recomputeRoutes
