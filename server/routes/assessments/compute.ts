/**
 * The yearly assessment of a county (or a city, for a province's ranking) from the system's own
 * records: the figures are gathered once (coverage, violation rates, ledger, responsibility system,
 * reports register, the assessor's entries) and scored by the pure rubric of
 * server/domain/assessment/score.ts under the rules in force at the end of the assessed span. The
 * same figures give the projection to year end and the what-if, so the three always agree on what
 * was measured.
 */
import type { Queryable } from '../../db/port.js'
import { dropResolved, type Assumptions } from '../../domain/assessment/assume.js'
import {
  reportsOwed,
  reportState,
  type ReportState,
  type ScheduledReport,
} from '../../domain/assessment/report-schedule.js'
import {
  scoreAssessment,
  type AssessmentInputs,
  type AssessmentScore,
  type ManualDeduction,
} from '../../domain/assessment/score.js'
import type { VetoGround } from '../../domain/assessment/veto.js'
import { keyAreaCoverageRate } from '../../domain/coverage/compliance.js'
import type { DivisionLevel } from '../../domain/divisions/division-code.js'
import {
  addCalendarDays,
  calendarDaysBetween,
  endOfCalendarDay,
  startOfCalendarDay,
  toCalendarDate,
  type CalendarDate,
} from '../../domain/rules/calendar-date.js'
import type { AssessmentItemKey, RuleSet } from '../../domain/rules/rule-set.js'
import { computeViolationRates, type ViolationRates } from '../../domain/violations/rates.js'
import { resolveRulesInForce } from '../rule-sets/queries.js'
import { loadWorkingDayOverrides } from '../violations/common.js'
import { readViolationRecords } from '../violations/stats.js'
import {
  listIncompleteLedgerEntries,
  listKeyAreaBuckets,
  listManualEntries,
  listSubmissions,
  readCultivatedLandTaken,
  readResponsibilityFacts,
  type LedgerGapRow,
  type ManualRow,
  type ResponsibilityFacts,
  type SubmissionRow,
} from './queries.js'

export const API = '/api/v1'

export interface EvidenceRef {
  id: string
  kind: 'zone' | 'violation' | 'patrol' | 'report' | 'division' | 'entered'
  /** Where the record is read through the API (for a zone: its plan's zones, which list it). */
  href: string | null
}

/** Tier-1 zone-periods grouped by period and by visits (capped at the required number). */
export interface KeyAreaBucket {
  period_start: CalendarDate
  open: boolean
  visits: number
  required: number
  area_m2: number
  zones: number
  short_zone_ids: string[]
}

export interface ScheduledReportState extends ScheduledReport {
  state: ReportState
  sent_at: string | null
  recipient: string | null
  sent_by: string | null
}

export interface AssessmentFigures {
  division: string
  name: string
  level: DivisionLevel
  year: number
  from: CalendarDate
  to: CalendarDate
  today: CalendarDate
  as_of: Date
  live: boolean
  rules: RuleSet
  rules_day: CalendarDate
  key_area_coverage: number | null
  key_area_buckets: KeyAreaBucket[]
  rates: ViolationRates
  new_construction_mu: number
  ledger: LedgerGapRow[]
  responsibility: ResponsibilityFacts
  reports: ScheduledReportState[]
  manual: ManualRow | undefined
  manual_history: ManualRow[]
  zone_plans: Map<string, string>
}

const round4 = (v: number) => Math.round(v * 10000) / 10000

/** Read once per request: the span, the rules and every figure the rubric needs. */
export async function gatherFigures(
  db: Queryable,
  division: { code: string; name: string; level: string },
  year: number,
  now: Date,
): Promise<AssessmentFigures> {
  const today = toCalendarDate(now)
  const live = Number(today.slice(0, 4)) === year
  const from = `${year}-01-01`
  const to = live ? today : `${year}-12-31`
  const asOf = new Date(Math.min(now.getTime(), endOfCalendarDay(to).getTime()))
  const resolved = await resolveRulesInForce(db, division.code, to)
  const rules = resolved.rules

  const tier1 = rules.patrol.frequency.tier1
  const keyArea = await listKeyAreaBuckets(db, {
    division: division.code,
    from,
    to,
    today,
    kind: tier1.period,
    required: tier1.visits,
  })
  const buckets: KeyAreaBucket[] = keyArea.buckets.map((b) => ({ ...b, required: tier1.visits }))

  const records = await readViolationRecords(db, division.code, from, to)
  const overrides = await loadWorkingDayOverrides(db)
  const takenMu = await readCultivatedLandTaken(db, division.code, year)
  const rates = computeViolationRates(records, { from, to }, rules, {
    as_of: asOf,
    overrides,
    new_construction_cultivated_mu: takenMu,
  })

  const ledger = await listIncompleteLedgerEntries(db, {
    division: division.code,
    from: startOfCalendarDay(from),
    to: startOfCalendarDay(addCalendarDays(to, 1)),
    asOf,
    minStaff: rules.patrol.min_staff,
  })
  const responsibility = await readResponsibilityFacts(db, { division: division.code, day: to })

  const owed = reportsOwed(division.code, division.level as DivisionLevel, year)
  const sent = new Map(
    (await listSubmissions(db, { divisions: [division.code], year })).map((s) => [
      `${s.kind}/${s.period}`,
      s,
    ]),
  )
  const reports = owed.map((r) => presentScheduled(r, sent.get(`${r.kind}/${r.period}`), asOf))

  const history = await listManualEntries(db, division.code, year)
  // the plans of the zones a deduction names: the key-area query read them with the zones
  const zonePlans = new Map<string, string>()
  for (const id of keyAreaShortZones(buckets)) zonePlans.set(id, keyArea.zone_plans.get(id) as string)
  for (const z of responsibility.unassigned_zones) zonePlans.set(z.id, z.plan_id)

  return {
    division: division.code,
    name: division.name,
    level: division.level as DivisionLevel,
    year,
    from,
    to,
    today,
    as_of: asOf,
    live,
    rules,
    rules_day: resolved.day,
    key_area_coverage: keyAreaRate(buckets),
    key_area_buckets: buckets,
    rates,
    new_construction_mu: takenMu,
    ledger,
    responsibility,
    reports,
    manual: history[history.length - 1],
    manual_history: history,
    zone_plans: zonePlans,
  }
}

export function presentScheduled(
  r: ScheduledReport,
  sub: SubmissionRow | undefined,
  asOf: Date,
): ScheduledReportState {
  // a report recorded as sent after the as-of instant had not been sent yet then
  const sentAt = sub && sub.sent_at.getTime() <= asOf.getTime() ? sub.sent_at : null
  return {
    ...r,
    state: reportState(r.due_date, sentAt, asOf),
    sent_at: sentAt ? sentAt.toISOString() : null,
    recipient: sentAt ? (sub?.recipient ?? null) : null,
    sent_by: sentAt ? (sub?.sent_by ?? null) : null,
  }
}

// ---------------------------------------------------------------------------------------------------
// Figures → rubric inputs

function missingElements(r: ResponsibilityFacts): string[] {
  const missing: string[] = []
  if (r.zones_in_force === 0) missing.push('巡查区域未划定（无已备案的巡查区域）')
  if (r.unassigned_zones.length > 0)
    missing.push(`责任未落实到人（${r.unassigned_zones.length} 个巡查区域无责任单位或主要责任人）`)
  if (r.villages_without_officer.length > 0)
    missing.push(`信息网络不健全（${r.villages_without_officer.length} 个行政村无信息员）`)
  return missing
}

export function reportsNotSent(f: AssessmentFigures): ScheduledReportState[] {
  return f.reports.filter((r) => r.state === 'overdue' || r.state === 'sent_late')
}

function ledgerIds(f: AssessmentFigures): string[] {
  return f.ledger.map((l) => l.id)
}

/** The zones short of their visits in a closed period, given `extra` visits in each. */
function keyAreaShortZones(buckets: readonly KeyAreaBucket[], extra = 0): string[] {
  const out = new Set<string>()
  for (const b of buckets)
    if (!b.open && b.visits + extra < b.required) for (const id of b.short_zone_ids) out.add(id)
  return [...out].sort()
}

/**
 * The key-area coverage rate of GET /coverage (design.md; `keyAreaCoverageRate`): per closed period
 * the area-weighted share of tier-1 zones compliant, then the mean over the periods, to 4 decimals.
 */
function keyAreaRate(buckets: readonly KeyAreaBucket[], extra = 0): number | null {
  const rate = keyAreaCoverageRate(
    buckets.map((b) => ({
      period_start: b.period_start,
      area_m2: b.area_m2,
      compliant: b.visits + extra >= b.required,
      open: b.open,
    })),
  ).rate
  return rate === null ? null : round4(rate)
}

function manualInputs(
  f: AssessmentFigures,
): Pick<AssessmentInputs, 'manual_deductions' | 'bonus' | 'veto_grounds'> {
  const m = f.manual
  if (!m) return { manual_deductions: [], bonus: null, veto_grounds: [] }
  return {
    manual_deductions: m.entries.deductions.map((d): ManualDeduction => ({
      item: d.item as AssessmentItemKey,
      points: d.points,
      reason: d.reason,
      assessor: m.assessor,
      evidence_ids: d.evidence_ids ?? [],
    })),
    bonus: m.entries.bonus ? { ...m.entries.bonus, assessor: m.assessor } : null,
    veto_grounds: m.entries.veto_grounds.map((g): VetoGround => ({
      ground: g.ground as VetoGround['ground'],
      reason: g.reason,
      assessor: m.assessor,
      evidence_ids: g.evidence_ids ?? [],
    })),
  }
}

export function inputsOf(f: AssessmentFigures): AssessmentInputs {
  const r = f.rates
  return {
    key_area_coverage: { rate: f.key_area_coverage, evidence_ids: keyAreaShortZones(f.key_area_buckets) },
    stop_rate: { rate: r.stop_rate.rate, evidence_ids: r.stop_rate.ids_missing },
    filing_rate: { rate: r.filing_rate.rate, evidence_ids: r.filing_rate.ids_missing },
    closure_rate: { rate: r.closure_rate.rate, evidence_ids: r.closure_rate.ids_missing },
    cases_without_report_form: r.report_forms_on_time.ids_missing,
    reports_not_sent: reportsNotSent(f).map((x) => x.id),
    ledger_incomplete_entries: ledgerIds(f),
    missing_responsibility_elements: missingElements(f.responsibility),
    cultivated_land: {
      illegal_mu: r.illegal_cultivated_land.numerator,
      new_construction_mu: f.new_construction_mu,
      evidence_ids: r.illegal_cultivated_land.ids_numerator,
    },
    ...manualInputs(f),
  }
}

// ---------------------------------------------------------------------------------------------------
// Evidence: every id a deduction names, with the API address that reads the record

function evidenceIndex(f: AssessmentFigures): Map<string, EvidenceRef> {
  const refs = new Map<string, EvidenceRef>()
  const add = (ref: EvidenceRef) => refs.set(ref.id, ref)
  for (const [zone, plan] of f.zone_plans) add({ id: zone, kind: 'zone', href: `${API}/plans/${plan}/zones` })
  const r = f.rates
  for (const rate of [
    r.stop_rate,
    r.filing_rate,
    r.closure_rate,
    r.report_forms_on_time,
    r.illegal_cultivated_land,
  ])
    for (const id of [...rate.ids_missing, ...rate.ids_numerator])
      add({ id, kind: 'violation', href: `${API}/violations/${id}` })
  for (const l of f.ledger) add({ id: l.id, kind: 'patrol', href: `${API}/patrols/${l.id}` })
  for (const rep of f.reports) add({ id: rep.id, kind: 'report', href: `${API}/report-schedule/${rep.id}` })
  for (const v of f.responsibility.villages_without_officer)
    add({ id: v, kind: 'division', href: `${API}/divisions/${v}` })
  add({ id: f.division, kind: 'division', href: `${API}/divisions/${f.division}` })
  return refs
}

const resolveRef = (refs: Map<string, EvidenceRef>, id: string): EvidenceRef =>
  refs.get(id) ?? { id, kind: 'entered', href: null }

/** Item 一's evidence: the records behind the missing elements, not their names. */
function responsibilityEvidence(f: AssessmentFigures): string[] {
  const r = f.responsibility
  return [
    ...(r.zones_in_force === 0 ? [f.division] : []),
    ...r.unassigned_zones.map((z) => z.id),
    ...r.villages_without_officer,
  ]
}

function ledgerDetails(f: AssessmentFigures) {
  return f.ledger.map((l) => ({
    patrol_id: l.id,
    missing: [
      ...(l.staff_count < f.rules.patrol.min_staff
        ? [`staff ${l.staff_count} < ${f.rules.patrol.min_staff}`]
        : []),
      ...(l.no_time ? ['time'] : []),
      ...(l.no_route ? ['route'] : []),
      ...(l.unrecorded_violations > 0
        ? [`${l.unrecorded_violations} violation(s) without a recorded measure`]
        : []),
    ],
  }))
}

export function presentScore(f: AssessmentFigures, score: AssessmentScore) {
  const refs = evidenceIndex(f)
  return {
    ...score,
    items: score.items.map((item) => ({
      ...item,
      deductions: item.deductions.map((d) => {
        const ids = d.rule === 'responsibility_element_missing' ? responsibilityEvidence(f) : d.evidence_ids
        return { ...d, evidence_ids: ids, evidence: ids.map((id) => resolveRef(refs, id)) }
      }),
    })),
    veto: { ...score.veto, evidence: score.veto.evidence_ids.map((id) => resolveRef(refs, id)) },
  }
}

export function presentFigures(f: AssessmentFigures) {
  const r = f.rates
  const rate = (x: ViolationRates['stop_rate']) => ({
    numerator: x.numerator,
    denominator: x.denominator,
    rate: x.rate,
    ids_missing: x.ids_missing,
  })
  const closed = f.key_area_buckets.filter((b) => !b.open)
  return {
    key_area_coverage: {
      rate: f.key_area_coverage,
      standard: f.rules.assessment.standards.key_area_coverage,
      closed_zone_periods: closed.reduce((n, b) => n + b.zones, 0),
      short_zone_periods: closed.filter((b) => b.visits < b.required).reduce((n, b) => n + b.zones, 0),
      short_zones: keyAreaShortZones(f.key_area_buckets),
    },
    stop_rate: rate(r.stop_rate),
    report_forms_on_time: rate(r.report_forms_on_time),
    filing_rate: rate(r.filing_rate),
    closure_rate: rate(r.closure_rate),
    illegal_cultivated_land: {
      illegal_mu: r.illegal_cultivated_land.numerator,
      new_construction_mu: f.new_construction_mu,
      ids: r.illegal_cultivated_land.ids_numerator,
    },
    ledger: { incomplete_entries: ledgerDetails(f) },
    responsibility: {
      zones_in_force: f.responsibility.zones_in_force,
      unassigned_zones: f.responsibility.unassigned_zones.map((z) => z.id),
      villages: f.responsibility.villages,
      villages_without_officer: f.responsibility.villages_without_officer,
    },
    reports: f.reports,
  }
}

// ---------------------------------------------------------------------------------------------------
// Projection and what-if

/**
 * The year's end at the present pace: rates stay what they are; counted failures (incomplete ledger
 * entries, cases without a report form, reports not sent) grow in proportion to the time elapsed
 * (reports: to the reports owed in the whole year). Projected failures carry no record ids — they
 * have not happened.
 */
export function projectToYearEnd(f: AssessmentFigures): { inputs: AssessmentInputs; method: string } {
  const base = inputsOf(f)
  const yearDays = calendarDaysBetween(`${f.year}-01-01`, `${f.year + 1}-01-01`)
  const elapsed = calendarDaysBetween(`${f.year}-01-01`, f.to) + 1
  const scale = (ids: readonly string[], factor: number, tag: string): string[] => {
    const n = Math.round(ids.length * factor)
    return [
      ...ids,
      ...Array.from({ length: Math.max(0, n - ids.length) }, (_, i) => `projected-${tag}-${i + 1}`),
    ]
  }
  const factor = yearDays / elapsed
  const due = f.reports.filter((r) => r.state !== 'not_yet_due').length
  const reportFactor = due > 0 ? f.reports.length / due : 1
  return {
    method:
      `rates as measured on ${f.to}; incomplete ledger entries and cases without a report form × ${yearDays}/${elapsed} days; ` +
      `reports not sent × ${f.reports.length}/${due} reports owed/due so far`,
    inputs: {
      ...base,
      ledger_incomplete_entries: scale(base.ledger_incomplete_entries, factor, 'ledger'),
      cases_without_report_form: scale(base.cases_without_report_form, factor, 'report-form'),
      reports_not_sent: scale(base.reports_not_sent, reportFactor, 'report'),
    },
  }
}

/** The rubric inputs with the assumptions applied (what would the score be if …). */
export function applyAssumptions(f: AssessmentFigures, a: Assumptions, base = inputsOf(f)): AssessmentInputs {
  const out: AssessmentInputs = { ...base }
  if (a.gap_patrols_per_week !== undefined) {
    // a monthly tier-1 period gets four weeks' worth
    const perPeriod =
      f.rules.patrol.frequency.tier1.period === 'iso_week'
        ? a.gap_patrols_per_week
        : 4 * a.gap_patrols_per_week
    out.key_area_coverage = {
      rate: keyAreaRate(f.key_area_buckets, perPeriod),
      evidence_ids: keyAreaShortZones(f.key_area_buckets, perPeriod),
    }
  }
  const setRate = (key: 'stop_rate' | 'filing_rate' | 'closure_rate', value: number | undefined) => {
    if (value !== undefined) out[key] = { rate: value, evidence_ids: [] }
  }
  setRate('stop_rate', a.stop_rate)
  setRate('filing_rate', a.filing_rate)
  setRate('closure_rate', a.closure_rate)
  out.reports_not_sent = dropResolved(base.reports_not_sent, a.reports_sent)
  out.cases_without_report_form = dropResolved(base.cases_without_report_form, a.report_forms)
  out.ledger_incomplete_entries = dropResolved(base.ledger_incomplete_entries, a.ledger_fixed)
  return out
}

/** Item by item: what changes between two scores. */
export function compareScores(before: AssessmentScore, after: AssessmentScore) {
  return {
    total: after.total,
    grade: after.grade,
    grade_before_veto: after.grade_before_veto,
    changed_items: after.items
      .map((item, i) => ({
        item: item.item,
        title: item.title,
        score: before.items[i]?.score ?? 0,
        new_score: item.score,
      }))
      .filter((c) => c.score !== c.new_score),
  }
}

export function scoreFigures(f: AssessmentFigures): AssessmentScore {
  return scoreAssessment(inputsOf(f), f.rules)
}
