import { describe, expect, it } from 'vitest'
import { recomputeDays } from '../../server/domain/coverage/recompute-span.js'

describe('recomputeDays', () => {
  it('widens a span inside one month to the month and the ISO weeks at its ends', () => {
    // October 2026 starts on a Thursday and ends on a Saturday
    expect(recomputeDays('2026-10-05', '2026-10-07')).toEqual({ from: '2026-10-01', to: '2026-11-01' })
    expect(recomputeDays('2026-10-01', '2026-11-01')).toEqual({ from: '2026-09-28', to: '2026-11-02' })
  })
  it('keeps a span already made of whole weeks and months', () => {
    // June 2026: Monday 1st to Tuesday 30th; the week of the 29th runs into July
    expect(recomputeDays('2026-06-01', '2026-07-01')).toEqual({ from: '2026-06-01', to: '2026-07-06' })
  })
  it('reaches back to the Monday when a month starts mid-week', () => {
    expect(recomputeDays('2026-10-02', '2026-10-03')).toEqual({ from: '2026-09-28', to: '2026-11-01' })
  })
})
