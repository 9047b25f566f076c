/**
 * The life of a violation, from discovery to closure (篇一 二(二), 第十八条–第二十二条), as a
 * table of allowed transitions. Every transition a case takes is an event with a time; the state is
 * what the events say, never edited directly.
 *
 * found ─stop──────────▶ stopped ─self_correct─▶ self_corrected ─close(no_penalty)─▶ closed
 *   │                      │  └─close(no_penalty)──────────────────────────────────▶ closed
 *   ├─self_correct───────▶ self_corrected            │
 *   │                      │                        report
 *   ├─report─────────────▶ reported ◀─report─────────┘
 *   │                      ├─file───────────▶ filed ─close(penalty_decided | complied |
 *   │                      │                         disciplinary_recommendation |
 *   │                      │                         transferred_judicial | enforcement_applied)─▶ closed
 *   │                      ├─decline_filing─▶ not_filed ─close(no_penalty)─▶ closed
 *   ├─escalate / transfer  ├─escalate / transfer
 *   ▼                      ▼
 * escalated, transferred (terminal here: the case continues at the other level or department)
 */
import { toInstant } from '../rules/calendar-date.js'

export const VIOLATION_STATUSES = [
  'found',
  'stopped',
  'self_corrected',
  'reported',
  'filed',
  'not_filed',
  'closed',
  'escalated',
  'transferred',
] as const
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number]

export const VIOLATION_EVENT_TYPES = [
  'stop',
  'self_correct',
  'report',
  'file',
  'decline_filing',
  'close',
  'escalate',
  'transfer',
] as const
export type ViolationEventType = (typeof VIOLATION_EVENT_TYPES)[number]

/**
 * How a case is closed. The first five are the four closure contents of 第二十四条(六) (处分建议 and
 * 移送司法机关 are one item there, two kinds here because they go to different bodies); they close a
 * filed case. `no_penalty` closes a case that never needed a penalty decision (第十八条第二款).
 */
export const CLOSING_KINDS = [
  'penalty_decided',
  'complied',
  'disciplinary_recommendation',
  'transferred_judicial',
  'enforcement_applied',
  'no_penalty',
] as const
export type ClosingKind = (typeof CLOSING_KINDS)[number]

/** Closing kinds that count as "closed" for the closure rate of 第二十四条(六). */
export const FILED_CASE_CLOSING_KINDS: readonly ClosingKind[] = [
  'penalty_decided',
  'complied',
  'disciplinary_recommendation',
  'transferred_judicial',
  'enforcement_applied',
]

/**
 * The transition table. Each edge, and where it comes from:
 *
 * found
 * - stop → stopped: staff explain the law and order the work to stop (停工通知书; 第十八条第一款
 *   "责令当事人停止违法行为").
 * - self_correct → self_corrected: persuaded, the party stops and corrects on its own (第十八条第一款
 *   "促使当事人自觉中止、纠正"); no order was needed.
 * - report → reported: liability must be pursued; staff order the stop and file the report form in
 *   one step (第十八条第三款). Recording the stop first is better practice and is what the stop rate
 *   sees, but the report itself implies the order was given, so it is allowed.
 * - escalate → escalated: the case is for the level up (第二十二条第一款).
 * - transfer → transferred: not a matter for this department at all (第二十二条第二款).
 *
 * stopped
 * - self_correct → self_corrected: the party complies with the order and corrects within the time set
 *   ("限期自行改正").
 * - report → reported: the party refuses to stop or correct, or liability must be pursued anyway
 *   (第十八条第二款 "对拒不纠正的，按本条第三款处理"; 第十四条 "拒不停止或已形成违法事实").
 * - close(no_penalty) → closed: minor, stopped with no harm done; closed without penalty after review
 *   by the main responsible person and recorded in the ledger (第十八条第二款).
 * - escalate, transfer: as from found, once the facts are clearer.
 *
 * self_corrected
 * - close(no_penalty) → closed: the ordinary end (第十八条第二款).
 * - report → reported: correction does not wipe out liability when harm was done (the no-penalty route
 *   requires "没有造成危害后果"); the review can send it on.
 *
 * reported (the department with penalty power decides, 第十八条第四款)
 * - file → filed: meets the filing standard 立案标准.
 * - decline_filing → not_filed: does not meet it; the reporting unit is told.
 * - escalate, transfer: the receiving department finds it is not its case (第二十二条).
 *
 * filed
 * - close(penalty_decided | complied | disciplinary_recommendation | transferred_judicial |
 *   enforcement_applied) → closed (第二十四条(六)).
 *
 * not_filed
 * - close(no_penalty) → closed: once the reporter has been told, the patrol records the outcome in the
 *   ledger and the case leaves the open list. Not filed is a decision, not a closure, so it stays open
 *   until someone closes it; nothing else can follow (new facts make a new violation record).
 *
 * closed, escalated, transferred: terminal. Escalated and transferred cases continue in the other
 * level's or department's own records.
 */
export const VIOLATION_TRANSITIONS: Readonly<
  Record<ViolationStatus, Readonly<Partial<Record<ViolationEventType, ViolationStatus>>>>
> = Object.freeze({
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
})

/** Which closing kinds each state may close with. */
export const CLOSING_KINDS_BY_STATUS: Readonly<Partial<Record<ViolationStatus, readonly ClosingKind[]>>> =
  Object.freeze({
    stopped: ['no_penalty'],
    self_corrected: ['no_penalty'],
    filed: FILED_CASE_CLOSING_KINDS,
    not_filed: ['no_penalty'],
  })

export const TERMINAL_STATUSES: readonly ViolationStatus[] = VIOLATION_STATUSES.filter(
  (s) => Object.keys(VIOLATION_TRANSITIONS[s]).length === 0,
)

export const WORKFLOW_REASON_EVENT_NOT_ALLOWED = 'event_not_allowed_in_state'
export const WORKFLOW_REASON_CLOSING_KIND_REQUIRED = 'closing_kind_required'
export const WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED = 'closing_kind_not_allowed_in_state'
export const WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED = 'closing_kind_only_on_close'
export const WORKFLOW_REASON_INVALID_TIME = 'event_time_invalid'
export const WORKFLOW_REASON_BEFORE_FOUND = 'event_before_found_time'
export const WORKFLOW_REASON_BEFORE_PREVIOUS = 'event_before_previous_event'

export type WorkflowReason =
  | typeof WORKFLOW_REASON_EVENT_NOT_ALLOWED
  | typeof WORKFLOW_REASON_CLOSING_KIND_REQUIRED
  | typeof WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED
  | typeof WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED
  | typeof WORKFLOW_REASON_INVALID_TIME
  | typeof WORKFLOW_REASON_BEFORE_FOUND
  | typeof WORKFLOW_REASON_BEFORE_PREVIOUS

export interface ViolationEvent {
  type: ViolationEventType
  /** ISO 8601 instant with a zone (zone-less is read as Beijing wall clock). */
  at: string
  /** Required for `close`, forbidden otherwise. */
  kind?: ClosingKind
}

export interface ViolationState {
  status: ViolationStatus
  /** When the violation was found (ISO instant). */
  found_at: string
  /** Time of the last applied event; equals `found_at` before any event. */
  last_event_at: string
  closing_kind?: ClosingKind
}

export type ApplyEventResult =
  | { ok: true; state: ViolationState }
  | {
      ok: false
      reason: WorkflowReason
      /** Events the current state accepts. */
      allowed: ViolationEventType[]
      /** Closing kinds the current state accepts (empty when it cannot be closed). */
      allowed_closing_kinds: ClosingKind[]
    }

export function allowedEvents(status: ViolationStatus): ViolationEventType[] {
  const edges = VIOLATION_TRANSITIONS[status]
  return VIOLATION_EVENT_TYPES.filter((type) => edges[type] !== undefined)
}

export function allowedClosingKinds(status: ViolationStatus): ClosingKind[] {
  return [...(CLOSING_KINDS_BY_STATUS[status] ?? [])]
}

/** The state of a violation just found, before any event. */
export function startViolation(foundAt: string): ViolationState {
  return { status: 'found', found_at: foundAt, last_event_at: foundAt }
}

function instantMs(iso: string): number | undefined {
  try {
    return toInstant(iso).getTime()
  } catch {
    return undefined
  }
}

/**
 * The state after one event, or why not with what the state allows. Times may be equal to the
 * previous event's (the stop order and the report are often written up in the same minute) but never
 * earlier, and never before the violation was found.
 */
export function applyEvent(state: ViolationState, event: ViolationEvent): ApplyEventResult {
  const reject = (reason: WorkflowReason): ApplyEventResult => ({
    ok: false,
    reason,
    allowed: allowedEvents(state.status),
    allowed_closing_kinds: allowedClosingKinds(state.status),
  })

  const next = VIOLATION_TRANSITIONS[state.status][event.type]
  if (next === undefined) return reject(WORKFLOW_REASON_EVENT_NOT_ALLOWED)
  if (event.type === 'close') {
    if (event.kind === undefined) return reject(WORKFLOW_REASON_CLOSING_KIND_REQUIRED)
    if (!allowedClosingKinds(state.status).includes(event.kind))
      return reject(WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED)
  } else if (event.kind !== undefined) {
    return reject(WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED)
  }

  const at = instantMs(event.at)
  const found = instantMs(state.found_at)
  const previous = instantMs(state.last_event_at)
  if (at === undefined || found === undefined || previous === undefined)
    return reject(WORKFLOW_REASON_INVALID_TIME)
  if (at < found) return reject(WORKFLOW_REASON_BEFORE_FOUND)
  if (at < previous) return reject(WORKFLOW_REASON_BEFORE_PREVIOUS)

  const nextState: ViolationState = { status: next, found_at: state.found_at, last_event_at: event.at }
  if (event.kind !== undefined) nextState.closing_kind = event.kind
  return { ok: true, state: nextState }
}

export interface ReplayStep {
  status: ViolationStatus
  at: string
  event: ViolationEventType | null
}

export interface ReplayResult {
  state: ViolationState
  /** found, then one step per applied event. */
  history: ReplayStep[]
  /** The first event that did not apply; later events are not looked at. */
  rejected?: { index: number; event: ViolationEvent; reason: WorkflowReason; allowed: ViolationEventType[] }
}

/** Applies events in order from `found`, stopping at the first one that does not apply. */
export function replayEvents(foundAt: string, events: readonly ViolationEvent[]): ReplayResult {
  let state = startViolation(foundAt)
  const history: ReplayStep[] = [{ status: 'found', at: foundAt, event: null }]
  for (const [index, event] of events.entries()) {
    const result = applyEvent(state, event)
    if (!result.ok) {
      return { state, history, rejected: { index, event, reason: result.reason, allowed: result.allowed } }
    }
    state = result.state
    history.push({ status: state.status, at: event.at, event: event.type })
  }
  return { state, history }
}
