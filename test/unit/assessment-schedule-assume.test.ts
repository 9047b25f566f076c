import { describe, expect, it } from 'vitest'
import { dropResolved, parseAssumptions } from '../../server/domain/assessment/assume.js'
import {
  parseScheduledReportId,
  reportDueDate,
  reportsOwed,
  reportState,
} from '../../server/domain/assessment/report-schedule.js'
import { resolveRuleChain } from '../../server/domain/rules/rule-set-chain.js'
import { DEFAULT_RULE_SET } from '../../server/domain/rules/rule-set.js'

describe('report schedule of 第二十条', () => {
  it('a county owes 12 monthly reports, each due the 5th of the next month (December’s in January)', () => {
    const owed = reportsOwed('510199', 'county', 2026)
    expect(owed).toHaveLength(12)
    expect(owed[0]).toEqual({
      id: '510199-monthly-2026-01',
      division_code: '510199',
      kind: 'monthly',
      period: '2026-01',
      due_date: '2026-02-05',
    })
    expect(owed[11]!.due_date).toBe('2027-01-05')
  })

  it('a city owes four quarterly reports at the quarter’s last day and the annual one before 20 December', () => {
    const owed = reportsOwed('510100', 'city', 2026)
    expect(owed.map((r) => `${r.period}:${r.due_date}`)).toEqual([
      '2026-Q1:2026-03-31',
      '2026-Q2:2026-06-30',
      '2026-Q3:2026-09-30',
      '2026-Q4:2026-12-31',
      '2026:2026-12-19',
    ])
    expect(reportsOwed('510000', 'province', 2026)).toEqual([])
  })

  it('states: on time until the end of the due day (Beijing), late after, overdue only once the day is over', () => {
    const due = reportDueDate('monthly', '2026-03')
    expect(due).toBe('2026-04-05')
    expect(reportState(due, new Date('2026-04-05T15:59:59Z'), new Date('2026-05-01T00:00:00Z'))).toBe(
      'sent_on_time',
    )
    expect(reportState(due, new Date('2026-04-05T16:00:00Z'), new Date('2026-05-01T00:00:00Z'))).toBe(
      'sent_late',
    )
    expect(reportState(due, null, new Date('2026-04-05T15:59:59Z'))).toBe('not_yet_due')
    expect(reportState(due, null, new Date('2026-04-05T16:00:00Z'))).toBe('overdue')
  })

  it('ids round-trip and malformed ones are refused', () => {
    expect(parseScheduledReportId('510100-quarterly-2026-Q3')).toEqual({
      division_code: '510100',
      kind: 'quarterly',
      period: '2026-Q3',
    })
    expect(parseScheduledReportId('510199-monthly-2026-Q3')).toBeUndefined()
    expect(parseScheduledReportId('510199-monthly-2026-13')).toBeUndefined()
    expect(parseScheduledReportId('x')).toBeUndefined()
  })
})

describe('the what-if grammar', () => {
  it('reads every clause', () => {
    expect(
      parseAssumptions(
        'gap-patrols:2/week,stop-rate:99.5%,filing-rate:100%,closure-rate:90%,reports-sent:all,report-forms:3,ledger-fixed:all',
      ),
    ).toEqual({
      ok: true,
      assume: {
        gap_patrols_per_week: 2,
        stop_rate: 0.995,
        filing_rate: 1,
        closure_rate: 0.9,
        reports_sent: 'all',
        report_forms: 3,
        ledger_fixed: 'all',
      },
    })
  })

  it('names each bad clause', () => {
    const r = parseAssumptions('gap-patrols:20/week,stop-rate:101%,reports-sent:0,foo:1,stop-rate:1%')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => p.clause)).toEqual([
      'gap-patrols:20/week',
      'stop-rate:101%',
      'reports-sent:0',
      'foo:1',
      'stop-rate:1%',
    ])
    expect(parseAssumptions('').ok).toBe(false)
  })

  it('resolves all or the first N of a list', () => {
    expect(dropResolved(['a', 'b', 'c'], 'all')).toEqual([])
    expect(dropResolved(['a', 'b', 'c'], 2)).toEqual(['c'])
    expect(dropResolved(['a'], 5)).toEqual([])
    expect(dropResolved(['a'], undefined)).toEqual(['a'])
  })
})

describe('the rule chain province → city → county', () => {
  it('the province may loosen, the city and county only tighten', () => {
    const r = resolveRuleChain([
      { division_code: '510000', sets_base: true, override: { deadlines: { closure_limit_days: 90 } } },
      {
        division_code: '510100',
        sets_base: false,
        override: { patrol: { frequency: { tier1: { visits: 3 } } } },
      },
      { division_code: '510199', sets_base: false, override: { assessment: { veto_ratio: 0.1 } } },
    ])
    expect(r.superseded).toEqual([])
    expect(r.rules.deadlines.closure_limit_days).toBe(90)
    expect(r.rules.patrol.frequency.tier1.visits).toBe(3)
    expect(r.rules.assessment.veto_ratio).toBe(0.1)
    expect(r.rules.patrol.min_staff).toBe(DEFAULT_RULE_SET.patrol.min_staff)
  })

  it('a lower level made looser by a later tightening above keeps the stricter value and says so', () => {
    const r = resolveRuleChain([
      {
        division_code: '510000',
        sets_base: true,
        override: { patrol: { frequency: { tier1: { visits: 4 } } } },
      },
      {
        division_code: '510199',
        sets_base: false,
        override: { patrol: { frequency: { tier1: { visits: 3 } } }, assessment: { veto_ratio: 0.1 } },
      },
    ])
    expect(r.rules.patrol.frequency.tier1.visits).toBe(4)
    expect(r.rules.assessment.veto_ratio).toBe(0.1)
    expect(r.superseded).toEqual([
      expect.objectContaining({
        division_code: '510199',
        problem: expect.objectContaining({
          path: 'patrol.frequency.tier1.visits',
          reason: 'loosening_rejected',
        }),
      }),
    ])
  })
})
