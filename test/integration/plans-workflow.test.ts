import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { decodePieceRaster } from '../../server/routes/patrols/piece-raster-blob.js'
import { rasterOfShapes, type PieceRasterRow } from '../../server/routes/patrols/swath-pieces.js'
import { warmPieceMemory } from '../../server/routes/patrols/warm-pieces.js'
import { geodesicAreaM2 } from '../../server/domain/geo/areas.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let planner: string
let citySupervisor: string

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon',
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
const feature = (geometry: unknown, properties: Record<string, unknown>) => ({
  type: 'Feature',
  geometry,
  properties,
})

beforeAll(async () => {
  ctx = await createTestContext()
  planner = await ctx.token('planner', '510199')
  citySupervisor = await ctx.token('supervisor', '510100')
})
afterAll(async () => ctx?.close())

async function newPlan(effectiveFrom: string, name = '方案') {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/plans',
    headers: bearer(planner),
    payload: { division_code: '510199', name, effective_from: effectiveFrom },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id as string
}

async function importZones(planId: string, features: unknown[], query = '') {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${planId}/zones${query}`,
    headers: { ...bearer(planner), 'content-type': 'application/geo+json' },
    payload: JSON.stringify({ type: 'FeatureCollection', features }),
  })
}

describe('zone import', () => {
  it('stores valid zones with ellipsoidal areas in m², mu and ha', async () => {
    const planId = await newPlan('2026-01-01')
    const geoms = [square(103.95, 29.95, 0.01), square(103.97, 29.95, 0.02)]
    const res = await importZones(planId, [
      feature(geoms[0], { category: 'basic_farmland', name: '基本农田 1' }),
      feature(geoms[1], { category: '村庄周围', name: '村庄周围 1' }),
    ])
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(body.imported).toBe(2)
    for (const [i, z] of body.zones.entries()) {
      const expected = geodesicAreaM2(geoms[i] as never)
      expect(Math.abs(z.area_m2 - expected) / expected).toBeLessThan(0.001)
      expect(z.area_mu).toBeCloseTo((z.area_m2 * 15) / 10000, 1)
      expect(z.area_ha).toBeCloseTo(z.area_m2 / 10000, 3)
    }
    expect(body.zones.map((z: { tier: number }) => z.tier)).toEqual([1, 2])
  })

  it('refuses the whole file when one feature is bad, listing each bad feature; partial=true stores the good ones', async () => {
    const planId = await newPlan('2026-02-01')
    const bowtie = {
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
    }
    const features = [
      feature(square(103.95, 29.95, 0.01), { category: 'hotspot' }),
      feature(bowtie, { category: 'hotspot' }),
      feature(square(103.96, 29.95, 0.01), { category: 'no_such_category' }),
      feature(square(105.5, 29.95, 0.01), { category: 'hotspot' }),
      feature(square(103.98, 29.95, 0.01), { category: 'other_farmland', tier: 1 }),
    ]
    const before = await snapshotDatabase(ctx.db)
    const res = await importZones(planId, features)
    expect(res.statusCode).toBe(422)
    const problems = res.json().errors as { index: number; reason: string; path: string }[]
    const byIndex = new Map(problems.map((p) => [p.index, p.reason]))
    expect(byIndex.get(1)).toBe('INVALID_GEOMETRY')
    expect(byIndex.get(2)).toBe('CATEGORY_UNKNOWN')
    expect(byIndex.get(3)).toBe('OUTSIDE_COUNTY')
    expect(byIndex.get(4)).toBe('TIER_OVERRIDE_WITHOUT_REASON')
    expect(byIndex.has(0)).toBe(false)
    expect(problems.every((p) => p.path.startsWith(`/features/${p.index}/`))).toBe(true)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)

    const partial = await importZones(planId, features, '?partial=true')
    expect(partial.statusCode, partial.body).toBe(201)
    expect(partial.json().imported).toBe(1)
    expect(partial.json().rejected.length).toBe(4)
  })

  it('repair=true applies ST_MakeValid and says what changed', async () => {
    const planId = await newPlan('2026-03-01')
    const bowtie = {
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
    }
    const res = await importZones(planId, [feature(bowtie, { category: 'hotspot' })], '?repair=true')
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().repaired[0].message).toMatch(/Self-intersection.*1 → 2 polygon/)
  })
})

describe('plan workflow: draft → submitted → filed → superseded; zones in force by date', () => {
  it('files with the next level up and serves the zones in force on each date', async () => {
    const first = await newPlan('2026-04-01', '第一版')
    expect(
      (
        await importZones(first, [
          feature(square(103.91, 29.91, 0.01), { category: 'mining_area', name: '矿区A' }),
        ])
      ).statusCode,
    ).toBe(201)
    const submit = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${first}/submit`,
      headers: bearer(planner),
    })
    expect(submit.statusCode, submit.body).toBe(200)
    expect(submit.json().status).toBe('submitted')
    // only drafts are editable
    expect(
      (await importZones(first, [feature(square(103.92, 29.92, 0.01), { category: 'hotspot' })])).statusCode,
    ).toBe(409)
    // a county cannot file its own plan
    const selfFile = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${first}/file`,
      headers: bearer(await ctx.token('admin', '510199')),
    })
    expect(selfFile.statusCode).toBe(403)
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${first}/file`,
      headers: bearer(citySupervisor),
    })
    expect(filed.statusCode, filed.body).toBe(200)
    expect(filed.json().status).toBe('filed')
    // filing cut the plan's zones into their metric pieces for matching: the pieces tile the zone
    const pieces = await createScopedDb(ctx.db, '').transaction((tx) =>
      tx.query<{ zones: number; pieces: number; piece_area: number; zone_area: number }>(
        `SELECT count(DISTINCT m.zone_id)::integer AS zones, count(p.*)::integer AS pieces,
                sum(ST_Area(p.geom)) AS piece_area, sum(DISTINCT ST_Area(ST_Transform(z.geom, m.srid))) AS zone_area
           FROM zones z JOIN zone_metric m ON m.zone_id = z.id JOIN zone_pieces p ON p.zone_id = z.id AND p.srid = m.srid
          WHERE z.plan_id = $1::uuid`,
        [first],
      ),
    )
    const cut = pieces.rows[0]!
    expect(cut.zones).toBe(1)
    expect(cut.pieces).toBeGreaterThanOrEqual(1)
    expect(Math.abs(cut.piece_area - cut.zone_area) / cut.zone_area).toBeLessThan(1e-6)
    // with each piece its raster, stored: the one its shape gives (grid, masks, polygons)
    const stored = await ctx.db.query<PieceRasterRow>(
      `SELECT p.zone_id, p.piece, p.raster, m.area AS zone_area, ST_AsBinary(p.geom) AS geom, NULL AS road
         FROM zones z JOIN zone_metric m ON m.zone_id = z.id JOIN zone_pieces p ON p.zone_id = z.id AND p.srid = m.srid
        WHERE z.plan_id = $1::uuid`,
      [first],
    )
    expect(stored.rows).toHaveLength(cut.pieces)
    for (const row of stored.rows) {
      const { rings: decodedRings, ...decoded } = decodePieceRaster(row.raster!)!
      const { rings, polygons: _polygons, ...computed } = rasterOfShapes(row)
      expect({ ...decoded, mask: [...decoded.mask] }).toEqual({ ...computed, mask: [...computed.mask] })
      expect([...decodedRings.edges]).toEqual([...rings.edges])
      expect(decodedRings.slabs.map((s) => [...s])).toEqual(rings.slabs.map((s) => [...s]))
    }
    // and a server fills its memory with the pieces of every county with a filed plan
    const all = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM zone_pieces
        WHERE division_code IN (SELECT division_code FROM zone_plans WHERE status = 'filed')`,
    )
    expect(await warmPieceMemory(ctx.db)).toBe(all.rows[0]!.n)

    const second = await newPlan('2026-07-01', '第二版')
    expect(
      (
        await importZones(second, [
          feature(square(103.93, 29.93, 0.01), { category: 'hotspot', name: '易发区B' }),
        ])
      ).statusCode,
    ).toBe(201)
    await ctx.app.inject({ method: 'POST', url: `/api/v1/plans/${second}/submit`, headers: bearer(planner) })
    expect(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/plans/${second}/file`,
          headers: bearer(citySupervisor),
        })
      ).statusCode,
    ).toBe(200)

    const names = async (at: string) =>
      (
        (
          await ctx.app.inject({
            method: 'GET',
            url: `/api/v1/zones?division=510199&at=${at}`,
            headers: bearer(planner),
          })
        ).json().features as {
          properties: { name: string }
        }[]
      ).map((f) => f.properties.name)
    expect(await names('2026-03-31')).toEqual([])
    expect(await names('2026-04-01')).toEqual(['矿区A'])
    expect(await names('2026-06-30')).toEqual(['矿区A'])
    expect(await names('2026-07-01')).toEqual(['易发区B'])
    const firstNow = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/plans/${first}`, headers: bearer(planner) })
    ).json()
    expect(firstNow.status).toBe('superseded')
    expect(firstNow.effective_to).toBe('2026-07-01')
  })
})

describe('derivations and the plan check', () => {
  it('derives road corridors, the tier-3 remainder, and finds overlaps, holes and unassigned zones', async () => {
    const planId = await newPlan('2026-09-01', '派生')
    // two zones overlapping by 0.002° × 0.01°
    const a = square(103.91, 29.91, 0.01)
    const b = square(103.918, 29.91, 0.01)
    expect(
      (
        await importZones(planId, [
          feature(a, { category: 'hotspot', name: 'A' }),
          feature(b, { category: 'hotspot', name: 'B' }),
        ])
      ).statusCode,
    ).toBe(201)

    const line = {
      type: 'LineString',
      coordinates: [
        [104.0, 29.95],
        [104.0, 30.05],
      ],
    }
    const roads = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/roads`,
      headers: bearer(planner),
      payload: {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: line, properties: { road_class: 'main', name: 'G108' } }],
      },
    })
    expect(roads.statusCode, roads.body).toBe(201)
    expect(roads.json().zones).toBe(1)
    const fc = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/zones`, headers: bearer(planner) })
    ).json()
    const road = fc.features.find(
      (f: { properties: { category: string } }) => f.properties.category === 'main_road',
    )
    // flat-ended corridor: 2 × 200 m × the line's length; meridian arc of 0.1° at 30°N ≈ 11,085 m
    const a84 = 6378137
    const e2 = 0.00669437999014
    const phi = (30 * Math.PI) / 180
    const M = (a84 * (1 - e2)) / Math.pow(1 - e2 * Math.sin(phi) ** 2, 1.5)
    const length = M * ((0.1 * Math.PI) / 180)
    expect(Math.abs(road.properties.area_m2 - 400 * length) / (400 * length)).toBeLessThan(0.01)

    const derived = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/derive-other`,
      headers: bearer(planner),
    })
    expect(derived.statusCode, derived.body).toBe(201)
    const plan = derived.json().plan
    const county = (
      await ctx.app.inject({ method: 'GET', url: '/api/v1/divisions/510199', headers: bearer(planner) })
    ).json()
    // tiers 1–3 cover the county once, except where A and B overlap (counted twice)
    const overlapM2 = geodesicAreaM2(square(103.918, 29.91, 0.002) as never) * 1 // 0.002 wide strip…
    const stripM2 = geodesicAreaM2({
      type: 'Polygon',
      coordinates: [
        [
          [103.918, 29.91],
          [103.92, 29.91],
          [103.92, 29.92],
          [103.918, 29.92],
          [103.918, 29.91],
        ],
      ],
    } as never)
    expect(overlapM2).toBeGreaterThan(0)
    expect(Math.abs(plan.area_m2 - stripM2 - county.area_m2) / county.area_m2).toBeLessThan(0.001)

    const check = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/check`, headers: bearer(planner) })
    ).json()
    const overlap = check.problems.find((p: { kind: string }) => p.kind === 'overlap')
    expect(Math.abs(overlap.area_m2 - stripM2) / stripM2).toBeLessThan(0.001)
    expect(check.counts.uncovered).toBe(0)
    expect(check.counts.no_unit).toBeGreaterThan(0)
  })
})
