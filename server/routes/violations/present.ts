/**
 * Database rows → the records the API serves, with deadlines explained day by day.
 */
import { DEFAULT_RULE_SET, type RuleSet } from '../../domain/rules/rule-set.js'
import type { WorkingDayDeadline, WorkingDayOverrides } from '../../domain/rules/working-days.js'
import {
  computeClosureDeadline,
  computeMajorEventReportDue,
  computeReportDue,
  isOnTime,
} from '../../domain/violations/deadlines.js'
import {
  allowedEvents,
  type ViolationEventType,
  type ViolationStatus,
} from '../../domain/violations/workflow.js'
import { iso, isoRequired } from './common.js'
import { CATEGORY_LABELS, EVENT_LABELS, STATUS_LABELS } from './labels.js'
import type { EventRow, ViolationRow } from './queries.js'

/**
 * The default rules (domain.md). Stored deadlines are computed under the county's rules in force
 * (`rulesInForce`, passed by the writers); presentation and background recomputes still read these.
 */
export const RULES: RuleSet = DEFAULT_RULE_SET

export interface StoredDeadlines {
  report_due: string
  report_due_date: string
  major_report_due: string | null
}

/** The due instants stored on a violation for indexing (recomputed when the overrides change). */
export function computeStoredDeadlines(
  foundAt: string | Date,
  major: boolean,
  overrides: WorkingDayOverrides,
  rules: RuleSet = RULES,
): StoredDeadlines {
  const report = computeReportDue(foundAt, rules, overrides)
  return {
    report_due: report.due_at.toISOString(),
    report_due_date: report.due_date,
    major_report_due: major
      ? computeMajorEventReportDue(foundAt, rules, overrides).due_at.toISOString()
      : null,
  }
}

export function overdueItemsOf(row: ViolationRow): string[] {
  const items: string[] = []
  if (row.report_overdue) items.push('report')
  if (row.major_report_overdue) items.push('major_report')
  if (row.closure_overdue) items.push('closure')
  return items
}

export function presentViolation(row: ViolationRow) {
  const overdueItems = overdueItemsOf(row)
  return {
    id: row.id,
    division_code: row.division_code,
    township_code: row.township_code,
    category: row.category,
    category_label: CATEGORY_LABELS[row.category] ?? String(row.category),
    source: row.source,
    found_at: isoRequired(row.found_at),
    location: row.location,
    extent: row.extent,
    place: row.place,
    area_mu: row.area_mu,
    cultivated_mu: row.cultivated_mu,
    basic_farmland_mu: row.basic_farmland_mu,
    area_source: row.area_source,
    farmland_source: row.farmland_source,
    party: row.party,
    description: row.description,
    patrol_id: row.patrol_id,
    tip_id: row.tip_id,
    unit_id: row.unit_id,
    major: row.major,
    needs_stopping: row.needs_stopping,
    report_required: row.report_required,
    status: row.status,
    status_label: STATUS_LABELS[row.status as ViolationStatus] ?? row.status,
    allowed_events: allowedEvents(row.status as ViolationStatus),
    last_event_at: isoRequired(row.last_event_at),
    report_due: isoRequired(row.report_due),
    report_due_date: row.report_due_date,
    major_report_due: iso(row.major_report_due),
    reported_at: iso(row.reported_at),
    filed_at: iso(row.filed_at),
    closure_due: iso(row.closure_due),
    closed_at: iso(row.closed_at),
    closing_kind: row.closing_kind,
    overdue: overdueItems.length > 0,
    overdue_items: overdueItems,
    created_at: isoRequired(row.created_at),
  }
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    seq: e.seq,
    type: e.type,
    type_label: EVENT_LABELS[e.type as ViolationEventType] ?? e.type,
    at: isoRequired(e.at),
    from_status: e.from_status,
    to_status: e.to_status,
    closing_kind: e.closing_kind,
    note: e.note,
    actor_token_id: e.actor_token_id,
    actor_person_id: e.actor_person_id,
    actor_label: e.actor_label,
    recorded_at: isoRequired(e.recorded_at),
  }
}

function presentWorkingDayDeadline(
  d: WorkingDayDeadline,
  doneAt: string | null,
  overdue: boolean,
  rule: string,
) {
  return {
    start_date: d.start_date,
    due_date: d.due_date,
    due_at: d.due_at.toISOString(),
    counted: d.counted.map((c) => ({
      date: c.date,
      working: c.working,
      source: c.source,
      ...(c.name ? { name: c.name } : {}),
    })),
    calendar_complete: d.calendar_complete,
    warnings: d.warnings,
    done_at: doneAt,
    on_time: doneAt === null ? null : isOnTime(doneAt, d.due_at),
    overdue,
    rule,
  }
}

/** The deadlines of one case, each with the days it counted and where each day's status came from. */
export function presentDeadlines(row: ViolationRow, overrides: WorkingDayOverrides) {
  const foundAt = isoRequired(row.found_at)
  const reportedAt = iso(row.reported_at)
  const report = computeReportDue(foundAt, RULES, overrides)
  const major = row.major ? computeMajorEventReportDue(foundAt, RULES, overrides) : null
  const filedAt = iso(row.filed_at)
  const closedAt = iso(row.closed_at)
  const closure = filedAt ? computeClosureDeadline(filedAt, RULES) : null
  return {
    report: presentWorkingDayDeadline(
      report,
      reportedAt,
      row.report_overdue,
      `《动态巡查违法行为报告表》 within ${RULES.deadlines.report_working_days} working days of discovery (第十八条); the day of discovery is not counted`,
    ),
    major_report: major
      ? presentWorkingDayDeadline(
          major,
          reportedAt,
          row.major_report_overdue,
          `major event reported to the same-level government and the level up within ${RULES.deadlines.major_event_working_days} working days (第二十一条)`,
        )
      : null,
    closure: closure
      ? {
          filed_date: closure.filed_date,
          due_date: closure.due_date,
          due_at: closure.due_at.toISOString(),
          done_at: closedAt,
          on_time: closedAt === null ? null : isOnTime(closedAt, closure.due_at),
          overdue: row.closure_overdue,
          rule: `closed within ${RULES.deadlines.closure_limit_days} calendar days of filing (第二十四条(六))`,
        }
      : null,
  }
}

/** Warnings a reader should see next to the record. */
export function warningsOf(row: ViolationRow, overrides: WorkingDayOverrides): string[] {
  const out: string[] = []
  const report = computeReportDue(isoRequired(row.found_at), RULES, overrides)
  for (const w of report.warnings) out.push(w.message)
  if (row.farmland_source === 'none' && row.extent !== null)
    out.push('no zone plan was in force on the day of discovery: cultivated and basic farmland areas unknown')
  return out
}
