import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { naiveCoverage } from '../../scripts/bench/naive-coverage.js'
import { generateDemoCounty } from '../../scripts/demo/generate.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { loadDemoPatrols } from '../../server/demo/demo-patrols.js'
import { demoSteps, loadDemo, type DemoStep } from '../../server/demo/load-demo.js'
import { readJobState } from '../../server/jobs/job-state.js'
import { VIOLATION_STATUSES } from '../../server/domain/violations/workflow.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/** The demo county loads through the product's own paths, in resumable steps with progress. */

let ctx: TestContext
let dir: string
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lp-demo-'))
  // patrols scaled down: this file is about loading, not about the month of tracks
  await generateDemoCounty(dir, { scale: 0.02 })
  ctx = await createTestContext({ seedDivisions: false })
})
afterAll(async () => {
  await ctx?.close()
  await rm(dir, { recursive: true, force: true })
})

const count = async (sql: string) => (await ctx.db.query<{ n: number }>(sql)).rows[0]!.n

describe('demo county load', () => {
  it('stops at a failing step with the finished steps recorded, then resumes without redoing them', async () => {
    const failing: DemoStep = {
      name: 'boom',
      weight: 1,
      run: async () => {
        throw new Error('interrupted')
      },
    }
    const steps = demoSteps()
    // the failing step sits after units: units are committed, the rest not yet
    const unitsAt = steps.findIndex((s) => s.name === 'units')
    const interrupted = [...steps.slice(0, unitsAt + 1), failing, ...steps.slice(unitsAt + 1)]
    const first = await loadDemo({ dir, db: ctx.db, log: quiet }, { steps: interrupted })
    expect(first.state).toBe('failed')
    expect(first.completed_steps).toEqual(['divisions', 'units'])
    const unitsAfterFirst = await count('SELECT count(*)::integer AS n FROM units')
    expect(unitsAfterFirst).toBeGreaterThanOrEqual(11)
    expect(await count('SELECT count(*)::integer AS n FROM people')).toBe(0)

    const resumed = await loadDemo({ dir, db: ctx.db, log: quiet })
    expect(resumed.state).toBe('done')
    expect(resumed.percent).toBe(100)
    expect(await count('SELECT count(*)::integer AS n FROM units')).toBe(unitsAfterFirst)
    expect((await readJobState(ctx.db, 'demo'))?.state).toBe('done')
  }, 600_000)

  it('has loaded every patrol of the month through the ingest path: all points, cleaned segments, visits', async () => {
    const lines = (await readFile(path.join(dir, 'patrols.ndjson'), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(
        (l) =>
          JSON.parse(l) as {
            external_id: string
            track: { geometry: { coordinates: unknown[] }; properties: { coordTimes: unknown[] } }
          },
      )
    expect(lines.length).toBeGreaterThanOrEqual(5)
    const stored = await ctx.db.query<{ external_id: string; points_received: number; points: number }>(
      `SELECT p.external_id, p.points_received,
              (SELECT count(*)::integer FROM patrol_points pp WHERE pp.patrol_id = p.id) AS points
         FROM patrols p WHERE p.division_code = '510199'`,
    )
    const byId = new Map(stored.rows.map((r) => [r.external_id, r]))
    expect(stored.rows.length).toBe(lines.length)
    for (const l of lines) {
      const row = byId.get(l.external_id)
      expect(row, l.external_id).toBeDefined()
      // every fix of the file is stored, kept or dropped with its reason
      expect(row!.points_received, l.external_id).toBe(l.track.geometry.coordinates.length)
      expect(row!.points, l.external_id).toBe(l.track.geometry.coordinates.length)
    }
    expect(
      await count(
        `SELECT count(*)::integer AS n FROM patrols p WHERE NOT EXISTS (SELECT 1 FROM patrol_segments s WHERE s.patrol_id = p.id)`,
      ),
    ).toBe(0)
    // the demo's patrols stop inside zones: matching found visits and coverage
    expect(await count(`SELECT count(*)::integer AS n FROM zone_visits WHERE qualifies`)).toBeGreaterThan(0)
    expect(await count(`SELECT count(*)::integer AS n FROM zone_period_coverage`)).toBeGreaterThan(0)
    // violations found on patrol name their (loaded) patrol
    const onPatrol = JSON.parse(await readFile(path.join(dir, 'violations.json'), 'utf8')) as {
      patrol_external_id: string | null
    }[]
    const loadedRefs = onPatrol.filter((v) => v.patrol_external_id && byId.has(v.patrol_external_id)).length
    expect(await count(`SELECT count(*)::integer AS n FROM violations WHERE patrol_id IS NOT NULL`)).toBe(
      loadedRefs,
    )
  })

  it('agrees with the naive buffer–union–intersect on ≥ 99 % of the zones its patrols reached', async () => {
    // the product's coverage read (GET /coverage) against scripts/bench/naive-coverage.ts, written
    // apart from the matching path, on the demo county's zones: per zone, every period of October
    // with the visit counts equal and the swath share within 1 percentage point (the bench does the
    // same on the whole month's patrols)
    const token = await ctx.token('viewer', '510199')
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/coverage?division=510199&from=2026-10-01&to=2026-10-31',
      headers: bearer(token),
    })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
    const product = res.json() as {
      zones: { zone_id: string; periods: { start: string; visits: number; covered_share: number | null }[] }[]
    }
    // October widened to whole ISO weeks, as the read's periods are
    const naive = await naiveCoverage(createScopedDb(ctx.db, '510199'), {
      county: '510199',
      from: '2026-09-28',
      to: '2026-11-02',
    })
    let reached = 0
    let agree = 0
    for (const z of product.zones) {
      let touched = false
      let ok = true
      for (const p of z.periods) {
        const n = naive.get(`${z.zone_id}/${p.start}`) ?? { share: 0, visits: 0 }
        const share = p.covered_share ?? 0
        if (n.visits > 0 || p.visits > 0 || n.share > 0 || share > 0) touched = true
        if (n.visits !== p.visits || Math.abs(n.share - share) > 0.01) ok = false
      }
      if (!touched) continue
      reached++
      if (ok) agree++
    }
    // (a zone the naive side reached must be in the read too)
    const readZones = new Set(product.zones.map((z) => z.zone_id))
    for (const n of naive.values()) expect(readZones.has(n.zone_id)).toBe(true)
    expect(reached).toBeGreaterThanOrEqual(200)
    expect(agree / reached).toBeGreaterThanOrEqual(0.99)
  }, 300_000)

  it('loading the patrols again stores nothing new (idempotent by external_id), in batches of any size', async () => {
    const before = await count('SELECT count(*)::integer AS n FROM patrol_points')
    const progress: number[] = []
    const again = await loadDemoPatrols(ctx.db, dir, {
      batchSize: 2,
      onProgress: (done) => void progress.push(done),
    })
    expect(again.stored).toBe(0)
    expect(again.patrols).toBe(await count('SELECT count(*)::integer AS n FROM patrols'))
    expect(progress.at(-1)).toBe(again.patrols)
    expect(await count('SELECT count(*)::integer AS n FROM patrol_points')).toBe(before)
  })

  it('a refused patrol fails the load with its reason and stores nothing of its batch (threads on PostgreSQL)', async () => {
    const bad = await mkdtemp(path.join(os.tmpdir(), 'lp-demo-bad-'))
    try {
      await cp(dir, bad, { recursive: true })
      const lines = (await readFile(path.join(bad, 'patrols.ndjson'), 'utf8')).split('\n').filter(Boolean)
      const first = JSON.parse(lines[0]!) as { unit_key: string; staff_keys: string[]; kind: string }
      // a new patrol of the first unit with a single fix, and a good new one of the same unit
      const one = (id: string, coordinates: number[][], coordTimes: string[]) =>
        JSON.stringify({
          ...first,
          external_id: id,
          track: {
            type: 'Feature',
            geometry: { type: 'LineString', coordinates },
            properties: { coordTimes },
          },
        })
      const good = one(
        'XC-refused-batch-good',
        [
          [104.0, 30.0],
          [104.001, 30.0],
        ],
        ['2026-10-20T02:00:00Z', '2026-10-20T02:00:30Z'],
      )
      const single = one('XC-refused-batch-single', [[104.0, 30.0]], ['2026-10-20T02:00:00Z'])
      await writeFile(path.join(bad, 'patrols.ndjson'), [...lines, good, single].join('\n') + '\n')
      const before = await count('SELECT count(*)::integer AS n FROM patrols')
      for (const threads of ctx.db.kind === 'postgres' ? [2, 0] : [0])
        await expect(loadDemoPatrols(ctx.db, bad, { threads, batchSize: 1000 })).rejects.toThrow(/track/i)
      expect(await count('SELECT count(*)::integer AS n FROM patrols')).toBe(before)
      expect(
        await count(`SELECT count(*)::integer AS n FROM patrols WHERE external_id LIKE 'XC-refused-batch-%'`),
      ).toBe(0)
    } finally {
      await rm(bad, { recursive: true, force: true })
    }
  })

  it('has loaded every division, unit and person of the files', async () => {
    const divisions = JSON.parse(await readFile(path.join(dir, 'divisions.json'), 'utf8')) as unknown[]
    const people = JSON.parse(await readFile(path.join(dir, 'people.json'), 'utf8')) as unknown[]
    const officers = JSON.parse(await readFile(path.join(dir, 'info-officers.json'), 'utf8')) as unknown[]
    expect(await count(`SELECT count(*)::integer AS n FROM divisions WHERE code <> '000000'`)).toBe(
      divisions.length,
    )
    expect(await count('SELECT count(*)::integer AS n FROM people')).toBe(people.length + officers.length)
    expect(people.length).toBeGreaterThanOrEqual(40)
  })

  it('has filed the zone plan: ≥ 1,500 zones of every category in force, tier 3 derived', async () => {
    const token = await ctx.token('viewer', '510199')
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/zones?division=510199&at=2026-10-15',
      headers: bearer(token),
    })
    expect(res.statusCode).toBe(200)
    const features = res.json().features as { properties: { category: string; tier: number } }[]
    expect(features.length).toBeGreaterThanOrEqual(1500)
    const categories = new Set(features.map((f) => f.properties.category))
    for (const c of [
      'basic_farmland',
      'urban_planning',
      'urban_fringe',
      'township_seat',
      'main_road',
      'development_zone',
      'mining_area',
      'hotspot',
      'other_farmland',
      'village_fringe',
      'village_planning',
      'village_surroundings',
      'rural_road',
      'other',
    ])
      expect(categories, c).toContain(c)
    // tiers 1–3 cover the county: the plan check finds no uncovered land
    const plans = (
      await ctx.app.inject({ method: 'GET', url: '/api/v1/plans?division=510199', headers: bearer(token) })
    ).json().items
    expect(plans[0].status).toBe('filed')
    const check = (
      await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/plans/${plans[0].id}/check`,
        headers: bearer(token),
      })
    ).json()
    expect(check.counts.uncovered).toBe(0)
  })

  it('has loaded the violations with their histories, the tips, officers, their reports and the land taken', async () => {
    const read = async <T>(file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as T
    const violations = await read<{ events: unknown[] }[]>('violations.json')
    const tips = await read<{ outcome: string }[]>('tips.json')
    const officers = await read<unknown[]>('info-officers.json')
    const reports = await read<unknown[]>('info-reports.json')
    expect(await count('SELECT count(*)::integer AS n FROM violations')).toBe(violations.length)
    // the discovery is the record itself; every later step is one workflow event
    expect(await count('SELECT count(*)::integer AS n FROM violation_events')).toBe(
      violations.reduce((n, v) => n + v.events.length - 1, 0),
    )
    expect(await count('SELECT count(*)::integer AS n FROM tips')).toBe(tips.length)
    for (const outcome of ['violation', 'unfounded', 'open'])
      expect(
        await count(`SELECT count(*)::integer AS n FROM tips WHERE status = '${outcome}'`),
        outcome,
      ).toBe(tips.filter((t) => t.outcome === outcome).length)
    expect(
      await count(
        `SELECT count(*)::integer AS n FROM tips WHERE status = 'violation' AND violation_id IS NOT NULL`,
      ),
    ).toBe(tips.filter((t) => t.outcome === 'violation').length)
    expect(await count('SELECT count(*)::integer AS n FROM info_officer_assignments')).toBe(officers.length)
    expect(await count('SELECT count(*)::integer AS n FROM info_reports')).toBe(reports.length)
    expect(await count('SELECT count(*)::integer AS n FROM cultivated_land_taken')).toBe(1)
    const statuses = (
      await ctx.db.query<{ status: string }>('SELECT DISTINCT status FROM violations ORDER BY status')
    ).rows.map((r) => r.status)
    expect(statuses).toEqual([...VIOLATION_STATUSES].sort())

    const token = await ctx.token('viewer', '510199')
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/stats?division=510199&from=2026-01-01&to=2026-10-31',
      headers: bearer(token),
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().stop_rate.rate).not.toBeNull()
    expect(res.json().filing_rate.rate).not.toBeNull()
  })

  it('a second load of a finished demo does nothing', async () => {
    const before = await count('SELECT count(*)::integer AS n FROM zones')
    const again = await loadDemo({ dir, db: ctx.db, log: quiet })
    expect(again.state).toBe('done')
    expect(await count('SELECT count(*)::integer AS n FROM zones')).toBe(before)
  })
})
