import type { FastifyBaseLogger } from 'fastify'
import type { Db, Queryable } from '../db/port.js'
import { createScopedDb } from '../db/scoped-db.js'
import { readJobState, writeJobState, type JobState } from '../jobs/job-state.js'
import { DEMO_ZONES_STEP } from './demo-zones.js'
import { DEMO_VIOLATIONS_STEP } from './demo-violations.js'
import { DEMO_PATROLS_STEP } from './demo-patrols.js'
import { insertDivision } from '../routes/divisions/queries.js'
import type { CreateDivisionBody } from '../routes/divisions/schemas.js'
import { insertPerson } from '../routes/people/queries.js'
import type { CreatePersonBody } from '../routes/people/schemas.js'
import { insertUnit } from '../routes/units/queries.js'
import {
  ensureDemoFiles,
  readDemoJson,
  type DemoDivision,
  type DemoInfoOfficer,
  type DemoPerson,
  type DemoUnit,
} from './demo-files.js'

export const DEMO_JOB = 'demo'

/** One resumable step: it runs in one transaction together with the record that it is done. */
export interface DemoStep {
  name: string
  /** relative cost, for the progress percentage */
  weight: number
  run(ctx: DemoContext, tx: Queryable): Promise<void>
  /**
   * A long step that commits in parts of its own (each part with what marks it done, e.g. the
   * patrols it stored, so a resumed run skips them) and reports its progress; used instead of
   * `run` by loadDemo. The step's own done mark is written after it returns.
   */
  runBatched?(ctx: DemoContext, progress: (done: number, total: number) => Promise<void>): Promise<void>
}

export interface DemoContext {
  dir: string
  db: Db
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>
}

async function unitIdsByKey(tx: Queryable, dir: string): Promise<Map<string, string>> {
  const units = await readDemoJson<DemoUnit[]>(dir, 'units.json')
  const res = await tx.query<{ id: string; name: string; division_code: string }>(
    `SELECT id, name, division_code FROM units`,
  )
  const byName = new Map(res.rows.map((r) => [`${r.division_code}/${r.name}`, r.id]))
  const out = new Map<string, string>()
  for (const u of units) {
    const id = byName.get(`${u.division_code}/${u.name}`)
    if (id) out.set(u.key, id)
  }
  return out
}

/** Steps of the foundation; later capabilities append theirs (zones, patrols, violations). */
export const FOUNDATION_STEPS: DemoStep[] = [
  {
    name: 'divisions',
    weight: 2,
    async run(ctx, tx) {
      const divisions = await readDemoJson<DemoDivision[]>(ctx.dir, 'divisions.json')
      const existing = new Set(
        (await tx.query<{ code: string }>('SELECT code FROM divisions')).rows.map((r) => r.code),
      )
      for (const d of divisions) {
        if (existing.has(d.code)) continue
        await insertDivision(tx, {
          code: d.code,
          name: d.name,
          level: d.level,
          parent_code: d.parent_code,
          boundary: d.boundary ?? null,
        } as CreateDivisionBody)
      }
    },
  },
  {
    name: 'units',
    weight: 1,
    async run(ctx, tx) {
      for (const u of await readDemoJson<DemoUnit[]>(ctx.dir, 'units.json')) {
        await insertUnit(tx, { name: u.name, kind: u.kind, division_code: u.division_code })
      }
    },
  },
  {
    name: 'people',
    weight: 1,
    async run(ctx, tx) {
      const unitIds = await unitIdsByKey(tx, ctx.dir)
      for (const p of await readDemoJson<DemoPerson[]>(ctx.dir, 'people.json')) {
        const unitId = unitIds.get(p.unit_key)
        if (!unitId) throw new Error(`demo person ${p.key}: unknown unit ${p.unit_key}`)
        const roles = p.roles.filter((r) => ['leader', 'patroller', 'supervisor', 'planner'].includes(r))
        await insertPerson(tx, {
          name: p.name,
          unit_id: unitId,
          certificate_no: p.certificate_no,
          roles: roles as CreatePersonBody['roles'],
        })
      }
    },
  },
  {
    name: 'info-officers',
    weight: 1,
    async run(ctx, tx) {
      // Information officers (信息员) belong to their village's township station.
      const stations = await tx.query<{ id: string; division_code: string }>(
        `SELECT id, division_code FROM units WHERE kind = 'station'`,
      )
      const stationOf = new Map(stations.rows.map((r) => [r.division_code, r.id]))
      for (const o of await readDemoJson<DemoInfoOfficer[]>(ctx.dir, 'info-officers.json')) {
        const unitId = stationOf.get(o.village_code.slice(0, 9))
        if (!unitId) continue
        await insertPerson(tx, {
          name: o.name,
          unit_id: unitId,
          roles: ['info_officer'],
          phone: o.phone ?? null,
        })
      }
    },
  },
]

// patrols before violations: a violation found on patrol names its patrol
const registeredSteps: DemoStep[] = [
  ...FOUNDATION_STEPS,
  DEMO_ZONES_STEP,
  DEMO_PATROLS_STEP,
  DEMO_VIOLATIONS_STEP,
]

export function demoSteps(): DemoStep[] {
  return [...registeredSteps]
}

export function registerDemoStep(step: DemoStep): void {
  if (!registeredSteps.some((s) => s.name === step.name)) registeredSteps.push(step)
}

/**
 * Loads the demo county step by step. Each step commits together with its "done" mark, so an
 * interrupted load resumes at the first unfinished step and never half-applies one.
 */
export async function loadDemo(
  ctx: DemoContext,
  opts: { force?: boolean; steps?: DemoStep[] } = {},
): Promise<JobState> {
  const steps = opts.steps ?? registeredSteps
  const total = steps.reduce((s, st) => s + st.weight, 0)
  const previous = opts.force ? undefined : await readJobState(ctx.db, DEMO_JOB)
  if (previous?.state === 'done' && previous.completed_steps.length === steps.length) return previous
  const state: JobState = {
    state: 'running',
    percent: 0,
    step: 'generating files',
    completed_steps: previous?.completed_steps.filter((s) => steps.some((st) => st.name === s)) ?? [],
    started_at: new Date().toISOString(),
  }
  const percentOf = () =>
    Math.round(
      (100 * steps.filter((s) => state.completed_steps.includes(s.name)).reduce((a, s) => a + s.weight, 0)) /
        total,
    )
  await writeJobState(ctx.db, DEMO_JOB, { ...state, percent: percentOf() })
  try {
    await ensureDemoFiles(ctx.dir)
    // The loader acts as the country-level system: same queries and row-level checks as the API.
    const scoped = createScopedDb(ctx.db, '')
    for (const step of steps) {
      if (state.completed_steps.includes(step.name)) continue
      state.step = step.name
      await writeJobState(ctx.db, DEMO_JOB, { ...state, percent: percentOf() })
      ctx.log.info(`demo county: loading ${step.name} (${percentOf()} %)`)
      if (step.runBatched) {
        const base = percentOf()
        await step.runBatched(ctx, async (done, count) => {
          const percent = Math.min(99, Math.floor(base + (100 * step.weight * done) / (count || 1) / total))
          await writeJobState(ctx.db, DEMO_JOB, { ...state, step: `${step.name} ${done}/${count}`, percent })
        })
      }
      await scoped.transaction(async (tx) => {
        if (!step.runBatched) await step.run(ctx, tx)
        // Back to the owner role (app_state is system-only) to mark the step done in the same commit.
        await tx.query(`SELECT set_config('role', 'none', true)`)
        state.completed_steps.push(step.name)
        await writeJobState(tx, DEMO_JOB, { ...state, percent: percentOf() })
      })
    }
    const done: JobState = {
      ...state,
      state: 'done',
      percent: 100,
      step: 'done',
      finished_at: new Date().toISOString(),
    }
    await writeJobState(ctx.db, DEMO_JOB, done)
    ctx.log.info('demo county: loaded (100 %)')
    return done
  } catch (err) {
    const failed: JobState = {
      ...state,
      state: 'failed',
      percent: percentOf(),
      message: (err as Error).message,
    }
    await writeJobState(ctx.db, DEMO_JOB, failed).catch(() => {})
    ctx.log.error({ err }, 'demo county: load failed; it resumes at the next start')
    return failed
  }
}

/** True when the database holds no county yet (only the root division). */
export async function databaseIsEmpty(db: Db): Promise<boolean> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM divisions WHERE code <> '000000'`,
  )
  return (res.rows[0]?.n ?? 0) === 0
}
