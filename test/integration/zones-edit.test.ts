// PATCH /zones/{id}: a draft plan's zone changed in shape and properties, checked as an import is.
import { area as turfArea } from '@turf/turf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let planner: string
let otherPlanner: string
let unitId: string
let planId: string
let zoneId: string

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
})

async function patch(id: string, body: unknown, token = planner) {
  return ctx.app.inject({
    method: 'PATCH',
    url: `/api/v1/zones/${id}`,
    headers: bearer(token),
    payload: body as object,
  })
}

async function zoneNow(id: string) {
  const res = await ctx.db.query<{
    geom: string
    area_m2: number
    name: string
    category: string
    tier: number
  }>('SELECT ST_AsText(geom) AS geom, area_m2, name, category, tier FROM zones WHERE id = $1::uuid', [id])
  return res.rows[0]
}

beforeAll(async () => {
  ctx = await createTestContext()
  planner = await ctx.token('planner', '510199')
  otherPlanner = await ctx.token('planner', '510198')
  const admin = await ctx.token('admin', '510199')
  const unit = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/units',
    headers: bearer(admin),
    payload: { name: '城关所', kind: 'station', division_code: '510199' },
  })
  expect(unit.statusCode, unit.body).toBe(201)
  unitId = unit.json().id
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
          geometry: square(103.95, 29.95, 0.01),
          properties: { category: 'hotspot', name: '甲' },
        },
      ],
    }),
  })
  expect(imported.statusCode, imported.body).toBe(201)
  zoneId = imported.json().zones[0].id
})
afterAll(async () => ctx?.close())

describe('PATCH /zones/{id}', () => {
  it('changes the geometry; the stored area is the ellipsoidal area of the new shape', async () => {
    const shape = square(103.96, 29.96, 0.02)
    const res = await patch(zoneId, { geometry: shape })
    expect(res.statusCode, res.body).toBe(200)
    const expected = turfArea({ type: 'Feature', geometry: shape, properties: {} })
    const row = await zoneNow(zoneId)
    expect(Math.abs(row!.area_m2 - expected) / expected).toBeLessThan(0.005)
    const sameShape = await ctx.db.query<{ same: boolean }>(
      `SELECT ST_Equals(geom, ST_GeomFromGeoJSON($2::text)) AS same FROM zones WHERE id = $1::uuid`,
      [zoneId, JSON.stringify(shape)],
    )
    expect(sameShape.rows[0]?.same).toBe(true)
    expect(row!.name).toBe('甲')
  })

  it('changes properties: a new category takes its default tier; the unit must be of this county', async () => {
    const res = await patch(zoneId, { name: '乙', category: 'basic_farmland', unit_id: unitId })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().properties).toMatchObject({
      name: '乙',
      category: 'basic_farmland',
      tier: 1,
      unit_id: unitId,
    })
    const row = await zoneNow(zoneId)
    expect([row!.name, row!.category, row!.tier]).toEqual(['乙', 'basic_farmland', 1])
  })

  const refusals: [string, unknown, string, string][] = [
    [
      'a self-intersecting ring',
      {
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [104, 30],
              [104.01, 30.01],
              [104.01, 30],
              [104, 30.006],
              [104, 30],
            ],
          ],
        },
      },
      'INVALID_GEOMETRY',
      '/geometry',
    ],
    ['a shape outside the county', { geometry: square(105.5, 29.95, 0.01) }, 'OUTSIDE_COUNTY', '/geometry'],
    [
      'an unknown unit',
      { unit_id: '00000000-0000-4000-8000-000000000000' },
      'UNKNOWN_UNIT',
      '/properties/unit',
    ],
    ['a tier override without a reason', { tier: 3 }, 'TIER_OVERRIDE_WITHOUT_REASON', '/properties/tier'],
  ]
  for (const [what, body, reason, path] of refusals)
    it(`refuses ${what} with 422 and its reason, changing nothing`, async () => {
      const before = await snapshotDatabase(ctx.db)
      const res = await patch(zoneId, body)
      expect(res.statusCode, res.body).toBe(422)
      expect(res.headers['content-type']).toContain('application/problem+json')
      const errors = res.json().errors as { reason: string; path: string }[]
      expect(errors.map((e) => e.reason)).toContain(reason)
      expect(errors.find((e) => e.reason === reason)?.path).toBe(path)
      expect(await snapshotDatabase(ctx.db)).toEqual(before)
    })

  it('refuses a body that is not a patch (400) and a zone of another county (404)', async () => {
    expect((await patch(zoneId, { colour: 'red' })).statusCode).toBe(400)
    expect((await patch(zoneId, { name: '丙' }, otherPlanner)).statusCode).toBe(404)
    expect((await zoneNow(zoneId))!.name).toBe('乙')
  })

  it('refuses with 409 once the plan is submitted', async () => {
    const submitted = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/submit`,
      headers: bearer(planner),
    })
    expect(submitted.statusCode, submitted.body).toBeLessThan(300)
    const res = await patch(zoneId, { name: '丁' })
    expect(res.statusCode, res.body).toBe(409)
    expect((await zoneNow(zoneId))!.name).toBe('乙')
  })
})
