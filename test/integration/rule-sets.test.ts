// Rule sets per jurisdiction (GET/PUT /rule-sets/{division}): a province sets the base (and may
// loosen the defaults), a city or county may only tighten what it receives (422 naming the field),
// versions are kept with their effective dates, and the rules in force feed the figures (coverage's
// frequency, the assessment's veto ratio).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RULE_SET } from '../../server/domain/rules/rule-set.js'
import { rulesInForce } from '../../server/routes/rule-sets/queries.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let province: string
let city: string
let county: string

beforeAll(async () => {
  ctx = await createTestContext()
  province = await ctx.token('admin', '510000')
  city = await ctx.token('supervisor', '510100')
  county = await ctx.token('admin', '510199')
})
afterAll(async () => ctx?.close())

async function put(token: string, division: string, body: unknown) {
  return ctx.app.inject({
    method: 'PUT',
    url: `/api/v1/rule-sets/${division}`,
    headers: bearer(token),
    payload: body as object,
  })
}
async function get(token: string, division: string, date?: string) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/rule-sets/${division}${date ? `?date=${date}` : ''}`,
    headers: bearer(token),
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

describe('rule sets per jurisdiction', () => {
  it('without any set, a county works under the defaults of domain.md', async () => {
    const r = await get(county, '510199', '2026-01-01')
    expect(r.rules).toEqual(DEFAULT_RULE_SET)
    expect(r.levels).toEqual([])
  })

  it('a province may loosen the defaults (closure limit 90 days); its counties inherit it', async () => {
    const res = await put(province, '510000', {
      effective_from: '2026-01-01',
      override: { deadlines: { closure_limit_days: 90 } },
      note: '省厅规定',
    })
    expect(res.statusCode, res.body).toBe(200)
    const r = await get(county, '510199', '2026-06-01')
    expect(r.rules.deadlines.closure_limit_days).toBe(90)
    expect(r.levels.map((l: { division_code: string }) => l.division_code)).toEqual(['510000'])
    // before the effective date the defaults still apply
    expect((await get(county, '510199', '2025-12-31')).rules.deadlines.closure_limit_days).toBe(60)
  })

  it('a city may tighten (3 tier-1 patrols a week) but not loosen (veto at 20 %): 422 names the field', async () => {
    const tight = await put(city, '510100', {
      effective_from: '2026-03-01',
      override: { patrol: { frequency: { tier1: { visits: 3 } } } },
    })
    expect(tight.statusCode, tight.body).toBe(200)
    const loose = await put(city, '510100', {
      effective_from: '2026-03-01',
      override: { assessment: { veto_ratio: 0.2 } },
    })
    expect(loose.statusCode).toBe(422)
    const problem = loose.json()
    expect(problem.errors).toEqual([
      expect.objectContaining({
        path: '/override/assessment/veto_ratio',
        reason: 'loosening_rejected',
        in_force: 0.15,
        value: 0.2,
      }),
    ])
  })

  it('a county tightens on top of its city and cannot undo the city’s tightening; unknown keys are refused', async () => {
    const undo = await put(county, '510199', {
      effective_from: '2026-04-01',
      override: { patrol: { frequency: { tier1: { visits: 2 } } } },
    })
    expect(undo.statusCode).toBe(422)
    expect(undo.json().errors[0].path).toBe('/override/patrol/frequency/tier1/visits')
    const typo = await put(county, '510199', {
      effective_from: '2026-04-01',
      override: { assesment: { veto_ratio: 0.1 } },
    })
    expect(typo.statusCode).toBe(422)
    expect(typo.json().errors[0]).toMatchObject({
      path: '/override/assesment/veto_ratio',
      reason: 'unknown_setting',
    })
    const ok = await put(county, '510199', {
      effective_from: '2026-04-01',
      override: { assessment: { veto_ratio: 0.1 } },
    })
    expect(ok.statusCode, ok.body).toBe(200)

    const r = await get(county, '510199', '2026-05-01')
    expect(r.rules.patrol.frequency.tier1.visits).toBe(3)
    expect(r.rules.assessment.veto_ratio).toBe(0.1)
    expect(r.rules.deadlines.closure_limit_days).toBe(90)
    expect(r.levels.map((l: { division_code: string }) => l.division_code)).toEqual([
      '510000',
      '510100',
      '510199',
    ])
    expect(r.history).toHaveLength(1)
  })

  it('keeps history: a newer version replaces the older from its date on, and the older still answers for the past', async () => {
    const res = await put(county, '510199', {
      effective_from: '2026-09-01',
      override: { assessment: { veto_ratio: 0.05 } },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect((await get(county, '510199', '2026-05-01')).rules.assessment.veto_ratio).toBe(0.1)
    expect((await get(county, '510199', '2026-10-01')).rules.assessment.veto_ratio).toBe(0.05)
    expect((await get(county, '510199')).history).toHaveLength(2)
  })

  it('a county cannot write its city’s rules, nor read a neighbour’s', async () => {
    const res = await put(county, '510100', { effective_from: '2026-01-01', override: {} })
    expect(res.statusCode).toBe(404)
    const other = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/rule-sets/510198',
      headers: bearer(county),
    })
    expect(other.statusCode).toBe(404)
  })

  it('rulesInForce is what the figures use: the coverage read requires the city’s 3 tier-1 visits a week', async () => {
    const db = createScopedDb(ctx.db, '510199')
    const rules = await db.transaction((tx) => rulesInForce(tx, '510199', '2026-05-01'))
    expect(rules.patrol.frequency.tier1.visits).toBe(3)
    const cov = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/coverage?division=510199&from=2026-05-01&to=2026-05-31',
      headers: bearer(county),
    })
    expect(cov.statusCode, cov.body).toBe(200)
    expect(cov.json().rules.frequency.tier1.visits).toBe(3)
  })
})
