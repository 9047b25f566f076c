import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { geodesicAreaM2 } from '../../server/domain/geo/areas.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let patroller: string
let planner: string

const M2_PER_MU = 10000 / 15
const FOUND_AT = '2026-10-12T09:30:00+08:00'
const valid = {
  category: 3,
  source: 'patrol',
  found_at: FOUND_AT,
  location: { type: 'Point', coordinates: [104.0, 30.0] },
}

const rect = (x0: number, y0: number, x1: number, y1: number) => ({
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

beforeAll(async () => {
  ctx = await createTestContext()
  patroller = await ctx.token('patroller', '510199')
  planner = await ctx.token('planner', '510199')
})
afterAll(async () => ctx?.close())

const post = (payload: unknown, token = patroller) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/violations',
    headers: bearer(token),
    payload: payload as object,
  })

/** A refused request: the status, the field it names, and no change anywhere in the database. */
async function expectRefused(
  send: () => Promise<{ statusCode: number; json(): { errors: { path: string }[] } }>,
  status: number,
  path: string,
) {
  const before = await snapshotDatabase(ctx.db)
  const res = await send()
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status)
  expect(res.json().errors.map((e) => e.path)).toContain(path)
  expect(await snapshotDatabase(ctx.db)).toEqual(before)
  return res
}

describe('bad violation input → 4xx naming the field, nothing stored', () => {
  it('unknown category', async () => {
    await expectRefused(() => post({ ...valid, category: 9 }), 400, '/category')
    await expectRefused(() => post({ ...valid, category: '占用耕地' }), 400, '/category')
  })

  it('location outside the jurisdiction (in the sibling county)', async () => {
    const res = await expectRefused(
      () => post({ ...valid, location: { type: 'Point', coordinates: [104.2, 30.0] } }),
      422,
      '/location',
    )
    expect(res.json().errors[0]).toMatchObject({ path: '/location' })
    await expectRefused(
      () => post({ ...valid, location: { type: 'Point', coordinates: [200, 30] } }),
      422,
      '/location/coordinates',
    )
  })

  it('found time in the future', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString()
    await expectRefused(() => post({ ...valid, found_at: tomorrow }), 422, '/found_at')
    await expectRefused(() => post({ ...valid, found_at: '2026-10-12 09:30' }), 400, '/found_at')
  })

  it('event time before discovery', async () => {
    const v = await post(valid)
    expect(v.statusCode).toBe(201)
    await expectRefused(
      () =>
        ctx.app.inject({
          method: 'POST',
          url: `/api/v1/violations/${v.json().id}/events`,
          headers: bearer(patroller),
          payload: { type: 'stop', at: '2026-10-12T09:29:00+08:00' },
        }),
      422,
      '/at',
    )
  })

  it('unknown fields, impossible areas, an invalid extent, a township of another county', async () => {
    await expectRefused(() => post({ ...valid, catgory: 3 }), 400, '/catgory')
    await expectRefused(() => post({ ...valid, area_mu: 1, cultivated_mu: 2 }), 422, '/cultivated_mu')
    await expectRefused(
      () => post({ ...valid, cultivated_mu: 1, basic_farmland_mu: 2 }),
      422,
      '/basic_farmland_mu',
    )
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
    const invalid = await expectRefused(() => post({ ...valid, extent: bowtie }), 422, '/extent')
    expect(invalid.json().errors[0]).toMatchObject({ reason: 'INVALID_GEOMETRY' })
    await expectRefused(() => post({ ...valid, extent: rect(104.15, 29.95, 104.16, 29.96) }), 422, '/extent')
    await expectRefused(() => post({ ...valid, township_code: '510198001' }), 422, '/township_code')
  })

  it('a city token must say which county', async () => {
    const city = await ctx.token('supervisor', '510100')
    await expectRefused(() => post(valid, city), 422, '/division_code')
    const ok = await post({ ...valid, division_code: '510199' }, city)
    expect(ok.statusCode).toBe(201)
    expect(ok.json().division_code).toBe('510199')
  })
})

describe('areas from the extent against the zones in force', () => {
  it('measures the extent on the ellipsoid and overlays basic and other farmland zones', async () => {
    // A filed plan in force from 2026-01-01: basic farmland 103.95–103.96°E, other farmland
    // 103.96–103.97°E, both 29.95–29.96°N.
    const plan = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/plans',
      headers: bearer(planner),
      payload: { division_code: '510199', name: '2026 方案', effective_from: '2026-01-01' },
    })
    const planId = plan.json().id
    const zones = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/zones`,
      headers: { ...bearer(planner), 'content-type': 'application/geo+json' },
      payload: JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: rect(103.95, 29.95, 103.96, 29.96),
            properties: { category: 'basic_farmland', name: '基本农田甲' },
          },
          {
            type: 'Feature',
            geometry: rect(103.96, 29.95, 103.97, 29.96),
            properties: { category: 'other_farmland', name: '一般耕地乙' },
          },
        ],
      }),
    })
    expect(zones.statusCode, zones.body).toBe(201)
    await ctx.app.inject({ method: 'POST', url: `/api/v1/plans/${planId}/submit`, headers: bearer(planner) })
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/file`,
      headers: bearer(await ctx.token('supervisor', '510100')),
    })
    expect(filed.statusCode, filed.body).toBe(200)

    // The extent straddles both zones and sticks out north of them:
    // 103.955–103.965°E × 29.955–29.965°N; a quarter lies over each zone, half outside.
    const extent = rect(103.955, 29.955, 103.965, 29.965)
    const res = await post({ ...valid, location: { type: 'Point', coordinates: [103.96, 29.958] }, extent })
    expect(res.statusCode, res.body).toBe(201)
    const v = res.json()
    const whole = geodesicAreaM2(extent as never) / M2_PER_MU
    const basic = geodesicAreaM2(rect(103.955, 29.955, 103.96, 29.96) as never) / M2_PER_MU
    const other = geodesicAreaM2(rect(103.96, 29.955, 103.965, 29.96) as never) / M2_PER_MU
    expect(v.area_source).toBe('extent')
    expect(v.farmland_source).toBe('zones')
    expect(v.area_mu).toBeCloseTo(whole, 1)
    expect(v.basic_farmland_mu).toBeCloseTo(basic, 1)
    expect(v.cultivated_mu).toBeCloseTo(basic + other, 1)
    expect(v.extent.type).toBe('MultiPolygon')

    // Before the plan came into force there were no zones: the farmland split is unknown.
    const early = await post({
      ...valid,
      found_at: '2025-12-20T10:00:00+08:00',
      extent,
      location: { type: 'Point', coordinates: [103.96, 29.958] },
    })
    expect(early.statusCode).toBe(201)
    expect(early.json().farmland_source).toBe('none')
    expect(early.json().cultivated_mu).toBeNull()
    expect(early.json().warnings.join(' ')).toMatch(/no zone plan/)

    // Figures entered in the body (a field survey) win over the overlay.
    const entered = await post({
      ...valid,
      extent,
      cultivated_mu: 3.5,
      basic_farmland_mu: 1,
      location: { type: 'Point', coordinates: [103.96, 29.958] },
    })
    expect(entered.json()).toMatchObject({
      cultivated_mu: 3.5,
      basic_farmland_mu: 1,
      farmland_source: 'entered',
      area_source: 'extent',
    })
  })
})

describe('attachments', () => {
  const PNG = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('fake png body'),
  ])
  const PDF = Buffer.from('%PDF-1.4\n% test document\n')
  let violationId: string

  beforeAll(async () => {
    violationId = (await post(valid)).json().id
  })

  const attach = (body: Buffer, contentType: string, query = '') =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/v1/violations/${violationId}/attachments${query}`,
      headers: { ...bearer(patroller), 'content-type': contentType },
      payload: body,
    })

  it('stores a photo with its SHA-256, device time and server time, and serves the same bytes back', async () => {
    const res = await attach(PNG, 'image/png', '?device_time=2026-10-12T09:31:00%2B08:00&file_name=现场.png')
    expect(res.statusCode, res.body).toBe(201)
    const a = res.json()
    expect(a).toMatchObject({
      kind: 'photo',
      media_type: 'image/png',
      size_bytes: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
      device_time: '2026-10-12T01:31:00.000Z',
      file_name: '现场.png',
    })
    expect(Date.now() - Date.parse(a.server_time)).toBeLessThan(60_000)
    const back = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/${violationId}/attachments/${a.id}`,
      headers: bearer(patroller),
    })
    expect(back.statusCode).toBe(200)
    expect(back.headers['content-type']).toBe('image/png')
    expect(back.headers['x-content-sha256']).toBe(a.sha256)
    expect(Buffer.compare(back.rawPayload, PNG)).toBe(0)

    const pdf = await attach(PDF, 'application/pdf')
    expect(pdf.statusCode).toBe(201)
    expect(pdf.json().kind).toBe('document')
    const detail = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/${violationId}`,
      headers: bearer(patroller),
    })
    expect(detail.json().attachments.map((x: { media_type: string }) => x.media_type)).toEqual([
      'image/png',
      'application/pdf',
    ])
  })

  it('refuses an attachment over 10 MB (413), of a refused type (415) or whose bytes are not its type (422)', async () => {
    const tooLarge = Buffer.alloc(10 * 1024 * 1024 + 1)
    PNG.copy(tooLarge)
    await expectRefused(() => attach(tooLarge, 'image/png'), 413, '/body')
    const gif = Buffer.from('GIF89a....')
    await expectRefused(() => attach(gif, 'image/gif'), 415, '/headers/content-type')
    await expectRefused(() => attach(Buffer.from('hello'), 'text/plain'), 415, '/headers/content-type')
    // declared a JPEG, but the bytes are a PDF
    const res = await expectRefused(() => attach(PDF, 'image/jpeg'), 422, '/body')
    expect(res.json().errors[0]).toMatchObject({ reason: 'content_does_not_match_media_type' })
    await expectRefused(() => attach(Buffer.alloc(0), 'image/png'), 422, '/body')
  })
})
