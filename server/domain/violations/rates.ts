/**
 * The enforcement rates the assessment and the monthly reports are built on (第二十条, 第二十四条
 * (五)(六), 第二十六条), computed from violations and their event histories.
 *
 * Every rate is `{numerator, denominator, rate, ids_numerator, ids_missing, excluded}`: the ids in
 * the numerator, the ids that count against the rate (in the denominator but not the numerator), and
 * the violations of the span left out of the denominator with the reason. `rate` is null when the
 * denominator is 0 (nothing to measure is not 100 %, and not 0 % either).
 *
 * Time: a span is a range of Beijing calendar days, both ends included. Histories are read as of
 * `as_of` (default: the end of the span's last day): events after it have not happened yet, so a
 * figure for a past month stays what it was when recomputed later, except for outcomes that were
 * still open then.
 */
import {
  DEFAULT_TIME_ZONE,
  endOfCalendarDay,
  isCalendarDate,
  toCalendarDate,
  toInstant,
  type CalendarDate,
} from '../rules/calendar-date.js'
import { fromScaledInteger, toScaledInteger } from '../rules/fixed-point.js'
import type { RuleSet } from '../rules/rule-set.js'
import {
  describeFallbackWarning,
  type CalendarWarning,
  type WorkingDayOverrides,
} from '../rules/working-days.js'
import { computeClosureDeadline, computeReportDue, isOnTime } from './deadlines.js'
import { replayEvents, type ViolationEvent, type ViolationStatus } from './workflow.js'

export interface ViolationRecord {
  id: string
  /** ISO instant the violation was found (or first verified). */
  found_at: string
  /** Workflow events in the order they happened. */
  events: readonly ViolationEvent[]
  /** Cultivated land in the violation's area, mu. */
  cultivated_mu?: number
  /**
   * False when there was nothing to stop (category 8 "其他情况" checked and found to be no ongoing
   * act). Default true.
   */
  needs_stopping?: boolean
  /**
   * True once staff have judged that liability must be pursued (第十八条第三款), so a report form is
   * owed even if no `report` event exists yet. Default false: then only reported cases are measured.
   */
  report_required?: boolean
}

export interface RateSpan {
  from: CalendarDate
  to: CalendarDate
}

export interface RateOptions {
  /** Read histories as of this instant; default the end of `span.to` (Beijing). */
  as_of?: Date | string
  overrides?: WorkingDayOverrides
  time_zone?: string
}

export const RATE_EXCLUDED_FOUND_AFTER_AS_OF = 'found_after_as_of'
export const RATE_EXCLUDED_NO_STOP_NEEDED = 'no_stop_needed'
export const RATE_EXCLUDED_TRANSFERRED_OUT = 'transferred_to_competent_department'
export const RATE_EXCLUDED_NO_REPORT_REQUIRED = 'no_report_required'
export const RATE_EXCLUDED_REPORT_NOT_YET_DUE = 'report_not_yet_due'
export const RATE_EXCLUDED_NOT_REPORTED = 'not_reported'
export const RATE_EXCLUDED_BELOW_FILING_STANDARD = 'below_filing_standard'
export const RATE_EXCLUDED_OUT_OF_JURISDICTION = 'escalated_or_transferred_after_report'
export const RATE_EXCLUDED_CLOSURE_NOT_YET_DUE = 'closure_limit_not_yet_reached'

export type RateExclusionReason =
  | typeof RATE_EXCLUDED_FOUND_AFTER_AS_OF
  | typeof RATE_EXCLUDED_NO_STOP_NEEDED
  | typeof RATE_EXCLUDED_TRANSFERRED_OUT
  | typeof RATE_EXCLUDED_NO_REPORT_REQUIRED
  | typeof RATE_EXCLUDED_REPORT_NOT_YET_DUE
  | typeof RATE_EXCLUDED_NOT_REPORTED
  | typeof RATE_EXCLUDED_BELOW_FILING_STANDARD
  | typeof RATE_EXCLUDED_OUT_OF_JURISDICTION
  | typeof RATE_EXCLUDED_CLOSURE_NOT_YET_DUE

export const RATE_PROBLEM_FOUND_AT_INVALID = 'found_at_invalid'
export const RATE_PROBLEM_HISTORY_INVALID = 'event_history_invalid'
export const RATE_PROBLEM_AREA_INVALID = 'cultivated_mu_invalid'

export type RateProblemReason =
  | typeof RATE_PROBLEM_FOUND_AT_INVALID
  | typeof RATE_PROBLEM_HISTORY_INVALID
  | typeof RATE_PROBLEM_AREA_INVALID

export interface RateProblem {
  id: string
  reason: RateProblemReason
  detail: string
}

export interface RateResult {
  numerator: number
  denominator: number
  rate: number | null
  ids_numerator: string[]
  ids_missing: string[]
  excluded: { id: string; reason: RateExclusionReason }[]
}

export interface ViolationRates {
  span: RateSpan
  as_of: string
  stop_rate: RateResult
  report_forms_on_time: RateResult
  filing_rate: RateResult
  closure_rate: RateResult
  illegal_cultivated_land: RateResult
  /** Records that could not be read fully; rates use what could (the valid prefix of a history). */
  problems: RateProblem[]
  /** Report deadlines that fell in a year without a State Council schedule. */
  calendar_warnings: CalendarWarning[]
}

// ---------------------------------------------------------------------------------------------------

interface PreparedViolation {
  record: ViolationRecord
  foundDate: CalendarDate
  foundMs: number
  /** First time each status was reached, as of `as_of`. */
  reached: Map<ViolationStatus, string>
  /** Statuses in order, as of `as_of`. */
  path: ViolationStatus[]
}

interface Context {
  span: RateSpan
  asOf: Date
  timeZone: string
  overrides: WorkingDayOverrides
}

interface Prepared {
  context: Context
  violations: PreparedViolation[]
  problems: RateProblem[]
}

function makeContext(span: RateSpan, options: RateOptions): Context {
  if (!isCalendarDate(span.from) || !isCalendarDate(span.to) || span.from > span.to) {
    throw new RangeError(`span must be two YYYY-MM-DD days with from ≤ to, got ${span.from}..${span.to}`)
  }
  const timeZone = options.time_zone ?? DEFAULT_TIME_ZONE
  const asOf =
    options.as_of === undefined ? endOfCalendarDay(span.to, timeZone) : toInstant(options.as_of, timeZone)
  return { span, asOf, timeZone, overrides: options.overrides ?? {} }
}

function instantMsOrUndefined(iso: string, timeZone: string): number | undefined {
  try {
    return toInstant(iso, timeZone).getTime()
  } catch {
    return undefined
  }
}

function prepare(violations: readonly ViolationRecord[], context: Context): Prepared {
  const problems: RateProblem[] = []
  const prepared: PreparedViolation[] = []
  const asOfMs = context.asOf.getTime()
  for (const record of violations) {
    const foundMs = instantMsOrUndefined(record.found_at, context.timeZone)
    if (foundMs === undefined) {
      problems.push({ id: record.id, reason: RATE_PROBLEM_FOUND_AT_INVALID, detail: record.found_at })
      continue
    }
    if (
      record.cultivated_mu !== undefined &&
      !(Number.isFinite(record.cultivated_mu) && record.cultivated_mu >= 0)
    ) {
      problems.push({
        id: record.id,
        reason: RATE_PROBLEM_AREA_INVALID,
        detail: String(record.cultivated_mu),
      })
    }
    // Events after as_of have not happened yet. An unreadable time is kept so the replay rejects it.
    const known = record.events.filter((e) => {
      const at = instantMsOrUndefined(e.at, context.timeZone)
      return at === undefined || at <= asOfMs
    })
    const replay = replayEvents(record.found_at, known)
    if (replay.rejected) {
      const { index, event, reason } = replay.rejected
      problems.push({
        id: record.id,
        reason: RATE_PROBLEM_HISTORY_INVALID,
        detail: `event ${index} (${event.type} at ${event.at}): ${reason}`,
      })
    }
    const reached = new Map<ViolationStatus, string>()
    for (const step of replay.history) if (!reached.has(step.status)) reached.set(step.status, step.at)
    prepared.push({
      record,
      foundDate: toCalendarDate(new Date(foundMs), context.timeZone),
      foundMs,
      reached,
      path: replay.history.map((s) => s.status),
    })
  }
  return { context, violations: prepared, problems }
}

function inSpan(day: CalendarDate, span: RateSpan): boolean {
  return day >= span.from && day <= span.to
}

class RateBuilder {
  private readonly result: RateResult = {
    numerator: 0,
    denominator: 0,
    rate: null,
    ids_numerator: [],
    ids_missing: [],
    excluded: [],
  }

  hit(id: string): void {
    this.result.ids_numerator.push(id)
  }

  miss(id: string): void {
    this.result.ids_missing.push(id)
  }

  exclude(id: string, reason: RateExclusionReason): void {
    this.result.excluded.push({ id, reason })
  }

  build(): RateResult {
    const numerator = this.result.ids_numerator.length
    const denominator = numerator + this.result.ids_missing.length
    return {
      ...this.result,
      numerator,
      denominator,
      rate: denominator === 0 ? null : numerator / denominator,
    }
  }
}

/** Violations found in the span and already found at `as_of`; the others of the span are excluded. */
function* foundInSpan(prepared: Prepared, builder: RateBuilder): Generator<PreparedViolation> {
  const { span, asOf } = prepared.context
  for (const v of prepared.violations) {
    if (!inSpan(v.foundDate, span)) continue
    if (v.foundMs > asOf.getTime()) {
      builder.exclude(v.record.id, RATE_EXCLUDED_FOUND_AFTER_AS_OF)
      continue
    }
    yield v
  }
}

// ---------------------------------------------------------------------------------------------------
// Stop rate 制止率 (第二十四条(五): "有法律效力的制止行为达100%")

/**
 * numerator: violations that reached stopped, self_corrected or reported (a report carries the stop
 * order, 第十八条第三款) — or anything after those — by `as_of`.
 * denominator: violations found in the span that needed stopping; excluded are those marked as
 * needing no stop and those transferred straight away to another department (not a land or mineral
 * matter: this department has no power to stop them, 第二十二条第二款).
 * A case escalated straight from found, with no stop recorded, counts as not stopped: escalation
 * hands over the investigation, while the patrol on the spot must still order the stop.
 */
function stopRateOf(prepared: Prepared): RateResult {
  const builder = new RateBuilder()
  for (const v of foundInSpan(prepared, builder)) {
    const id = v.record.id
    if (v.record.needs_stopping === false) builder.exclude(id, RATE_EXCLUDED_NO_STOP_NEEDED)
    else if (v.path[1] === 'transferred') builder.exclude(id, RATE_EXCLUDED_TRANSFERRED_OUT)
    else if (v.reached.has('stopped') || v.reached.has('self_corrected') || v.reached.has('reported'))
      builder.hit(id)
    else builder.miss(id)
  }
  return builder.build()
}

// ---------------------------------------------------------------------------------------------------
// Report forms on time (第十八条第三款; deducted in 第二十四条(五))

/**
 * numerator: violations whose `report` event is at or before the end of the n-th working day after
 * discovery.
 * denominator: violations found in the span that were reported by `as_of`, plus those marked
 * `report_required` whose deadline has passed by `as_of` without a report. A required report whose
 * deadline is still ahead is excluded (not yet due); a violation neither reported nor marked as
 * requiring one is excluded (handled by stopping or correction, 第十八条第二款).
 */
function reportFormsOnTimeOf(prepared: Prepared, rules: RuleSet, warnings: CalendarWarning[]): RateResult {
  const builder = new RateBuilder()
  const { overrides, timeZone, asOf } = prepared.context
  for (const v of foundInSpan(prepared, builder)) {
    const id = v.record.id
    const reportedAt = v.reached.get('reported')
    if (reportedAt === undefined && v.record.report_required !== true) {
      builder.exclude(id, RATE_EXCLUDED_NO_REPORT_REQUIRED)
      continue
    }
    const due = computeReportDue(v.record.found_at, rules, overrides, timeZone)
    warnings.push(...due.warnings)
    if (reportedAt !== undefined) {
      if (isOnTime(reportedAt, due.due_at, timeZone)) builder.hit(id)
      else builder.miss(id)
    } else if (due.due_at.getTime() <= asOf.getTime()) builder.miss(id)
    else builder.exclude(id, RATE_EXCLUDED_REPORT_NOT_YET_DUE)
  }
  return builder.build()
}

// ---------------------------------------------------------------------------------------------------
// Filing rate 立案率 (第二十四条(六): "对本辖区巡查发现各类应立案的国土资源违法案件，立案率达100%")

/**
 * "应立案" cases are those the patrol reported for prosecution (第十八条第三款) that the department
 * with penalty power did not find below the filing standard (第十八条第四款) and that stayed in this
 * jurisdiction (第二十二条).
 * numerator: violations found in the span that reached filed by `as_of`.
 * denominator: violations found in the span that reached reported by `as_of`, minus those declined
 * as below the filing standard (not_filed: not 应立案) and those escalated or transferred after the
 * report (another body's case). A report still awaiting a decision at `as_of` counts as not filed:
 * the text asks for filing "及时", and the missing id shows which decision is outstanding.
 */
function filingRateOf(prepared: Prepared): RateResult {
  const builder = new RateBuilder()
  for (const v of foundInSpan(prepared, builder)) {
    const id = v.record.id
    if (!v.reached.has('reported')) builder.exclude(id, RATE_EXCLUDED_NOT_REPORTED)
    else if (v.reached.has('not_filed')) builder.exclude(id, RATE_EXCLUDED_BELOW_FILING_STANDARD)
    else if (v.reached.has('escalated') || v.reached.has('transferred'))
      builder.exclude(id, RATE_EXCLUDED_OUT_OF_JURISDICTION)
    else if (v.reached.has('filed')) builder.hit(id)
    else builder.miss(id)
  }
  return builder.build()
}

// ---------------------------------------------------------------------------------------------------
// Closure within the legal time limit 法定期限内结案率 (第二十四条(六))

/**
 * Each filed case has an outcome day: the day it was closed, if within `closure_limit_days` of filing
 * (closed by penalty decision, compliance, disciplinary recommendation, transfer to judicial organs or
 * application for enforcement); otherwise the last day of the limit, when it became late. A case
 * counts in the span that contains its outcome day, so every filed case is counted exactly once
 * across consecutive spans, whether it was filed in the span or before it.
 * numerator: filed cases closed within the limit, closure day in the span.
 * denominator: numerator + filed cases whose limit ended in the span without closure (closed late or
 * still open). Cases whose limit ends in the span but after `as_of` are excluded (not yet due).
 */
function closureRateOf(prepared: Prepared, rules: RuleSet): RateResult {
  const builder = new RateBuilder()
  const { span, timeZone, asOf } = prepared.context
  for (const v of prepared.violations) {
    const filedAt = v.reached.get('filed')
    if (filedAt === undefined) continue
    const id = v.record.id
    const deadline = computeClosureDeadline(filedAt, rules, timeZone)
    const closedAt = v.reached.get('closed')
    const closedOnTime = closedAt !== undefined && isOnTime(closedAt, deadline.due_at, timeZone)
    const outcomeDay = closedOnTime ? toCalendarDate(closedAt, timeZone) : deadline.due_date
    if (!inSpan(outcomeDay, span)) continue
    if (closedOnTime) builder.hit(id)
    else if (deadline.due_at.getTime() <= asOf.getTime()) builder.miss(id)
    else builder.exclude(id, RATE_EXCLUDED_CLOSURE_NOT_YET_DUE)
  }
  return builder.build()
}

// ---------------------------------------------------------------------------------------------------
// Illegally occupied cultivated land 违法占用耕地 (第二十条; veto ratio 第二十六条)

/** Areas are summed in units of 0.0001 mu (≈ 0.07 m²) so that sums are exact. */
const MU_DECIMALS = 4

/**
 * numerator: cultivated land (mu) of the violations found in the span, as recorded on each violation,
 * whatever became of the case: land occupied and later restored was still occupied in the period.
 * denominator: cultivated land taken by new construction land in the span (from approvals, an input).
 * ids_numerator: the violations with cultivated land; ids_missing is always empty.
 */
function illegalCultivatedLandOf(prepared: Prepared, newConstructionCultivatedMu: number): RateResult {
  if (!(Number.isFinite(newConstructionCultivatedMu) && newConstructionCultivatedMu >= 0)) {
    throw new RangeError(
      `new construction cultivated land must be a number ≥ 0, got ${newConstructionCultivatedMu}`,
    )
  }
  const builder = new RateBuilder()
  let totalUnits = 0
  for (const v of foundInSpan(prepared, builder)) {
    const mu = v.record.cultivated_mu
    if (mu === undefined || !Number.isFinite(mu) || mu <= 0) continue
    totalUnits += toScaledInteger(mu, MU_DECIMALS)
    builder.hit(v.record.id)
  }
  const counted = builder.build()
  const denominatorUnits = toScaledInteger(newConstructionCultivatedMu, MU_DECIMALS)
  return {
    ...counted,
    numerator: fromScaledInteger(totalUnits, MU_DECIMALS),
    denominator: fromScaledInteger(denominatorUnits, MU_DECIMALS),
    rate: denominatorUnits === 0 ? null : totalUnits / denominatorUnits,
  }
}

// ---------------------------------------------------------------------------------------------------
// Public entry points

export function computeStopRate(
  violations: readonly ViolationRecord[],
  span: RateSpan,
  options: RateOptions = {},
): RateResult {
  return stopRateOf(prepare(violations, makeContext(span, options)))
}

export function computeReportFormsOnTime(
  violations: readonly ViolationRecord[],
  span: RateSpan,
  rules: RuleSet,
  options: RateOptions = {},
): RateResult {
  return reportFormsOnTimeOf(prepare(violations, makeContext(span, options)), rules, [])
}

export function computeFilingRate(
  violations: readonly ViolationRecord[],
  span: RateSpan,
  options: RateOptions = {},
): RateResult {
  return filingRateOf(prepare(violations, makeContext(span, options)))
}

export function computeClosureRate(
  violations: readonly ViolationRecord[],
  span: RateSpan,
  rules: RuleSet,
  options: RateOptions = {},
): RateResult {
  return closureRateOf(prepare(violations, makeContext(span, options)), rules)
}

export function computeIllegalCultivatedLand(
  violations: readonly ViolationRecord[],
  span: RateSpan,
  newConstructionCultivatedMu: number,
  options: RateOptions = {},
): RateResult {
  return illegalCultivatedLandOf(prepare(violations, makeContext(span, options)), newConstructionCultivatedMu)
}

/** All rates of a span at once, reading each history once. */
export function computeViolationRates(
  violations: readonly ViolationRecord[],
  span: RateSpan,
  rules: RuleSet,
  options: RateOptions & { new_construction_cultivated_mu: number },
): ViolationRates {
  const prepared = prepare(violations, makeContext(span, options))
  const warnings: CalendarWarning[] = []
  return {
    span,
    as_of: prepared.context.asOf.toISOString(),
    stop_rate: stopRateOf(prepared),
    report_forms_on_time: reportFormsOnTimeOf(prepared, rules, warnings),
    filing_rate: filingRateOf(prepared),
    closure_rate: closureRateOf(prepared, rules),
    illegal_cultivated_land: illegalCultivatedLandOf(prepared, options.new_construction_cultivated_mu),
    problems: prepared.problems,
    calendar_warnings: mergeWarnings(warnings),
  }
}

/** One warning per year, listing each guessed day once. */
function mergeWarnings(warnings: readonly CalendarWarning[]): CalendarWarning[] {
  const byYear = new Map<number, Set<CalendarDate>>()
  for (const w of warnings) {
    const dates = byYear.get(w.year) ?? new Set<CalendarDate>()
    for (const d of w.dates) dates.add(d)
    byYear.set(w.year, dates)
  }
  return [...byYear]
    .sort(([a], [b]) => a - b)
    .map(([year, dates]) => describeFallbackWarning(year, [...dates].sort()))
}
