// Recomputing coverage after a plan change, on a deterministic slice of the demo county: the zones of
// its smallest township (fewest zones) and every demo patrol with a fix within 300 m of that
// township, posted through the product's ingest. The figures after the recompute are checked against
// the naive computation of scripts/bench/naive-coverage.ts (plain buffer–union–intersect PostGIS over
// the kept raw fixes, written apart from match.ts): visit counts equal and swath coverage within
// 1 percentage point for ≥ 99 % of the zone-periods. The whole county is compared in `npm run bench`.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemoCounty } from '../../scripts/demo/generate.js'
import { ingestDemoPatrols } from '../../scripts/bench/demo-patrols.js'
import { naiveCoverage } from '../../scripts/bench/naive-coverage.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { DEMO_COUNTY, DEMO_ZONES_STEP } from '../../server/demo/demo-zones.js'
import { FOUNDATION_STEPS, type DemoContext } from '../../server/demo/load-demo.js'
import { runRecomputeJob } from '../../server/routes/patrols/recompute.js'
import { insertRecomputeJob } from '../../server/routes/patrols/recompute-queries.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let dir: string
let township: string
let reader: string
let admin: string
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

interface ZoneOut {
  zone_id: string
  tier: number
  periods: { start: string; visits: number; covered_share: number | null }[]
}

async function readCoverage(): Promise<Map<string, { visits: number; share: number; tier: number }>> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/coverage?division=${township}&from=2026-10-01&to=2026-10-31`,
    headers: bearer(reader),
  })
  expect(res.statusCode, res.body).toBe(200)
  const out = new Map<string, { visits: number; share: number; tier: number }>()
  for (const z of res.json().zones as ZoneOut[])
    for (const p of z.periods)
      out.set(`${z.zone_id}/${p.start}`, { visits: p.visits, share: p.covered_share ?? 0, tier: z.tier })
  return out
}

async function jobState(id: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: bearer(reader) })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as {
    state: string
    percent: number
    patrols_done: number
    patrols_total: number
    message: string
  }
}

// Not yet verified to pass in time on this machine (see the branch report): runs only when asked,
// LP_RECOMPUTE_DEMO=1, until it is.
describe.runIf(process.env.LP_RECOMPUTE_DEMO === '1')('recompute of the demo slice', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lp-recompute-'))
    await generateDemoCounty(dir)
    ctx = await createTestContext({ seedDivisions: false })
    const demo: DemoContext = { dir, db: ctx.db, log: quiet }
    const system = createScopedDb(ctx.db, '')
    for (const step of [...FOUNDATION_STEPS, DEMO_ZONES_STEP])
      await system.transaction((tx) => step.run(demo, tx))

    // the township with the fewest zones, and a box 300 m around it
    const zones = JSON.parse(await readFile(path.join(dir, 'zones.geojson'), 'utf8')) as {
      features: { properties: { township_code: string } }[]
    }
    const counts = new Map<string, number>()
    for (const f of zones.features)
      counts.set(f.properties.township_code, (counts.get(f.properties.township_code) ?? 0) + 1)
    township = [...counts].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]![0]
    const box = (
      await ctx.db.query<{ w: number; s: number; e: number; n: number }>(
        `SELECT ST_XMin(b) w, ST_YMin(b) s, ST_XMax(b) e, ST_YMax(b) n
           FROM (SELECT ST_Expand(boundary, 0.003) AS b FROM divisions WHERE code = $1::text) x`,
        [township],
      )
    ).rows[0]!
    const posted = await ingestDemoPatrols(ctx.db, dir, DEMO_COUNTY, (p) =>
      p.track.geometry.coordinates.some(([x, y]) => x >= box.w && x <= box.e && y >= box.s && y <= box.n),
    )
    expect(posted.patrols).toBeGreaterThanOrEqual(10)
    reader = await ctx.token('viewer', DEMO_COUNTY)
    admin = await ctx.token('admin', DEMO_COUNTY)
  }, 1_200_000)
  afterAll(async () => {
    await ctx?.close()
    await rm(dir, { recursive: true, force: true })
  })

  let before: Map<string, { visits: number; share: number; tier: number }>

  it('serves the previous figures while a recompute is half done, and reproduces them when complete', async () => {
    before = await readCoverage()
    expect([...before.values()].filter((v) => v.visits > 0).length).toBeGreaterThan(20)
    const job = await createScopedDb(ctx.db, DEMO_COUNTY).transaction((tx) =>
      insertRecomputeJob(tx, {
        divisionCode: DEMO_COUNTY,
        reason: 'requested',
        planId: null,
        rangeFrom: '2026-10-01',
        rangeTo: '2026-11-01',
        daysFrom: '2026-09-28',
        daysTo: '2026-11-02',
        requestedBy: null,
      }),
    )
    let chunks = 0
    // stop after two chunks: the staged rows exist, the live ones are untouched
    const half = await runRecomputeJob(ctx.db, job.id, { chunkPatrols: 3, stopping: () => chunks++ >= 2 })
    expect(half.state).toBe('running')
    const mid = await jobState(job.id)
    expect(mid.patrols_done).toBe(6)
    expect(mid.percent).toBeGreaterThan(0)
    expect(mid.percent).toBeLessThan(100)
    const staged = await ctx.db.query<{ n: number }>(
      'SELECT count(*)::integer AS n FROM coverage_recompute_coverage WHERE job_id = $1::uuid',
      [job.id],
    )
    expect(staged.rows[0]!.n).toBeGreaterThan(0)
    expect(await readCoverage()).toEqual(before)

    const done = await runRecomputeJob(ctx.db, job.id)
    expect(done.state, done.message ?? '').toBe('done')
    expect((await jobState(job.id)).percent).toBe(100)
    const after = await readCoverage()
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
    // the same matching over the same segments: the same visits, and the same coverage up to the
    // order of the unions (exactly so on PostgreSQL; PGlite's GEOS once moved a zone-week by 3.5 pp)
    let close = 0
    for (const [k, v] of after) {
      expect(v.visits, k).toBe(before.get(k)!.visits)
      if (Math.abs(v.share - before.get(k)!.share) <= 0.01) close++
    }
    expect(close / after.size).toBeGreaterThanOrEqual(0.99)
  })

  it('recomputes after a plan filed with a past date and agrees with the naive computation', async () => {
    // the new plan: the same zones, those of the township grown by 40 m, in force from 11 October
    const system = createScopedDb(ctx.db, '')
    const planId = await system.transaction(async (tx) => {
      const old = await tx.query<{ id: string }>(
        `SELECT id FROM zone_plans WHERE division_code = $1::text AND status = 'filed'`,
        [DEMO_COUNTY],
      )
      const plan = await tx.query<{ id: string }>(
        `INSERT INTO zone_plans (division_code, name, effective_from, status, submitted_at)
         VALUES ($1::text, 'changed', '2026-10-11', 'submitted', now()) RETURNING id`,
        [DEMO_COUNTY],
      )
      await tx.query(
        `INSERT INTO zones (plan_id, division_code, township_code, category, tier, tier_reason, name, unit_id,
                            main_person_id, direct_person_ids, source, properties, geom, area_m2)
         SELECT $1::uuid, division_code, township_code, category, tier, tier_reason, name, unit_id,
                main_person_id, direct_person_ids, source, properties, g.geom, ST_Area(g.geom::geography)
           FROM zones z
          CROSS JOIN LATERAL (SELECT CASE WHEN z.township_code = $3::text
                                          THEN ST_Multi(ST_Buffer(z.geom::geography, 40)::geometry)
                                          ELSE z.geom END AS geom) AS g
          WHERE z.plan_id = $2::uuid`,
        [plan.rows[0]!.id, old.rows[0]!.id, township],
      )
      return plan.rows[0]!.id
    })
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/file`,
      headers: bearer(await ctx.token('supervisor', '510100')),
    })
    expect(filed.statusCode, filed.body).toBe(200)
    const location = filed.headers['recompute-job'] as string
    expect(location).toMatch(/^\/api\/v1\/jobs\/[0-9a-f-]{36}$/)
    const jobId = location.split('/').pop()!
    let state = await jobState(jobId)
    for (let i = 0; i < 600 && (state.state === 'pending' || state.state === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 1000))
      state = await jobState(jobId)
    }
    expect(state.state, state.message).toBe('done')

    const product = await readCoverage()
    const zoneIds = [...new Set([...product.keys()].map((k) => k.split('/')[0]!))]
    const naive = await naiveCoverage(createScopedDb(ctx.db, DEMO_COUNTY), {
      county: DEMO_COUNTY,
      from: '2026-09-28',
      to: '2026-11-02',
      zoneIds,
    })
    let agree = 0
    let visited = 0
    const disagreements: string[] = []
    for (const [k, p] of product) {
      const n = naive.get(k) ?? { share: 0, visits: 0 }
      if (n.visits > 0) visited++
      if (p.visits === n.visits && Math.abs(p.share - n.share) <= 0.01) agree++
      else disagreements.push(`${k}: product ${p.visits} visits ${p.share}, naive ${n.visits} ${n.share}`)
    }
    // not vacuous: both plans' zones of the township, many visited, the changed ones with new figures
    expect(product.size).toBeGreaterThan(300)
    expect(visited).toBeGreaterThan(40)
    expect(agree / product.size, disagreements.slice(0, 10).join('\n')).toBeGreaterThanOrEqual(0.99)
    const changed = [...product.keys()].filter((k) => !before.has(k))
    expect(changed.length).toBeGreaterThan(100)
    // every zone-period the naive computation sees is one the product reports
    for (const k of naive.keys()) expect(product.has(k), k).toBe(true)
  })

  it('POST /coverage/recompute: admins only, a county and a sensible span, 202 with the job', async () => {
    const post = async (token: string, payload: Record<string, string>) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/coverage/recompute', headers: bearer(token), payload })
    expect(
      (await post(reader, { division: DEMO_COUNTY, from: '2026-10-01', to: '2026-10-31' })).statusCode,
    ).toBe(403)
    const backwards = await post(admin, { division: DEMO_COUNTY, from: '2026-10-31', to: '2026-10-01' })
    expect(backwards.statusCode).toBe(422)
    expect(backwards.json().errors[0].path).toBe('/to')
    const town = await post(admin, { division: township, from: '2026-10-01', to: '2026-10-31' })
    expect(town.statusCode).toBe(422)
    expect(town.json().errors[0].path).toBe('/division')
    expect((await post(admin, { division: '510198', from: '2026-10-01', to: '2026-10-31' })).statusCode).toBe(
      404,
    )
    expect(
      (await post(admin, { division: DEMO_COUNTY, from: 'yesterday', to: '2026-10-31' })).statusCode,
    ).toBe(400)
    const ok = await post(admin, { division: DEMO_COUNTY, from: '2026-11-02', to: '2026-11-03' })
    expect(ok.statusCode, ok.body).toBe(202)
    expect(ok.json()).toMatchObject({
      state: 'pending',
      range: { from: '2026-11-02', to: '2026-11-03' },
      // widened to the whole of November (the ISO week of the span lies within it)
      recomputed_days: { from: '2026-11-01', to: '2026-11-30' },
    })
    expect(ok.headers.location).toBe(`/api/v1/jobs/${ok.json().id}`)
    let state = await jobState(ok.json().id)
    for (let i = 0; i < 600 && (state.state === 'pending' || state.state === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 200))
      state = await jobState(ok.json().id)
    }
    // no patrol fell in November
    expect(state).toMatchObject({ state: 'done', percent: 100, patrols_total: 0 })
  })
})
