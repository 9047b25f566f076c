import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let admin: string
const BODY_LIMIT = 64 * 1024

beforeAll(async () => {
  ctx = await createTestContext({ bodyLimitBytes: BODY_LIMIT })
  admin = await ctx.token('admin', '510199')
})
afterAll(async () => ctx?.close())

async function post(url: string, payload: string, contentType = 'application/json') {
  return ctx.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(admin), 'content-type': contentType },
    payload,
  })
}

interface Problem {
  status: number
  title: string
  detail: string
  errors: { path: string; message: string }[]
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): Problem },
  status: number,
) {
  expect(res.statusCode).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  const body = res.json()
  expect(body.status).toBe(status)
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  expect(Array.isArray(body.errors)).toBe(true)
  // never database text or a stack
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|pg_|SQLSTATE|syntax error at/)
  return body
}

describe('bad input gets a 4xx problem+json naming the field, and changes nothing', () => {
  it('malformed JSON → 400', async () => {
    const before = await snapshotDatabase(ctx.db)
    const body = expectProblem(await post('/api/v1/units', '{"name": "x", '), 400)
    expect(body.detail).toMatch(/JSON/i)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('an unknown field is rejected, not stripped', async () => {
    const before = await snapshotDatabase(ctx.db)
    const body = expectProblem(
      await post(
        '/api/v1/units',
        JSON.stringify({ name: '所', kind: 'station', division_code: '510199', divison: 'x' }),
      ),
      400,
    )
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/divison' })]))
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('a wrong type is rejected, not coerced', async () => {
    const before = await snapshotDatabase(ctx.db)
    const body = expectProblem(
      await post('/api/v1/units', JSON.stringify({ name: 123, kind: 'station', division_code: '510199' })),
      400,
    )
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/name' })]))
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('a missing field and a bad enum value are both listed', async () => {
    const body = expectProblem(
      await post('/api/v1/units', JSON.stringify({ kind: 'bureau', division_code: '510199' })),
      400,
    )
    const paths = body.errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/name', '/kind']))
  })

  it('an oversized body → 413', async () => {
    const before = await snapshotDatabase(ctx.db)
    const big = JSON.stringify({
      name: 'x'.repeat(BODY_LIMIT + 10),
      kind: 'station',
      division_code: '510199',
    })
    expectProblem(await post('/api/v1/units', big), 413)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('an unsupported content type → 415', async () => {
    expectProblem(await post('/api/v1/units', 'name=x', 'application/x-www-form-urlencoded'), 415)
  })

  it('a bad path parameter → 400 naming it', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/units/not-a-uuid',
      headers: bearer(admin),
    })
    const body = expectProblem(res, 400)
    expect(body.errors[0]?.path).toContain('id')
  })

  it('a bad query parameter → 400 naming it', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/divisions?level=planet',
      headers: bearer(admin),
    })
    const body = expectProblem(res, 400)
    expect(body.errors[0]?.path).toContain('level')
  })

  it('a duplicate unique key → 409, the first record intact', async () => {
    const payload = JSON.stringify({ name: '重复所', kind: 'station', division_code: '510199' })
    expect((await post('/api/v1/units', payload)).statusCode).toBe(201)
    const before = await snapshotDatabase(ctx.db)
    expectProblem(await post('/api/v1/units', payload), 409)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('an unknown route → 404 problem+json', async () => {
    expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: bearer(admin) }),
      404,
    )
  })
})

describe('divisions: codes and boundaries are checked', () => {
  it('a code that does not fit its level or parent → 422 naming the field', async () => {
    const before = await snapshotDatabase(ctx.db)
    const wrongLevel = expectProblem(
      await post(
        '/api/v1/divisions',
        JSON.stringify({ code: '510199002', name: '乡', level: 'village', parent_code: '510199' }),
      ),
      422,
    )
    expect(wrongLevel.errors[0]?.path).toBe('/code')
    const wrongParent = expectProblem(
      await post(
        '/api/v1/divisions',
        JSON.stringify({ code: '510198002', name: '乡', level: 'township', parent_code: '510199' }),
      ),
      422,
    )
    expect(wrongParent.errors[0]?.path).toBe('/parent_code')
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('a self-intersecting boundary → 422 with the PostGIS reason', async () => {
    const before = await snapshotDatabase(ctx.db)
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [104, 30],
          [104.01, 30.01],
          [104.01, 30],
          [104, 30.01],
          [104, 30],
        ],
      ],
    }
    const body = expectProblem(
      await post(
        '/api/v1/divisions',
        JSON.stringify({
          code: '510199003',
          name: '蝶形乡',
          level: 'township',
          parent_code: '510199',
          boundary: bowtie,
        }),
      ),
      422,
    )
    expect(body.errors[0]?.path).toBe('/boundary')
    expect(body.errors[0]?.message).toMatch(/self-intersection/i)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('an unreadable geometry → 422, not 500', async () => {
    const junk = { type: 'Polygon', coordinates: [['a', 'b']] }
    const body = expectProblem(
      await post(
        '/api/v1/divisions',
        JSON.stringify({
          code: '510199004',
          name: '坏乡',
          level: 'township',
          parent_code: '510199',
          boundary: junk,
        }),
      ),
      422,
    )
    expect(body.errors[0]?.path).toBe('/boundary')
  })

  it('stores a valid boundary with its ellipsoidal area', async () => {
    // Independent estimate on the WGS84 ellipsoid for a 0.01° × 0.01° cell: M·N·cosφ·Δφ·Δλ at the
    // mid-latitude, with the meridian (M) and prime-vertical (N) radii of curvature.
    const a = 6378137
    const e2 = 0.00669437999014
    const phi = (30.005 * Math.PI) / 180
    const w = Math.sqrt(1 - e2 * Math.sin(phi) ** 2)
    const N = a / w
    const M = (a * (1 - e2)) / w ** 3
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [104, 30],
          [104.01, 30],
          [104.01, 30.01],
          [104, 30.01],
          [104, 30],
        ],
      ],
    }
    const res = await post(
      '/api/v1/divisions',
      JSON.stringify({
        code: '510199005',
        name: '方乡',
        level: 'township',
        parent_code: '510199',
        boundary: square,
      }),
    )
    expect(res.statusCode).toBe(201)
    const d = (0.01 * Math.PI) / 180
    const expected = M * N * Math.cos(phi) * d * d
    expect(Math.abs(res.json().area_m2 - expected) / expected).toBeLessThan(0.001)
    const got = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/divisions/510199005',
      headers: bearer(admin),
    })
    expect(got.json().boundary.type).toBe('MultiPolygon')
  })
})
