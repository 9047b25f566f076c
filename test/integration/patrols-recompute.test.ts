// The coverage recompute on small fixtures (server/routes/patrols/recompute.ts): a county with three
// zones in a filed plan and a dozen short patrols posted through POST /patrols; then a new plan (one
// zone kept, one moved onto a track, one removed) is filed in force from 11 May, in the past.
//
// The reference is independent of the recompute: a second fresh database where both plans were filed
// BEFORE the same patrols were posted, so its figures come from the ingest path alone. After the job,
// GET /coverage of the two must agree zone by zone and period by period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recomputeWorker, runRecomputeJob } from '../../server/routes/patrols/recompute.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.05 + x * M_LON, 29.92 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

type Zone = { name: string; category: string; geometry: ReturnType<typeof square> }
const OLD_ZONES: Zone[] = [
  { name: 'K1', category: 'basic_farmland', geometry: square(0, 0, 400) },
  { name: 'K2', category: 'township_seat', geometry: square(1000, 0, 600) },
  { name: 'G3', category: 'village_surroundings', geometry: square(2000, 0, 500) },
]
// K1 unchanged, K2 moved onto the track at x = 3200 (where no zone was), G3 removed
const NEW_ZONES: Zone[] = [
  { name: 'K1新', category: 'basic_farmland', geometry: square(0, 0, 400) },
  { name: 'K2新', category: 'township_seat', geometry: square(3000, 0, 600) },
]
const NEW_FROM = '2026-05-11'

// [start, x (m), external id]: walks north across the zone column at x
const CROSSINGS: [string, number, string][] = [
  ['2026-05-04T01:00:00Z', 200, 'k1-a'],
  ['2026-05-06T01:00:00Z', 200, 'k1-b'],
  ['2026-05-13T01:00:00Z', 200, 'k1-c'],
  ['2026-05-07T01:00:00Z', 1300, 'k2-a'],
  ['2026-05-12T01:00:00Z', 1300, 'k2-b'],
  ['2026-05-14T01:00:00Z', 1300, 'k2-c'],
  ['2026-05-05T01:00:00Z', 2250, 'g3-a'],
  ['2026-05-20T01:00:00Z', 2250, 'g3-b'],
  ['2026-05-05T03:00:00Z', 3200, 'x-a'],
  ['2026-05-12T03:00:00Z', 3200, 'x-b'],
  ['2026-05-15T03:00:00Z', 3200, 'x-c'],
]
const SPAN = { from: '2026-05-04', to: '2026-05-31' }

interface County {
  ctx: TestContext
  planner: string
  filer: string
  device: string
  reader: string
  admin: string
  station: string
  staff: string[]
}

async function post(ctx: TestContext, token: string, url: string, payload?: unknown, type?: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
    ...(payload === undefined ? {} : { payload: payload as string }),
  })
  expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
  return res
}

async function county(): Promise<County> {
  const ctx = await createTestContext()
  const admin = await ctx.token('admin', '510199')
  const station = (
    await post(ctx, admin, '/api/v1/units', { name: '城关所', kind: 'station', division_code: '510199' })
  ).json().id
  const staff = [
    (await post(ctx, admin, '/api/v1/people', { name: '甲', unit_id: station })).json().id,
    (await post(ctx, admin, '/api/v1/people', { name: '乙', unit_id: station })).json().id,
  ]
  return {
    ctx,
    admin,
    station,
    staff,
    planner: await ctx.token('planner', '510199'),
    filer: await ctx.token('supervisor', '510100'),
    device: await ctx.token('device', '510199'),
    reader: await ctx.token('viewer', '510199'),
  }
}

/** Drafts, submits and files a plan; answers the filing's response. */
async function filePlan(c: County, name: string, from: string, zones: Zone[]) {
  const plan = (
    await post(c.ctx, c.planner, '/api/v1/plans', { division_code: '510199', name, effective_from: from })
  ).json()
  await post(
    c.ctx,
    c.planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'FeatureCollection',
      features: zones.map((z) => ({
        type: 'Feature',
        geometry: z.geometry,
        properties: { name: z.name, category: z.category, unit_id: c.station },
      })),
    }),
    'application/geo+json',
  )
  await post(c.ctx, c.planner, `/api/v1/plans/${plan.id}/submit`)
  return post(c.ctx, c.filer, `/api/v1/plans/${plan.id}/file`)
}

/** Posts the crossings: 700 m due north at 2 m/s, a fix every 20 s. */
async function postPatrols(c: County) {
  for (const [start, x, id] of CROSSINGS) {
    const t0 = Date.parse(start)
    const coords: [number, number][] = []
    const times: string[] = []
    for (let i = 0; i <= 17; i++) {
      coords.push(at(x, -50 + i * 40))
      times.push(new Date(t0 + i * 20_000).toISOString())
    }
    const res = await c.ctx.app.inject({
      method: 'POST',
      url: '/api/v1/patrols',
      headers: bearer(c.device),
      payload: {
        external_id: id,
        unit_id: c.station,
        staff: c.staff,
        kind: 'routine',
        track: {
          type: 'Feature',
          geometry: { type: 'LineString', coordinates: coords },
          properties: { coordTimes: times },
        },
      },
    })
    expect(res.statusCode, `${id}: ${res.body}`).toBe(201)
  }
}

interface ZoneOut {
  name: string
  periods: { period: string; required: number; visits: number; covered_share: number | null }[]
}

/** GET /coverage of the span: zone name/period → [visits, required, covered share]. */
async function coverage(c: County) {
  const res = await c.ctx.app.inject({
    method: 'GET',
    url: `/api/v1/coverage?division=510199&from=${SPAN.from}&to=${SPAN.to}`,
    headers: bearer(c.reader),
  })
  expect(res.statusCode, res.body).toBe(200)
  const body = res.json()
  const out: Record<string, [number, number, number]> = {}
  for (const z of body.zones as ZoneOut[])
    for (const p of z.periods)
      out[`${z.name}/${p.period}`] = [p.visits, p.required, Math.round((p.covered_share ?? 0) * 1e6) / 1e6]
  return { zones: out, keyArea: body.summary.key_area_coverage_rate as number | null }
}

async function job(c: County, id: string, token = c.reader) {
  const res = await c.ctx.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: bearer(token) })
  return res
}

let a: County // recomputed
let b: County // reference: plans filed before the patrols were posted
let jobId: string
let beforeFiling: Awaited<ReturnType<typeof coverage>>
let afterFiling: Awaited<ReturnType<typeof coverage>>
let pointsBefore: number

beforeAll(async () => {
  b = await county()
  await filePlan(b, '方案', '2026-01-01', OLD_ZONES)
  const noJob = await filePlan(b, '新方案', NEW_FROM, NEW_ZONES)
  // no patrols yet: nothing to recompute
  expect(noJob.headers['recompute-job']).toBeUndefined()
  await postPatrols(b)

  a = await county()
  await filePlan(a, '方案', '2026-01-01', OLD_ZONES)
  await postPatrols(a)
  beforeFiling = await coverage(a)
  // the recompute must work from the stored cleaned segments: the raw points are gone
  pointsBefore = (await a.ctx.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM patrol_points'))
    .rows[0]!.n
  await a.ctx.db.query('DELETE FROM patrol_point_sets')
  // the background worker of A is held, so the test runs the job's chunks itself
  await recomputeWorker(a.ctx.db).stop()
  const filed = await filePlan(a, '新方案', NEW_FROM, NEW_ZONES)
  const location = filed.headers['recompute-job'] as string
  expect(location).toMatch(/^\/api\/v1\/jobs\/[0-9a-f-]{36}$/)
  jobId = location.split('/').pop()!
  afterFiling = await coverage(a)
}, 240_000)

afterAll(async () => {
  await a?.ctx.close()
  await b?.ctx.close()
})

describe('recompute after a plan filed with a past effective date', () => {
  it('the job is recorded for the days since 11 May, widened to the whole month', async () => {
    const res = await job(a, jobId)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      state: 'pending',
      reason: 'plan_filed',
      percent: 0,
      range: { from: NEW_FROM },
      recomputed_days: { from: '2026-05-01' },
    })
    // the old figures differ from the reference's, or the comparison below would prove nothing
    expect(afterFiling.zones).not.toEqual((await coverage(b)).zones)
  })

  it('serves the previous figures while the job is half done', async () => {
    let chunks = 0
    const half = await runRecomputeJob(a.ctx.db, jobId, { chunkPatrols: 2, stopping: () => chunks++ >= 2 })
    expect(half.state).toBe('running')
    const mid = (await job(a, jobId)).json()
    expect(mid.state).toBe('running')
    expect(mid.patrols_done).toBe(4)
    expect(mid.patrols_total).toBe(CROSSINGS.length)
    expect(mid.percent).toBeGreaterThan(0)
    expect(mid.percent).toBeLessThan(100)
    const staged = await a.ctx.db.query<{ n: number }>(
      'SELECT count(*)::integer AS n FROM coverage_recompute_visits WHERE job_id = $1::uuid',
      [jobId],
    )
    expect(staged.rows[0]!.n).toBeGreaterThan(0)
    expect(await coverage(a)).toEqual(afterFiling)
  })

  it('when complete, the figures equal those of the ingest path with the new plan in force', async () => {
    const done = await runRecomputeJob(a.ctx.db, jobId)
    expect(done.state, done.message ?? '').toBe('done')
    expect((await job(a, jobId)).json()).toMatchObject({ state: 'done', percent: 100, patrols_done: 11 })
    const recomputed = await coverage(a)
    const reference = await coverage(b)
    expect(recomputed).toEqual(reference)
    // not vacuous: the moved zone was visited on its new place, the removed one's W20 visits are gone
    expect(reference.zones['K2新/2026-W20']![0]).toBe(2)
    expect(reference.zones['K1新/2026-W20']![0]).toBe(1)
    expect(reference.zones['K2/2026-W20']).toBeUndefined()
    expect(beforeFiling.zones['K2/2026-W20']![0]).toBe(2)
    // the staged rows are gone, and the recompute had no raw points to read
    const left = await a.ctx.db.query<{ v: number; c: number; p: number }>(
      `SELECT (SELECT count(*)::integer FROM coverage_recompute_visits) AS v,
              (SELECT count(*)::integer FROM coverage_recompute_coverage) AS c,
              (SELECT count(*)::integer FROM patrol_points) AS p`,
    )
    expect(left.rows[0]).toEqual({ v: 0, c: 0, p: 0 })
    expect(pointsBefore).toBeGreaterThan(100)
  })
})

describe('POST /coverage/recompute and GET /jobs/{id}', () => {
  const ask = (token: string, payload: Record<string, string>) =>
    b.ctx.app.inject({ method: 'POST', url: '/api/v1/coverage/recompute', headers: bearer(token), payload })

  it('admins of the county (or above) only', async () => {
    const span = { division: '510199', from: '2026-05-04', to: '2026-05-17' }
    expect((await ask(b.reader, span)).statusCode).toBe(403)
    expect((await ask(b.planner, span)).statusCode).toBe(403)
    expect((await ask(b.device, span)).statusCode).toBe(403)
    expect((await ask(await b.ctx.token('admin', '510198'), span)).statusCode).toBe(404)
    expect(
      (await b.ctx.app.inject({ method: 'POST', url: '/api/v1/coverage/recompute', payload: span }))
        .statusCode,
    ).toBe(401)
  })

  it('bad input: 422 naming the field, 404 for an unknown division, 400 for a malformed date', async () => {
    const backwards = await ask(b.admin, { division: '510199', from: '2026-05-31', to: '2026-05-01' })
    expect(backwards.statusCode).toBe(422)
    expect(backwards.json().errors[0].path).toBe('/to')
    const long = await ask(b.admin, { division: '510199', from: '2025-01-01', to: '2026-05-01' })
    expect(long.statusCode).toBe(422)
    expect(long.json().errors[0].path).toBe('/to')
    const town = await ask(b.admin, { division: '510199001', from: '2026-05-01', to: '2026-05-31' })
    expect(town.statusCode).toBe(422)
    expect(town.json().errors[0].path).toBe('/division')
    expect(
      (await ask(b.admin, { division: '510197', from: '2026-05-01', to: '2026-05-31' })).statusCode,
    ).toBe(404)
    expect((await ask(b.admin, { division: '510199', from: 'yesterday', to: '2026-05-31' })).statusCode).toBe(
      400,
    )
    expect(
      (await ask(b.admin, { division: '510199', from: '2026-05-01', to: '2026-05-31', extra: 'x' }))
        .statusCode,
    ).toBe(400)
  })

  it('202 with the job; its progress on /jobs/{id}; the recompute reproduces the ingest figures', async () => {
    const before = await coverage(b)
    const res = await ask(b.admin, { division: '510199', from: '2026-05-04', to: '2026-05-17' })
    expect(res.statusCode, res.body).toBe(202)
    const id = res.json().id as string
    expect(res.headers.location).toBe(`/api/v1/jobs/${id}`)
    expect(res.json()).toMatchObject({
      reason: 'requested',
      plan_id: null,
      range: { from: '2026-05-04', to: '2026-05-17' },
      recomputed_days: { from: '2026-05-01', to: '2026-05-31' },
    })
    let state = (await job(b, id)).json()
    for (let i = 0; i < 300 && (state.state === 'pending' || state.state === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      state = (await job(b, id)).json()
    }
    expect(state, state.message).toMatchObject({ state: 'done', percent: 100, patrols_total: 11 })
    expect(await coverage(b)).toEqual(before)
    // another county's reader does not see the job; an unknown id is 404 too
    expect((await job(b, id, await b.ctx.token('viewer', '510198'))).statusCode).toBe(404)
    expect((await job(b, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    expect((await job(b, 'not-a-uuid')).statusCode).toBe(400)
  })
})
