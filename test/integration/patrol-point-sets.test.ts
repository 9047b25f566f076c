import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Queryable } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { lineStringMHex } from '../../server/domain/coverage/ewkb.js'
import { insertDivision } from '../../server/routes/divisions/queries.js'
import { countFixesOutside } from '../../server/routes/patrols/county-boundaries.js'
import {
  ensurePointPartitions,
  findUnitForPatrol,
  insertPointSets,
  type PointRow,
} from '../../server/routes/patrols/queries.js'
import { createTestContext, type TestContext } from './support/test-app.js'

// Raw points stored as one row per patrol and month (patrol_point_sets, migrations/0013), read
// back row by row through the patrol_points view under row-level security; and the count of
// fixes outside the county, tested in this process against the county's prepared boundary.

let ctx: TestContext
const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'
const C = '00000000-0000-4000-8000-00000000000c'
const ms = (iso: string) => Date.parse(iso)

// A in 510199: a dropped fix among kept ones, accuracy on some. B in the sibling 510198.
// C across the end of October (UTC), its input not in time order.
const POINTS: Record<string, PointRow[]> = {
  [A]: [
    { s: 0, t: ms('2026-10-05T01:00:00Z'), x: 104.0123456789012, y: 29.95, a: 5, g: 0, r: null },
    { s: 1, t: ms('2026-10-05T01:00:10.5Z'), x: 104.0124, y: 29.9501, a: null, g: 0, r: null },
    { s: 2, t: ms('2026-10-05T01:00:20Z'), x: 104.2, y: 29.96, a: 12.5, g: null, r: 'outlier' },
    { s: 3, t: ms('2026-10-05T01:00:30Z'), x: 104.0125, y: 29.9502, a: null, g: 1, r: null },
  ],
  [B]: [
    { s: 0, t: ms('2026-10-06T02:00:00Z'), x: 104.2, y: 30, a: null, g: 0, r: null },
    { s: 1, t: ms('2026-10-06T02:00:00Z'), x: 104.2, y: 30, a: null, g: null, r: 'duplicate' },
  ],
  [C]: [
    { s: 0, t: ms('2026-11-01T00:00:30Z'), x: 104.01, y: 29.99, a: null, g: 0, r: null },
    { s: 1, t: ms('2026-10-31T23:59:50Z'), x: 104.0101, y: 29.9901, a: null, g: 0, r: null },
    { s: 2, t: ms('2026-11-01T00:01:00Z'), x: 104.0102, y: 29.9902, a: 3, g: 0, r: null },
  ],
}
const COUNTY_OF: Record<string, string> = { [A]: '510199', [B]: '510198', [C]: '510199' }

interface ViewRow {
  patrol_id: string
  division_code: string
  seq: number
  fixed_at: Date
  lon: number
  lat: number
  accuracy: number | null
  kept: boolean
  segment: number | null
  drop_reason: string | null
}

/** What patrol_points answered when it was a table: one row per point as inserted. */
const expectedRows = (ids: string[]) =>
  ids.flatMap((id) =>
    POINTS[id]!.map((p) => ({
      patrol_id: id,
      division_code: COUNTY_OF[id],
      seq: p.s,
      fixed_at: new Date(p.t),
      lon: p.x,
      lat: p.y,
      accuracy: p.a,
      kept: p.r === null,
      segment: p.g,
      drop_reason: p.r,
    })),
  )

const readView = (tx: Queryable) =>
  tx
    .query<ViewRow>(
      `SELECT patrol_id, division_code, seq, fixed_at, lon, lat, accuracy, kept, segment, drop_reason
         FROM patrol_points ORDER BY patrol_id, seq`,
    )
    .then((r) => r.rows)

const partitionsOf = async () =>
  (
    await ctx.db.query<{ patrol_id: string; part: string; month_start: Date; n: number }>(
      `SELECT patrol_id, tableoid::regclass::text AS part, month_start, cardinality(seq) AS n
         FROM patrol_point_sets ORDER BY patrol_id, month_start`,
    )
  ).rows

beforeAll(async () => {
  ctx = await createTestContext()
  // October has its partition, as ensurePointPartitions makes it for a posted patrol; November not
  await createScopedDb(ctx.db, '51').transaction(async (tx) => {
    await ensurePointPartitions(tx, ms('2026-10-05T00:00:00Z'), ms('2026-10-31T00:00:00Z'))
    await insertPointSets(
      tx,
      [A, B, C].map((id) => ({ patrolId: id, divisionCode: COUNTY_OF[id]!, points: POINTS[id]! })),
    )
  })
})

afterAll(async () => {
  await ctx?.close()
})

describe('patrol_point_sets', () => {
  it('stores several patrols in one call, one row per patrol and UTC month, in its month’s partition', async () => {
    expect(await partitionsOf()).toEqual([
      {
        patrol_id: A,
        part: 'patrol_point_sets_y2026m10',
        month_start: new Date('2026-10-01T00:00:00Z'),
        n: 4,
      },
      {
        patrol_id: B,
        part: 'patrol_point_sets_y2026m10',
        month_start: new Date('2026-10-01T00:00:00Z'),
        n: 2,
      },
      {
        patrol_id: C,
        part: 'patrol_point_sets_y2026m10',
        month_start: new Date('2026-10-01T00:00:00Z'),
        n: 1,
      },
      // no partition for November yet: the default one
      {
        patrol_id: C,
        part: 'patrol_point_sets_default',
        month_start: new Date('2026-11-01T00:00:00Z'),
        n: 2,
      },
    ])
  })

  it('reads back through patrol_points exactly as the old table answered, value for value', async () => {
    expect(await readView(ctx.db)).toEqual(expectedRows([A, B, C]))
  })

  it('a month’s partition made later takes that month’s sets out of the default partition', async () => {
    await createScopedDb(ctx.db, '510199').transaction((tx) =>
      ensurePointPartitions(tx, ms('2026-11-01T00:00:30Z'), ms('2026-11-01T00:01:00Z')),
    )
    const parts = await partitionsOf()
    expect(parts.find((p) => p.patrol_id === C && p.n === 2)?.part).toBe('patrol_point_sets_y2026m11')
    expect(await readView(ctx.db)).toEqual(expectedRows([A, B, C]))
  })

  it('a county’s caller sees only its own county’s points through the view', async () => {
    const own = await createScopedDb(ctx.db, '510199').transaction(readView)
    expect(own).toEqual(expectedRows([A, C]))
    const sibling = await createScopedDb(ctx.db, '510198').transaction(readView)
    expect(sibling).toEqual(expectedRows([B]))
    // and the policy refuses writing another county's points
    await expect(
      createScopedDb(ctx.db, '510198').transaction((tx) =>
        insertPointSets(tx, [
          { patrolId: '00000000-0000-4000-8000-0000000000ff', divisionCode: '510199', points: POINTS[A]! },
        ]),
      ),
    ).rejects.toThrow(/row-level security/)
  })

  it('refuses arrays of different lengths and unknown drop reasons', async () => {
    const insert = (seq: string, reasons: string) =>
      ctx.db.query(
        `INSERT INTO patrol_point_sets (patrol_id, division_code, month_start, seq, fixed_ms, lon, lat, accuracy,
                                        segment, drop_reason)
         VALUES (gen_random_uuid(), '510199', '2026-10-01T00:00:00Z', $1::integer[], '{1,2}', '{1,2}', '{1,2}',
                 '{NULL,NULL}', '{0,0}', $2::text[])`,
        [seq, reasons],
      )
    await expect(insert('{0}', '{NULL,NULL}')).rejects.toThrow(/check constraint/)
    await expect(insert('{0,1}', '{NULL,lost}')).rejects.toThrow(/check constraint/)
    await expect(insert('{0,1}', '{NULL,outlier}')).resolves.toBeDefined()
  })
})

describe('fixes outside the county', () => {
  const t0 = ms('2026-10-05T01:00:00Z')
  const line = (...lonLat: [number, number][]) => lonLat.map(([lon, lat]) => ({ lon, lat }))
  // 510199 is 103.9–104.1 °E × 29.9–30.1 °N; 510198 is 104.1–104.3 °E beside it.
  const CASES: {
    name: string
    county: string
    segments: { lon: number; lat: number }[][]
    outside: number
  }[] = [
    {
      name: 'inside',
      county: '510199',
      segments: [line([104, 30], [104.01, 30.01], [104.02, 30])],
      outside: 0,
    },
    {
      name: 'out across the east edge, a fix exactly on it',
      county: '510199',
      segments: [
        line([104.05, 30], [104.1, 30], [104.15, 30], [104.2, 30.01], [104.25, 30], [104.05, 30.05]),
      ],
      outside: 3,
    },
    {
      name: 'fixes on a corner and along an edge',
      county: '510199',
      segments: [line([103.9, 29.9], [104, 29.9], [104, 30], [104.1, 30.1])],
      outside: 0,
    },
    {
      name: 'two segments, one wholly in the sibling county',
      county: '510199',
      segments: [line([104, 30], [104.01, 30]), line([104.2, 30], [104.21, 30], [104.22, 30.01])],
      outside: 3,
    },
    {
      // every fix inside the U, the leg between the arms crosses the notch: nothing outside
      name: 'a leg across a notch with every fix inside',
      county: '510197',
      segments: [line([104.52, 30.05], [104.58, 30.05]), line([104.51, 30.01], [104.59, 30.09])],
      outside: 0,
    },
    {
      name: "in the notch, on its rim and on the U's inner corners",
      county: '510197',
      segments: [line([104.55, 30.05], [104.54, 30.05], [104.56, 30.02], [104.55, 30.02], [104.55, 30.1])],
      // the notch's middle and the open mouth at its top are outside
      outside: 2,
    },
    { name: 'no segment', county: '510199', segments: [], outside: 0 },
  ]
  // a U-shaped county: 104.5–104.6 °E × 30.0–30.1 °N less the notch 104.54–104.56 × 30.02–30.1,
  // with a hole 104.51–104.53 × 30.03–30.05 in its west arm
  const U = [
    [104.5, 30],
    [104.6, 30],
    [104.6, 30.1],
    [104.56, 30.1],
    [104.56, 30.02],
    [104.54, 30.02],
    [104.54, 30.1],
    [104.5, 30.1],
    [104.5, 30],
  ]
  const HOLE = [
    [104.51, 30.03],
    [104.51, 30.05],
    [104.53, 30.05],
    [104.53, 30.03],
    [104.51, 30.03],
  ]

  beforeAll(async () => {
    await createScopedDb(ctx.db, '').transaction((tx) =>
      insertDivision(tx, {
        code: '510197',
        name: '凹县',
        level: 'county',
        parent_code: '510100',
        boundary: { type: 'Polygon', coordinates: [U] },
      } as never),
    )
    await createScopedDb(ctx.db, '').transaction((tx) =>
      insertDivision(tx, { code: '510196', name: '无界县', level: 'county', parent_code: '510100' } as never),
    )
  })

  /** The independent reference: every fix tested against the stored boundary by PostGIS. */
  const everyFix = (tx: Queryable, county: string, segments: { lon: number; lat: number }[][]) =>
    tx
      .query<{ n: number }>(
        `SELECT count(*)::integer AS n
           FROM divisions d, unnest($2::text[]) AS s(hex), ST_DumpPoints(s.hex::geometry) AS p
          WHERE d.code = $1::text AND d.boundary IS NOT NULL AND NOT ST_Intersects(d.boundary, ST_Force2D(p.geom))`,
        [county, segments.map((seg) => lineStringMHex(seg.map((f, i) => ({ ...f, time: t0 + i * 10_000 }))))],
      )
      .then((r) => r.rows[0]!.n)

  const outsideOf = async (tx: Queryable, county: string, segments: { lon: number; lat: number }[][]) => {
    const unit = await tx.query<{ id: string }>(
      `INSERT INTO units (name, kind, division_code) VALUES ($1::text, 'station', $2::text)
       ON CONFLICT (division_code, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [`边界测试站 ${county}`, county],
    )
    const found = await findUnitForPatrol(tx, unit.rows[0]!.id)
    return countFixesOutside(found!.county_boundary, segments)
  }

  it('counts what PostGIS counts fix by fix: edges, corners, a notch, no boundary', async () => {
    await createScopedDb(ctx.db, '51').transaction(async (tx) => {
      for (const c of CASES) {
        const reference = await everyFix(tx, c.county, c.segments)
        expect(reference, c.name).toBe(c.outside)
        expect(await outsideOf(tx, c.county, c.segments), c.name).toBe(reference)
      }
      // far away from a county with a boundary, and from one without
      expect(await outsideOf(tx, '510199', [line([110, 40], [111, 41])])).toBe(2)
      expect(await outsideOf(tx, '510196', [line([110, 40], [111, 41])])).toBe(0)
    })
  })

  it('agrees with ST_Intersects on random fixes, vertices and edge points; sees a changed boundary', async () => {
    // a deterministic scatter over and around the U, with every vertex and edge midpoint of the
    // shell and the hole
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const fixes: { lon: number; lat: number }[] = []
    for (let i = 0; i < 3000; i++) fixes.push({ lon: 104.49 + random() * 0.12, lat: 29.99 + random() * 0.12 })
    for (const ring of [U, HOLE])
      ring.forEach(([lon, lat], i) => {
        fixes.push({ lon: lon!, lat: lat! })
        const [nlon, nlat] = ring[(i + 1) % ring.length]!
        fixes.push({ lon: (lon! + nlon!) / 2, lat: (lat! + nlat!) / 2 })
      })
    await createScopedDb(ctx.db, '')
      .transaction(async (tx) => {
        const before = await everyFix(tx, '510197', [fixes])
        expect(await outsideOf(tx, '510197', [fixes])).toBe(before)
        // the boundary changes (a hole is cut): the next post sees the new one
        await tx.query(
          `UPDATE divisions SET boundary = ST_Multi(ST_GeomFromGeoJSON($1::text))::geometry(MultiPolygon, 4326)
          WHERE code = '510197'`,
          [
            JSON.stringify({
              type: 'Polygon',
              coordinates: [U, HOLE],
              crs: { type: 'name', properties: { name: 'EPSG:4326' } },
            }),
          ],
        )
        const withHole = await everyFix(tx, '510197', [fixes])
        expect(await outsideOf(tx, '510197', [fixes])).toBe(withHole)
        expect(withHole).toBeGreaterThan(before)
        throw new Rollback()
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e
      })
  })
})

class Rollback extends Error {}
