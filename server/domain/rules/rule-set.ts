/**
 * The rule set: every number the enforcement rules leave to the jurisdiction, as data.
 *
 * Local rules differ (one county patrols key areas twice a week, another vetoes at 9 % instead of
 * 15 %), so frequencies, thresholds, deadlines, the assessment rubric and the veto ratio are a rule
 * set per jurisdiction with an effective date. A province sets the defaults; a county may only
 * tighten them (design.md, "Rules are configuration, not code"). Figures for a past period are
 * computed under the rules in force then (`ruleSetInForce`).
 *
 * Shares and rates are fractions (1 = 100 %), areas are mu, times are seconds, distances metres.
 * Field names are snake_case because rule sets are stored and served as JSON.
 */
import { DEFAULT_TIME_ZONE, toCalendarDate, isCalendarDate, type CalendarDate } from './calendar-date.js'

/** The eight items of the yearly assessment (第二十四条(一)…(八)). */
export const ASSESSMENT_ITEM_KEYS = ['一', '二', '三', '四', '五', '六', '七', '八'] as const
export type AssessmentItemKey = (typeof ASSESSMENT_ITEM_KEYS)[number]

export type FrequencyPeriod = 'iso_week' | 'month'

export interface PatrolFrequency {
  /** Counted visits a zone needs in each period. */
  visits: number
  period: FrequencyPeriod
}

export interface PatrolRules {
  frequency: { tier1: PatrolFrequency; tier2: PatrolFrequency; tier3: PatrolFrequency }
  /** Supervision patrols by the enforcement team of each station, per ISO week (篇一 二(四)). */
  supervision_per_week: number
  /** Patrols with fewer staff are recorded but do not count (篇一 二(四)2). */
  min_staff: number
}

export interface VisitRules {
  /** The track is buffered by this much on each side to give the sight swath. */
  sight_radius_m: number
  /** A visit needs the swath to cover at least this share of the zone … */
  min_swath_share: number
  /** … or the track to stay inside at least this long. */
  min_dwell_s: number
}

export interface TrackRules {
  /** Fixes implying a faster movement are outliers (a patrol car on a main road stays below it). */
  max_speed_kmh: number
  /** A longer silence between fixes splits the track: no straight line is drawn across the gap. */
  gap_split_s: number
}

export interface DeadlineRules {
  /** 《动态巡查违法行为报告表》 within this many working days of discovery (第十八条). */
  report_working_days: number
  /** Major events reported to the government and the next level up (第二十一条). */
  major_event_working_days: number
  /** Tips from information officers and the public checked within this many working days. */
  tip_check_working_days: number
  /** Calendar days from filing 立案 to closure 结案 for "closed within the legal time limit". */
  closure_limit_days: number
}

/** Points deducted per unit; "per point" means per percentage point below the standard. */
export interface AssessmentDeductions {
  /** 一: per missing element of the responsibility system. */
  missing_responsibility_element: number
  /** 三: per percentage point of key-area coverage below its standard. */
  key_area_coverage_per_point: number
  /** 四: per incomplete or untrue ledger entry. */
  ledger_incomplete_entry: number
  /** 五: per percentage point of stop rate below its standard. */
  stop_rate_per_point: number
  /** 五: per case without a report form on time. */
  case_without_report_form: number
  /** 六: per percentage point of filing rate below its standard. */
  filing_rate_per_point: number
  /** 六: per percentage point of closure-within-limit rate below its standard. */
  closure_rate_per_point: number
  /** 八: per report or filing due and not sent. */
  report_not_sent: number
}

export interface AssessmentStandards {
  key_area_coverage: number
  stop_rate: number
  filing_rate: number
  closure_rate: number
}

export interface AssessmentRubric {
  item_max: Record<AssessmentItemKey, number>
  deductions: AssessmentDeductions
  standards: AssessmentStandards
  /** Bonus "在总分上加1-5分" for clear results; 0 means no bonus. */
  bonus: { min: number; max: number }
  /** 第二十五条: ≥ 90 excellent, 70 to < 90 qualified, < 70 unqualified. */
  grades: { excellent_min: number; qualified_min: number }
  /** 第二十六条: illegally occupied cultivated land ÷ cultivated land taken by new construction. */
  veto_ratio: number
}

export interface RuleSet {
  patrol: PatrolRules
  visit: VisitRules
  track: TrackRules
  deadlines: DeadlineRules
  assessment: AssessmentRubric
}

/** The numbers in domain.md. */
export const DEFAULT_RULE_SET: RuleSet = deepFreeze({
  patrol: {
    frequency: {
      // 篇一 二(四): 一级巡查区域每周不少于2次; 二、三级巡查区域每月不得少于5次.
      tier1: { visits: 2, period: 'iso_week' },
      tier2: { visits: 5, period: 'month' },
      tier3: { visits: 5, period: 'month' },
    },
    supervision_per_week: 1,
    min_staff: 2,
  },
  visit: { sight_radius_m: 50, min_swath_share: 0.05, min_dwell_s: 180 },
  track: { max_speed_kmh: 120, gap_split_s: 600 },
  deadlines: {
    report_working_days: 2,
    major_event_working_days: 2,
    // The seed is silent: 第十七条 says tips are "及时核查处理" (checked promptly) without a number.
    // Five working days (one working week) is our default: long enough to reach a remote village on
    // the next routine patrol, short enough that a tip cannot wait a month.
    tip_check_working_days: 5,
    // The seed only says "在法定期限内结案" (第二十四条(六)). The general limit for an administrative
    // penalty case is 90 days from filing (行政处罚法 2021 第六十条), and "laws, regulations and rules
    // may provide otherwise" — ministerial and provincial rules do, and local practice differs. The
    // project default is the stricter 60 days; a province whose rule allows more sets its own base set
    // (a county can only shorten it).
    closure_limit_days: 60,
  },
  assessment: {
    item_max: { 一: 10, 二: 10, 三: 10, 四: 10, 五: 25, 六: 15, 七: 10, 八: 10 },
    deductions: {
      missing_responsibility_element: 5,
      key_area_coverage_per_point: 3,
      // The text gives a range, "每项扣2-5分". The computed deduction uses the lower bound, 2, because
      // the system can see that an entry lacks a field but not how serious the gap is; the assessor
      // adds more as a manual deduction with a reason when it is worse.
      ledger_incomplete_entry: 2,
      stop_rate_per_point: 5,
      case_without_report_form: 5,
      filing_rate_per_point: 5,
      closure_rate_per_point: 3,
      report_not_sent: 3,
    },
    // 第二十四条 sets 100 % for stop and filing rates; coverage and closure "达标" leave the standard
    // to the assessing body: default 100 % (design.md).
    standards: { key_area_coverage: 1, stop_rate: 1, filing_rate: 1, closure_rate: 1 },
    bonus: { min: 1, max: 5 },
    grades: { excellent_min: 90, qualified_min: 70 },
    veto_ratio: 0.15,
  },
})

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

// ---------------------------------------------------------------------------------------------------
// What "tighter" means for each setting

/**
 * - `higher_is_tighter`: a larger value asks more of the county (more patrols, bigger deductions).
 * - `lower_is_tighter`: a smaller value asks more (shorter deadlines, lower veto ratio, narrower sight
 *   swath, stricter track cleaning).
 * - `fixed`: not the county's to change (the 100-point split, the unit of a frequency).
 */
export type TightenDirection = 'higher_is_tighter' | 'lower_is_tighter' | 'fixed'

export type SettingDomain =
  'positive_integer' | 'non_negative_number' | 'positive_number' | 'share' | 'period'

export interface SettingSpec {
  direction: TightenDirection
  domain: SettingDomain
}

const tighterUp = (domain: SettingDomain): SettingSpec => ({ direction: 'higher_is_tighter', domain })
const tighterDown = (domain: SettingDomain): SettingSpec => ({ direction: 'lower_is_tighter', domain })
const fixed = (domain: SettingDomain): SettingSpec => ({ direction: 'fixed', domain })

/** Every leaf of a rule set, by dotted path. A test checks this covers `DEFAULT_RULE_SET` exactly. */
export const RULE_SETTING_SPECS: Readonly<Record<string, SettingSpec>> = Object.freeze({
  'patrol.frequency.tier1.visits': tighterUp('positive_integer'),
  'patrol.frequency.tier1.period': fixed('period'),
  'patrol.frequency.tier2.visits': tighterUp('positive_integer'),
  'patrol.frequency.tier2.period': fixed('period'),
  'patrol.frequency.tier3.visits': tighterUp('positive_integer'),
  'patrol.frequency.tier3.period': fixed('period'),
  'patrol.supervision_per_week': tighterUp('positive_integer'),
  'patrol.min_staff': tighterUp('positive_integer'),
  // A narrower swath, a larger required share and a longer dwell all make a visit harder to earn.
  'visit.sight_radius_m': tighterDown('positive_number'),
  'visit.min_swath_share': tighterUp('share'),
  'visit.min_dwell_s': tighterUp('non_negative_number'),
  // Cleaning: a lower speed limit drops more fixes as outliers and a shorter gap splits more
  // often; both credit less track, so lower is the stricter side.
  'track.max_speed_kmh': tighterDown('positive_number'),
  'track.gap_split_s': tighterDown('positive_number'),
  'deadlines.report_working_days': tighterDown('positive_integer'),
  'deadlines.major_event_working_days': tighterDown('positive_integer'),
  'deadlines.tip_check_working_days': tighterDown('positive_integer'),
  'deadlines.closure_limit_days': tighterDown('positive_integer'),
  ...Object.fromEntries(
    ASSESSMENT_ITEM_KEYS.map((k) => [`assessment.item_max.${k}`, fixed('positive_number')]),
  ),
  'assessment.deductions.missing_responsibility_element': tighterUp('positive_number'),
  'assessment.deductions.key_area_coverage_per_point': tighterUp('positive_number'),
  'assessment.deductions.ledger_incomplete_entry': tighterUp('positive_number'),
  'assessment.deductions.stop_rate_per_point': tighterUp('positive_number'),
  'assessment.deductions.case_without_report_form': tighterUp('positive_number'),
  'assessment.deductions.filing_rate_per_point': tighterUp('positive_number'),
  'assessment.deductions.closure_rate_per_point': tighterUp('positive_number'),
  'assessment.deductions.report_not_sent': tighterUp('positive_number'),
  'assessment.standards.key_area_coverage': tighterUp('share'),
  'assessment.standards.stop_rate': tighterUp('share'),
  'assessment.standards.filing_rate': tighterUp('share'),
  'assessment.standards.closure_rate': tighterUp('share'),
  // A county may allow itself less bonus, never more: both ends of the range may only come down
  // (max 0 with min 0 means "no bonus here"). Raising min would force any bonus to be larger.
  'assessment.bonus.min': tighterDown('non_negative_number'),
  'assessment.bonus.max': tighterDown('non_negative_number'),
  'assessment.grades.excellent_min': tighterUp('positive_number'),
  'assessment.grades.qualified_min': tighterUp('positive_number'),
  'assessment.veto_ratio': tighterDown('share'),
})

// ---------------------------------------------------------------------------------------------------
// Merging a county's override into the base set

export const RULE_SET_REASON_LOOSENING = 'loosening_rejected'
export const RULE_SET_REASON_FIXED = 'setting_not_overridable'
export const RULE_SET_REASON_UNKNOWN = 'unknown_setting'
export const RULE_SET_REASON_INVALID = 'invalid_value'
export const RULE_SET_REASON_INCONSISTENT = 'inconsistent_settings'

export type RuleSetReason =
  | typeof RULE_SET_REASON_LOOSENING
  | typeof RULE_SET_REASON_FIXED
  | typeof RULE_SET_REASON_UNKNOWN
  | typeof RULE_SET_REASON_INVALID
  | typeof RULE_SET_REASON_INCONSISTENT

export interface RuleSetProblem {
  path: string
  reason: RuleSetReason
  message: string
  base?: unknown
  override?: unknown
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] }

/** A county's changes: any subset of the rule set's leaves. */
export type RuleSetOverride = DeepPartial<RuleSet>

export type MergeRuleSetsResult = { ok: true; rules: RuleSet } | { ok: false; problems: RuleSetProblem[] }

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function flattenLeaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value))
      flattenLeaves(child, prefix ? `${prefix}.${key}` : key, out)
  } else {
    out.set(prefix, value)
  }
  return out
}

function checkDomain(value: unknown, domain: SettingDomain): string | undefined {
  if (domain === 'period') {
    return value === 'iso_week' || value === 'month' ? undefined : "must be 'iso_week' or 'month'"
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number'
  switch (domain) {
    case 'positive_integer':
      return Number.isInteger(value) && value > 0 ? undefined : 'must be a whole number > 0'
    case 'positive_number':
      return value > 0 ? undefined : 'must be > 0'
    case 'non_negative_number':
      return value >= 0 ? undefined : 'must be ≥ 0'
    case 'share':
      return value > 0 && value <= 1 ? undefined : 'must be a fraction in (0, 1]'
  }
}

/** Problems in a complete rule set: values in range and settings consistent with each other. */
export function findRuleSetProblems(rules: RuleSet): RuleSetProblem[] {
  const problems: RuleSetProblem[] = []
  const leaves = flattenLeaves(rules)
  for (const [path, spec] of Object.entries(RULE_SETTING_SPECS)) {
    if (!leaves.has(path)) {
      problems.push({ path, reason: RULE_SET_REASON_INVALID, message: `${path} is missing` })
      continue
    }
    const domainProblem = checkDomain(leaves.get(path), spec.domain)
    if (domainProblem) {
      problems.push({ path, reason: RULE_SET_REASON_INVALID, message: `${path} ${domainProblem}` })
    }
  }
  for (const path of leaves.keys()) {
    if (!(path in RULE_SETTING_SPECS)) {
      problems.push({ path, reason: RULE_SET_REASON_UNKNOWN, message: `${path} is not a setting` })
    }
  }
  if (problems.length > 0) return problems

  const { bonus, grades, item_max } = rules.assessment
  if (bonus.min > bonus.max) {
    problems.push({
      path: 'assessment.bonus',
      reason: RULE_SET_REASON_INCONSISTENT,
      message: `bonus.min ${bonus.min} > bonus.max ${bonus.max}`,
    })
  }
  if (!(grades.qualified_min < grades.excellent_min)) {
    problems.push({
      path: 'assessment.grades',
      reason: RULE_SET_REASON_INCONSISTENT,
      message: `qualified_min ${grades.qualified_min} must be below excellent_min ${grades.excellent_min}`,
    })
  }
  const itemTotal = ASSESSMENT_ITEM_KEYS.reduce((sum, k) => sum + item_max[k], 0)
  if (grades.excellent_min > itemTotal) {
    problems.push({
      path: 'assessment.grades.excellent_min',
      reason: RULE_SET_REASON_INCONSISTENT,
      message: `excellent_min ${grades.excellent_min} is above the ${itemTotal} points the items can give`,
    })
  }
  return problems
}

function setLeaf(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    const child = node[key]
    if (!isPlainObject(child)) return
    node = child
  }
  const last = keys[keys.length - 1]
  if (last !== undefined) node[last] = value
}

function describeTightening(spec: SettingSpec): string {
  return spec.direction === 'higher_is_tighter' ? 'may only be raised' : 'may only be lowered'
}

/**
 * The base set with a county's override applied, or every problem with it. Only tightening is
 * accepted: higher frequencies and deductions, shorter deadlines, a lower veto ratio… An equal value
 * is accepted as no change. Unknown keys are errors, not silently dropped (a misspelt key would
 * otherwise leave the looser base value in force without anyone noticing).
 */
export function mergeRuleSets(
  base: RuleSet,
  override: RuleSetOverride | Record<string, unknown>,
): MergeRuleSetsResult {
  if (!isPlainObject(override)) {
    return {
      ok: false,
      problems: [
        { path: '', reason: RULE_SET_REASON_INVALID, message: 'an override must be an object', override },
      ],
    }
  }
  const problems: RuleSetProblem[] = []
  const baseLeaves = flattenLeaves(base)
  const overrideLeaves = flattenLeaves(override)

  for (const [path, value] of overrideLeaves) {
    const spec = RULE_SETTING_SPECS[path]
    if (!spec) {
      problems.push({
        path,
        reason: RULE_SET_REASON_UNKNOWN,
        message: `${path} is not a setting`,
        override: value,
      })
      continue
    }
    const baseValue = baseLeaves.get(path)
    const domainProblem = checkDomain(value, spec.domain)
    if (domainProblem) {
      problems.push({
        path,
        reason: RULE_SET_REASON_INVALID,
        message: `${path} ${domainProblem}`,
        base: baseValue,
        override: value,
      })
      continue
    }
    if (value === baseValue) continue
    if (spec.direction === 'fixed') {
      problems.push({
        path,
        reason: RULE_SET_REASON_FIXED,
        message: `${path} is set by the assessing level and cannot be changed (${String(baseValue)} → ${String(value)})`,
        base: baseValue,
        override: value,
      })
      continue
    }
    const loosens =
      typeof value === 'number' &&
      typeof baseValue === 'number' &&
      (spec.direction === 'higher_is_tighter' ? value < baseValue : value > baseValue)
    if (loosens) {
      problems.push({
        path,
        reason: RULE_SET_REASON_LOOSENING,
        message: `${path} ${describeTightening(spec)}: ${baseValue} → ${value} would loosen the rule`,
        base: baseValue,
        override: value,
      })
    }
  }
  if (problems.length > 0) return { ok: false, problems }

  const merged = structuredClone(base) as unknown as Record<string, unknown>
  for (const [path, value] of overrideLeaves) setLeaf(merged, path, value)
  const rules = merged as unknown as RuleSet
  const consistency = findRuleSetProblems(rules)
  return consistency.length > 0
    ? { ok: false, problems: consistency }
    : { ok: true, rules: deepFreeze(rules) }
}

// ---------------------------------------------------------------------------------------------------
// Which set applies on a day

export interface DatedRuleSet<R = RuleSet> {
  /** First calendar day (Asia/Shanghai) the rules apply, 'YYYY-MM-DD'. */
  effectiveFrom: CalendarDate
  rules: R
}

/**
 * The set in force on a day: the one with the latest `effectiveFrom` on or before it, or undefined
 * when none has started yet. `date` is a 'YYYY-MM-DD' day or an instant (its Beijing day). When two
 * sets share an `effectiveFrom`, the later one in the list wins: rule history is append-only, so a
 * later entry is a correction of the earlier one.
 *
 * Generic so that a county's dated overrides can be picked the same way and merged with
 * `mergeRuleSets` onto the province's set in force.
 */
export function ruleSetInForce<R = RuleSet>(
  sets: readonly DatedRuleSet<R>[],
  date: Date | string,
  timeZone: string = DEFAULT_TIME_ZONE,
): DatedRuleSet<R> | undefined {
  const day = toCalendarDate(date, timeZone)
  let best: DatedRuleSet<R> | undefined
  for (const set of sets) {
    if (!isCalendarDate(set.effectiveFrom))
      throw new RangeError(`effectiveFrom is not YYYY-MM-DD: ${set.effectiveFrom}`)
    if (set.effectiveFrom > day) continue
    if (!best || set.effectiveFrom >= best.effectiveFrom) best = set
  }
  return best
}
