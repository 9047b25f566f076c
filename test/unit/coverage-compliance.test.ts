import { describe, expect, it } from 'vitest'
import { assessPeriod, keyAreaCoverageRate } from '../../server/domain/coverage/compliance.js'
import { periodContaining } from '../../server/domain/coverage/periods.js'

const week = periodContaining('2026-05-04', 'iso_week')

describe('zone-period compliance', () => {
  it('a closed period is compliant with at least the required visits, else short by the difference', () => {
    expect(assessPeriod(week, { required: 2, visits: 2 }, '2026-06-01')).toMatchObject({
      open: false,
      compliant: true,
      shortfall: 0,
    })
    expect(assessPeriod(week, { required: 2, visits: 0 }, '2026-06-01')).toMatchObject({
      open: false,
      compliant: false,
      shortfall: 2,
      projected_shortfall: null,
    })
  })

  it('an open period projects the pace so far to its end', () => {
    // Wednesday: 3 of 7 days elapsed, 1 visit → 7/3 ≈ 2.33 projected, on track for 2
    expect(assessPeriod(week, { required: 2, visits: 1 }, '2026-05-06')).toMatchObject({
      open: true,
      compliant: false,
      shortfall: 1,
      projected_visits: 2.33,
      projected_shortfall: 0,
    })
    // Friday with no visit: projected 0, still short by 2
    expect(assessPeriod(week, { required: 2, visits: 0 }, '2026-05-08').projected_shortfall).toBe(2)
  })
})

describe('key-area coverage rate', () => {
  it('is the area-weighted compliant share per closed period, averaged over periods', () => {
    const rows = [
      { period_start: '2026-05-04', area_m2: 300, compliant: true, open: false },
      { period_start: '2026-05-04', area_m2: 100, compliant: false, open: false },
      { period_start: '2026-05-11', area_m2: 300, compliant: true, open: false },
      { period_start: '2026-05-11', area_m2: 100, compliant: true, open: false },
      { period_start: '2026-05-18', area_m2: 300, compliant: false, open: true },
    ]
    const result = keyAreaCoverageRate(rows)
    expect(result.periods.map((p) => p.rate)).toEqual([0.75, 1])
    expect(result.rate).toBeCloseTo(0.875, 10)
  })

  it('is null before any period has closed', () => {
    expect(
      keyAreaCoverageRate([{ period_start: '2026-05-18', area_m2: 1, compliant: false, open: true }]).rate,
    ).toBeNull()
  })
})
