import { describe, expect, it } from 'vitest'

import { parseTrackTime } from '../../server/domain/track/parse-track-time.js'

const T = Date.parse('2026-05-01T08:00:00Z')

describe('parseTrackTime', () => {
  it.each([
    ['2026-05-01T08:00:00Z', T],
    ['2026-05-01T08:00:00.250Z', T + 250],
    ['2026-05-01T16:00:00+08:00', T],
    ['2026-05-01T16:00:00+0800', T],
    ['2026-05-01T03:00:00-05', T],
    ['2026-05-01 08:00:00Z', T],
    [T / 1000, T],
    [T, T],
    [String(T / 1000), T],
    [`${T / 1000}.5`, T + 500],
  ])('reads %j', (input, expected) => {
    expect(parseTrackTime(input)).toEqual({ ok: true, time: expected, offsetAssumed: false })
  })

  it('reads a time without offset in the offset given, and says it did', () => {
    expect(parseTrackTime('2026-05-01T16:00:00', 480)).toEqual({ ok: true, time: T, offsetAssumed: true })
    expect(parseTrackTime('2026-05-01T08:00:00')).toEqual({ ok: true, time: T, offsetAssumed: true })
  })

  it.each([undefined, null, '', '   '])('calls %j missing', (input) => {
    expect(parseTrackTime(input)).toEqual({ ok: false, reason: 'TIME_MISSING' })
  })

  it.each([
    'yesterday',
    '05-AUG-10 16:58:37', // Date.parse would accept this one
    '2026-02-30T08:00:00Z',
    '2026-13-01T08:00:00Z',
    '2026-05-01T24:00:00Z',
    '2026-05-01',
    '2026-05-01T08:00:00+25:00',
    '99999999999999999999',
    Number.NaN,
    {},
    true,
  ])('rejects %j', (input) => {
    expect(parseTrackTime(input)).toEqual({ ok: false, reason: 'TIME_UNPARSEABLE' })
  })
})

describe('parseTrackTime, the usual device form read without the regular expression', () => {
  // `…SS[.f]Z` and `…SS[.f]±HH:MM` take a fast path; with a space before the zone (which the
  // general form allows) the same text takes the general path: both must answer alike, valid or not
  let seed = 11
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return Math.floor((seed / 2147483648) * n)
  }
  const pad = (v: number, n: number) => String(v).padStart(n, '0')
  const cases: [string, string][] = []
  for (let i = 0; i < 5000; i++) {
    const year = [1000, 1900, 2000, 2024, 2026, 2100, 2400, 9999][random(8)]!
    const date = `${pad(year, 4)}-${pad(random(14), 2)}-${pad(random(33), 2)}`
    const time = `${pad(random(26), 2)}:${pad(random(62), 2)}:${pad(random(62), 2)}`
    const frac = ['', '.5', '.123', ',25', '.000001', '.999999999', '.0005'][random(7)]!
    const zone = ['Z', 'z', '+08:00', '-05:30', '+14:00', '+15:00', '-00:60', '+00:00'][random(8)]!
    const sep = random(2) === 0 ? 'T' : ' '
    cases.push([`${date}${sep}${time}${frac}${zone}`, `${date}${sep}${time}${frac} ${zone}`])
  }
  it('answers as the general form for 5,000 random device times, valid and not', () => {
    let valid = 0
    for (const [fast, general] of cases) {
      const a = parseTrackTime(fast)
      expect(a, fast).toEqual(parseTrackTime(general))
      if (a.ok) valid++
    }
    // both kinds were met
    expect(valid).toBeGreaterThan(500)
    expect(valid).toBeLessThan(4500)
  })
  it('reads leap years, fractions and offsets as Date.parse does', () => {
    expect(parseTrackTime('2024-02-29T23:59:59.5+08:00')).toEqual({
      ok: true,
      time: Date.parse('2024-02-29T23:59:59.500+08:00'),
      offsetAssumed: false,
    })
    expect(parseTrackTime('2100-02-29T00:00:00Z').ok).toBe(false)
    expect(parseTrackTime('2000-02-29T00:00:00.0005Z')).toEqual({
      ok: true,
      time: Date.parse('2000-02-29T00:00:00.001Z'),
      offsetAssumed: false,
    })
  })
})
