// POST /zones/{id}/split: a draft plan's zone cut in two along a line (PostGIS ST_Split), both parts
// checked as an import is; areas checked against turf and the shapes against a plain PostGIS query.
import { area as turfArea } from '@turf/turf'
import type { Polygon } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let planner: string
let otherPlanner: string
let planId: string
let zoneId: string

const rectangle = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
})
const areaOf = (g: Polygon) => turfArea({ type: 'Feature', geometry: g, properties: {} })
const line = (...coordinates: [number, number][]) => ({ type: 'LineString', coordinates })

async function split(id: string, body: unknown, token = planner) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/v1/zones/${id}/split`,
    headers: bearer(token),
    payload: body as object,
  })
}

async function zonesOfPlan() {
  const res = await ctx.db.query<{ id: string; area_m2: number; name: string; category: string }>(
    'SELECT id, area_m2, name, category FROM zones WHERE plan_id = $1::uuid ORDER BY area_m2 DESC',
    [planId],
  )
  return res.rows
}

/** Area (m²) of the symmetric difference between a stored zone and a shape, in plain PostGIS. */
async function mismatchM2(id: string, shape: Polygon): Promise<number> {
  const res = await ctx.db.query<{ a: number }>(
    `SELECT ST_Area(ST_SymDifference(geom, ST_SetSRID(ST_GeomFromGeoJSON($2::text), 4326))::geography) AS a
       FROM zones WHERE id = $1::uuid`,
    [id, JSON.stringify(shape)],
  )
  return res.rows[0]!.a
}

beforeAll(async () => {
  ctx = await createTestContext()
  planner = await ctx.token('planner', '510199')
  otherPlanner = await ctx.token('planner', '510198')
  const plan = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/plans',
    headers: bearer(planner),
    payload: { division_code: '510199', name: '方案', effective_from: '2026-03-01' },
  })
  planId = plan.json().id
  const imported = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${planId}/zones`,
    headers: { ...bearer(planner), 'content-type': 'application/geo+json' },
    payload: JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: rectangle(103.95, 29.95, 103.97, 29.97),
          properties: { category: 'hotspot', name: '甲' },
        },
      ],
    }),
  })
  expect(imported.statusCode, imported.body).toBe(201)
  zoneId = imported.json().zones[0].id
})
afterAll(async () => ctx?.close())

describe('POST /zones/{id}/split', () => {
  const refusals: [string, unknown, string][] = [
    ['a line inside the zone', { line: line([103.955, 29.955], [103.96, 29.96]) }, 'line_does_not_cut'],
    ['a line beside the zone', { line: line([103.94, 29.94], [103.94, 29.98]) }, 'line_does_not_cut'],
    [
      'a line crossing the zone twice (three parts)',
      { line: line([103.955, 29.94], [103.955, 29.98], [103.96, 29.98], [103.96, 29.94]) },
      'line_cuts_more_than_two',
    ],
  ]
  for (const [what, body, reason] of refusals)
    it(`refuses ${what} with 422 and its reason, changing nothing`, async () => {
      const before = await snapshotDatabase(ctx.db)
      const res = await split(zoneId, body)
      expect(res.statusCode, res.body).toBe(422)
      expect(res.headers['content-type']).toContain('application/problem+json')
      const errors = res.json().errors as { reason: string; path: string }[]
      expect(errors.map((e) => e.reason)).toEqual([reason])
      expect(errors[0]?.path).toBe('/line')
      expect(await snapshotDatabase(ctx.db)).toEqual(before)
    })

  it('refuses a body without a line (400) and a zone of another county (404)', async () => {
    expect((await split(zoneId, { line: { type: 'Polygon', coordinates: [] } })).statusCode).toBe(400)
    expect((await split(zoneId, {})).statusCode).toBe(400)
    const other = await split(zoneId, { line: line([103.955, 29.94], [103.955, 29.98]) }, otherPlanner)
    expect(other.statusCode, other.body).toBe(404)
    expect(await zonesOfPlan()).toHaveLength(1)
  })

  it('cuts the zone in two: it keeps the larger part, a new zone takes the other, areas as turf computes', async () => {
    const original = (await zonesOfPlan())[0]!
    const res = await split(zoneId, { line: line([103.955, 29.94], [103.955, 29.98]) })
    expect(res.statusCode, res.body).toBe(200)
    const west = rectangle(103.95, 29.95, 103.955, 29.97)
    const east = rectangle(103.955, 29.95, 103.97, 29.97)
    const rows = await zonesOfPlan()
    expect(rows).toHaveLength(2)
    const [kept, created] = rows as [(typeof rows)[0], (typeof rows)[0]]
    expect(kept.id).toBe(zoneId)
    expect(created.id).not.toBe(zoneId)
    expect(res.json().zones.map((z: { id: string }) => z.id)).toEqual([zoneId, created.id])
    for (const [row, shape] of [
      [kept, east],
      [created, west],
    ] as const) {
      const expected = areaOf(shape)
      expect(Math.abs(row.area_m2 - expected) / expected).toBeLessThan(0.005)
      expect(await mismatchM2(row.id, shape)).toBeLessThan(1)
    }
    expect(Math.abs(kept.area_m2 + created.area_m2 - original.area_m2) / original.area_m2).toBeLessThan(1e-6)
    expect([kept.name, created.name]).toEqual(['甲', '甲 (2)'])
    expect(created.category).toBe('hotspot')
  })

  it('names the new part as asked, and refuses with 409 once the plan is submitted', async () => {
    const res = await split(zoneId, { line: line([103.96, 29.94], [103.96, 29.98]), name: '乙' })
    expect(res.statusCode, res.body).toBe(200)
    expect((await zonesOfPlan()).map((z) => z.name).sort()).toEqual(['乙', '甲', '甲 (2)'].sort())
    const submitted = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/submit`,
      headers: bearer(planner),
    })
    expect(submitted.statusCode, submitted.body).toBeLessThan(300)
    const refused = await split(zoneId, { line: line([103.965, 29.94], [103.965, 29.98]) })
    expect(refused.statusCode, refused.body).toBe(409)
    expect(await zonesOfPlan()).toHaveLength(3)
  })
})
