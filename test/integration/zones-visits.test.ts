// GET /zones/{id}/visits: the patrols that visited a zone in a span, with their unit and staff names
// (what the map shows when a supervisor clicks a zone).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { fileCounty, poster } from './support/county-fixture.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let reader: string
const zone: Record<string, string> = {}
let patrolId: string

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.05 + x * M_LON, 29.92 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

beforeAll(async () => {
  ctx = await createTestContext()
  reader = await ctx.token('supervisor', '510199')
  const county = await fileCounty(ctx, {
    plans: [
      {
        name: '方案',
        effective_from: '2026-01-01',
        zones: [
          { name: 'A', geometry: square(0, 0, 400), category: 'basic_farmland' },
          { name: 'B', geometry: square(2000, 0, 400), category: 'basic_farmland' },
        ],
      },
    ],
  })
  Object.assign(zone, county.zones)
  const { station, staff, device } = county
  const post = poster(ctx)

  // a walk due north through the middle of A, 700 m at 2 m/s; staff listed 李四 first
  const t0 = Date.parse('2026-05-06T01:00:00Z')
  const coords = Array.from({ length: 18 }, (_, i) => at(200, -50 + i * 40))
  const times = coords.map((_, i) => new Date(t0 + i * 20_000).toISOString())
  const patrol = await post(device, '/api/v1/patrols', {
    external_id: 'walk-a',
    unit_id: station,
    staff: [staff[1], staff[0]],
    kind: 'routine',
    track: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { coordTimes: times },
    },
  })
  patrolId = patrol.id
})
afterAll(async () => ctx?.close())

const visits = (token: string, id: string, query: string) =>
  ctx.app.inject({ method: 'GET', url: `/api/v1/zones/${id}/visits?${query}`, headers: bearer(token) })

it('lists the patrol that crossed the zone, with its unit and staff in the order posted', async () => {
  const res = await visits(reader, zone.A!, 'from=2026-05-01&to=2026-05-31')
  expect(res.statusCode, res.body).toBe(200)
  const body = res.json()
  expect(body.items).toHaveLength(1)
  expect(body.items[0]).toMatchObject({
    patrol_id: patrolId,
    visit_date: '2026-05-06',
    unit_name: '城关所',
    staff_names: ['李四', '张三'],
    kind: 'routine',
    counted: true,
  })
})

it('lists nothing for a zone the walk did not reach, nor outside the span', async () => {
  expect((await visits(reader, zone.B!, 'from=2026-05-01&to=2026-05-31')).json().items).toEqual([])
  expect((await visits(reader, zone.A!, 'from=2026-05-07&to=2026-05-31')).json().items).toEqual([])
})

it('answers 404 to a reader of another county and 400 to a reversed span', async () => {
  const other = await ctx.token('supervisor', '510198')
  expect((await visits(other, zone.A!, 'from=2026-05-01&to=2026-05-31')).statusCode).toBe(404)
  expect((await visits(reader, zone.A!, 'from=2026-05-31&to=2026-05-01')).statusCode).toBe(400)
})
