import { describe, expect, it } from 'vitest'

import { scoreAssessment, type AssessmentInputs } from '../../server/domain/assessment/score.js'
import { evaluateVeto } from '../../server/domain/assessment/veto.js'
import { DEFAULT_RULE_SET } from '../../server/domain/rules/rule-set.js'

const veto = (illegal: number, base: number) =>
  evaluateVeto(
    { illegal_cultivated_mu: illegal, new_construction_cultivated_mu: base, evidence_ids: ['v-1', 'v-2'] },
    DEFAULT_RULE_SET,
  )

describe('veto ratio (第二十六条: ≥ 15 %)', () => {
  it('15 mu of 100 mu is exactly 15 %: triggered', () => {
    const v = veto(15, 100)
    expect(v).toMatchObject({ triggered: true, ratio_triggered: true, ratio: 0.15, threshold: 0.15 })
    expect(v.reason).toBe('违法占用耕地 15 亩 ÷ 新增建设用地占用耕地 100 亩 = 15% ≥ 否决比例 15%')
    expect(v.evidence_ids).toEqual(['v-1', 'v-2'])
  })

  it('14.99 mu of 100 mu is 14.99 %: not triggered', () => {
    const v = veto(14.99, 100)
    expect(v).toMatchObject({ triggered: false, ratio: 0.1499 })
    expect(v.reason).toBe('违法占用耕地 14.99 亩 ÷ 新增建设用地占用耕地 100 亩 = 14.99% < 否决比例 15%')
    expect(v.evidence_ids).toEqual([])
  })

  it('1.005 of 6.7 mu is exactly 15 % (6.7 × 0.15 = 1.005) although 1.005 / 6.7 < 0.15 in floating point', () => {
    expect(1.005 / 6.7 < 0.15).toBe(true)
    expect(veto(1.005, 6.7).triggered).toBe(true)
  })

  it('illegal occupation with no lawful taking at all is an unbounded ratio: triggered; nothing at all is not', () => {
    expect(veto(2, 0)).toMatchObject({ triggered: true, ratio: null })
    expect(veto(0, 0)).toMatchObject({ triggered: false, ratio: null })
  })

  it('follows a stricter provincial ratio: 9 of 100 at 9 % is triggered', () => {
    const rules = { ...DEFAULT_RULE_SET, assessment: { ...DEFAULT_RULE_SET.assessment, veto_ratio: 0.09 } }
    const v = evaluateVeto(
      { illegal_cultivated_mu: 9, new_construction_cultivated_mu: 100, evidence_ids: [] },
      rules,
    )
    expect(v.triggered).toBe(true)
    expect(v.reason).toContain('= 9% ≥ 否决比例 9%')
  })

  it('is triggered by an assessor-entered ground', () => {
    const v = evaluateVeto(
      {
        illegal_cultivated_mu: 1,
        new_construction_cultivated_mu: 100,
        evidence_ids: [],
        grounds: [
          { ground: 'liability_pursued', reason: '巡查员张某因不制止被给予处分', assessor: '市局 李' },
        ],
      },
      DEFAULT_RULE_SET,
    )
    expect(v).toMatchObject({ triggered: true, ratio_triggered: false })
    expect(v.reason).toContain('有关人员被追究行政、刑事责任：巡查员张某因不制止被给予处分（市局 李）')
  })
})

describe('veto in the assessment', () => {
  const perfect: AssessmentInputs = {
    key_area_coverage: { rate: 1, evidence_ids: [] },
    stop_rate: { rate: 1, evidence_ids: [] },
    filing_rate: { rate: 1, evidence_ids: [] },
    closure_rate: { rate: 1, evidence_ids: [] },
    cases_without_report_form: [],
    reports_not_sent: [],
    ledger_incomplete_entries: [],
    missing_responsibility_elements: [],
    cultivated_land: { illegal_mu: 15, new_construction_mu: 100, evidence_ids: ['v-1'] },
  }

  it('at exactly 15 % a perfect 100 is unqualified and loses this and next year’s awards', () => {
    const s = scoreAssessment(perfect, DEFAULT_RULE_SET)
    expect(s).toMatchObject({
      total: 100,
      grade_before_veto: 'excellent',
      grade: 'unqualified',
      this_year_awards_ineligible: true,
      next_year_awards_ineligible: true,
    })
    expect(s.veto).toMatchObject({ triggered: true, ratio: 0.15, threshold: 0.15 })
  })

  it('at 14.99 % the same unit stays excellent', () => {
    const s = scoreAssessment(
      { ...perfect, cultivated_land: { illegal_mu: 14.99, new_construction_mu: 100, evidence_ids: ['v-1'] } },
      DEFAULT_RULE_SET,
    )
    expect(s).toMatchObject({
      grade: 'excellent',
      next_year_awards_ineligible: false,
      this_year_awards_ineligible: false,
    })
  })
})
