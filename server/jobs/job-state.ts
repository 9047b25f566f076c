import type { Queryable } from '../db/port.js'

export interface JobState {
  state: 'pending' | 'running' | 'done' | 'failed' | 'skipped'
  percent: number
  step: string
  completed_steps: string[]
  message?: string
  started_at?: string
  finished_at?: string
}

/** Job progress lives in app_state so /health can show it and a restart can resume. */
export async function readJobState(db: Queryable, name: string): Promise<JobState | undefined> {
  const res = await db.query<{ value: JobState }>(`SELECT value FROM app_state WHERE key = $1::text`, [
    `job:${name}`,
  ])
  return res.rows[0]?.value
}

export async function writeJobState(db: Queryable, name: string, state: JobState): Promise<void> {
  await db.query(
    `INSERT INTO app_state (key, value, updated_at) VALUES ($1::text, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [`job:${name}`, JSON.stringify(state)],
  )
}
