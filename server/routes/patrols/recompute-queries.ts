import type { Queryable } from '../../db/port.js'
import { periodContaining } from '../../domain/coverage/periods.js'
import { storeMatches } from './match.js'
import type { CoverSet } from './match-patrols.js'

/** A recompute job as stored (migrations/0008). Dates are 'YYYY-MM-DD', Beijing days, `to` exclusive. */
export interface RecomputeJobRow {
  id: string
  division_code: string
  reason: 'plan_filed' | 'requested'
  plan_id: string | null
  range_from: string
  range_to: string
  days_from: string
  days_to: string
  state: 'pending' | 'running' | 'done' | 'failed'
  step: string
  patrols_total: number
  patrols_done: number
  message: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

const JOB_COLUMNS = `id, division_code, reason, plan_id, range_from::text AS range_from, range_to::text AS range_to,
  days_from::text AS days_from, days_to::text AS days_to, state, step, patrols_total, patrols_done, message,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at,
  to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS finished_at`

export async function insertRecomputeJob(
  db: Queryable,
  j: {
    divisionCode: string
    reason: RecomputeJobRow['reason']
    planId: string | null
    rangeFrom: string
    rangeTo: string
    daysFrom: string
    daysTo: string
    requestedBy: string | null
  },
): Promise<RecomputeJobRow> {
  const res = await db.query<RecomputeJobRow>(
    `INSERT INTO coverage_recompute_jobs (division_code, reason, plan_id, range_from, range_to, days_from, days_to, requested_by)
     VALUES ($1::text, $2::text, $3::uuid, $4::date, $5::date, $6::date, $7::date, $8::uuid)
     RETURNING ${JOB_COLUMNS}`,
    [j.divisionCode, j.reason, j.planId, j.rangeFrom, j.rangeTo, j.daysFrom, j.daysTo, j.requestedBy],
  )
  return res.rows[0]!
}

export async function findRecomputeJob(db: Queryable, id: string): Promise<RecomputeJobRow | undefined> {
  const res = await db.query<RecomputeJobRow>(
    `SELECT ${JOB_COLUMNS} FROM coverage_recompute_jobs WHERE id = $1::uuid`,
    [id],
  )
  return res.rows[0]
}

/** Jobs an interrupted process left unfinished, oldest first. */
export async function listUnfinishedJobs(db: Queryable): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `SELECT id FROM coverage_recompute_jobs WHERE state IN ('pending', 'running') ORDER BY created_at, id`,
  )
  return res.rows.map((r) => r.id)
}

export async function updateJobProgress(
  db: Queryable,
  id: string,
  p: { state: RecomputeJobRow['state']; step: string; message?: string | null },
): Promise<void> {
  await db.query(
    `UPDATE coverage_recompute_jobs
        SET state = $2::text, step = $3::text, message = coalesce($4::text, message),
            started_at = coalesce(started_at, CASE WHEN $2::text <> 'pending' THEN now() END),
            finished_at = CASE WHEN $2::text IN ('done', 'failed') THEN now() END,
            patrols_total = (SELECT count(*) FROM coverage_recompute_patrols WHERE job_id = $1::uuid),
            patrols_done = (SELECT count(*) FROM coverage_recompute_patrols WHERE job_id = $1::uuid AND done)
      WHERE id = $1::uuid`,
    [id, p.state, p.step, p.message ?? null],
  )
}

/**
 * Adds to the job every patrol of the county whose cleaned track reaches into the span
 * [fromMs, toMs) (epoch ms of the Beijing midnights), unless already listed. Answers how many were new.
 */
export async function enlistPatrols(
  tx: Queryable,
  job: { id: string; divisionCode: string; fromMs: number; toMs: number },
): Promise<number> {
  const res = await tx.query(
    `INSERT INTO coverage_recompute_patrols (job_id, patrol_id, division_code, started_at)
     SELECT $1::uuid, p.id, p.division_code, p.started_at
       FROM patrols p
      WHERE p.division_code = $2::text
        AND p.started_at < to_timestamp($4::float8 / 1000) AND p.ended_at >= to_timestamp($3::float8 / 1000)
      ORDER BY p.started_at, p.id
     ON CONFLICT DO NOTHING`,
    [job.id, job.divisionCode, job.fromMs, job.toMs],
  )
  return res.rowCount
}

/** Any patrol of the county reaching into [fromMs, toMs) at all (a filing needs no job otherwise). */
export async function anyPatrolIn(
  db: Queryable,
  divisionCode: string,
  fromMs: number,
  toMs: number,
): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM patrols
      WHERE division_code = $1::text
        AND started_at < to_timestamp($3::float8 / 1000) AND ended_at >= to_timestamp($2::float8 / 1000)
      LIMIT 1`,
    [divisionCode, fromMs, toMs],
  )
  return res.rowCount > 0
}

export interface StoredPatrol {
  patrol_id: string
  division_code: string
  metric_srid: number
  /** Beijing date of its first fix: the rules then in force are its rules */
  started_on: string
  /** enough staff (as ingest judged it under those rules) */
  counts_for_frequency: boolean
}

/** The metric CRSs of the job's patrols (one per county, unless its boundary changed). */
export async function jobSrids(tx: Queryable, jobId: string): Promise<number[]> {
  const res = await tx.query<{ srid: number }>(
    `SELECT DISTINCT p.metric_srid AS srid
       FROM coverage_recompute_patrols j JOIN patrols p ON p.id = j.patrol_id
      WHERE j.job_id = $1::uuid ORDER BY 1`,
    [jobId],
  )
  return res.rows.map((r) => r.srid)
}

/**
 * The next patrols of the job still to match, in time order: at most `limit`, and no more than fill
 * `points` kept fixes (at least one patrol).
 */
export async function nextPatrols(
  tx: Queryable,
  jobId: string,
  limit: number,
  points = 1e15,
): Promise<StoredPatrol[]> {
  const res = await tx.query<StoredPatrol>(
    `SELECT patrol_id, division_code, metric_srid, counts_for_frequency, started_on
       FROM (SELECT j.patrol_id, p.division_code, p.metric_srid, p.counts_for_frequency,
                    to_char(p.started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS started_on,
                    sum(p.points_kept) OVER (ORDER BY j.started_at, j.patrol_id) - p.points_kept AS before,
                    j.started_at
               FROM coverage_recompute_patrols j JOIN patrols p ON p.id = j.patrol_id
              WHERE j.job_id = $1::uuid AND NOT j.done
              ORDER BY j.started_at, j.patrol_id
              LIMIT $2::integer) AS x
      WHERE x.before < $3::float8
      ORDER BY x.started_at, x.patrol_id`,
    [jobId, limit, points],
  )
  return res.rows
}

/**
 * The stored cleaned segments of the patrols (LineString M, M = fix time in epoch seconds), each as
 * its EWKB, per patrol in order: the cleaned track as ingest left it, without the raw points.
 */
export async function readSegmentTracks(
  tx: Queryable,
  patrolIds: readonly string[],
): Promise<{ patrol_id: string; seq: number; wkb: Uint8Array }[]> {
  const res = await tx.query<{ patrol_id: string; seq: number; wkb: Uint8Array }>(
    `SELECT s.patrol_id, s.seq, ST_AsEWKB(s.geom) AS wkb
       FROM patrol_segments s
      WHERE s.patrol_id = ANY ($1::uuid[])
      ORDER BY s.patrol_id, s.seq`,
    [patrolIds],
  )
  return res.rows
}

/** Every patrol of the job to match again, its staged visits gone (a job resumed in a new process). */
export async function restartMatching(tx: Queryable, jobId: string): Promise<void> {
  await tx.query(`UPDATE coverage_recompute_patrols SET done = false WHERE job_id = $1::uuid AND done`, [
    jobId,
  ])
  await tx.query(`DELETE FROM coverage_recompute_visits WHERE job_id = $1::uuid`, [jobId])
}

/** Marks the chunk's patrols matched (their rows are staged in the same transaction). */
export async function markPatrolsDone(
  tx: Queryable,
  jobId: string,
  patrolIds: readonly string[],
): Promise<void> {
  await tx.query(
    `UPDATE coverage_recompute_patrols SET done = true WHERE job_id = $1::uuid AND patrol_id = ANY ($2::uuid[])`,
    [jobId, patrolIds],
  )
}

/** Patrols of the job that no longer exist (deleted while it ran): nothing to match, marked done. */
export async function skipVanishedPatrols(tx: Queryable, jobId: string): Promise<void> {
  await tx.query(
    `UPDATE coverage_recompute_patrols j SET done = true
      WHERE j.job_id = $1::uuid AND NOT j.done AND NOT EXISTS (SELECT 1 FROM patrols p WHERE p.id = j.patrol_id)`,
    [jobId],
  )
}

/**
 * Replaces the live figures of the job's span with the staged ones: every visit on a day of the span,
 * and the coverage of every ISO week and month lying wholly inside it (the span was widened to whole
 * periods, so those are all the periods the asked span touches). Staged rows outside them (a patrol
 * running past the span) are left out. Then the staged rows go.
 */
export async function swapInStagedRows(
  tx: Queryable,
  job: { id: string; divisionCode: string; daysFrom: string; daysTo: string; covers: CoverSet },
): Promise<{ visits: number; coverage: number }> {
  const p = [job.id, job.divisionCode, job.daysFrom, job.daysTo]
  await tx.query(
    `DELETE FROM zone_visits WHERE division_code = $1::text AND visit_date >= $2::date AND visit_date < $3::date`,
    p.slice(1),
  )
  const visits = await tx.query(
    `INSERT INTO zone_visits
       (patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count, entered_at, left_at,
        clipped_length_m, dwell_s, swath_share, qualifies, counted, reason)
     SELECT s.patrol_id, s.zone_id, s.visit_date, s.division_code, s.tier, s.unit_id, s.kind, s.staff_count,
            s.entered_at, s.left_at, s.clipped_length_m, s.dwell_s, s.swath_share, s.qualifies, s.counted, s.reason
       FROM coverage_recompute_visits s
      WHERE s.job_id = $1::uuid AND s.division_code = $2::text AND s.visit_date >= $3::date AND s.visit_date < $4::date
        AND EXISTS (SELECT 1 FROM patrols x WHERE x.id = s.patrol_id)
        AND EXISTS (SELECT 1 FROM zones z WHERE z.id = s.zone_id)`,
    p,
  )
  await tx.query(
    `DELETE FROM zone_period_coverage c WHERE c.division_code = $1::text AND ${periodWithin('c', 2, 3)}`,
    p.slice(1),
  )
  // the gathered cells of the periods wholly inside the span, of zones that still exist
  const rows = job.covers.toRows().filter((c) => {
    const period = periodContaining(c.period_start, c.period_kind)
    return c.county === job.divisionCode && period.start >= job.daysFrom && period.end <= job.daysTo
  })
  const existing = await tx.query<{ id: string }>(`SELECT id FROM zones WHERE id = ANY ($1::uuid[])`, [
    [...new Set(rows.map((c) => c.zone_id))],
  ])
  const zones = new Set(existing.rows.map((z) => z.id))
  const kept = rows.filter((c) => zones.has(c.zone_id))
  await storeMatches(tx, [], kept)
  await dropStagedRows(tx, job.id)
  return { visits: visits.rowCount, coverage: kept.length }
}

/** SQL: the row's period (ISO week or month) lies wholly within [$from, $to). */
function periodWithin(alias: string, fromParam: number, toParam: number): string {
  return `(${alias}.period_start >= $${fromParam}::date
    AND CASE ${alias}.period_kind WHEN 'iso_week' THEN ${alias}.period_start + 7
        ELSE (${alias}.period_start + interval '1 month')::date END <= $${toParam}::date)`
}

/** Drops the job's staged rows; its list of patrols stays, as the record of what it matched. */
export async function dropStagedRows(tx: Queryable, jobId: string): Promise<void> {
  await tx.query(`DELETE FROM coverage_recompute_visits WHERE job_id = $1::uuid`, [jobId])
  await tx.query(`DELETE FROM coverage_recompute_coverage WHERE job_id = $1::uuid`, [jobId])
}

/**
 * Holds off new patrols of every county until the swap commits (SHARE conflicts only with writers of
 * patrols; reads go on), so none can commit between the last check for late patrols and the swap.
 */
export async function holdOffNewPatrols(tx: Queryable): Promise<void> {
  await tx.query(`LOCK TABLE patrols IN SHARE MODE`)
}
