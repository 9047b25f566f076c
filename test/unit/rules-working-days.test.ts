import { describe, expect, it } from 'vitest'

import {
  addWorkingDays,
  CALENDAR_WARNING_YEAR_UNKNOWN,
  classifyDay,
  findOverrideProblems,
  HOLIDAY_CALENDAR_YEARS,
  isWorkingDay,
  OVERRIDE_PROBLEM_BAD_DATE,
  OVERRIDE_PROBLEM_BAD_KIND,
} from '../../server/domain/rules/working-days.js'

describe('isWorkingDay', () => {
  it('knows holidays and make-up working days of 2026', () => {
    expect(isWorkingDay('2026-10-01')).toBe(false) // National Day
    expect(isWorkingDay('2026-10-10')).toBe(true) // make-up Saturday
    expect(isWorkingDay('2026-09-20')).toBe(true) // make-up Sunday
    expect(isWorkingDay('2026-03-08')).toBe(false) // ordinary Sunday
    expect(isWorkingDay('2026-03-09')).toBe(true) // ordinary Monday
  })

  it('takes the Beijing day of an instant', () => {
    // 16:30Z on Fri 9 Oct is 00:30 on the make-up Saturday in Beijing.
    expect(isWorkingDay('2026-10-09T16:30:00Z')).toBe(true)
    expect(isWorkingDay(new Date('2026-10-10T16:30:00Z'))).toBe(false) // Sun 11 Oct 00:30 Beijing
  })

  it('lets an override win', () => {
    expect(isWorkingDay('2026-10-10', { '2026-10-10': 'off' })).toBe(false)
    expect(isWorkingDay('2026-10-01', { '2026-10-01': 'work' })).toBe(true)
  })

  it('rejects malformed overrides with reasons', () => {
    expect(findOverrideProblems({ '2026-13-01': 'off', '2026-10-01': 'holiday' as never })).toEqual([
      { key: '2026-13-01', reason: OVERRIDE_PROBLEM_BAD_DATE },
      { key: '2026-10-01', reason: OVERRIDE_PROBLEM_BAD_KIND },
    ])
    expect(() => isWorkingDay('2026-10-01', { '26-10-01': 'off' })).toThrow(RangeError)
  })
})

describe('years the holiday data does not cover', () => {
  it('covers 2004–2026 in this version of chinese-days, not 2027', () => {
    expect(HOLIDAY_CALENDAR_YEARS.has(2026)).toBe(true)
    expect(HOLIDAY_CALENDAR_YEARS.has(2004)).toBe(true)
    expect(HOLIDAY_CALENDAR_YEARS.has(2027)).toBe(false)
  })

  it('falls back to Monday–Friday and says which days were guessed', () => {
    // Found Thu 31 Dec 2026. 2027 is unknown: Fri 1 Jan (really New Year's Day, but unknown) = 1,
    // Sat 2 and Sun 3 off, Mon 4 Jan = 2.
    const d = addWorkingDays('2026-12-31T10:00:00+08:00', 2)
    expect(d.due_date).toBe('2027-01-04')
    expect(d.calendar_complete).toBe(false)
    expect(d.warnings).toHaveLength(1)
    expect(d.warnings[0]).toMatchObject({
      reason: CALENDAR_WARNING_YEAR_UNKNOWN,
      year: 2027,
      dates: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'],
    })
    expect(classifyDay('2027-01-01').source).toBe('weekday_fallback')
  })

  it('an override for the unknown year changes the due date and is not reported as a guess', () => {
    // 1 Jan 2027 declared off: Mon 4 Jan = 1, Tue 5 Jan = 2.
    const d = addWorkingDays('2026-12-31T10:00:00+08:00', 2, { '2027-01-01': 'off' })
    expect(d.due_date).toBe('2027-01-05')
    expect(d.warnings[0]?.dates).toEqual(['2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05'])
  })
})

describe('addWorkingDays edge cases', () => {
  it('n = 0 is the end of the day of discovery', () => {
    expect(addWorkingDays('2026-10-01T09:00:00+08:00', 0).due_at.toISOString()).toBe(
      '2026-10-01T15:59:59.999Z',
    )
  })

  it('accepts a bare calendar day and a zone-less Beijing wall time', () => {
    expect(addWorkingDays('2026-09-30', 2).due_date).toBe('2026-10-09')
    // "2026-10-10 00:30" written on a form in Beijing is the make-up Saturday.
    expect(addWorkingDays('2026-10-10 00:30', 2).start_date).toBe('2026-10-10')
  })

  it('rejects a negative or fractional number of days', () => {
    expect(() => addWorkingDays('2026-09-30', -1)).toThrow(RangeError)
    expect(() => addWorkingDays('2026-09-30', 1.5)).toThrow(RangeError)
  })
})
