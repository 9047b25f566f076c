/**
 * Report deadlines (2 working days after the day of discovery, 第十八条) on the real 2026 calendar.
 *
 * The 2026 schedule as shipped in chinese-days 1.5.7 (node_modules/chinese-days/dist/years/2026.json),
 * checked before writing these cases:
 * - Spring Festival: off Sun 15 Feb – Mon 23 Feb; make-up working Saturdays 14 Feb and 28 Feb.
 * - Mid-autumn: off Fri 25 – Sun 27 Sep.
 * - National Day: off Thu 1 – Wed 7 Oct; make-up working days Sun 20 Sep and Sat 10 Oct.
 * Weekdays: 2026-09-30 is a Wednesday, 2026-10-01 a Thursday, 2026-03-08 a Sunday.
 *
 * Due instants are the last millisecond of the due day in Beijing (UTC+8), i.e. 15:59:59.999Z.
 */
import { describe, expect, it } from 'vitest'

import { DEFAULT_RULE_SET } from '../../server/domain/rules/rule-set.js'
import { addWorkingDays } from '../../server/domain/rules/working-days.js'
import { computeReportDue, isOnTime } from '../../server/domain/violations/deadlines.js'

const due = (start: string, overrides = {}) => addWorkingDays(start, 2, overrides)

describe('report deadline around the 2026 National Day holiday', () => {
  it('found on Wed 30 Sep, the last working day before the holiday: due end of Fri 9 Oct', () => {
    // 1–7 Oct off; Thu 8 Oct = working day 1, Fri 9 Oct = working day 2.
    const d = computeReportDue('2026-09-30T10:15:00+08:00', DEFAULT_RULE_SET)
    expect(d.start_date).toBe('2026-09-30')
    expect(d.counted.map((c) => c.date)).toEqual(['2026-10-08', '2026-10-09'])
    expect(d.due_date).toBe('2026-10-09')
    expect(d.due_at.toISOString()).toBe('2026-10-09T15:59:59.999Z')
    expect(d.calendar_complete).toBe(true)
    expect(d.warnings).toEqual([])
  })

  it('a report at 23:59 Beijing on the due day is on time, one minute after midnight is late', () => {
    const d = computeReportDue('2026-09-30T10:15:00+08:00', DEFAULT_RULE_SET)
    expect(isOnTime('2026-10-09T23:59:00+08:00', d.due_at)).toBe(true)
    expect(isOnTime('2026-10-10T00:01:00+08:00', d.due_at)).toBe(false)
  })

  it('found on Fri 9 Oct: the make-up Saturday 10 Oct counts as working day 1', () => {
    // Sat 10 Oct (调休 working) = 1, Sun 11 Oct off, Mon 12 Oct = 2.
    const d = due('2026-10-09T09:00:00+08:00')
    expect(d.counted.map((c) => [c.date, c.source])).toEqual([
      ['2026-10-10', 'state_council'],
      ['2026-10-12', 'state_council'],
    ])
    expect(d.due_date).toBe('2026-10-12')
  })

  it('found on the make-up working Saturday 10 Oct: the day of discovery does not count, due Tue 13 Oct', () => {
    // Sun 11 Oct off, Mon 12 Oct = 1, Tue 13 Oct = 2.
    expect(due('2026-10-10T15:00:00+08:00').due_date).toBe('2026-10-13')
  })

  it('found on Sat 19 Sep: the make-up working Sunday 20 Sep counts, due Mon 21 Sep', () => {
    // Sun 20 Sep (调休 working) = 1, Mon 21 Sep = 2.
    expect(due('2026-09-19T11:00:00+08:00').counted.map((c) => c.date)).toEqual(['2026-09-20', '2026-09-21'])
  })

  it('found on Thu 24 Sep, before the Mid-autumn long weekend: due Tue 29 Sep', () => {
    // Fri 25, Sat 26, Sun 27 off; Mon 28 = 1, Tue 29 = 2.
    expect(due('2026-09-24T16:00:00+08:00').due_date).toBe('2026-09-29')
  })
})

describe('report deadline for a violation found on a Sunday', () => {
  it('ordinary Sunday 8 Mar 2026: Mon 9 = 1, Tue 10 = 2', () => {
    const d = due('2026-03-08T08:30:00+08:00')
    expect(d.start_date).toBe('2026-03-08')
    expect(d.due_date).toBe('2026-03-10')
    expect(d.due_at.toISOString()).toBe('2026-03-10T15:59:59.999Z')
  })

  it('Sunday 27 Sep, a Mid-autumn holiday: Mon 28 = 1, Tue 29 = 2', () => {
    expect(due('2026-09-27T08:30:00+08:00').due_date).toBe('2026-09-29')
  })
})

describe('report deadline across the 2026 Spring Festival', () => {
  it('found on Fri 13 Feb: make-up Sat 14 Feb = 1, then 15–23 Feb off, Tue 24 Feb = 2', () => {
    const d = due('2026-02-13T14:00:00+08:00')
    expect(d.counted.map((c) => c.date)).toEqual(['2026-02-14', '2026-02-24'])
    expect(d.due_at.toISOString()).toBe('2026-02-24T15:59:59.999Z')
  })

  it('found on Thu 12 Feb: Fri 13 = 1, make-up Sat 14 = 2, due before the holiday starts', () => {
    expect(due('2026-02-12T14:00:00+08:00').due_date).toBe('2026-02-14')
  })

  it('found on the make-up Saturday 14 Feb: the nine-day holiday passes, Tue 24 = 1, Wed 25 = 2', () => {
    expect(due('2026-02-14T14:00:00+08:00').due_date).toBe('2026-02-25')
  })
})

describe('local overrides win over the State Council data', () => {
  it('a county day off on Fri 9 Oct moves the Wed 30 Sep deadline to the make-up Saturday 10 Oct', () => {
    // Thu 8 Oct = 1, Fri 9 Oct overridden off, Sat 10 Oct (调休) = 2.
    const d = due('2026-09-30T10:00:00+08:00', { '2026-10-09': 'off' })
    expect(d.counted.map((c) => [c.date, c.source])).toEqual([
      ['2026-10-08', 'state_council'],
      ['2026-10-10', 'state_council'],
    ])
    expect(d.due_date).toBe('2026-10-10')
  })

  it('cancelling the make-up Saturday 10 Oct moves the Fri 9 Oct deadline from Mon 12 to Tue 13', () => {
    // Without the override: Sat 10 = 1, Mon 12 = 2. With it: Mon 12 = 1, Tue 13 = 2.
    expect(due('2026-10-09T09:00:00+08:00').due_date).toBe('2026-10-12')
    expect(due('2026-10-09T09:00:00+08:00', { '2026-10-10': 'off' }).due_date).toBe('2026-10-13')
  })

  it('an override that makes a holiday a working day is counted and marked as such', () => {
    // 1 Oct overridden to work: Thu 1 Oct = 1, then 2–7 Oct off, Thu 8 Oct = 2.
    const d = due('2026-09-30T10:00:00+08:00', { '2026-10-01': 'work' })
    expect(d.counted.map((c) => [c.date, c.source])).toEqual([
      ['2026-10-01', 'override'],
      ['2026-10-08', 'state_council'],
    ])
  })
})

describe('the day of discovery is the Beijing calendar day, whatever zone the time is written in', () => {
  it('2026-10-09T16:30Z is 00:30 on Sat 10 Oct in Beijing: counted from 10 Oct, due Tue 13 Oct', () => {
    const d = due('2026-10-09T16:30:00Z')
    expect(d.start_date).toBe('2026-10-10')
    expect(d.due_date).toBe('2026-10-13')
  })

  it('the same instant written with +08:00 and with -05:00 gives the same deadline', () => {
    // 2026-10-10T00:30+08:00 = 2026-10-09T11:30-05:00.
    expect(due('2026-10-10T00:30:00+08:00').due_date).toBe('2026-10-13')
    expect(due('2026-10-09T11:30:00-05:00').due_date).toBe('2026-10-13')
  })

  it('23:59 Beijing on Fri 9 Oct is still 9 Oct: due Mon 12 Oct', () => {
    expect(due('2026-10-09T15:59:00Z').due_date).toBe('2026-10-12')
  })
})
