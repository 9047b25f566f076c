import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArrayParam } from '../../server/db/array-param.js'
import { geometryFromWkb, lineStringMEwkb } from '../../server/domain/coverage/ewkb.js'
import { createTestContext, type TestContext } from './support/test-app.js'

// geometryFromWkb (how matching reads zone pieces and their roads) against PostGIS's own GeoJSON of
// the same geometries: WKB and EWKB (with SRID), with Z and M, single and multi.

let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext({ seedDivisions: false })
})

afterAll(async () => {
  await ctx?.close()
})

const SHAPES = [
  'POINT(500000.125 3300000.5)',
  'LINESTRING(0 0, 10.5 -3.25, 20 7)',
  'POLYGON((0 0, 100 0, 100 100, 0 100, 0 0), (10 10, 10 20, 20 20, 10 10))',
  'MULTIPOINT((1 2), (3 4))',
  'MULTILINESTRING((0 0, 1 1), (2 2, 3 5, 8 13))',
  'MULTIPOLYGON(((0 0, 4 0, 4 4, 0 0)), ((10 10, 14 10, 14 14, 10 10), (11 11, 13 12, 12 11, 11 11)))',
  'POLYGON Z((0 0 1, 5 0 2, 5 5 3, 0 0 1))',
  'LINESTRING M(0 0 1790000000, 3 4 1790000060)',
  'MULTIPOLYGON ZM(((0 0 1 2, 6 0 1 2, 6 6 1 2, 0 0 1 2)))',
]

describe('geometryFromWkb', () => {
  it('reads what ST_AsGeoJSON writes, from WKB and from EWKB with an SRID', async () => {
    const res = await ctx.db.query<{ json: string; wkb: Uint8Array; ewkb: Uint8Array }>(
      `SELECT ST_AsGeoJSON(ST_Force2D(g)) AS json, ST_AsBinary(g) AS wkb, ST_AsEWKB(ST_SetSRID(g, 4544)) AS ewkb
         FROM unnest($1::text[]) WITH ORDINALITY AS s(wkt, i), ST_GeomFromText(s.wkt) AS g ORDER BY s.i`,
      [SHAPES],
    )
    expect(res.rows).toHaveLength(SHAPES.length)
    for (const row of res.rows) {
      const expected = JSON.parse(row.json) as { type: string; coordinates: unknown }
      expect(geometryFromWkb(row.wkb)).toEqual(expected)
      expect(geometryFromWkb(row.ewkb)).toEqual(expected)
    }
  })

  it('refuses a collection', async () => {
    const res = await ctx.db.query<{ wkb: Uint8Array }>(
      `SELECT ST_AsBinary(ST_GeomFromText('GEOMETRYCOLLECTION(POINT(0 0))')) AS wkb`,
    )
    expect(() => geometryFromWkb(res.rows[0]!.wkb)).toThrow(/WKB type 7/)
  })
})

describe('lineStringMEwkb', () => {
  it('is, as a bytea array parameter cast to geometry, the line PostGIS builds from the same fixes', async () => {
    // (how a cleaned segment is stored: binary on PostgreSQL, hex in an array literal on PGlite)
    const segments = [
      [
        { lon: 118.123456789, lat: 28.987654321, time: 1_790_000_000_000 },
        { lon: 118.1235, lat: 28.9877, time: 1_790_000_004_500 },
        { lon: -0.5, lat: -89.999, time: 1_790_000_009_001 },
      ],
      [
        { lon: 1e-300, lat: 0, time: 0 },
        { lon: 179.99999999, lat: 45, time: 86_400_000 },
      ],
    ]
    const res = await ctx.db.query<{ equal: boolean; srid: number; m: number[] }>(
      `SELECT ST_Equals(s.g, e.g) AND ST_AsText(s.g) = ST_AsText(e.g) AS equal, ST_SRID(s.g) AS srid,
              (SELECT array_agg(ST_M(d.geom) ORDER BY d.path) FROM ST_DumpPoints(s.g) AS d) AS m
         FROM unnest($1::bytea[]) WITH ORDINALITY AS b(ewkb, i)
        CROSS JOIN LATERAL (SELECT b.ewkb::geometry AS g) AS s
        CROSS JOIN LATERAL (
              SELECT ST_SetSRID(ST_MakeLine(ST_MakePointM(p.lon, p.lat, p.t) ORDER BY p.k), 4326) AS g
                FROM unnest(($2::jsonb ->> (b.i - 1)::integer)::float8[],
                            ($3::jsonb ->> (b.i - 1)::integer)::float8[],
                            ($4::jsonb ->> (b.i - 1)::integer)::float8[])
                     WITH ORDINALITY AS p(lon, lat, t, k)) AS e
        ORDER BY b.i`,
      [
        new ArrayParam(
          'bytea',
          segments.map((s) => lineStringMEwkb(s)),
        ),
        JSON.stringify(segments.map((s) => `{${s.map((p) => p.lon).join(',')}}`)),
        JSON.stringify(segments.map((s) => `{${s.map((p) => p.lat).join(',')}}`)),
        JSON.stringify(segments.map((s) => `{${s.map((p) => p.time / 1000).join(',')}}`)),
      ],
    )
    expect(res.rows.map((r) => r.equal)).toEqual([true, true])
    expect(res.rows.map((r) => r.srid)).toEqual([4326, 4326])
    expect(res.rows.map((r) => r.m.map(Number))).toEqual(segments.map((s) => s.map((p) => p.time / 1000)))
  })
})
