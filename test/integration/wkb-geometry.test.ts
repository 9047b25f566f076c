import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { geometryFromWkb } from '../../server/domain/coverage/ewkb.js'
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
