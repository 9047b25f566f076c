import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

/**
 * Generated from the OpenAPI route list: every /api/v1 route, including ones added later, is
 * checked without a token, with a device token and with an admin token of the sibling county.
 */

// The only things a device token may do: post tracks, and ask whom it belongs to.
const DEVICE_ALLOWED = new Set(['POST /api/v1/patrols', 'GET /api/v1/me'])
const PLACEHOLDER_UUID = '00000000-0000-4000-8000-000000000000'

// Path parameters that name one record (tile coordinates do not: a tile is a filtered list).
const RECORD_PARAM = /\{(?!z\}|x\}|y\}|collectionId\})\w+\}/

// Routes that take a file rather than a JSON document with a schema example: what to send them.
const UPLOADS: Record<string, string> = {
  'POST /api/v1/plans/{id}/zones': JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { category: 'hotspot', name: 'fixture' },
        geometry: {
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
        },
      },
    ],
  }),
}

interface Operation {
  method: string
  path: string
  isPublic: boolean
  example: unknown
  contentType: string | undefined
}

let ctx: TestContext
let operations: Operation[]
let ids: Record<string, string>
let countyAdmin: string
let siblingAdmin: string
let device: string

beforeAll(async () => {
  ctx = await createTestContext()
  countyAdmin = await ctx.token('admin', '510199')
  siblingAdmin = await ctx.token('admin', '510198')
  device = await ctx.token('device', '510199')
  const unit = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/units',
    headers: bearer(countyAdmin),
    payload: { name: '城关国土资源所-fixture', kind: 'station', division_code: '510199' },
  })
  expect(unit.statusCode).toBe(201)
  const person = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(countyAdmin),
    payload: { name: '李明', unit_id: unit.json().id, certificate_no: 'FIXTURE-0001', roles: ['patroller'] },
  })
  expect(person.statusCode).toBe(201)
  const tokens = await ctx.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(countyAdmin) })
  const plan = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/plans',
    headers: bearer(countyAdmin),
    payload: { division_code: '510199', name: 'fixture plan', effective_from: '2026-01-01' },
  })
  expect(plan.statusCode).toBe(201)
  const zones = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.json().id}/zones`,
    headers: { ...bearer(countyAdmin), 'content-type': 'application/geo+json' },
    payload: UPLOADS['POST /api/v1/plans/{id}/zones'],
  })
  expect(zones.statusCode, zones.body).toBe(201)
  // filed, so that its zone is in force (tiles, OGC items)
  const submitted = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.json().id}/submit`,
    headers: bearer(countyAdmin),
  })
  expect(submitted.statusCode, submitted.body).toBe(200)
  const filed = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.json().id}/file`,
    headers: bearer(await ctx.token('admin', '510100')),
  })
  expect(filed.statusCode, filed.body).toBe(200)
  const violation = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/violations',
    headers: bearer(countyAdmin),
    payload: {
      category: 1,
      source: 'patrol',
      found_at: '2026-09-30T09:00:00+08:00',
      location: { type: 'Point', coordinates: [104.0, 30.0] },
    },
  })
  expect(violation.statusCode, violation.body).toBe(201)
  const attachment = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/violations/${violation.json().id}/attachments`,
    headers: { ...bearer(countyAdmin), 'content-type': 'image/png' },
    payload: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]),
  })
  expect(attachment.statusCode, attachment.body).toBe(201)
  const tip = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/tips',
    headers: bearer(countyAdmin),
    payload: { channel: 'visit', received_at: '2026-09-30T09:00:00+08:00', content: 'fixture' },
  })
  expect(tip.statusCode, tip.body).toBe(201)
  const second = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(countyAdmin),
    payload: { name: '王芳', unit_id: unit.json().id, certificate_no: 'FIXTURE-0002', roles: ['patroller'] },
  })
  expect(second.statusCode, second.body).toBe(201)
  const start = Date.parse('2026-10-15T02:00:00Z')
  const coords = Array.from({ length: 12 }, (_, i) => [104.001 + i * 0.0007, 30.005])
  const patrol = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/patrols',
    headers: bearer(countyAdmin),
    payload: {
      external_id: 'access-fixture-1',
      unit_id: unit.json().id,
      staff: [person.json().id, second.json().id],
      kind: 'routine',
      track: {
        type: 'Feature',
        properties: { coordTimes: coords.map((_, i) => new Date(start + i * 30_000).toISOString()) },
        geometry: { type: 'LineString', coordinates: coords },
      },
    },
  })
  expect(patrol.statusCode, patrol.body).toBe(201)
  ids = {
    patrols: patrol.json().id,
    violations: violation.json().id,
    aid: attachment.json().id,
    tips: tip.json().id,
    units: unit.json().id,
    people: person.json().id,
    plans: plan.json().id,
    zoneId: zones.json().zones[0].id,
    zones: zones.json().zones[0].id,
    'report-schedule': '510199-monthly-2026-01',
    tokens: (tokens.json().items as { id: string; division_code: string }[]).find(
      (t) => t.division_code === '510199',
    )!.id,
  }

  const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json()
  operations = []
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    if (!path.startsWith('/api/v1')) continue
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const content = (
        op.requestBody as { content?: Record<string, { schema?: { example?: unknown } }> } | undefined
      )?.content
      const contentType = content ? Object.keys(content)[0] : undefined
      operations.push({
        method: method.toUpperCase(),
        path,
        isPublic: Array.isArray(op.security) && (op.security as unknown[]).length === 0,
        example: contentType ? content?.[contentType]?.schema?.example : undefined,
        contentType,
      })
    }
  }
})
afterAll(async () => ctx?.close())

/** Fills path parameters with records of county 510199. */
function urlOf(op: Operation): string {
  const resource = op.path.split('/')[3] ?? ''
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'code' || name === 'division') return '510199'
    if (name === 'zoneId') return ids.zoneId ?? PLACEHOLDER_UUID
    if (name === 'aid') return ids.aid ?? PLACEHOLDER_UUID
    if (name === 'year') return '2026'
    if (name === 'date') return '2027-10-09'
    if (name === 'featureId') return ids.zoneId ?? PLACEHOLDER_UUID
    if (name === 'collectionId') return 'zones'
    if (name === 'z' || name === 'x' || name === 'y') return '0'
    return ids[resource] ?? PLACEHOLDER_UUID
  })
}

function payloadOf(op: Operation): string | undefined {
  const upload = UPLOADS[`${op.method} ${op.path}`]
  if (upload) return upload
  if (!op.contentType) return undefined
  const example = op.example ?? {}
  return JSON.stringify(example).replaceAll(PLACEHOLDER_UUID, ids.units ?? PLACEHOLDER_UUID)
}

function send(op: Operation, token?: string) {
  const payload = payloadOf(op)
  return ctx.app.inject({
    method: op.method as 'GET',
    url: urlOf(op),
    headers: { ...(token ? bearer(token) : {}), ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { payload } : {}),
  })
}

describe('access control, generated from the OpenAPI document', () => {
  it('finds the routes (guards against an empty list passing vacuously)', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10)
    expect(operations.filter((o) => !o.isPublic).length).toBeGreaterThanOrEqual(8)
  })

  it('refuses every non-public route without a token (401 problem+json)', async () => {
    for (const op of operations.filter((o) => !o.isPublic)) {
      const res = await send(op)
      expect(res.statusCode, `${op.method} ${op.path}`).toBe(401)
      expect(res.headers['content-type']).toContain('application/problem+json')
    }
  })

  it('refuses an unknown or malformed token', async () => {
    const op = operations.find((o) => o.method === 'GET' && o.path === '/api/v1/divisions')!
    expect((await send(op, 'lp_not-a-real-token')).statusCode).toBe(401)
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/divisions',
      headers: { authorization: 'Basic abc' },
    })
    expect(res.statusCode).toBe(401)
  })

  it('lets a device token do nothing but post tracks', async () => {
    const before = await snapshotDatabase(ctx.db)
    for (const op of operations.filter((o) => !o.isPublic)) {
      const key = `${op.method} ${op.path}`
      const res = await send(op, device)
      if (DEVICE_ALLOWED.has(key)) expect(res.statusCode, key).not.toBe(403)
      else expect(res.statusCode, key).toBe(403)
    }
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('lets the sibling county neither see nor change the county, and changes nothing', async () => {
    const before = await snapshotDatabase(ctx.db)
    for (const op of operations.filter((o) => !o.isPublic)) {
      const key = `${op.method} ${op.path}`
      const res = await send(op, siblingAdmin)
      const targetsRecord = RECORD_PARAM.test(op.path) || op.method !== 'GET'
      if (targetsRecord) {
        // Routes without an example body may stop at validation (400/422) before any lookup.
        const allowed = op.example === undefined && op.contentType ? [400, 403, 404, 422] : [403, 404]
        expect(allowed, `${key} → ${res.statusCode}`).toContain(res.statusCode)
      } else if (res.statusCode < 300) {
        // a list answers with the caller's own records only
        expect(res.body, key).not.toContain('510199')
        expect(res.body, key).not.toContain(ids.units)
      }
    }
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('the same requests find their records for the county itself (so the refusals above are not vacuous)', async () => {
    for (const op of operations.filter(
      (o) => !o.isPublic && (RECORD_PARAM.test(o.path) || o.method !== 'GET'),
    )) {
      if (op.method === 'DELETE') continue
      const res = await send(op, countyAdmin)
      const key = `${op.method} ${op.path} → ${res.statusCode} ${res.body}`
      // Workflow answers (409 not a draft, 403 "the next level up files it", 422) are fine here;
      // not finding the record, calling it outside the jurisdiction or a malformed request is not.
      expect(res.statusCode, key).toBeLessThan(500)
      expect([400, 401, 404], key).not.toContain(res.statusCode)
      if (res.statusCode === 403) expect(res.json().detail, key).not.toMatch(/jurisdiction/)
    }
  })

  it('a city viewer reads its counties but may not write', async () => {
    const viewer = await ctx.token('viewer', '510100')
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/divisions', headers: bearer(viewer) })
    expect(list.statusCode).toBe(200)
    const codes = (list.json().items as { code: string }[]).map((d) => d.code)
    expect(codes).toEqual(expect.arrayContaining(['510100', '510198', '510199', '510199001']))
    expect(codes).not.toContain('510000')
    const write = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: bearer(viewer),
      payload: { name: 'x', kind: 'station', division_code: '510199' },
    })
    expect(write.statusCode).toBe(403)
  })

  it('a revoked token is refused', async () => {
    const secret = await ctx.token('planner', '510199')
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(secret) })
    expect(me.statusCode).toBe(200)
    const revoke = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${me.json().token_id}`,
      headers: bearer(countyAdmin),
    })
    expect(revoke.statusCode).toBe(200)
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(secret) })).statusCode,
    ).toBe(401)
  })
})
