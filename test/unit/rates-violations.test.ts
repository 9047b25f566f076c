/**
 * Rates over March 2026 (span 2026-03-01..2026-03-31, read as of the end of 31 Mar, Beijing).
 * Every expected figure is worked out by hand in the comments next to the data.
 *
 * March 2026 has no holidays (Qingming is 4–6 Apr); Mon = 2, 9, 16, 23, 30 Mar.
 */
import { describe, expect, it } from 'vitest'

import { DEFAULT_RULE_SET } from '../../server/domain/rules/rule-set.js'
import {
  computeClosureRate,
  computeFilingRate,
  computeIllegalCultivatedLand,
  computeReportFormsOnTime,
  computeStopRate,
  computeViolationRates,
  RATE_EXCLUDED_BELOW_FILING_STANDARD,
  RATE_EXCLUDED_CLOSURE_NOT_YET_DUE,
  RATE_EXCLUDED_FOUND_AFTER_AS_OF,
  RATE_EXCLUDED_NO_REPORT_REQUIRED,
  RATE_EXCLUDED_NO_STOP_NEEDED,
  RATE_EXCLUDED_NOT_REPORTED,
  RATE_EXCLUDED_REPORT_NOT_YET_DUE,
  RATE_EXCLUDED_TRANSFERRED_OUT,
  RATE_PROBLEM_HISTORY_INVALID,
  type ViolationRecord,
} from '../../server/domain/violations/rates.js'

const MARCH = { from: '2026-03-01', to: '2026-03-31' }
const t = (day: string, time = '10:00') => `2026-${day}T${time}:00+08:00`

const VIOLATIONS: ViolationRecord[] = [
  {
    // Found Mon 2 Mar; report due Wed 4 Mar (Tue 3 = 1, Wed 4 = 2): on time. Filed 6 Mar, limit
    // 6 Mar + 60 days = 5 May; closed 20 Mar: on time, outcome day 20 Mar.
    id: 'v1',
    found_at: t('03-02', '09:00'),
    cultivated_mu: 1.2,
    events: [
      { type: 'stop', at: t('03-02', '09:30') },
      { type: 'report', at: t('03-04') },
      { type: 'file', at: t('03-06') },
      { type: 'close', at: t('03-20'), kind: 'penalty_decided' },
    ],
  },
  {
    // Found Thu 5 Mar; due Mon 9 Mar (Fri 6 = 1, weekend, Mon 9 = 2); reported Tue 10: late.
    // Filed 12 Mar, limit ends 11 May: outside the span, not in the closure rate.
    id: 'v2',
    found_at: t('03-05'),
    cultivated_mu: 0.35,
    events: [
      { type: 'stop', at: t('03-05', '11:00') },
      { type: 'report', at: t('03-10') },
      { type: 'file', at: t('03-12') },
    ],
  },
  {
    // Self-corrected and closed without penalty: stopped; no report owed.
    id: 'v3',
    found_at: t('03-09'),
    events: [
      { type: 'self_correct', at: t('03-10') },
      { type: 'close', at: t('03-11'), kind: 'no_penalty' },
    ],
  },
  // Found, nothing done by the end of March: not stopped.
  { id: 'v4', found_at: t('03-16'), cultivated_mu: 2.05, events: [] },
  // Transferred at once to another department: not in the stop rate.
  {
    id: 'v5',
    found_at: t('03-18'),
    cultivated_mu: 0.4,
    events: [{ type: 'transfer', at: t('03-18', '15:00') }],
  },
  // Nothing to stop.
  { id: 'v6', found_at: t('03-20'), needs_stopping: false, events: [] },
  {
    // Found Mon 23; due Wed 25; reported Tue 24: on time. Declined as below the filing standard.
    id: 'v7',
    found_at: t('03-23'),
    events: [
      { type: 'stop', at: t('03-23', '11:00') },
      { type: 'report', at: t('03-24', '15:00') },
      { type: 'decline_filing', at: t('03-27') },
    ],
  },
  {
    // Found Wed 25; due Fri 27; reported Thu 26: on time. No filing decision by 31 Mar.
    id: 'v8',
    found_at: t('03-25'),
    events: [
      { type: 'stop', at: t('03-25', '11:00') },
      { type: 'report', at: t('03-26') },
    ],
  },
  {
    // Found Mon 30; report required, due Wed 1 Apr (Tue 31 = 1, Wed 1 = 2): not yet due on 31 Mar.
    id: 'v9',
    found_at: t('03-30'),
    report_required: true,
    events: [{ type: 'stop', at: t('03-30', '11:00') }],
  },
  {
    // Filed 20 Jan; limit 20 Jan + 60 days = 21 Mar (11 days to 31 Jan, 28 in Feb, 21 in Mar);
    // still open on 31 Mar: late, outcome day 21 Mar.
    id: 'v10',
    found_at: '2026-01-15T10:00:00+08:00',
    cultivated_mu: 5,
    events: [
      { type: 'stop', at: '2026-01-15T11:00:00+08:00' },
      { type: 'report', at: '2026-01-16T10:00:00+08:00' },
      { type: 'file', at: '2026-01-20T10:00:00+08:00' },
    ],
  },
  {
    // Filed 10 Jan; limit ends 11 Mar (21 + 28 + 11); closed 12 Mar: late, outcome day 11 Mar.
    id: 'v11',
    found_at: '2026-01-05T10:00:00+08:00',
    events: [
      { type: 'stop', at: '2026-01-05T11:00:00+08:00' },
      { type: 'report', at: '2026-01-06T10:00:00+08:00' },
      { type: 'file', at: '2026-01-10T10:00:00+08:00' },
      { type: 'close', at: t('03-12'), kind: 'complied' },
    ],
  },
  {
    // Filed 5 Feb; limit ends 6 Apr; closed 2 Mar: on time, outcome day 2 Mar.
    id: 'v12',
    found_at: '2026-02-02T10:00:00+08:00',
    events: [
      { type: 'stop', at: '2026-02-02T11:00:00+08:00' },
      { type: 'report', at: '2026-02-03T10:00:00+08:00' },
      { type: 'file', at: '2026-02-05T10:00:00+08:00' },
      { type: 'close', at: t('03-02'), kind: 'enforcement_applied' },
    ],
  },
  {
    // Stop recorded before the violation was found: a bad history. The valid prefix is "found":
    // not stopped, and reported as a problem.
    id: 'v13',
    found_at: t('03-10'),
    events: [{ type: 'stop', at: t('03-09') }],
  },
  {
    // Filed 25 Jan; limit ends 26 Mar (6 + 28 + 26); closed 26 Mar 23:30 Beijing (15:30Z), the last
    // day of the limit: on time.
    id: 'v16',
    found_at: '2026-01-19T10:00:00+08:00',
    events: [
      { type: 'stop', at: '2026-01-19T11:00:00+08:00' },
      { type: 'report', at: '2026-01-20T10:00:00+08:00' },
      { type: 'file', at: '2026-01-25T10:00:00+08:00' },
      { type: 'close', at: '2026-03-26T15:30:00Z', kind: 'complied' },
    ],
  },
  // April: outside the span everywhere.
  { id: 'v14', found_at: '2026-04-01T10:00:00+08:00', cultivated_mu: 9, events: [] },
]

describe('stop rate', () => {
  it('counts stopped, self-corrected and reported cases over those that needed stopping', () => {
    // Found in March: v1 v2 v3 v4 v5 v6 v7 v8 v9 v13. Excluded: v5 (transferred), v6 (no stop needed).
    // Stopped: v1 v2 v3 v7 v8 v9 = 6. Not: v4, v13 = 2. 6 / 8 = 0.75.
    const r = computeStopRate(VIOLATIONS, MARCH)
    expect(r).toMatchObject({ numerator: 6, denominator: 8, rate: 0.75 })
    expect(r.ids_numerator).toEqual(['v1', 'v2', 'v3', 'v7', 'v8', 'v9'])
    expect(r.ids_missing).toEqual(['v4', 'v13'])
    expect(r.excluded).toEqual([
      { id: 'v5', reason: RATE_EXCLUDED_TRANSFERRED_OUT },
      { id: 'v6', reason: RATE_EXCLUDED_NO_STOP_NEEDED },
    ])
  })

  it('is null, not 0 or 1, when nothing needed stopping', () => {
    expect(computeStopRate(VIOLATIONS, { from: '2026-05-01', to: '2026-05-31' })).toMatchObject({
      numerator: 0,
      denominator: 0,
      rate: null,
    })
  })
})

describe('report forms on time', () => {
  it('counts reports by the end of the 2nd working day over reports made or owed', () => {
    // Reported: v1 (on time), v2 (late), v7 (on time), v8 (on time). v9 owed but due 1 Apr: excluded.
    // 3 / 4 = 0.75.
    const r = computeReportFormsOnTime(VIOLATIONS, MARCH, DEFAULT_RULE_SET)
    expect(r).toMatchObject({ numerator: 3, denominator: 4, rate: 0.75 })
    expect(r.ids_numerator).toEqual(['v1', 'v7', 'v8'])
    expect(r.ids_missing).toEqual(['v2'])
    expect(r.excluded).toContainEqual({ id: 'v9', reason: RATE_EXCLUDED_REPORT_NOT_YET_DUE })
    expect(r.excluded).toContainEqual({ id: 'v3', reason: RATE_EXCLUDED_NO_REPORT_REQUIRED })
  })

  it('counts an owed report as missing once its deadline has passed', () => {
    // As of 2 Apr, v9's deadline (end of 1 Apr) is behind us: 3 / 5.
    const r = computeReportFormsOnTime(VIOLATIONS, MARCH, DEFAULT_RULE_SET, {
      as_of: '2026-04-02T09:00:00+08:00',
    })
    expect(r).toMatchObject({ numerator: 3, denominator: 5, ids_missing: ['v2', 'v9'] })
  })
})

describe('filing rate', () => {
  it('counts filed over reported cases that met the standard and stayed here', () => {
    // Reported in March: v1 (filed), v2 (filed), v7 (declined: not 应立案, excluded), v8 (no decision:
    // counts as not filed). 2 / 3.
    const r = computeFilingRate(VIOLATIONS, MARCH)
    expect(r).toMatchObject({
      numerator: 2,
      denominator: 3,
      ids_numerator: ['v1', 'v2'],
      ids_missing: ['v8'],
    })
    expect(r.rate).toBeCloseTo(2 / 3, 12)
    expect(r.excluded).toContainEqual({ id: 'v7', reason: RATE_EXCLUDED_BELOW_FILING_STANDARD })
    expect(r.excluded).toContainEqual({ id: 'v4', reason: RATE_EXCLUDED_NOT_REPORTED })
  })
})

describe('closure within the legal time limit', () => {
  it('counts each filed case in the span of its outcome day', () => {
    // Outcome days in March: v1 20 Mar (on time), v10 21 Mar (open, late), v11 11 Mar (closed late),
    // v12 2 Mar (on time), v16 26 Mar (on time, last day). v2's limit ends 11 May: not here.
    // 3 / 5 = 0.6.
    const r = computeClosureRate(VIOLATIONS, MARCH, DEFAULT_RULE_SET)
    expect(r).toMatchObject({ numerator: 3, denominator: 5, rate: 0.6 })
    expect(r.ids_numerator).toEqual(['v1', 'v12', 'v16'])
    expect(r.ids_missing).toEqual(['v10', 'v11'])
  })

  it('under a county limit of 45 days v16 becomes late and v11 moves to February', () => {
    // 45-day limit: v1 6 Mar + 45 = 20 Apr, closed 20 Mar, on time (outcome 20 Mar).
    // v10 20 Jan + 45 = 6 Mar, open: late. v11 10 Jan + 45 = 24 Feb: outcome in February, not here.
    // v12 5 Feb + 45 = 22 Mar, closed 2 Mar: on time. v16 25 Jan + 45 = 11 Mar, closed 26 Mar: late.
    // v2 12 Mar + 45 = 26 Apr: not here. 2 / 4 = 0.5.
    const rules = {
      ...DEFAULT_RULE_SET,
      deadlines: { ...DEFAULT_RULE_SET.deadlines, closure_limit_days: 45 },
    }
    const r = computeClosureRate(VIOLATIONS, MARCH, rules)
    expect(r).toMatchObject({
      numerator: 2,
      denominator: 4,
      ids_numerator: ['v1', 'v12'],
      ids_missing: ['v10', 'v16'],
    })
  })
})

describe('illegally occupied cultivated land', () => {
  it('sums the cultivated land of violations found in the span exactly and divides by new construction', () => {
    // v1 1.2 + v2 0.35 + v4 2.05 + v5 0.4 = 4.0 mu (floating point gives 3.9999999999999996).
    // 4 ÷ 50 = 0.08.
    const r = computeIllegalCultivatedLand(VIOLATIONS, MARCH, 50)
    expect(r).toMatchObject({
      numerator: 4,
      denominator: 50,
      rate: 0.08,
      ids_numerator: ['v1', 'v2', 'v4', 'v5'],
    })
    expect(computeIllegalCultivatedLand(VIOLATIONS, MARCH, 0).rate).toBeNull()
  })
})

describe('computeViolationRates', () => {
  it('returns all rates and reports bad histories', () => {
    const all = computeViolationRates(VIOLATIONS, MARCH, DEFAULT_RULE_SET, {
      new_construction_cultivated_mu: 50,
    })
    expect(all.as_of).toBe('2026-03-31T15:59:59.999Z')
    expect(all.stop_rate.rate).toBe(0.75)
    expect(all.closure_rate.rate).toBe(0.6)
    expect(all.problems).toEqual([
      {
        id: 'v13',
        reason: RATE_PROBLEM_HISTORY_INVALID,
        detail: expect.stringContaining('event_before_found_time'),
      },
    ])
    expect(all.calendar_warnings).toEqual([])
  })

  it('reads histories as of an earlier instant', () => {
    // As of Tue 24 Mar 12:00: v7's report (15:00) has not happened; v8, v9 not found yet.
    // Stop: v1 v2 v3 v7 stopped; v4 v13 not: 4 / 6. Filing: v1, v2 filed; v7 not reported yet: 2 / 2.
    const all = computeViolationRates(VIOLATIONS, MARCH, DEFAULT_RULE_SET, {
      new_construction_cultivated_mu: 50,
      as_of: '2026-03-24T12:00:00+08:00',
    })
    expect(all.stop_rate).toMatchObject({ numerator: 4, denominator: 6 })
    expect(all.stop_rate.excluded).toContainEqual({ id: 'v8', reason: RATE_EXCLUDED_FOUND_AFTER_AS_OF })
    expect(all.filing_rate).toMatchObject({ numerator: 2, denominator: 2, rate: 1 })
    // v16's limit ends 26 Mar, after 24 Mar noon, and it was not closed yet: not yet due.
    expect(all.closure_rate).toMatchObject({ ids_numerator: ['v1', 'v12'], ids_missing: ['v10', 'v11'] })
    expect(all.closure_rate.excluded).toEqual([{ id: 'v16', reason: RATE_EXCLUDED_CLOSURE_NOT_YET_DUE }])
  })
})
