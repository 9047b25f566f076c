import { describe, expect, it } from 'vitest'

import {
  applyEvent,
  replayEvents,
  startViolation,
  TERMINAL_STATUSES,
  VIOLATION_EVENT_TYPES,
  VIOLATION_STATUSES,
  WORKFLOW_REASON_BEFORE_FOUND,
  WORKFLOW_REASON_BEFORE_PREVIOUS,
  WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED,
  WORKFLOW_REASON_CLOSING_KIND_REQUIRED,
  WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED,
  WORKFLOW_REASON_EVENT_NOT_ALLOWED,
  WORKFLOW_REASON_INVALID_TIME,
  type ClosingKind,
  type ViolationEvent,
  type ViolationEventType,
  type ViolationState,
  type ViolationStatus,
} from '../../server/domain/violations/workflow.js'

const FOUND_AT = '2026-03-02T09:00:00+08:00'
const LATER = '2026-03-02T10:00:00+08:00'

/**
 * The expected table, written out by hand from domain.md and 第十八条–第二十二条 (not read from the
 * code): status → event → next status.
 */
const EXPECTED: Record<ViolationStatus, Partial<Record<ViolationEventType, ViolationStatus>>> = {
  found: {
    stop: 'stopped',
    self_correct: 'self_corrected',
    report: 'reported',
    escalate: 'escalated',
    transfer: 'transferred',
  },
  stopped: {
    self_correct: 'self_corrected',
    report: 'reported',
    close: 'closed',
    escalate: 'escalated',
    transfer: 'transferred',
  },
  self_corrected: { report: 'reported', close: 'closed' },
  reported: { file: 'filed', decline_filing: 'not_filed', escalate: 'escalated', transfer: 'transferred' },
  filed: { close: 'closed' },
  not_filed: { close: 'closed' },
  closed: {},
  escalated: {},
  transferred: {},
}

/** Allowed events listed in the order of VIOLATION_EVENT_TYPES, as the function reports them. */
const EXPECTED_ALLOWED: Record<ViolationStatus, ViolationEventType[]> = {
  found: ['stop', 'self_correct', 'report', 'escalate', 'transfer'],
  stopped: ['self_correct', 'report', 'close', 'escalate', 'transfer'],
  self_corrected: ['report', 'close'],
  reported: ['file', 'decline_filing', 'escalate', 'transfer'],
  filed: ['close'],
  not_filed: ['close'],
  closed: [],
  escalated: [],
  transferred: [],
}

const EXPECTED_CLOSING_KINDS: Partial<Record<ViolationStatus, ClosingKind[]>> = {
  stopped: ['no_penalty'],
  self_corrected: ['no_penalty'],
  filed: [
    'penalty_decided',
    'complied',
    'disciplinary_recommendation',
    'transferred_judicial',
    'enforcement_applied',
  ],
  not_filed: ['no_penalty'],
}

function stateIn(status: ViolationStatus): ViolationState {
  return { status, found_at: FOUND_AT, last_event_at: FOUND_AT }
}

function eventFor(status: ViolationStatus, type: ViolationEventType): ViolationEvent {
  const kind = type === 'close' ? (EXPECTED_CLOSING_KINDS[status]?.[0] ?? 'no_penalty') : undefined
  return kind === undefined ? { type, at: LATER } : { type, at: LATER, kind }
}

describe('the transition table', () => {
  for (const status of VIOLATION_STATUSES) {
    for (const type of VIOLATION_EVENT_TYPES) {
      const next = EXPECTED[status][type]
      if (next !== undefined) {
        it(`${status} --${type}--> ${next}`, () => {
          const result = applyEvent(stateIn(status), eventFor(status, type))
          expect(result).toEqual({
            ok: true,
            state: expect.objectContaining({ status: next, found_at: FOUND_AT, last_event_at: LATER }),
          })
        })
      } else {
        it(`${status} rejects ${type} and lists what it allows`, () => {
          expect(applyEvent(stateIn(status), eventFor(status, type))).toEqual({
            ok: false,
            reason: WORKFLOW_REASON_EVENT_NOT_ALLOWED,
            allowed: EXPECTED_ALLOWED[status],
            allowed_closing_kinds: EXPECTED_CLOSING_KINDS[status] ?? [],
          })
        })
      }
    }
  }

  it('has exactly closed, escalated and transferred as terminal states', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['closed', 'escalated', 'transferred'])
  })
})

describe('closing kinds', () => {
  it('a filed case closes with each of the 第二十四条(六) kinds and records it', () => {
    for (const kind of EXPECTED_CLOSING_KINDS.filed ?? []) {
      const result = applyEvent(stateIn('filed'), { type: 'close', at: LATER, kind })
      expect(result.ok && result.state.closing_kind).toBe(kind)
    }
  })

  it('a filed case cannot be closed as no_penalty', () => {
    expect(applyEvent(stateIn('filed'), { type: 'close', at: LATER, kind: 'no_penalty' })).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED,
      allowed: ['close'],
    })
  })

  it('a stopped case cannot be closed by a penalty decision (it was never filed)', () => {
    expect(
      applyEvent(stateIn('stopped'), { type: 'close', at: LATER, kind: 'penalty_decided' }),
    ).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED,
      allowed_closing_kinds: ['no_penalty'],
    })
  })

  it('close needs a kind, and other events must not carry one', () => {
    expect(applyEvent(stateIn('filed'), { type: 'close', at: LATER })).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_CLOSING_KIND_REQUIRED,
    })
    expect(applyEvent(stateIn('found'), { type: 'stop', at: LATER, kind: 'no_penalty' })).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED,
    })
  })
})

describe('event times', () => {
  it('rejects an event before the violation was found', () => {
    expect(
      applyEvent(startViolation(FOUND_AT), { type: 'stop', at: '2026-03-02T08:59:59+08:00' }),
    ).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_BEFORE_FOUND,
      allowed: EXPECTED_ALLOWED.found,
    })
  })

  it('rejects an event before the previous one, compared as instants across zones', () => {
    const stopped: ViolationState = {
      status: 'stopped',
      found_at: FOUND_AT,
      last_event_at: '2026-03-02T12:00:00+08:00',
    }
    // 03:59Z is 11:59 Beijing: one minute before the stop.
    expect(applyEvent(stopped, { type: 'report', at: '2026-03-02T03:59:00Z' })).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_BEFORE_PREVIOUS,
    })
    // 04:00Z is 12:00 Beijing: same instant as the stop, allowed.
    expect(applyEvent(stopped, { type: 'report', at: '2026-03-02T04:00:00Z' }).ok).toBe(true)
  })

  it('rejects an unreadable time', () => {
    expect(applyEvent(startViolation(FOUND_AT), { type: 'stop', at: 'yesterday' })).toMatchObject({
      ok: false,
      reason: WORKFLOW_REASON_INVALID_TIME,
    })
  })
})

describe('replayEvents', () => {
  it('walks a full prosecution and keeps the path', () => {
    const result = replayEvents(FOUND_AT, [
      { type: 'stop', at: '2026-03-02T09:30:00+08:00' },
      { type: 'report', at: '2026-03-03T16:00:00+08:00' },
      { type: 'file', at: '2026-03-06T10:00:00+08:00' },
      { type: 'close', at: '2026-04-20T10:00:00+08:00', kind: 'penalty_decided' },
    ])
    expect(result.rejected).toBeUndefined()
    expect(result.history.map((s) => s.status)).toEqual(['found', 'stopped', 'reported', 'filed', 'closed'])
    expect(result.state.closing_kind).toBe('penalty_decided')
  })

  it('stops at the first bad event and says which', () => {
    const result = replayEvents(FOUND_AT, [
      { type: 'stop', at: '2026-03-02T09:30:00+08:00' },
      { type: 'file', at: '2026-03-03T10:00:00+08:00' },
      { type: 'report', at: '2026-03-04T10:00:00+08:00' },
    ])
    expect(result.state.status).toBe('stopped')
    expect(result.rejected).toMatchObject({
      index: 1,
      reason: WORKFLOW_REASON_EVENT_NOT_ALLOWED,
      allowed: EXPECTED_ALLOWED.stopped,
    })
  })
})
