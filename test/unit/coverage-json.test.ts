import { describe, expect, it } from 'vitest'
import { encodeCoverageJson } from '../../server/routes/patrols/coverage.js'

/** an answer shaped like GET /coverage's: figures first, then the zones (Chinese names, nulls, nesting) */
function answer(zoneCount: number) {
  return {
    division: '510199',
    summary: { key_area_coverage_rate: null, by_tier: { '1': { zones: zoneCount, covered_share: 0.5 } } },
    zones: Array.from({ length: zoneCount }, (_, i) => ({
      zone_id: `zone-${i}`,
      name: `示范区 ${i} “引号” \\ 反斜杠`,
      unit_id: i % 3 === 0 ? null : `unit-${i}`,
      area_m2: i * 1234.5678,
      periods: [{ period: '2026-W40', visits: i, last_visit: i % 2 ? '2026-10-02T00:50:59.073Z' : null }],
    })),
  }
}

describe('encodeCoverageJson', () => {
  it.each([0, 1, 15, 16, 17, 40])('is the UTF-8 of JSON.stringify with %i zones', (n) => {
    const a = answer(n)
    expect(encodeCoverageJson(a).equals(Buffer.from(JSON.stringify(a)))).toBe(true)
  })
})
