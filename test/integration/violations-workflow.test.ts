import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  allowedClosingKinds,
  allowedEvents,
  VIOLATION_EVENT_TYPES,
  VIOLATION_TRANSITIONS,
  type ViolationStatus,
} from '../../server/domain/violations/workflow.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let patroller: string
let sibling: string
let planner: string

beforeAll(async () => {
  ctx = await createTestContext()
  patroller = await ctx.token('patroller', '510199')
  sibling = await ctx.token('admin', '510198')
  planner = await ctx.token('planner', '510199')
})
afterAll(async () => ctx?.close())

const FOUND_AT = '2026-10-12T09:30:00+08:00'

async function newViolation(extra: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/violations',
    headers: bearer(patroller),
    payload: {
      category: 3,
      source: 'patrol',
      found_at: FOUND_AT,
      location: { type: 'Point', coordinates: [104.0, 30.0] },
      party: '王某',
      description: '占用耕地挖塘',
      ...extra,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; status: string; events: unknown[] }
}

function postEvent(id: string, payload: Record<string, unknown>, token = patroller) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/v1/violations/${id}/events`,
    headers: bearer(token),
    payload,
  })
}

// One hour apart from the discovery, in order.
const at = (hours: number) => new Date(Date.parse(FOUND_AT) + hours * 3_600_000).toISOString()

/** Events that bring a new case to each state (each with its closing kind where it closes). */
const PATHS: Record<ViolationStatus, { type: string; closing_kind?: string }[]> = {
  found: [],
  stopped: [{ type: 'stop' }],
  self_corrected: [{ type: 'self_correct' }],
  reported: [{ type: 'report' }],
  filed: [{ type: 'report' }, { type: 'file' }],
  not_filed: [{ type: 'report' }, { type: 'decline_filing' }],
  closed: [{ type: 'stop' }, { type: 'close', closing_kind: 'no_penalty' }],
  escalated: [{ type: 'escalate' }],
  transferred: [{ type: 'transfer' }],
}

async function violationIn(status: ViolationStatus) {
  const v = await newViolation()
  for (const [i, step] of PATHS[status].entries()) {
    const res = await postEvent(v.id, { ...step, at: at(i + 1) })
    expect(res.statusCode, res.body).toBe(201)
  }
  return v.id
}

describe('violation workflow through the API', () => {
  it('creates a case in state found with its allowed events, and the planner may only read', async () => {
    const v = await newViolation()
    expect(v.status).toBe('found')
    expect(v.events).toEqual([])
    const byPlanner = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/violations/${v.id}/events`,
      headers: bearer(planner),
      payload: { type: 'stop', at: at(1) },
    })
    expect(byPlanner.statusCode).toBe(403)
    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/${v.id}`,
      headers: bearer(planner),
    })
    expect(read.statusCode).toBe(200)
    expect(read.json().allowed_events).toEqual(['stop', 'self_correct', 'report', 'escalate', 'transfer'])
  })

  it('walks found → stopped → reported → filed → closed, keeping actor, time and note of each event', async () => {
    const v = await newViolation()
    const steps = [
      { type: 'stop', note: '送达停工通知书' },
      { type: 'report', note: '填报报告表' },
      { type: 'file', note: '立案' },
      { type: 'close', closing_kind: 'penalty_decided', note: '作出处罚决定' },
    ]
    for (const [i, s] of steps.entries()) {
      const res = await postEvent(v.id, { ...s, at: at(i + 1) })
      expect(res.statusCode, res.body).toBe(201)
    }
    const detail = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/violations/${v.id}`, headers: bearer(patroller) })
    ).json()
    expect(detail.status).toBe('closed')
    expect(detail.closing_kind).toBe('penalty_decided')
    expect(detail.events.map((e: { type: string }) => e.type)).toEqual(['stop', 'report', 'file', 'close'])
    expect(
      detail.events.map((e: { from_status: string; to_status: string }) => `${e.from_status}>${e.to_status}`),
    ).toEqual(['found>stopped', 'stopped>reported', 'reported>filed', 'filed>closed'])
    for (const e of detail.events) {
      expect(e.actor_token_id).toMatch(/^[0-9a-f-]{36}$/)
      expect(e.actor_label).toBe('test patroller')
      expect(e.note).toBeTruthy()
    }
    expect(detail.reported_at).toBe(at(2))
    expect(detail.filed_at).toBe(at(3))
    expect(detail.closed_at).toBe(at(4))
    // closure limit: 60 calendar days from the filing day (2026-10-12) → 2026-12-11
    expect(detail.deadlines.closure.due_date).toBe('2026-12-11')
    expect(detail.deadlines.closure.on_time).toBe(true)
  })

  it('answers every disallowed transition with 409 and the list of allowed events, changing nothing', async () => {
    let checked = 0
    for (const status of Object.keys(PATHS) as ViolationStatus[]) {
      const id = await violationIn(status)
      const expectedAllowed = allowedEvents(status)
      // the table of domain/violations/workflow.ts, spelled out for two states as a cross-check
      if (status === 'reported')
        expect(expectedAllowed).toEqual(['file', 'decline_filing', 'escalate', 'transfer'])
      if (status === 'closed') expect(expectedAllowed).toEqual([])
      const before = await snapshotDatabase(ctx.db)
      for (const type of VIOLATION_EVENT_TYPES) {
        if (VIOLATION_TRANSITIONS[status][type] !== undefined) continue
        const res = await postEvent(id, {
          type,
          at: at(10),
          ...(type === 'close' ? { closing_kind: 'no_penalty' } : {}),
        })
        expect(res.statusCode, `${status} + ${type}: ${res.body}`).toBe(409)
        const body = res.json()
        expect(res.headers['content-type']).toContain('application/problem+json')
        expect(body.case_status).toBe(status)
        expect(body.allowed).toEqual(expectedAllowed)
        expect(body.errors[0].path).toBe('/type')
        checked++
      }
      expect(await snapshotDatabase(ctx.db)).toEqual(before)
    }
    // 9 states × 8 event types − 18 edges of the transition table (found 5, stopped 5,
    // self_corrected 2, reported 4, filed 1, not_filed 1)
    expect(checked).toBe(9 * 8 - 18)
  })

  it('refuses a closing kind the state does not close with (409, allowed kinds listed) and a close without kind (422)', async () => {
    const filed = await violationIn('filed')
    const wrongKind = await postEvent(filed, { type: 'close', closing_kind: 'no_penalty', at: at(5) })
    expect(wrongKind.statusCode).toBe(409)
    expect(wrongKind.json().allowed_closing_kinds).toEqual(allowedClosingKinds('filed'))
    expect(wrongKind.json().errors[0].path).toBe('/closing_kind')
    const noKind = await postEvent(filed, { type: 'close', at: at(5) })
    expect(noKind.statusCode).toBe(422)
    expect(noKind.json().errors[0].path).toBe('/closing_kind')
    const kindOnStop = await postEvent(await violationIn('found'), {
      type: 'stop',
      closing_kind: 'complied',
      at: at(1),
    })
    expect(kindOnStop.statusCode).toBe(422)
    expect(kindOnStop.json().errors[0].path).toBe('/closing_kind')
  })

  it('refuses an event dated before discovery or before the previous event (422 naming /at), storing nothing', async () => {
    const id = await violationIn('stopped') // stop at +1 h
    const before = await snapshotDatabase(ctx.db)
    const beforeFound = await postEvent(id, { type: 'report', at: at(-2) })
    expect(beforeFound.statusCode).toBe(422)
    expect(beforeFound.json().errors[0].path).toBe('/at')
    expect(beforeFound.json().reason).toBe('event_before_found_time')
    const beforePrevious = await postEvent(id, { type: 'report', at: at(0.5) })
    expect(beforePrevious.statusCode).toBe(422)
    expect(beforePrevious.json().errors[0].path).toBe('/at')
    expect(beforePrevious.json().reason).toBe('event_before_previous_event')
    const future = await postEvent(id, { type: 'report', at: new Date(Date.now() + 3_600_000).toISOString() })
    expect(future.statusCode).toBe(422)
    expect(future.json().errors[0].path).toBe('/at')
    const unknownType = await postEvent(id, { type: 'demolish', at: at(2) })
    expect(unknownType.statusCode).toBe(400)
    expect(unknownType.json().errors[0].path).toBe('/type')
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
    // the same time as the previous event is fine (stop order and report written in the same minute)
    expect((await postEvent(id, { type: 'report', at: at(1) })).statusCode).toBe(201)
  })

  it('never changes the history of a closed case, whatever is called later', async () => {
    const id = await violationIn('closed')
    const read = async () =>
      (
        await ctx.app.inject({ method: 'GET', url: `/api/v1/violations/${id}`, headers: bearer(patroller) })
      ).json()
    const before = await read()
    const snapshot = await snapshotDatabase(ctx.db)
    for (const type of VIOLATION_EVENT_TYPES) {
      const res = await postEvent(id, {
        type,
        at: at(20),
        ...(type === 'close' ? { closing_kind: 'complied' } : {}),
      })
      expect(res.statusCode).toBe(409)
      expect(res.json().allowed).toEqual([])
    }
    const attach = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/violations/${id}/attachments`,
      headers: { ...bearer(patroller), 'content-type': 'image/png' },
      payload: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    })
    expect(attach.statusCode).toBe(409)
    expect(await snapshotDatabase(ctx.db)).toEqual(snapshot)
    const after = await read()
    expect(after.events).toEqual(before.events)
    expect(after.status).toBe('closed')

    // and the database itself refuses to rewrite or extend it, whoever asks
    await expect(
      ctx.db.query(`UPDATE violation_events SET note = 'rewritten' WHERE violation_id = $1::uuid`, [id]),
    ).rejects.toThrow(/append-only/)
    await expect(
      ctx.db.query(`DELETE FROM violation_events WHERE violation_id = $1::uuid`, [id]),
    ).rejects.toThrow(/append-only/)
    await expect(
      ctx.db.query(
        `INSERT INTO violation_events (violation_id, division_code, seq, type, at, from_status, to_status)
         VALUES ($1::uuid, '510199', 99, 'report', now(), 'closed', 'reported')`,
        [id],
      ),
    ).rejects.toThrow(/terminal state/)
    expect((await read()).events).toEqual(before.events)
  })

  it('shows the sibling county nothing: not the list, not the case, not its events (404)', async () => {
    const id = await violationIn('stopped')
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/violations', headers: bearer(sibling) })
    expect(list.statusCode).toBe(200)
    expect(list.json().items).toEqual([])
    const before = await snapshotDatabase(ctx.db)
    for (const [method, url, payload] of [
      ['GET', `/api/v1/violations/${id}`, undefined],
      ['GET', `/api/v1/violations/${id}/report-form`, undefined],
      ['POST', `/api/v1/violations/${id}/events`, { type: 'report', at: at(2) }],
    ] as const) {
      const res = await ctx.app.inject({
        method,
        url,
        headers: bearer(sibling),
        ...(payload ? { payload } : {}),
      })
      expect(res.statusCode, `${method} ${url}`).toBe(404)
    }
    // nor can it file a case in the county
    const create = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/violations',
      headers: bearer(sibling),
      payload: {
        division_code: '510199',
        category: 1,
        source: 'patrol',
        found_at: FOUND_AT,
        location: { type: 'Point', coordinates: [104.0, 30.0] },
      },
    })
    expect(create.statusCode).toBe(404)
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })
})
