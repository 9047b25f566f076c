/**
 * The yearly 100-point assessment of dynamic patrol work (第二十四条–第二十七条).
 *
 * Items 三 四 五 六 八 and the veto ratio are computed from the system's figures; items 一 二 七, any
 * further deduction and the bonus are entered by the assessor with a reason. Every deduction carries
 * the numbers it came from and the ids of the records behind it.
 *
 * Arithmetic is in tenths (of a point, of a percentage point) as integers: a rate is first rounded to
 * 0.1 percentage point, as it is published, and then "−3 per point below the standard" is
 * 3 × 3.6 = 10.8 exactly. Rates between the tenths are rounded half up (98.35 % → 98.4 %).
 *
 * Total = the eight item scores + the bonus. 第二十四条 says the bonus is added "在总分上", on top of
 * the 100, so an excellent unit can show up to 105; the grade is read from that total (第二十五条
 * grades "考核综合评分"). A veto overrides the grade.
 */
import {
  divideRounded,
  formatScaledInteger,
  fromScaledInteger,
  hasAtMostDecimals,
  toScaledInteger,
} from '../rules/fixed-point.js'
import { ASSESSMENT_ITEM_KEYS, type AssessmentItemKey, type RuleSet } from '../rules/rule-set.js'
import { evaluateVeto, VETO_GROUNDS, type VetoGround, type VetoResult } from './veto.js'

export const ASSESSMENT_ITEM_TITLES: Readonly<Record<AssessmentItemKey, string>> = Object.freeze({
  一: '动态巡查责任制',
  二: '人员、经费与装备保障',
  三: '巡查规划计划与重点区域覆盖率',
  四: '巡查台帐',
  五: '违法行为发现、制止与报告',
  六: '立案与法定期限内结案',
  七: '考核奖惩与监督检查',
  八: '资料报备与情况报告',
})

export const DEDUCTION_RULE_RESPONSIBILITY_ELEMENT = 'responsibility_element_missing'
export const DEDUCTION_RULE_KEY_AREA_COVERAGE = 'key_area_coverage_below_standard'
export const DEDUCTION_RULE_LEDGER_ENTRY = 'ledger_entry_incomplete'
export const DEDUCTION_RULE_STOP_RATE = 'stop_rate_below_standard'
export const DEDUCTION_RULE_REPORT_FORM = 'case_without_report_form'
export const DEDUCTION_RULE_FILING_RATE = 'filing_rate_below_standard'
export const DEDUCTION_RULE_CLOSURE_RATE = 'closure_rate_below_standard'
export const DEDUCTION_RULE_REPORT_NOT_SENT = 'report_not_sent'
export const DEDUCTION_RULE_MANUAL = 'manual'

export type DeductionRule =
  | typeof DEDUCTION_RULE_RESPONSIBILITY_ELEMENT
  | typeof DEDUCTION_RULE_KEY_AREA_COVERAGE
  | typeof DEDUCTION_RULE_LEDGER_ENTRY
  | typeof DEDUCTION_RULE_STOP_RATE
  | typeof DEDUCTION_RULE_REPORT_FORM
  | typeof DEDUCTION_RULE_FILING_RATE
  | typeof DEDUCTION_RULE_CLOSURE_RATE
  | typeof DEDUCTION_RULE_REPORT_NOT_SENT
  | typeof DEDUCTION_RULE_MANUAL

/** A computed rate (fraction, 1 = 100 %) and the records that fall short of it. */
export interface RateFigure {
  rate: number | null
  evidence_ids: readonly string[]
}

export interface ManualDeduction {
  item: AssessmentItemKey
  /** Points deducted, > 0, at most one decimal. */
  points: number
  reason: string
  assessor: string
  evidence_ids?: readonly string[]
}

export interface BonusEntry {
  points: number
  reason: string
  assessor: string
}

export interface AssessmentInputs {
  /** 三: area-weighted share of tier-1 zones compliant (evidence: the non-compliant zones). */
  key_area_coverage: RateFigure
  /** 五 (evidence: violations not stopped). */
  stop_rate: RateFigure
  /** 六 (evidence: reported cases not filed). */
  filing_rate: RateFigure
  /** 六 (evidence: filed cases not closed within the limit). */
  closure_rate: RateFigure
  /** 五: ids of cases without a report form on time. */
  cases_without_report_form: readonly string[]
  /** 八: ids of reports and filings due and not sent. */
  reports_not_sent: readonly string[]
  /** 四: ids of incomplete or untrue ledger entries. */
  ledger_incomplete_entries: readonly string[]
  /** 一: names of missing elements (zones divided, assigned to persons, information network, target management). */
  missing_responsibility_elements: readonly string[]
  cultivated_land: {
    illegal_mu: number
    new_construction_mu: number
    evidence_ids: readonly string[]
  }
  veto_grounds?: readonly VetoGround[]
  manual_deductions?: readonly ManualDeduction[]
  bonus?: BonusEntry | null
}

export interface ScoredDeduction {
  /** Points deducted (a positive number; the explanation writes it with a minus sign). */
  points: number
  rule: DeductionRule
  explanation: string
  evidence_ids: string[]
  /** Who entered it, for manual deductions. */
  assessor?: string
}

export interface ItemScore {
  item: AssessmentItemKey
  title: string
  max: number
  deductions: ScoredDeduction[]
  /** Points actually taken off: the sum of the deductions, capped at `max`. */
  deducted: number
  /** True when the deductions add up to more than the item's points (第二十四条: 扣分上限为分配分数值). */
  capped: boolean
  score: number
  /** Figures that gave no deduction, and why (a rate at the standard, nothing to measure). */
  notes: string[]
}

export type AssessmentGrade = 'excellent' | 'qualified' | 'unqualified'

export interface AssessmentScore {
  items: ItemScore[]
  items_total: number
  bonus: BonusEntry | null
  total: number
  grade: AssessmentGrade
  /** The grade the total alone would give. */
  grade_before_veto: AssessmentGrade
  veto: VetoResult
  /** 第二十七条: an unqualified unit loses this year's awards… */
  this_year_awards_ineligible: boolean
  /** …and a vetoed one next year's as well. */
  next_year_awards_ineligible: boolean
}

// ---------------------------------------------------------------------------------------------------
// Input checks

export const ASSESSMENT_INPUT_RATE_OUT_OF_RANGE = 'rate_not_between_0_and_1'
export const ASSESSMENT_INPUT_POINTS_INVALID = 'points_not_positive_with_one_decimal'
export const ASSESSMENT_INPUT_POINTS_ABOVE_ITEM = 'points_above_item_max'
export const ASSESSMENT_INPUT_ITEM_UNKNOWN = 'item_unknown'
export const ASSESSMENT_INPUT_REASON_MISSING = 'reason_missing'
export const ASSESSMENT_INPUT_ASSESSOR_MISSING = 'assessor_missing'
export const ASSESSMENT_INPUT_BONUS_OUT_OF_RANGE = 'bonus_outside_range'
export const ASSESSMENT_INPUT_AREA_INVALID = 'area_not_a_number_at_least_0'
export const ASSESSMENT_INPUT_VETO_GROUND_UNKNOWN = 'veto_ground_unknown'

export interface AssessmentInputProblem {
  path: string
  reason: string
}

function isBlank(text: unknown): boolean {
  return typeof text !== 'string' || text.trim() === ''
}

/** What is wrong with the inputs, for a 422 listing every problem; empty when they can be scored. */
export function findAssessmentInputProblems(
  inputs: AssessmentInputs,
  rules: RuleSet,
): AssessmentInputProblem[] {
  const problems: AssessmentInputProblem[] = []
  const rubric = rules.assessment
  for (const key of ['key_area_coverage', 'stop_rate', 'filing_rate', 'closure_rate'] as const) {
    const rate = inputs[key].rate
    if (rate !== null && !(Number.isFinite(rate) && rate >= 0 && rate <= 1)) {
      problems.push({ path: `${key}.rate`, reason: ASSESSMENT_INPUT_RATE_OUT_OF_RANGE })
    }
  }
  for (const key of ['illegal_mu', 'new_construction_mu'] as const) {
    const area = inputs.cultivated_land[key]
    if (!(Number.isFinite(area) && area >= 0)) {
      problems.push({ path: `cultivated_land.${key}`, reason: ASSESSMENT_INPUT_AREA_INVALID })
    }
  }
  for (const [i, d] of (inputs.manual_deductions ?? []).entries()) {
    const path = `manual_deductions[${i}]`
    if (!(ASSESSMENT_ITEM_KEYS as readonly string[]).includes(d.item)) {
      problems.push({ path: `${path}.item`, reason: ASSESSMENT_INPUT_ITEM_UNKNOWN })
    } else if (Number.isFinite(d.points) && d.points > rubric.item_max[d.item]) {
      problems.push({ path: `${path}.points`, reason: ASSESSMENT_INPUT_POINTS_ABOVE_ITEM })
    }
    if (!(Number.isFinite(d.points) && d.points > 0 && hasAtMostDecimals(d.points, 1))) {
      problems.push({ path: `${path}.points`, reason: ASSESSMENT_INPUT_POINTS_INVALID })
    }
    if (isBlank(d.reason)) problems.push({ path: `${path}.reason`, reason: ASSESSMENT_INPUT_REASON_MISSING })
    if (isBlank(d.assessor))
      problems.push({ path: `${path}.assessor`, reason: ASSESSMENT_INPUT_ASSESSOR_MISSING })
  }
  const bonus = inputs.bonus
  if (bonus) {
    const inRange =
      Number.isFinite(bonus.points) &&
      hasAtMostDecimals(bonus.points, 1) &&
      bonus.points >= rubric.bonus.min &&
      bonus.points <= rubric.bonus.max
    if (!inRange) problems.push({ path: 'bonus.points', reason: ASSESSMENT_INPUT_BONUS_OUT_OF_RANGE })
    if (isBlank(bonus.reason))
      problems.push({ path: 'bonus.reason', reason: ASSESSMENT_INPUT_REASON_MISSING })
    if (isBlank(bonus.assessor))
      problems.push({ path: 'bonus.assessor', reason: ASSESSMENT_INPUT_ASSESSOR_MISSING })
  }
  for (const [i, g] of (inputs.veto_grounds ?? []).entries()) {
    const path = `veto_grounds[${i}]`
    if (!(VETO_GROUNDS as readonly string[]).includes(g.ground)) {
      problems.push({ path: `${path}.ground`, reason: ASSESSMENT_INPUT_VETO_GROUND_UNKNOWN })
    }
    if (isBlank(g.reason)) problems.push({ path: `${path}.reason`, reason: ASSESSMENT_INPUT_REASON_MISSING })
    if (isBlank(g.assessor))
      problems.push({ path: `${path}.assessor`, reason: ASSESSMENT_INPUT_ASSESSOR_MISSING })
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------
// Deductions, in tenths of a point

interface TenthsDeduction {
  tenths: number
  rule: DeductionRule
  explanation: string
  evidence_ids: string[]
  assessor?: string
}

const POINT = 1 // decimals of points
const PERCENT_TENTHS = 3 // a fraction × 1000 = tenths of a percentage point

function fmtTenths(tenths: number): string {
  return formatScaledInteger(tenths, POINT)
}

/**
 * "−k per percentage point below the standard". The rate and the standard are taken to 0.1 point,
 * the shortfall is in tenths of a point, and k × shortfall is rounded to 0.1 point (only a k with a
 * decimal can produce hundredths).
 */
function rateDeduction(
  label: string,
  figure: RateFigure,
  standard: number,
  perPoint: number,
  rule: DeductionRule,
  maxTenths: number,
  notes: string[],
): TenthsDeduction | undefined {
  const standardTenths = toScaledInteger(standard, PERCENT_TENTHS)
  if (figure.rate === null) {
    notes.push(`${label}：无可计算的数据（分母为 0），不扣分`)
    return undefined
  }
  const actualTenths = toScaledInteger(figure.rate, PERCENT_TENTHS)
  const shortfallTenths = standardTenths - actualTenths
  if (shortfallTenths <= 0) {
    notes.push(`${label} ${fmtTenths(actualTenths)}% ≥ 标准 ${fmtTenths(standardTenths)}%，不扣分`)
    return undefined
  }
  const perPointTenths = toScaledInteger(perPoint, POINT)
  const tenths = divideRounded(perPointTenths * shortfallTenths, 10)
  const cap = tenths > maxTenths ? `，封顶 −${fmtTenths(maxTenths)}` : ''
  return {
    tenths,
    rule,
    explanation:
      `${label} ${fmtTenths(actualTenths)}% < 标准 ${fmtTenths(standardTenths)}%：` +
      `−${fmtTenths(perPointTenths)} × ${fmtTenths(shortfallTenths)} = −${fmtTenths(tenths)}${cap}`,
    evidence_ids: [...figure.evidence_ids],
  }
}

/** "−k per case/item": one deduction line for all of them, with the count and the ids. */
function countDeduction(
  label: string,
  ids: readonly string[],
  perItem: number,
  rule: DeductionRule,
  maxTenths: number,
  unit: '项' | '件' = '项',
  detail = '',
): TenthsDeduction | undefined {
  if (ids.length === 0) return undefined
  const perItemTenths = toScaledInteger(perItem, POINT)
  const tenths = perItemTenths * ids.length
  const cap = tenths > maxTenths ? `，封顶 −${fmtTenths(maxTenths)}` : ''
  return {
    tenths,
    rule,
    explanation: `${label} ${ids.length} ${unit}${detail}：−${fmtTenths(perItemTenths)} × ${ids.length} = −${fmtTenths(tenths)}${cap}`,
    evidence_ids: [...ids],
  }
}

function gradeOf(totalTenths: number, rules: RuleSet): AssessmentGrade {
  const { excellent_min, qualified_min } = rules.assessment.grades
  if (totalTenths >= toScaledInteger(excellent_min, POINT)) return 'excellent'
  if (totalTenths >= toScaledInteger(qualified_min, POINT)) return 'qualified'
  return 'unqualified'
}

/**
 * Scores a unit's year. Throws a RangeError listing the problems when the inputs are invalid (check
 * them first with `findAssessmentInputProblems` to answer a client with all of them).
 */
export function scoreAssessment(inputs: AssessmentInputs, rules: RuleSet): AssessmentScore {
  const problems = findAssessmentInputProblems(inputs, rules)
  if (problems.length > 0) {
    throw new RangeError(
      `invalid assessment inputs: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`,
    )
  }
  const rubric = rules.assessment
  const rate = rubric.deductions
  const maxTenths = (item: AssessmentItemKey): number => toScaledInteger(rubric.item_max[item], POINT)

  const computed: Record<AssessmentItemKey, (TenthsDeduction | undefined)[]> = {
    一: [],
    二: [],
    三: [],
    四: [],
    五: [],
    六: [],
    七: [],
    八: [],
  }
  const notes: Record<AssessmentItemKey, string[]> = {
    一: [],
    二: [],
    三: [],
    四: [],
    五: [],
    六: [],
    七: [],
    八: [],
  }

  const missing = inputs.missing_responsibility_elements
  computed.一.push(
    countDeduction(
      '责任制缺项',
      missing,
      rate.missing_responsibility_element,
      DEDUCTION_RULE_RESPONSIBILITY_ELEMENT,
      maxTenths('一'),
      '项',
      missing.length > 0 ? `（${missing.join('、')}）` : '',
    ),
  )
  computed.三.push(
    rateDeduction(
      '重点区域覆盖率',
      inputs.key_area_coverage,
      rubric.standards.key_area_coverage,
      rate.key_area_coverage_per_point,
      DEDUCTION_RULE_KEY_AREA_COVERAGE,
      maxTenths('三'),
      notes.三,
    ),
  )
  computed.四.push(
    countDeduction(
      '台帐登记内容不完整或不真实',
      inputs.ledger_incomplete_entries,
      rate.ledger_incomplete_entry,
      DEDUCTION_RULE_LEDGER_ENTRY,
      maxTenths('四'),
    ),
  )
  computed.五.push(
    rateDeduction(
      '制止率',
      inputs.stop_rate,
      rubric.standards.stop_rate,
      rate.stop_rate_per_point,
      DEDUCTION_RULE_STOP_RATE,
      maxTenths('五'),
      notes.五,
    ),
    countDeduction(
      '未按时填报报告表的案件',
      inputs.cases_without_report_form,
      rate.case_without_report_form,
      DEDUCTION_RULE_REPORT_FORM,
      maxTenths('五'),
      '件',
    ),
  )
  computed.六.push(
    rateDeduction(
      '立案率',
      inputs.filing_rate,
      rubric.standards.filing_rate,
      rate.filing_rate_per_point,
      DEDUCTION_RULE_FILING_RATE,
      maxTenths('六'),
      notes.六,
    ),
    rateDeduction(
      '法定期限内结案率',
      inputs.closure_rate,
      rubric.standards.closure_rate,
      rate.closure_rate_per_point,
      DEDUCTION_RULE_CLOSURE_RATE,
      maxTenths('六'),
      notes.六,
    ),
  )
  computed.八.push(
    countDeduction(
      '应报未报',
      inputs.reports_not_sent,
      rate.report_not_sent,
      DEDUCTION_RULE_REPORT_NOT_SENT,
      maxTenths('八'),
    ),
  )
  for (const manual of inputs.manual_deductions ?? []) {
    computed[manual.item].push({
      tenths: toScaledInteger(manual.points, POINT),
      rule: DEDUCTION_RULE_MANUAL,
      explanation: `${manual.reason}：−${fmtTenths(toScaledInteger(manual.points, POINT))}`,
      evidence_ids: [...(manual.evidence_ids ?? [])],
      assessor: manual.assessor,
    })
  }

  let itemsTotalTenths = 0
  const items: ItemScore[] = ASSESSMENT_ITEM_KEYS.map((item) => {
    const deductions = computed[item].filter((d): d is TenthsDeduction => d !== undefined)
    const max = maxTenths(item)
    const sum = deductions.reduce((s, d) => s + d.tenths, 0)
    const deducted = Math.min(sum, max)
    const itemNotes = notes[item]
    if (sum > max && deductions.length > 1) {
      itemNotes.push(`扣分合计 −${fmtTenths(sum)} 超过本项分值，按 −${fmtTenths(max)} 计`)
    }
    itemsTotalTenths += max - deducted
    return {
      item,
      title: ASSESSMENT_ITEM_TITLES[item],
      max: rubric.item_max[item],
      deductions: deductions.map((d) => ({
        points: fromScaledInteger(d.tenths, POINT),
        rule: d.rule,
        explanation: d.explanation,
        evidence_ids: d.evidence_ids,
        ...(d.assessor !== undefined ? { assessor: d.assessor } : {}),
      })),
      deducted: fromScaledInteger(deducted, POINT),
      capped: sum > max,
      score: fromScaledInteger(max - deducted, POINT),
      notes: itemNotes,
    }
  })

  const bonusTenths = inputs.bonus ? toScaledInteger(inputs.bonus.points, POINT) : 0
  const totalTenths = itemsTotalTenths + bonusTenths
  const veto = evaluateVeto(
    {
      illegal_cultivated_mu: inputs.cultivated_land.illegal_mu,
      new_construction_cultivated_mu: inputs.cultivated_land.new_construction_mu,
      evidence_ids: inputs.cultivated_land.evidence_ids,
      grounds: inputs.veto_grounds ?? [],
    },
    rules,
  )
  const gradeBeforeVeto = gradeOf(totalTenths, rules)
  const grade: AssessmentGrade = veto.triggered ? 'unqualified' : gradeBeforeVeto

  return {
    items,
    items_total: fromScaledInteger(itemsTotalTenths, POINT),
    bonus: inputs.bonus ? { ...inputs.bonus } : null,
    total: fromScaledInteger(totalTenths, POINT),
    grade,
    grade_before_veto: gradeBeforeVeto,
    veto,
    this_year_awards_ineligible: grade === 'unqualified',
    next_year_awards_ineligible: veto.triggered,
  }
}
