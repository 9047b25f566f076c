/**
 * The 100-point assessment. Expected totals are added up by hand in the comments; item maxima are
 * 一 10, 二 10, 三 10, 四 10, 五 25, 六 15, 七 10, 八 10.
 */
import { describe, expect, it } from 'vitest'

import {
  ASSESSMENT_INPUT_BONUS_OUT_OF_RANGE,
  ASSESSMENT_INPUT_POINTS_INVALID,
  ASSESSMENT_INPUT_RATE_OUT_OF_RANGE,
  ASSESSMENT_INPUT_REASON_MISSING,
  DEDUCTION_RULE_CLOSURE_RATE,
  DEDUCTION_RULE_KEY_AREA_COVERAGE,
  DEDUCTION_RULE_MANUAL,
  DEDUCTION_RULE_REPORT_NOT_SENT,
  DEDUCTION_RULE_STOP_RATE,
  findAssessmentInputProblems,
  scoreAssessment,
  type AssessmentInputs,
  type AssessmentScore,
  type ManualDeduction,
} from '../../server/domain/assessment/score.js'
import { DEFAULT_RULE_SET } from '../../server/domain/rules/rule-set.js'
import type { AssessmentItemKey } from '../../server/domain/rules/rule-set.js'

function perfectInputs(): AssessmentInputs {
  return {
    key_area_coverage: { rate: 1, evidence_ids: [] },
    stop_rate: { rate: 1, evidence_ids: [] },
    filing_rate: { rate: 1, evidence_ids: [] },
    closure_rate: { rate: 1, evidence_ids: [] },
    cases_without_report_form: [],
    reports_not_sent: [],
    ledger_incomplete_entries: [],
    missing_responsibility_elements: [],
    cultivated_land: { illegal_mu: 3, new_construction_mu: 100, evidence_ids: ['v-1'] },
    manual_deductions: [],
    bonus: null,
  }
}

function manual(item: AssessmentItemKey, points: number): ManualDeduction {
  return { item, points, reason: `扣 ${points} 分`, assessor: '市局 李' }
}

function item(score: AssessmentScore, key: AssessmentItemKey) {
  const found = score.items.find((i) => i.item === key)
  if (!found) throw new Error(`no item ${key}`)
  return found
}

describe('golden assessment', () => {
  const inputs: AssessmentInputs = {
    ...perfectInputs(),
    key_area_coverage: { rate: 0.964, evidence_ids: ['zone-07', 'zone-19'] },
    stop_rate: { rate: 0.98, evidence_ids: ['v-31'] },
    filing_rate: { rate: 1, evidence_ids: [] },
    closure_rate: { rate: 0.95, evidence_ids: ['v-08'] },
    reports_not_sent: ['2026-08 monthly report'],
    manual_deductions: [
      { item: '二', points: 2, reason: '执法装备未配齐', assessor: '市局 李' },
      { item: '七', points: 5, reason: '未开展年度考评', assessor: '市局 李' },
    ],
    bonus: { points: 2, reason: '全年未发生新增违法占用基本农田', assessor: '市局 李' },
  }
  const score = scoreAssessment(inputs, DEFAULT_RULE_SET)

  it('scores every item from its figures', () => {
    // 一 10 − 0 = 10
    // 二 10 − 2 (manual) = 8
    // 三 coverage 96.4 %: 3 × (100 − 96.4) = 3 × 3.6 = 10.8 > 10 → capped, 0
    // 四 10 − 0 = 10
    // 五 stop rate 98 %: 5 × 2 = 10 → 25 − 10 = 15
    // 六 filing 100 %: 0; closure 95 %: 3 × 5 = 15 → 15 − 15 = 0 (exactly the maximum, not over it)
    // 七 10 − 5 (manual) = 5
    // 八 one report not sent: 3 × 1 = 3 → 7
    expect(score.items.map((i) => [i.item, i.score])).toEqual([
      ['一', 10],
      ['二', 8],
      ['三', 0],
      ['四', 10],
      ['五', 15],
      ['六', 0],
      ['七', 5],
      ['八', 7],
    ])
  })

  it('adds the bonus on top: 10 + 8 + 0 + 10 + 15 + 0 + 5 + 7 = 55, + 2 = 57, unqualified', () => {
    expect(score.items_total).toBe(55)
    expect(score.total).toBe(57)
    expect(score.grade).toBe('unqualified')
    expect(score.veto.triggered).toBe(false)
    expect(score.this_year_awards_ineligible).toBe(true)
    expect(score.next_year_awards_ineligible).toBe(false)
  })

  it('explains each computed deduction with its numbers and evidence', () => {
    expect(item(score, '三')).toEqual({
      item: '三',
      title: '巡查规划计划与重点区域覆盖率',
      max: 10,
      deductions: [
        {
          points: 10.8,
          rule: DEDUCTION_RULE_KEY_AREA_COVERAGE,
          explanation: '重点区域覆盖率 96.4% < 标准 100%：−3 × 3.6 = −10.8，封顶 −10',
          evidence_ids: ['zone-07', 'zone-19'],
        },
      ],
      deducted: 10,
      capped: true,
      score: 0,
      notes: [],
    })
    expect(item(score, '五').deductions).toEqual([
      {
        points: 10,
        rule: DEDUCTION_RULE_STOP_RATE,
        explanation: '制止率 98% < 标准 100%：−5 × 2 = −10',
        evidence_ids: ['v-31'],
      },
    ])
    expect(item(score, '六')).toMatchObject({
      deductions: [
        {
          points: 15,
          rule: DEDUCTION_RULE_CLOSURE_RATE,
          explanation: '法定期限内结案率 95% < 标准 100%：−3 × 5 = −15',
          evidence_ids: ['v-08'],
        },
      ],
      deducted: 15,
      capped: false,
      notes: ['立案率 100% ≥ 标准 100%，不扣分'],
    })
    expect(item(score, '八').deductions).toEqual([
      {
        points: 3,
        rule: DEDUCTION_RULE_REPORT_NOT_SENT,
        explanation: '应报未报 1 项：−3 × 1 = −3',
        evidence_ids: ['2026-08 monthly report'],
      },
    ])
    expect(item(score, '七').deductions).toEqual([
      {
        points: 5,
        rule: DEDUCTION_RULE_MANUAL,
        explanation: '未开展年度考评：−5',
        evidence_ids: [],
        assessor: '市局 李',
      },
    ])
  })
})

describe('grade boundaries', () => {
  it('exactly 90 is excellent, 89.9 is qualified', () => {
    // 0.1 + 0.7 + 0.6 + 0.3 + 0.2 + 0.1 + 8 = 10 → 100 − 10 = 90
    const ninety = {
      ...perfectInputs(),
      manual_deductions: [
        manual('一', 0.1),
        manual('二', 0.7),
        manual('三', 0.6),
        manual('四', 0.3),
        manual('五', 0.2),
        manual('六', 0.1),
        manual('七', 8),
      ],
    }
    const s90 = scoreAssessment(ninety, DEFAULT_RULE_SET)
    expect([s90.total, s90.grade]).toEqual([90, 'excellent'])
    // one more 0.1 → 89.9
    const s899 = scoreAssessment(
      { ...ninety, manual_deductions: [...ninety.manual_deductions, manual('八', 0.1)] },
      DEFAULT_RULE_SET,
    )
    expect([s899.total, s899.grade]).toEqual([89.9, 'qualified'])
  })

  it('exactly 70 is qualified, 69.9 is unqualified', () => {
    // 100 − 10 − 10 − 10 = 70
    const seventy = {
      ...perfectInputs(),
      manual_deductions: [manual('一', 10), manual('二', 10), manual('七', 10)],
    }
    const s70 = scoreAssessment(seventy, DEFAULT_RULE_SET)
    expect([s70.total, s70.grade]).toEqual([70, 'qualified'])
    const s699 = scoreAssessment(
      { ...seventy, manual_deductions: [...seventy.manual_deductions, manual('四', 0.1)] },
      DEFAULT_RULE_SET,
    )
    expect([s699.total, s699.grade]).toEqual([69.9, 'unqualified'])
  })

  it('the bonus counts toward the grade: 88 + 2 = 90 is excellent; 100 + 5 = 105', () => {
    const s = scoreAssessment(
      {
        ...perfectInputs(),
        manual_deductions: [manual('一', 2), manual('二', 10)],
        bonus: { points: 2, reason: '成效明显', assessor: '市局 李' },
      },
      DEFAULT_RULE_SET,
    )
    // 100 − 2 − 10 = 88, + 2 = 90
    expect([s.items_total, s.total, s.grade]).toEqual([88, 90, 'excellent'])
    const top = scoreAssessment(
      { ...perfectInputs(), bonus: { points: 5, reason: '成效明显', assessor: '市局 李' } },
      DEFAULT_RULE_SET,
    )
    expect(top.total).toBe(105)
  })
})

describe('rate deductions', () => {
  it('item 三 at 90 % coverage: 3 × 10 = 30, capped at the item’s 10 points', () => {
    const s = scoreAssessment(
      { ...perfectInputs(), key_area_coverage: { rate: 0.9, evidence_ids: ['zone-1'] } },
      DEFAULT_RULE_SET,
    )
    expect(item(s, '三')).toMatchObject({ deducted: 10, capped: true, score: 0 })
    expect(item(s, '三').deductions[0]).toMatchObject({
      points: 30,
      explanation: '重点区域覆盖率 90% < 标准 100%：−3 × 10 = −30，封顶 −10',
    })
    // 100 − 10 = 90
    expect(s.total).toBe(90)
  })

  it('rounds a rate half up to 0.1 point before multiplying: 98.35 % → 98.4 %, 5 × 1.6 = 8', () => {
    const s = scoreAssessment(
      { ...perfectInputs(), stop_rate: { rate: 0.9835, evidence_ids: [] } },
      DEFAULT_RULE_SET,
    )
    expect(item(s, '五').deductions[0]?.explanation).toBe('制止率 98.4% < 标准 100%：−5 × 1.6 = −8')
    expect(item(s, '五').score).toBe(17)
  })

  it('caps the sum of several deductions at the item maximum', () => {
    // stop 97 %: 5 × 3 = 15; three cases without a report form: 5 × 3 = 15; 30 > 25 → 0
    const s = scoreAssessment(
      {
        ...perfectInputs(),
        stop_rate: { rate: 0.97, evidence_ids: [] },
        cases_without_report_form: ['v-1', 'v-2', 'v-3'],
      },
      DEFAULT_RULE_SET,
    )
    expect(item(s, '五')).toMatchObject({ deducted: 25, capped: true, score: 0 })
    expect(item(s, '五').deductions.map((d) => d.explanation)).toEqual([
      '制止率 97% < 标准 100%：−5 × 3 = −15',
      '未按时填报报告表的案件 3 件：−5 × 3 = −15',
    ])
    expect(item(s, '五').notes).toEqual(['扣分合计 −30 超过本项分值，按 −25 计'])
  })

  it('gives no deduction when there is nothing to measure, and says so', () => {
    const s = scoreAssessment(
      { ...perfectInputs(), filing_rate: { rate: null, evidence_ids: [] } },
      DEFAULT_RULE_SET,
    )
    expect(item(s, '六').notes).toContain('立案率：无可计算的数据（分母为 0），不扣分')
    expect(item(s, '六').score).toBe(15)
  })

  it('uses the standard of the rule set: closure 95 % meets a 90 % standard', () => {
    const rules = {
      ...DEFAULT_RULE_SET,
      assessment: {
        ...DEFAULT_RULE_SET.assessment,
        standards: { ...DEFAULT_RULE_SET.assessment.standards, closure_rate: 0.9 },
      },
    }
    const s = scoreAssessment({ ...perfectInputs(), closure_rate: { rate: 0.95, evidence_ids: [] } }, rules)
    expect(item(s, '六').score).toBe(15)
  })

  it('lists missing responsibility elements and incomplete ledger entries', () => {
    // 一: 2 × 5 = 10; 四: 3 × 2 = 6 → 100 − 10 − 6 = 84
    const s = scoreAssessment(
      {
        ...perfectInputs(),
        missing_responsibility_elements: ['信息网络', '纳入年度目标管理'],
        ledger_incomplete_entries: ['p-3', 'p-9', 'p-12'],
      },
      DEFAULT_RULE_SET,
    )
    expect(item(s, '一').deductions[0]?.explanation).toBe(
      '责任制缺项 2 项（信息网络、纳入年度目标管理）：−5 × 2 = −10',
    )
    expect(item(s, '四').deductions[0]?.explanation).toBe('台帐登记内容不完整或不真实 3 项：−2 × 3 = −6')
    expect(s.total).toBe(84)
  })
})

describe('input checks', () => {
  it('lists every problem and refuses to score', () => {
    const bad: AssessmentInputs = {
      ...perfectInputs(),
      stop_rate: { rate: 1.2, evidence_ids: [] },
      manual_deductions: [{ item: '二', points: 0, reason: ' ', assessor: '市局 李' }],
      bonus: { points: 6, reason: '成效明显', assessor: '市局 李' },
    }
    expect(findAssessmentInputProblems(bad, DEFAULT_RULE_SET)).toEqual([
      { path: 'stop_rate.rate', reason: ASSESSMENT_INPUT_RATE_OUT_OF_RANGE },
      { path: 'manual_deductions[0].points', reason: ASSESSMENT_INPUT_POINTS_INVALID },
      { path: 'manual_deductions[0].reason', reason: ASSESSMENT_INPUT_REASON_MISSING },
      { path: 'bonus.points', reason: ASSESSMENT_INPUT_BONUS_OUT_OF_RANGE },
    ])
    expect(() => scoreAssessment(bad, DEFAULT_RULE_SET)).toThrow(RangeError)
  })
})
