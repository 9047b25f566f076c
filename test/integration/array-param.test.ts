import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArrayParam, binaryArray } from '../../server/db/array-param.js'
import { createTestContext, type TestContext } from './support/test-app.js'

// ArrayParam read back by the database the test runs on: in binary on PostgreSQL (pg adapter), as a
// literal on PGlite. Each value must arrive as given (doubles bit for bit).

let ctx: TestContext

beforeAll(async () => {
  ctx = await createTestContext({ seedDivisions: false })
})

afterAll(async () => {
  await ctx?.close()
})

const DOUBLES = [0, -0, 1.5, -2.25e-300, 1.7976931348623157e308, 5e-324, 0.1 + 0.2, 116.39748123456789, null]
const INTS = [0, -1, 2147483647, -2147483648, 42, null]
const TEXTS = ['outlier', 'a "quoted", \\ one', '北京 {x}', '', 'NULL', null]

describe('ArrayParam', () => {
  it('arrives as the same values: float8, int4, float4, text and bytea, with nulls, and empty', async () => {
    const res = await ctx.db.query<{
      d: (number | null)[]
      i: (number | null)[]
      f: (number | null)[]
      t: (string | null)[]
      e: number[]
      slice: number[]
      b: (Uint8Array | null)[]
    }>(
      `SELECT $1::float8[] AS d, $2::integer[] AS i, $3::real[] AS f, $4::text[] AS t, $5::float8[] AS e,
              ($1::float8[])[3:4] AS slice, $6::bytea[] AS b`,
      [
        new ArrayParam('float8', DOUBLES),
        new ArrayParam('int4', INTS),
        new ArrayParam('float4', [0.25, -3.5, null]),
        new ArrayParam('text', TEXTS),
        new ArrayParam('float8', []),
        new ArrayParam('bytea', [Uint8Array.from([0, 255, 92, 34, 123]), new Uint8Array(0), null]),
      ],
    )
    const row = res.rows[0]!
    expect(row.d.map((v) => (v === null ? null : Object.is(v, -0) ? '-0' : v))).toEqual(
      DOUBLES.map((v) => (v === null ? null : Object.is(v, -0) ? '-0' : v)),
    )
    expect(row.i).toEqual(INTS)
    expect(row.f).toEqual([0.25, -3.5, null])
    expect(row.t).toEqual(TEXTS)
    expect(row.e).toEqual([])
    expect(row.slice).toEqual([1.5, -2.25e-300])
    expect(row.b.map((v) => (v === null ? null : [...v]))).toEqual([[0, 255, 92, 34, 123], [], null])
  })

  it('arrives as the same values from typed arrays (how the points of a batch are sent)', async () => {
    const doubles = DOUBLES.filter((v) => v !== null)
    const ints = INTS.filter((v) => v !== null)
    const res = await ctx.db.query<{ d: number[]; i: number[]; f: number[] }>(
      `SELECT $1::float8[] AS d, $2::integer[] AS i, $3::real[] AS f`,
      [
        new ArrayParam('float8', Float64Array.from(doubles)),
        new ArrayParam('int4', Int32Array.from(ints)),
        new ArrayParam('float4', Float32Array.from([0.25, -3.5, 1e-40, 3.4028234663852886e38])),
      ],
    )
    const row = res.rows[0]!
    expect(row.d.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(
      doubles.map((v) => (Object.is(v, -0) ? '-0' : v)),
    )
    expect(row.i).toEqual(ints)
    // (real comes back as its shortest text, which reads back as the same 32-bit value)
    expect(row.f.map((v) => Math.fround(v))).toEqual([
      ...Float32Array.from([0.25, -3.5, 1e-40, 3.4028234663852886e38]),
    ])
    // the same bytes as the general path's, from a plain array of the same values
    expect(binaryArray(new ArrayParam('float8', Float64Array.from(doubles)))).toEqual(
      binaryArray(new ArrayParam('float8', doubles)),
    )
    expect(binaryArray(new ArrayParam('int4', Int32Array.from(ints)))).toEqual(
      binaryArray(new ArrayParam('int4', ints)),
    )
    expect(binaryArray(new ArrayParam('float4', Float32Array.from([0.25, 1e-40])))).toEqual(
      binaryArray(new ArrayParam('float4', [0.25, Math.fround(1e-40)])),
    )
  })

  it('refuses what the column cannot hold before anything is sent', () => {
    expect(() => binaryArray(new ArrayParam('float8', Float64Array.from([1, Number.NaN])))).toThrow(/at 1/)
    expect(() => binaryArray(new ArrayParam('float4', Float32Array.from([Infinity])))).toThrow(/at 0/)
    expect(() => binaryArray(new ArrayParam('float8', [1, Number.NaN]))).toThrow(/at 1/)
    expect(() => binaryArray(new ArrayParam('int4', [1, 2.5]))).toThrow(/32-bit integer at 1/)
    expect(() => binaryArray(new ArrayParam('int4', [2 ** 31]))).toThrow(/32-bit integer at 0/)
  })
})
