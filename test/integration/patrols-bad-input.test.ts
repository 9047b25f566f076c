import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRACK_BODY_LIMIT_BYTES } from '../../server/routes/patrols/index.js'
import { snapshotDatabase } from './support/snapshot.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

// Every way a device can send a broken track: a 4xx problem+json that names the point (or the part
// of the request) at fault, and not one row stored anywhere.

let ctx: TestContext
let device: string
let unitId: string
let staff: string[]

beforeAll(async () => {
  ctx = await createTestContext()
  const admin = await ctx.token('admin', '510199')
  device = await ctx.token('device', '510199')
  const unit = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/units',
    headers: bearer(admin),
    payload: { name: '所', kind: 'station', division_code: '510199' },
  })
  unitId = unit.json().id
  staff = []
  for (const name of ['甲', '乙'])
    staff.push(
      (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/people',
          headers: bearer(admin),
          payload: { name, unit_id: unitId },
        })
      ).json().id,
    )
})
afterAll(async () => ctx?.close())

const T0 = Date.parse('2026-05-04T01:00:00Z')
const iso = (i: number) => new Date(T0 + i * 10_000).toISOString()
const line = (coords: unknown[], times: unknown[] = coords.map((_, i) => iso(i))) => ({
  type: 'Feature',
  geometry: { type: 'LineString', coordinates: coords },
  properties: { coordTimes: times },
})
const GOOD = [
  [104.0, 30.0],
  [104.0003, 30.0],
  [104.0006, 30.0],
  [104.0009, 30.0],
]

interface Problem {
  status: number
  errors: { path: string; message: string; reason?: string }[]
}

/** Sends the request and checks the answer is the problem expected and the database is unchanged. */
async function expectRefused(
  request: { payload: unknown; contentType?: string; query?: string },
  status: number,
): Promise<Problem> {
  const before = await snapshotDatabase(ctx.db)
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/patrols${request.query ?? ''}`,
    headers: { ...bearer(device), ...(request.contentType ? { 'content-type': request.contentType } : {}) },
    payload: request.payload as string,
  })
  expect(res.statusCode, res.body.slice(0, 500)).toBe(status)
  expect(String(res.headers['content-type'])).toContain('application/problem+json')
  const body = res.json() as Problem
  expect(JSON.stringify(body)).not.toMatch(/SQLSTATE|pg_|at .*\.ts:\d+/)
  expect(await snapshotDatabase(ctx.db)).toEqual(before)
  return body
}

const json = (track: unknown, extra: Record<string, unknown> = {}) => ({
  payload: { external_id: `bad-${Math.random()}`, unit_id: unitId, staff, kind: 'routine', track, ...extra },
})
const metadata = () =>
  `?external_id=bad-${Math.random()}&unit_id=${unitId}&staff=${staff.join(',')}&kind=routine`

describe('bad tracks are refused with the point named, and nothing is stored', () => {
  it('an empty track', async () => {
    const body = await expectRefused(json(line([], [])), 422)
    expect(body.errors).toEqual([expect.objectContaining({ path: '/track', reason: 'TRACK_EMPTY' })])
  })

  it('a single point', async () => {
    const body = await expectRefused(json(line([GOOD[0]])), 422)
    expect(body.errors).toEqual([expect.objectContaining({ path: '/track', reason: 'TRACK_SINGLE_POINT' })])
  })

  it('null and NaN coordinates', async () => {
    const nulls = await expectRefused(json(line([GOOD[0], [null, 30.0], GOOD[2], GOOD[3]])), 422)
    expect(nulls.errors).toEqual([
      expect.objectContaining({ path: '/track/geometry/coordinates/1', reason: 'COORDINATE_NOT_NUMBER' }),
    ])
    const csv = [
      'time,lon,lat',
      `${iso(0)},104.0,30.0`,
      `${iso(1)},NaN,30.0`,
      `${iso(2)},104.0006,30.0`,
    ].join('\n')
    const nan = await expectRefused({ payload: csv, contentType: 'text/csv', query: metadata() }, 422)
    expect(nan.errors).toEqual([
      expect.objectContaining({ path: 'csv line 3', reason: 'COORDINATE_NOT_NUMBER' }),
    ])
  })

  it('latitude and longitude swapped', async () => {
    const body = await expectRefused(json(line([GOOD[0], GOOD[1], [30.0, 104.0006], GOOD[3]])), 422)
    expect(body.errors).toEqual([
      expect.objectContaining({ path: '/track/geometry/coordinates/2', reason: 'LON_LAT_SWAPPED' }),
    ])
  })

  it('a missing and an unparseable time', async () => {
    const points = {
      type: 'FeatureCollection',
      features: GOOD.map((c, i) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: c },
        properties: i === 1 ? {} : { time: i === 3 ? 'yesterday' : iso(i) },
      })),
    }
    const body = await expectRefused(json(points), 422)
    expect(body.errors).toEqual([
      expect.objectContaining({ path: '/track/features/1', reason: 'TIME_MISSING' }),
      expect.objectContaining({ path: '/track/features/3', reason: 'TIME_UNPARSEABLE' }),
    ])
  })

  it('a time more than a day in the future', async () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const body = await expectRefused(json(line(GOOD, [iso(0), iso(1), iso(2), future])), 422)
    expect(body.errors).toEqual([
      expect.objectContaining({ path: '/track/geometry/coordinates/3', reason: 'TIME_IN_FUTURE' }),
    ])
  })

  it('malformed GPX', async () => {
    const gpx =
      '<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat="30" lon="104"><time>2026-05-04T01:00:00Z</time></trkpt><trkpt lat="30.1" lon=104.1></trkseg></trk></gpx>'
    const body = await expectRefused(
      { payload: gpx, contentType: 'application/gpx+xml', query: metadata() },
      422,
    )
    expect(body.errors).toEqual([expect.objectContaining({ reason: 'XML_MALFORMED' })])
    expect(body.errors[0]!.message).toMatch(/line|col|attribute|quot/i)
  })

  it('an unknown CRS', async () => {
    const body = await expectRefused(json(line(GOOD), { crs: 'EPSG:3857' }), 422)
    expect(body.errors).toEqual([expect.objectContaining({ path: '/crs', reason: 'TRACK_CRS_UNKNOWN' })])
  })

  it('a track with no two usable fixes left after cleaning', async () => {
    // the same fix three times: one kept, two duplicates, and a lone point is no segment
    const body = await expectRefused(json(line([GOOD[0], GOOD[0], GOOD[0]], [iso(0), iso(0), iso(0)])), 422)
    expect(body.errors[0]).toMatchObject({ path: '/track', reason: 'TRACK_NO_SEGMENT' })
    expect(body.errors.slice(1).map((e) => [e.path, e.reason])).toEqual([
      ['point 0', 'isolated'],
      ['point 1', 'duplicate'],
      ['point 2', 'duplicate'],
    ])
  })

  it('a body over the limit', async () => {
    const huge = `<gpx>${' '.repeat(TRACK_BODY_LIMIT_BYTES)}</gpx>`
    await expectRefused({ payload: huge, contentType: 'application/gpx+xml', query: metadata() }, 413)
  })

  it('metadata missing from the query string of a GPX body, and a staff entry that is no id', async () => {
    const gpx = '<gpx><trk><trkseg/></trk></gpx>'
    const missing = await expectRefused(
      { payload: gpx, contentType: 'application/gpx+xml', query: `?external_id=x&staff=${staff[0]},abc` },
      400,
    )
    expect(missing.errors.map((e) => e.path).sort()).toEqual(['/query/kind', '/query/unit_id', '/staff/1'])
  })

  it('an unknown unit', async () => {
    await expectRefused(json(line(GOOD), { unit_id: '00000000-0000-4000-8000-00000000abcd' }), 404)
  })
})
