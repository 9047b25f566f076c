import type { Db, Queryable } from '../../db/port.js'
import { createScopedDb, type ScopedDb } from '../../db/scoped-db.js'
import { beijingDateOf } from '../../domain/coverage/beijing-days.js'
import type { RuleSet } from '../../domain/rules/rule-set.js'
import { ProblemError, problemFromPgError } from '../../errors.js'
import { ingestPatrol } from '../patrols/ingest.js'
import {
  deleteBufferedFixes,
  findIdleDevices,
  lockDevice,
  readBufferedFixes,
  readBufferStats,
  recordClose,
  refuseBufferedFixes,
  type BufferStats,
  type DeviceRow,
} from './queries.js'

/** How long a device may send nothing before its open patrol is closed (config.ts, LANDPATROL_LIVE_IDLE_S). */
export const DEFAULT_LIVE_IDLE_MS = 10 * 60 * 1000

export type CloseOutcome =
  | { deviceId: string; outcome: 'nothing' }
  | {
      deviceId: string
      outcome: 'patrol'
      fixes: number
      patrolId: string
      externalId: string
      replay: boolean
    }
  | { deviceId: string; outcome: 'refused'; fixes: number; externalId: string; problem: ProblemError }

/** The idempotency key of the patrol a device's open patrol becomes: one per device and first fix. */
export function liveExternalId(deviceId: string, firstFixMs: number): string {
  return `osmand:${deviceId}:${new Date(firstFixMs).toISOString()}`
}

/**
 * Whether the open patrol must be closed before a fix taken at `fixMs` joins it: nothing received
 * for the idle time, the fix more than the idle time before or after the open patrol's fixes, or
 * the fix on another Beijing day (visits count per Beijing day; a patrol never spans two).
 */
export function closesBefore(stats: BufferStats, fixMs: number, now: number, idleMs: number): boolean {
  if (stats.fixes === 0 || stats.first_fix === null || stats.last_fix === null) return false
  if (stats.last_received !== null && now - stats.last_received >= idleMs) return true
  if (fixMs - stats.last_fix > idleMs || stats.first_fix - fixMs > idleMs) return true
  return beijingDateOf(fixMs) !== beijingDateOf(stats.first_fix)
}

/** The scoped transaction the caller already holds, handed to ingestPatrol as its database. */
function inTransaction(tx: Queryable): ScopedDb {
  return {
    transaction: (fn) => fn(tx),
    query: (text, values) => tx.query(text, values),
    exec: (sql) => tx.exec(sql),
  }
}

/**
 * Turns the device's buffered fixes into a patrol through the ordinary ingest path (parse, CRS
 * conversion, batch cleaning, storage, matching) and clears them, inside the caller's transaction,
 * which must hold the device row locked (lockDevice). Idempotent: the external id is
 * `osmand:<device>:<first fix time>`, so the same fixes closed again answer with the stored patrol.
 *
 * Fixes that cannot make a patrol (a lone fix, every fix dropped by cleaning, staff no longer of the
 * county…) are refused as POST /patrols would refuse them: the refusal and its reason are recorded on
 * the device (last_close_*) and the fixes are kept with the reason code but leave the open patrol,
 * so they are not retried forever.
 */
export async function closeOpenPatrol(
  tx: Queryable,
  device: DeviceRow,
  opts: { now: number; rules?: RuleSet | undefined },
): Promise<CloseOutcome> {
  const fixes = await readBufferedFixes(tx, device.device_id)
  if (fixes.length === 0) return { deviceId: device.device_id, outcome: 'nothing' }
  let first = Infinity
  for (const f of fixes) first = Math.min(first, f.t)
  const externalId = liveExternalId(device.device_id, first)
  const lastId = fixes[fixes.length - 1]!.id
  const track = {
    type: 'FeatureCollection',
    features: fixes.map((f) => ({
      type: 'Feature',
      geometry: {
        type: 'Point',
        coordinates: f.altitude === null ? [f.lon, f.lat] : [f.lon, f.lat, f.altitude],
      },
      properties: f.accuracy === null ? { time: f.t } : { time: f.t, accuracy: f.accuracy },
    })),
  }

  await tx.query('SAVEPOINT lp_live_close')
  try {
    const result = await ingestPatrol(
      inTransaction(tx),
      {
        externalId,
        unitId: device.unit_id,
        staff: device.staff,
        kind: device.kind,
        crs: device.crs,
        format: 'geojson',
        track,
        trackPath: '/fixes',
      },
      { postedBy: null, now: opts.now, ...(opts.rules ? { rules: opts.rules } : {}) },
    )
    await tx.query('RELEASE SAVEPOINT lp_live_close')
    await deleteBufferedFixes(tx, device.device_id, lastId)
    const s = result.summary
    await recordClose(tx, device.device_id, {
      at: opts.now,
      outcome: 'patrol',
      patrolId: s.id,
      detail: `${fixes.length} fixes → patrol ${s.external_id}: ${s.points_kept} kept, ${s.points_received - s.points_kept} dropped, ${s.segments} segment(s)`,
    })
    return {
      deviceId: device.device_id,
      outcome: 'patrol',
      fixes: fixes.length,
      patrolId: s.id,
      externalId,
      replay: result.status === 200,
    }
  } catch (error) {
    const problem = error instanceof ProblemError ? error : problemFromPgError(error)
    if (!problem || problem.status >= 500) throw error
    await tx.query('ROLLBACK TO SAVEPOINT lp_live_close')
    const reasons = problem.errors
      .slice(0, 3)
      .map((e) => e.message)
      .join('; ')
    const reasonCode = String(problem.errors[0]?.reason ?? problem.title)
    await refuseBufferedFixes(tx, device.device_id, lastId, opts.now, reasonCode)
    await recordClose(tx, device.device_id, {
      at: opts.now,
      outcome: 'refused',
      patrolId: null,
      detail: `${fixes.length} fixes from ${new Date(first).toISOString()} could not make a patrol: ${problem.message}${reasons ? ` (${reasons})` : ''}`,
    })
    return { deviceId: device.device_id, outcome: 'refused', fixes: fixes.length, externalId, problem }
  }
}

/**
 * Closes the open patrol of every device that has received nothing for `idleMs` before `now`: the
 * background sweeper's one step, also called by tests with a chosen `now`. Each device is closed in
 * its own transaction, scoped to its county, with the device row locked; one device's failure is
 * logged and does not stop the others (its fixes stay and the next sweep tries again).
 */
export async function sweepLivePatrols(
  db: Db,
  opts: {
    now: number
    idleMs: number
    rules?: RuleSet
    log?: { error(obj: unknown, msg: string): void; info(msg: string): void }
  },
): Promise<CloseOutcome[]> {
  const due = await findIdleDevices(db, opts.now - opts.idleMs)
  const outcomes: CloseOutcome[] = []
  for (const { device_id: deviceId, division_code: county } of due) {
    try {
      const outcome = await createScopedDb(db, county).transaction(async (tx) => {
        const device = await lockDevice(tx, deviceId)
        // a fix may have arrived between the look-up and the lock: then it is not idle any more
        const stats = device ? await readBufferStats(tx, deviceId) : undefined
        if (!device || stats?.last_received == null || opts.now - stats.last_received < opts.idleMs) {
          return { deviceId, outcome: 'nothing' } as const
        }
        return closeOpenPatrol(tx, device, { now: opts.now, rules: opts.rules })
      })
      if (outcome.outcome !== 'nothing') outcomes.push(outcome)
      if (outcome.outcome === 'refused') opts.log?.info(`live device ${deviceId}: ${outcome.problem.message}`)
    } catch (err) {
      opts.log?.error({ err }, `live device ${deviceId}: closing its open patrol failed`)
    }
  }
  return outcomes
}

/**
 * Runs sweepLivePatrols every `intervalMs` (never two at once) until stop(), which waits for a
 * sweep under way. server.ts starts it after listening and stops it before closing the app.
 */
export function startLiveSweeper(
  db: Db,
  opts: {
    intervalMs: number
    idleMs: number
    log?: { error(obj: unknown, msg: string): void; info(msg: string): void }
  },
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined
  const timer = setInterval(() => {
    if (running) return
    running = sweepLivePatrols(db, {
      now: Date.now(),
      idleMs: opts.idleMs,
      ...(opts.log ? { log: opts.log } : {}),
    })
      .catch((err: unknown) => opts.log?.error({ err }, 'live patrol sweep failed'))
      .finally(() => {
        running = undefined
      })
  }, opts.intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
