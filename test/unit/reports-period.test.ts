import { describe, expect, it } from 'vitest'
import {
  monthsOf,
  parseReportPeriod,
  periodLabelContaining,
} from '../../server/domain/reports/report-period.js'

describe('parseReportPeriod', () => {
  it('a month: its first and last day, February of a leap year included', () => {
    expect(parseReportPeriod('monthly', '2026-10')).toEqual({
      ok: true,
      period: {
        kind: 'monthly',
        label: '2026-10',
        from: '2026-10-01',
        to: '2026-10-31',
        label_zh: '2026年10月',
      },
    })
    const feb = parseReportPeriod('monthly', '2028-02')
    expect(feb.ok && feb.period.to).toBe('2028-02-29')
    const dec = parseReportPeriod('monthly', '2026-12')
    expect(dec.ok && dec.period.to).toBe('2026-12-31')
  })

  it('a quarter: three months, ending on the quarter’s last day', () => {
    const q1 = parseReportPeriod('quarterly', '2026-Q1')
    expect(q1.ok && [q1.period.from, q1.period.to, q1.period.label_zh]).toEqual([
      '2026-01-01',
      '2026-03-31',
      '2026年第一季度',
    ])
    const q4 = parseReportPeriod('quarterly', '2026-Q4')
    expect(q4.ok && [q4.period.from, q4.period.to]).toEqual(['2026-10-01', '2026-12-31'])
  })

  it('a year: 1 January to 31 December', () => {
    const y = parseReportPeriod('annual', '2026')
    expect(y.ok && [y.period.from, y.period.to, y.period.label_zh]).toEqual([
      '2026-01-01',
      '2026-12-31',
      '2026年度',
    ])
  })

  it.each([
    ['monthly', '2026-13'],
    ['monthly', '2026-00'],
    ['monthly', '2026-1'],
    ['monthly', '2026-Q1'],
    ['quarterly', '2026-Q0'],
    ['quarterly', '2026-Q5'],
    ['quarterly', '2026-10'],
    ['annual', '26'],
    ['annual', '2026-01'],
    ['annual', '1999'],
    ['annual', '2101'],
  ] as const)('%s %s is refused with the reason', (kind, label) => {
    const parsed = parseReportPeriod(kind, label)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.reason.length).toBeGreaterThan(0)
  })
})

describe('monthsOf', () => {
  it('lists the months of a span, across a year end', () => {
    expect(monthsOf({ from: '2026-10-01', to: '2026-12-31' })).toEqual(['2026-10', '2026-11', '2026-12'])
    expect(monthsOf({ from: '2026-12-01', to: '2027-02-28' })).toEqual(['2026-12', '2027-01', '2027-02'])
    expect(monthsOf({ from: '2026-01-01', to: '2026-12-31' })).toHaveLength(12)
  })
})

describe('periodLabelContaining', () => {
  it('names the month, quarter and year of a day', () => {
    expect(periodLabelContaining('monthly', '2026-11-27')).toBe('2026-11')
    expect(periodLabelContaining('quarterly', '2026-11-27')).toBe('2026-Q4')
    expect(periodLabelContaining('quarterly', '2026-03-31')).toBe('2026-Q1')
    expect(periodLabelContaining('quarterly', '2026-04-01')).toBe('2026-Q2')
    expect(periodLabelContaining('annual', '2026-11-27')).toBe('2026')
  })
})
