import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/**
 * The enforcement rates of GET /stats on a scenario written out here, October 2026 in county 510199
 * (span 2026-10-01 … 2026-10-31, read as of the end of Oct 31):
 *
 *   V1…V50  found Mon 2026-10-12 (report due end of Wed 10-14: Tue 13 = 1, Wed 14 = 2)
 *   V1…V49  stopped 10-12                      V50 never stopped
 *   V1…V9   reported Tue 10-13 (on time)       V10 reported Fri 10-16 (late)
 *   V1…V8   filed 10-20                        V9 declined (below the filing standard)   V10 undecided
 *   V1…V4   closed 10-28 (penalty decided): within 60 days of filing, outcome day in October
 *   V5…V8   filed 10-20, limit ends 2026-12-19: outcome day not in October, not counted
 *   V51     found 08-05, filed 2026-08-10 → limit ends 10-09 (Aug 10 + 60 days), never closed
 *   V52     found 08-05, filed 2026-08-10, closed 10-20: after its limit (10-09), so late
 *   cultivated land: V1…V5 2.5 mu each, V6 0.25 mu → 12.75 mu; taken by new construction in
 *   2026: 100 mu.
 *
 *   stop rate             49 / 50 = 98 %
 *   report forms on time   9 / 10 = 90 %    (only reported cases are measured; none is flagged required)
 *   filing rate            8 / 9  = 88.9 %  (V1…V8 filed; V10 missing; V9 excluded as below the standard)
 *   closure within limit   4 / 6  = 66.7 %  (V1…V4 on time; V51 and V52 missed, both outcome day 10-09)
 *   illegal cultivated land 12.75 mu / 100 mu = 12.75 % (below the 15 % veto)
 */

let ctx: TestContext
let patroller: string
const V: string[] = [] // V[1] … V[52]

beforeAll(async () => {
  ctx = await createTestContext()
  patroller = await ctx.token('patroller', '510199')
})
afterAll(async () => ctx?.close())

async function create(foundAt: string, extra: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/violations',
    headers: bearer(patroller),
    payload: {
      category: 3,
      source: 'patrol',
      found_at: foundAt,
      location: { type: 'Point', coordinates: [104.0, 30.0] },
      ...extra,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id as string
}

async function event(id: string, type: string, at: string, closingKind?: string) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/violations/${id}/events`,
    headers: bearer(patroller),
    payload: { type, at, ...(closingKind ? { closing_kind: closingKind } : {}) },
  })
  expect(res.statusCode, res.body).toBe(201)
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const ids = (numbers: number[]) => numbers.map((n) => V[n]).sort()
const sorted = (list: string[]) => [...list].sort()

describe('GET /stats on the October 2026 scenario', () => {
  beforeAll(async () => {
    for (const n of range(1, 50)) {
      const minute = String(n % 60).padStart(2, '0')
      const cultivated = n <= 5 ? { area_mu: 3, cultivated_mu: 2.5 } : n === 6 ? { cultivated_mu: 0.25 } : {}
      V[n] = await create(`2026-10-12T09:${minute}:00+08:00`, cultivated)
    }
    for (const n of range(1, 49)) await event(V[n]!, 'stop', '2026-10-12T10:00:00+08:00')
    for (const n of range(1, 9)) await event(V[n]!, 'report', '2026-10-13T10:00:00+08:00')
    await event(V[10]!, 'report', '2026-10-16T10:00:00+08:00')
    for (const n of range(1, 8)) await event(V[n]!, 'file', '2026-10-20T10:00:00+08:00')
    await event(V[9]!, 'decline_filing', '2026-10-20T10:00:00+08:00')
    for (const n of range(1, 4)) await event(V[n]!, 'close', '2026-10-28T10:00:00+08:00', 'penalty_decided')
    for (const n of [51, 52]) {
      V[n] = await create('2026-08-05T09:00:00+08:00')
      await event(V[n]!, 'stop', '2026-08-05T10:00:00+08:00')
      await event(V[n]!, 'report', '2026-08-06T10:00:00+08:00')
      await event(V[n]!, 'file', '2026-08-10T10:00:00+08:00')
    }
    await event(V[52]!, 'close', '2026-10-20T10:00:00+08:00', 'complied')

    const taken = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/cultivated-land-taken/510199/2026',
      headers: bearer(await ctx.token('supervisor', '510199')),
      payload: { mu: 100, note: '2026年批准建设用地占用耕地' },
    })
    expect(taken.statusCode, taken.body).toBe(200)
  })

  const stats = async (query = 'division=510199&from=2026-10-01&to=2026-10-31', token = patroller) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/stats?${query}`, headers: bearer(token) })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it('stop rate: 49 of 50 found were stopped → 98 %', async () => {
    const s = await stats()
    expect(s.as_of).toBe('2026-10-31T15:59:59.999Z')
    expect(s.stop_rate).toMatchObject({ numerator: 49, denominator: 50, rate: 0.98 })
    expect(sorted(s.stop_rate.ids_numerator)).toEqual(ids(range(1, 49)))
    expect(s.stop_rate.ids_missing).toEqual([V[50]])
  })

  it('report forms on time: 9 of 10 reports by the end of the 2nd working day → 90 %', async () => {
    const s = await stats()
    expect(s.report_forms_on_time).toMatchObject({ numerator: 9, denominator: 10, rate: 0.9 })
    expect(s.report_forms_on_time.ids_missing).toEqual([V[10]])
  })

  it('filing rate: 8 filed of 9 to be filed (the declined one left out) → 88.9 %', async () => {
    const s = await stats()
    expect(s.filing_rate).toMatchObject({ numerator: 8, denominator: 9 })
    expect(s.filing_rate.rate).toBeCloseTo(8 / 9, 10)
    expect(s.filing_rate.ids_missing).toEqual([V[10]])
    expect(s.filing_rate.excluded).toContainEqual({ id: V[9], reason: 'below_filing_standard' })
  })

  it('closure within the legal limit: 4 on time, 2 past their limit in October → 66.7 %', async () => {
    const s = await stats()
    expect(s.closure_rate).toMatchObject({ numerator: 4, denominator: 6 })
    expect(s.closure_rate.rate).toBeCloseTo(4 / 6, 10)
    expect(sorted(s.closure_rate.ids_numerator)).toEqual(ids(range(1, 4)))
    expect(sorted(s.closure_rate.ids_missing)).toEqual(ids([51, 52]))
  })

  it('illegally occupied cultivated land: 5 × 2.5 + 0.25 = 12.75 mu of 100 mu taken → 12.75 %, no veto', async () => {
    const s = await stats()
    const land = s.illegal_cultivated_land
    expect(land).toMatchObject({
      numerator: 12.75,
      denominator: 100,
      rate: 0.1275,
      unit: 'mu',
      veto_ratio: 0.15,
      reaches_veto: false,
    })
    expect(sorted(land.ids_numerator)).toEqual(ids(range(1, 6)))
    expect(land.taken).toEqual([{ division_code: '510199', year: 2026, mu: 100 }])
    expect(land.missing_taken).toEqual([])
  })

  it('a city reads its counties together and is told which county-years have no figure entered', async () => {
    const city = await ctx.token('viewer', '510100')
    const s = await stats('division=510100&from=2026-10-01&to=2026-10-31', city)
    expect(s.stop_rate).toMatchObject({ numerator: 49, denominator: 50 })
    expect(s.illegal_cultivated_land.missing_taken).toEqual([{ division_code: '510198', year: 2026 }])
  })

  it('the sibling county measures nothing of this county', async () => {
    const sibling = await ctx.token('viewer', '510198')
    const s = await stats('from=2026-10-01&to=2026-10-31', sibling)
    expect(s.division).toBe('510198')
    expect(s.stop_rate).toMatchObject({ numerator: 0, denominator: 0, rate: null })
    expect(JSON.stringify(s)).not.toContain(V[1])
    const other = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/stats?division=510199',
      headers: bearer(sibling),
    })
    expect(other.statusCode).toBe(404)
  })

  it('hotspots: the 50 October cases fall in one H3 cell that contains their location, ids listed', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/violations/hotspots?from=2026-10-01&to=2026-10-31&resolution=8',
      headers: bearer(patroller),
    })
    expect(res.statusCode, res.body).toBe(200)
    const fc = res.json()
    expect(fc.features).toHaveLength(1)
    const cell = fc.features[0]
    expect(cell.properties).toMatchObject({ count: 50, by_category: { '3': 50 } })
    expect(sorted(cell.properties.violation_ids)).toEqual(ids(range(1, 50)))
    expect(cell.properties.per_km2).toBeCloseTo(50 / cell.properties.area_km2, 2)
    expect(booleanPointInPolygon([104.0, 30.0], cell.geometry)).toBe(true)
    const sibling = await ctx.token('viewer', '510198')
    const none = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/violations/hotspots?from=2026-10-01&to=2026-10-31',
      headers: bearer(sibling),
    })
    expect(none.json().features).toEqual([])
  })
})
