// Figures for a past period use the rules then in force (rule sets by effective date): a county
// raises its minimum staff from 2 to 3 from 1 June; two-person patrols of May, posted after that,
// still count, those of June do not — at ingest and again when the months are recomputed.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { fileCounty, poster } from './support/county-fixture.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let admin: string
let device: string
let station: string
let staff: string[]
let zoneA: string
let post: ReturnType<typeof poster>

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.05 + x * M_LON, 29.92 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

/** A two-person walk due north through the middle of zone A, 700 m at 2 m/s, starting at `iso`. */
function walk(externalId: string, iso: string) {
  const t0 = Date.parse(iso)
  const coords = Array.from({ length: 18 }, (_, i) => at(200, -50 + i * 40))
  return {
    external_id: externalId,
    unit_id: station,
    staff,
    kind: 'routine',
    track: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { coordTimes: coords.map((_, i) => new Date(t0 + i * 20_000).toISOString()) },
    },
  }
}

async function countedVisitsOfA(): Promise<Record<string, number>> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: '/api/v1/coverage?division=510199&from=2026-05-01&to=2026-06-30',
    headers: bearer(admin),
  })
  expect(res.statusCode, res.body).toBe(200)
  const zone = (res.json().zones as { zone_id: string; periods: { start: string; visits: number }[] }[]).find(
    (z) => z.zone_id === zoneA,
  )!
  return Object.fromEntries(zone.periods.map((p) => [p.start, p.visits]))
}

beforeAll(async () => {
  ctx = await createTestContext()
  post = poster(ctx)
  const county = await fileCounty(ctx, {
    plans: [
      {
        name: '方案',
        effective_from: '2026-01-01',
        // tier 2: visits counted per month
        zones: [{ name: 'A', geometry: square(0, 0, 400), category: 'other_farmland' }],
      },
    ],
  })
  ;({ admin, device, station, staff } = county)
  zoneA = county.zones.A!

  // from 1 June the county requires three people on a patrol
  const rules = await ctx.app.inject({
    method: 'PUT',
    url: '/api/v1/rule-sets/510199',
    headers: bearer(admin),
    payload: { effective_from: '2026-06-01', override: { patrol: { min_staff: 3 } } },
  })
  expect(rules.statusCode, rules.body).toBe(200)
})
afterAll(async () => ctx?.close())

it('a two-person patrol of May counts under May’s rules, one of June does not, though both are posted later', async () => {
  const may = await post(device, '/api/v1/patrols', walk('may', '2026-05-20T01:00:00Z'))
  const june = await post(device, '/api/v1/patrols', walk('june', '2026-06-10T01:00:00Z'))
  expect(may.counts_for_frequency).toBe(true)
  expect(may.visits).toHaveLength(1)
  expect(may.visits[0]).toMatchObject({ zone_id: zoneA, counted: true })
  expect(june.counts_for_frequency).toBe(false)
  expect(june.visits[0]).toMatchObject({ zone_id: zoneA, counted: false, reason: 'understaffed' })
  expect(await countedVisitsOfA()).toEqual({ '2026-05-01': 1, '2026-06-01': 0 })
})

it('a recompute of both months judges each patrol by the rules of its own day', async () => {
  const before = await countedVisitsOfA()
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/coverage/recompute',
    headers: bearer(admin),
    payload: { division: '510199', from: '2026-05-01', to: '2026-06-30' },
  })
  expect(res.statusCode, res.body).toBe(202)
  const id = res.json().id as string
  let state = { state: 'pending', message: '' }
  for (let i = 0; i < 300 && (state.state === 'pending' || state.state === 'running'); i++) {
    await new Promise((r) => setTimeout(r, 100))
    state = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: bearer(admin) })
    ).json()
  }
  expect(state, state.message).toMatchObject({ state: 'done' })
  expect(await countedVisitsOfA()).toEqual(before)
  // the recompute did run: the visits were rewritten (the May one counted, the June one not)
  const rows = await ctx.db.query<{ visit_date: string; counted: boolean }>(
    `SELECT visit_date::text, counted FROM zone_visits ORDER BY visit_date`,
  )
  expect(rows.rows).toEqual([
    { visit_date: '2026-05-20', counted: true },
    { visit_date: '2026-06-10', counted: false },
  ])
})
