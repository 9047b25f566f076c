import { describe, expect, it } from 'vitest'
import {
  periodContaining,
  periodLengthDays,
  periodsOverlapping,
} from '../../server/domain/coverage/periods.js'
import { beijingDateOf, beijingDaysSpanned } from '../../server/domain/coverage/beijing-days.js'

describe('compliance periods', () => {
  it('ISO weeks run Monday to Sunday and take the year of their Thursday', () => {
    expect(periodContaining('2026-05-06', 'iso_week')).toEqual({
      kind: 'iso_week',
      start: '2026-05-04',
      end: '2026-05-11',
      label: '2026-W19',
    })
    // Sunday belongs to the week that began the Monday before
    expect(periodContaining('2026-05-10', 'iso_week').start).toBe('2026-05-04')
    // 2027-01-01 is a Friday: its week is the last ISO week of 2026 (53 weeks that year)
    expect(periodContaining('2027-01-01', 'iso_week').label).toBe('2026-W53')
    // 2024-12-30 is a Monday whose Thursday is in 2025: week 1 of 2025
    expect(periodContaining('2024-12-31', 'iso_week').label).toBe('2025-W01')
  })

  it('months end where the next begins, December included', () => {
    expect(periodContaining('2026-12-31', 'month')).toEqual({
      kind: 'month',
      start: '2026-12-01',
      end: '2027-01-01',
      label: '2026-12',
    })
    expect(periodLengthDays(periodContaining('2028-02-10', 'month'))).toBe(29)
  })

  it('lists every period sharing a day with the span', () => {
    expect(periodsOverlapping('2026-05-01', '2026-05-31', 'iso_week').map((p) => p.label)).toEqual([
      '2026-W18',
      '2026-W19',
      '2026-W20',
      '2026-W21',
      '2026-W22',
    ])
    expect(periodsOverlapping('2026-05-31', '2026-06-01', 'month').map((p) => p.label)).toEqual([
      '2026-05',
      '2026-06',
    ])
  })
})

describe('Beijing days', () => {
  it('a day starts at 16:00 UTC the evening before', () => {
    expect(beijingDateOf(Date.parse('2026-05-03T15:59:59Z'))).toBe('2026-05-03')
    expect(beijingDateOf(Date.parse('2026-05-03T16:00:00Z'))).toBe('2026-05-04')
  })

  it('a patrol across midnight touches two days, each with its bounds', () => {
    const days = beijingDaysSpanned(Date.parse('2026-05-03T15:30:00Z'), Date.parse('2026-05-03T16:30:00Z'))
    expect(days.map((d) => d.date)).toEqual(['2026-05-03', '2026-05-04'])
    expect(days[0]!.endMs).toBe(Date.parse('2026-05-03T16:00:00Z'))
    expect(days[1]!.startMs).toBe(days[0]!.endMs)
  })
})
