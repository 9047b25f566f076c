/**
 * The demo county's month of patrols: the county-month coverage read, the recompute of the month
 * after a plan change (server/routes/patrols/recompute.ts, from the stored cleaned segments) and the
 * naive recompute of the same month (naive-coverage.ts: per zone, area of zone ∩ union of the 50 m
 * buffers of the month's tracks, and the visit counts), with the share of zone-periods on which the
 * two agree (visit counts equal, swath coverage within 1 percentage point).
 */
import { buildApp } from '../../server/app.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { DEMO_COUNTY, DEMO_ZONES_STEP } from '../../server/demo/demo-zones.js'
import { prepareFiledCountyZones } from '../../server/routes/patrols/match.js'
import { runRecomputeJob } from '../../server/routes/patrols/recompute.js'
import { insertRecomputeJob } from '../../server/routes/patrols/recompute-queries.js'
import { markFiled, requirePlan } from '../../server/routes/plans/queries.js'
import { insertToken } from '../../server/routes/tokens/queries.js'
import type { BenchDb } from './databases.js'
import { ingestDemoPatrols } from './demo-patrols.js'
import { statsOf, timeOnce, timeRepeated, type ResultRow } from './harness.js'
import { naiveCoverage } from './naive-coverage.js'

const quiet = { info: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) }
const MONTH = { from: '2026-10-01', to: '2026-10-31' }
/** October widened to whole ISO weeks (recomputeDays): 28 September to 1 November. */
const DAYS = { from: '2026-09-28', to: '2026-11-02' }

export async function benchPatrolRecompute(b: BenchDb, dir: string, runs = 3): Promise<ResultRow[]> {
  const system = createScopedDb(b.db, '')
  const plans = await system.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM zone_plans WHERE division_code = $1::text AND status = 'filed'`,
    [DEMO_COUNTY],
  )
  if (plans.rows[0]!.n === 0)
    await system.transaction((tx) => DEMO_ZONES_STEP.run({ dir, db: b.db, log: quiet }, tx))

  console.error(`[bench] ${b.label}: posting the demo month's patrols (setup, one by one through ingest)`)
  const t0 = performance.now()
  const posted = await ingestDemoPatrols(b.db, dir, DEMO_COUNTY, undefined, (n) => {
    if (n % 50 === 0) console.error(`[bench] ${b.label}:   ${n} patrols`)
  })
  console.error(
    `[bench] ${b.label}: ${posted.patrols} patrols, ${posted.points} points in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  )

  const app = await buildApp({ db: b.db })
  await app.ready()
  const rows: ResultRow[] = []
  try {
    const token = (
      await system.transaction((tx) =>
        insertToken(tx, { role: 'viewer', division_code: DEMO_COUNTY, label: 'bench' }),
      )
    ).secret
    // the read as a client waits for it: the request until the last byte of the answer (app.inject
    // hands over the whole body); the client's own parse of the 3.4 MB of JSON is timed apart
    const requestCoverage = async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/coverage?division=${DEMO_COUNTY}&from=${MONTH.from}&to=${MONTH.to}`,
        headers: { authorization: `Bearer ${token}` },
      })
      if (res.statusCode !== 200) throw new Error(`coverage read: ${res.statusCode} ${res.body}`)
      return res
    }
    const readCoverage = async () =>
      (await requestCoverage()).json() as {
        zones: {
          zone_id: string
          periods: { start: string; visits: number; covered_share: number | null }[]
        }[]
      }
    await readCoverage()
    const read = await timeRepeated(10, () => requestCoverage())
    const body = (await requestCoverage()).body
    const parse = await timeRepeated(10, async () => JSON.parse(body) as unknown)
    const zoneCount = (await readCoverage()).zones.length
    rows.push({
      database: b.label,
      benchmark: `coverage read, county-month (GET /coverage, ${zoneCount} zones)`,
      median_ms: read.median,
      p95_ms: read.p95,
      n: read.n,
      note: `target on PostGIS ≤ 200 ms; to the last byte of ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB of JSON, which the client then parses in ${parse.median.toFixed(0)} ms (median)`,
    })

    // the plan change: a new plan from 1 October, the same zones with one township's grown by 40 m,
    // filed as POST /plans/:id/file files it (its zones cut into their metric pieces in the filing's
    // transaction, so the recompute finds them done)
    console.error(`[bench] ${b.label}: filing a changed plan from ${MONTH.from}`)
    const filing = await timeOnce(() =>
      system.transaction(async (tx) => {
        const old = await tx.query<{ id: string }>(
          `SELECT id FROM zone_plans WHERE division_code = $1::text AND status = 'filed'`,
          [DEMO_COUNTY],
        )
        const plan = await tx.query<{ id: string }>(
          `INSERT INTO zone_plans (division_code, name, effective_from, status, submitted_at)
         VALUES ($1::text, 'bench change', $2::date, 'submitted', now()) RETURNING id`,
          [DEMO_COUNTY, MONTH.from],
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
          [plan.rows[0]!.id, old.rows[0]!.id, `${DEMO_COUNTY}001`],
        )
        await markFiled(tx, await requirePlan(tx, plan.rows[0]!.id), {
          personId: null,
          divisionCode: '510100',
        })
        await prepareFiledCountyZones(tx, DEMO_COUNTY)
      }),
    )

    const recompute: number[] = []
    for (let i = 0; i < runs; i++) {
      const job = await createScopedDb(b.db, DEMO_COUNTY).transaction((tx) =>
        insertRecomputeJob(tx, {
          divisionCode: DEMO_COUNTY,
          reason: 'requested',
          planId: null,
          rangeFrom: MONTH.from,
          rangeTo: '2026-11-01',
          daysFrom: DAYS.from,
          daysTo: DAYS.to,
          requestedBy: null,
        }),
      )
      const { ms, value } = await timeOnce(() => runRecomputeJob(b.db, job.id))
      if (value.state !== 'done') throw new Error(`recompute ${value.state}: ${value.message}`)
      console.error(`[bench] ${b.label}: recompute ${i + 1}: ${(ms / 1000).toFixed(1)} s (${value.message})`)
      recompute.push(ms)
    }
    const product = await readCoverage()

    console.error(`[bench] ${b.label}: naive recompute of the month`)
    const naive = await timeOnce(() =>
      naiveCoverage(createScopedDb(b.db, DEMO_COUNTY), {
        county: DEMO_COUNTY,
        from: DAYS.from,
        to: DAYS.to,
        // by patrol, two at once on PostgreSQL (the shards' unions are unioned at the end)
        shards: b.db.kind === 'postgres' ? 4 : 1,
      }),
    )
    let periods = 0
    let periodsAgree = 0
    let zonesAgree = 0
    for (const z of product.zones) {
      let all = true
      for (const p of z.periods) {
        const n = naive.value.get(`${z.zone_id}/${p.start}`) ?? { share: 0, visits: 0 }
        const ok = n.visits === p.visits && Math.abs(n.share - (p.covered_share ?? 0)) <= 0.01
        periods++
        if (ok) periodsAgree++
        else all = false
      }
      if (all) zonesAgree++
    }
    const r = statsOf(recompute)
    const pct = (a: number, n: number) => `${((100 * a) / Math.max(1, n)).toFixed(2)} %`
    rows.push({
      database: b.label,
      benchmark: `recompute of the month after a plan change (${posted.patrols} patrols, ${posted.points} points)`,
      median_ms: r.median,
      p95_ms: r.p95,
      n: r.n,
      baseline: 'naive recompute (zone ∩ union of 50 m buffers; visits), plain PostGIS',
      baseline_median_ms: naive.ms,
      ratio: naive.ms / r.median,
      note: `agrees with naive (visits equal, swath within 1 pp): ${pct(zonesAgree, product.zones.length)} of ${product.zones.length} zones, ${pct(periodsAgree, periods)} of ${periods} zone-periods; target on PostGIS ≥ 20× faster; the filing before it (new plan's zones cut into pieces) ${(filing.ms / 1000).toFixed(1)} s`,
    })
  } finally {
    await app.close()
  }
  return rows
}
