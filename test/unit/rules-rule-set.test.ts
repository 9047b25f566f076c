import { describe, expect, it } from 'vitest'

import {
  DEFAULT_RULE_SET,
  findRuleSetProblems,
  mergeRuleSets,
  RULE_SET_REASON_FIXED,
  RULE_SET_REASON_INCONSISTENT,
  RULE_SET_REASON_INVALID,
  RULE_SET_REASON_LOOSENING,
  RULE_SET_REASON_UNKNOWN,
  RULE_SETTING_SPECS,
  ruleSetInForce,
  type DatedRuleSet,
} from '../../server/domain/rules/rule-set.js'

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k))
}

describe('DEFAULT_RULE_SET', () => {
  it('holds the numbers of domain.md', () => {
    const r = DEFAULT_RULE_SET
    expect(r.patrol.frequency.tier1).toEqual({ visits: 2, period: 'iso_week' })
    expect(r.patrol.frequency.tier2).toEqual({ visits: 5, period: 'month' })
    expect(r.patrol.frequency.tier3).toEqual({ visits: 5, period: 'month' })
    expect(r.patrol.min_staff).toBe(2)
    expect(r.visit).toEqual({ sight_radius_m: 50, min_swath_share: 0.05, min_dwell_s: 180 })
    expect(r.track).toEqual({ max_speed_kmh: 120, gap_split_s: 600 })
    expect(r.deadlines).toEqual({
      report_working_days: 2,
      major_event_working_days: 2,
      tip_check_working_days: 5,
      closure_limit_days: 60,
    })
    expect(r.assessment.item_max).toEqual({ 一: 10, 二: 10, 三: 10, 四: 10, 五: 25, 六: 15, 七: 10, 八: 10 })
    // 10 + 10 + 10 + 10 + 25 + 15 + 10 + 10 = 100
    expect(Object.values(r.assessment.item_max).reduce((a, b) => a + b, 0)).toBe(100)
    expect(r.assessment.grades).toEqual({ excellent_min: 90, qualified_min: 70 })
    expect(r.assessment.veto_ratio).toBe(0.15)
    expect(r.assessment.bonus).toEqual({ min: 1, max: 5 })
  })

  it('is frozen and valid, and every leaf has a tightening rule', () => {
    expect(Object.isFrozen(DEFAULT_RULE_SET.assessment.deductions)).toBe(true)
    expect(findRuleSetProblems(DEFAULT_RULE_SET)).toEqual([])
    expect(leafPaths(DEFAULT_RULE_SET).sort()).toEqual(Object.keys(RULE_SETTING_SPECS).sort())
  })
})

describe('mergeRuleSets: a county may only tighten', () => {
  it('accepts higher frequencies, a lower veto ratio and shorter deadlines', () => {
    const result = mergeRuleSets(DEFAULT_RULE_SET, {
      patrol: { frequency: { tier1: { visits: 3 } }, min_staff: 3 },
      deadlines: { report_working_days: 1, closure_limit_days: 45 },
      assessment: { veto_ratio: 0.09, deductions: { ledger_incomplete_entry: 3 } },
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.rules.patrol.frequency.tier1).toEqual({ visits: 3, period: 'iso_week' })
    expect(result.rules.patrol.frequency.tier2.visits).toBe(5)
    expect(result.rules.patrol.min_staff).toBe(3)
    expect(result.rules.deadlines.report_working_days).toBe(1)
    expect(result.rules.deadlines.closure_limit_days).toBe(45)
    expect(result.rules.assessment.veto_ratio).toBe(0.09)
    expect(result.rules.assessment.deductions.ledger_incomplete_entry).toBe(3)
    // The base is untouched.
    expect(DEFAULT_RULE_SET.patrol.frequency.tier1.visits).toBe(2)
  })

  it('accepts a value equal to the base as no change', () => {
    expect(mergeRuleSets(DEFAULT_RULE_SET, { assessment: { veto_ratio: 0.15 } }).ok).toBe(true)
  })

  it('rejects every loosening, each with its path and reason', () => {
    const result = mergeRuleSets(DEFAULT_RULE_SET, {
      patrol: { frequency: { tier1: { visits: 1 } }, min_staff: 1 },
      visit: { sight_radius_m: 100 },
      deadlines: { report_working_days: 3 },
      assessment: { veto_ratio: 0.2, deductions: { stop_rate_per_point: 4 }, bonus: { max: 8 } },
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => [p.path, p.reason, p.base, p.override])).toEqual([
      ['patrol.frequency.tier1.visits', RULE_SET_REASON_LOOSENING, 2, 1],
      ['patrol.min_staff', RULE_SET_REASON_LOOSENING, 2, 1],
      ['visit.sight_radius_m', RULE_SET_REASON_LOOSENING, 50, 100],
      ['deadlines.report_working_days', RULE_SET_REASON_LOOSENING, 2, 3],
      ['assessment.veto_ratio', RULE_SET_REASON_LOOSENING, 0.15, 0.2],
      ['assessment.deductions.stop_rate_per_point', RULE_SET_REASON_LOOSENING, 5, 4],
      ['assessment.bonus.max', RULE_SET_REASON_LOOSENING, 5, 8],
    ])
    expect(result.problems[0]?.message).toContain('may only be raised')
  })

  it('rejects changes to the fixed settings: the 100-point split and the period of a frequency', () => {
    const result = mergeRuleSets(DEFAULT_RULE_SET, {
      patrol: { frequency: { tier1: { period: 'month', visits: 8 } } },
      assessment: { item_max: { 五: 30 } },
    })
    expect(!result.ok && result.problems.map((p) => [p.path, p.reason])).toEqual([
      ['patrol.frequency.tier1.period', RULE_SET_REASON_FIXED],
      ['assessment.item_max.五', RULE_SET_REASON_FIXED],
    ])
  })

  it('rejects unknown settings instead of dropping them, and invalid values', () => {
    const result = mergeRuleSets(DEFAULT_RULE_SET, {
      patrol: { min_stafff: 3 },
      deadlines: { report_working_days: 1.5 },
      assessment: { veto_ratio: 0 },
    } as Record<string, unknown>)
    expect(!result.ok && result.problems.map((p) => [p.path, p.reason])).toEqual([
      ['patrol.min_stafff', RULE_SET_REASON_UNKNOWN],
      ['deadlines.report_working_days', RULE_SET_REASON_INVALID],
      ['assessment.veto_ratio', RULE_SET_REASON_INVALID],
    ])
  })

  it('rejects tightenings that contradict each other', () => {
    // qualified_min raised to 92 is stricter on its own but above excellent_min 90.
    const result = mergeRuleSets(DEFAULT_RULE_SET, { assessment: { grades: { qualified_min: 92 } } })
    expect(!result.ok && result.problems.map((p) => [p.path, p.reason])).toEqual([
      ['assessment.grades', RULE_SET_REASON_INCONSISTENT],
    ])
  })
})

describe('ruleSetInForce', () => {
  const province = { ...DEFAULT_RULE_SET }
  const summer = { ...DEFAULT_RULE_SET, assessment: { ...DEFAULT_RULE_SET.assessment, veto_ratio: 0.09 } }
  const sets: DatedRuleSet[] = [
    { effectiveFrom: '2025-01-01', rules: province },
    { effectiveFrom: '2026-07-01', rules: summer },
  ]

  it('picks the latest set that has started', () => {
    expect(ruleSetInForce(sets, '2024-12-31')).toBeUndefined()
    expect(ruleSetInForce(sets, '2025-01-01')?.rules).toBe(province)
    expect(ruleSetInForce(sets, '2026-06-30')?.rules).toBe(province)
    expect(ruleSetInForce(sets, '2026-07-01')?.rules).toBe(summer)
  })

  it('takes the Beijing day of an instant', () => {
    // 16:30Z on 30 Jun is 00:30 on 1 Jul in Beijing.
    expect(ruleSetInForce(sets, '2026-06-30T16:30:00Z')?.rules).toBe(summer)
    expect(ruleSetInForce(sets, new Date('2026-06-30T15:30:00Z'))?.rules).toBe(province)
  })

  it('lets a later entry with the same date correct an earlier one', () => {
    const corrected = [...sets, { effectiveFrom: '2026-07-01', rules: province }]
    expect(ruleSetInForce(corrected, '2026-08-01')?.rules).toBe(province)
  })
})
