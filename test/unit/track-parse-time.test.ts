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
