import { describe, expect, it } from 'vitest'

import { parseCsvTrack } from '../../server/domain/track/parse-csv-track.js'
import { TrackInputError, type TrackErrorItem } from '../../server/domain/track/track-errors.js'

const NOW = Date.parse('2026-05-01T12:00:00Z')
const T0 = Date.parse('2026-05-01T08:00:00Z')

function errorsOf(run: () => unknown): TrackErrorItem[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TrackInputError)
    return (error as TrackInputError).errors
  }
  throw new Error('expected a TrackInputError')
}

describe('parseCsvTrack', () => {
  it('reads time,lon,lat,accuracy', () => {
    const raw = parseCsvTrack(
      'time,lon,lat,accuracy\n2026-05-01T08:00:00Z,111.1,27.1,5\n2026-05-01T08:00:10Z,111.1,27.1001,\n',
      { now: NOW },
    )
    expect(raw.points).toEqual([
      { index: 0, lon: 111.1, lat: 27.1, time: T0, accuracy: 5 },
      { index: 1, lon: 111.1, lat: 27.1001, time: T0 + 10_000 },
    ])
    expect(raw.segmentsHint).toEqual([0])
  })

  it('takes columns in any order and by their aliases', () => {
    const csv = ['Latitude,Timestamp,LNG', `27.1,${T0 / 1000},111.1`, `27.1001,${T0 + 5000},111.1`].join(
      '\r\n',
    )
    const raw = parseCsvTrack(csv, { now: NOW })
    // Epoch seconds on the first line, milliseconds on the second.
    expect(raw.points.map((p) => [p.lon, p.lat, p.time])).toEqual([
      [111.1, 27.1, T0],
      [111.1, 27.1001, T0 + 5000],
    ])
  })

  it('reads quoted fields, semicolons and a byte-order mark', () => {
    const csv =
      '\uFEFF"time";"longitude";"latitude"\n"2026-05-01 08:00:00Z";111.1;27.1\n"2026-05-01 08:00:05Z";111.1;27.1001'
    expect(parseCsvTrack(csv, { now: NOW }).points.map((p) => p.time)).toEqual([T0, T0 + 5000])
  })

  it('reads offset-less spreadsheet times in the offset it is told, and warns', () => {
    const csv = 'time,lon,lat\n2026-05-01 16:00:00,111.1,27.1\n2026-05-01 16:00:05,111.1,27.1001'
    const raw = parseCsvTrack(csv, { now: NOW, assumeUtcOffsetMinutes: 480 })
    expect(raw.points.map((p) => p.time)).toEqual([T0, T0 + 5000]) // 16:00 Beijing = 08:00Z
    expect(raw.warnings).toEqual(['2 point times had no UTC offset and were read as UTC+08:00'])
  })

  it('requires a header row', () => {
    const errors = errorsOf(() =>
      parseCsvTrack('2026-05-01T08:00:00Z,111.1,27.1\n2026-05-01T08:00:01Z,111.1,27.1', { now: NOW }),
    )
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'csv line 1',
        reason: 'CSV_HEADER_INVALID',
        message: expect.stringMatching(/header row/),
      }),
    ])
  })

  it('names a missing column and a column given twice', () => {
    expect(errorsOf(() => parseCsvTrack('time,lon,elevation\n', { now: NOW }))[0]!.message).toMatch(
      /no lat column/,
    )
    expect(errorsOf(() => parseCsvTrack('time,lon,lng,lat\n', { now: NOW }))[0]!.message).toMatch(
      /two columns mean lon/,
    )
  })

  it('lists every bad line by its line number', () => {
    const csv = [
      'time,lon,lat',
      '2026-05-01T08:00:00Z,111.1,27.1',
      '2026-05-01T08:00:01Z,abc,27.1',
      '',
      ',111.1,27.1',
      '2026-05-01T08:00:03Z,27.1,111.1',
      '2026-05-01T08:00:04Z,111.1',
    ].join('\n')
    const errors = errorsOf(() => parseCsvTrack(csv, { now: NOW }))
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['csv line 7', 'CSV_ROW_MALFORMED'],
      ['csv line 3', 'COORDINATE_NOT_NUMBER'],
      ['csv line 5', 'TIME_MISSING'],
      ['csv line 6', 'LON_LAT_SWAPPED'],
    ])
  })

  it('rejects a header with no points, and a single point', () => {
    expect(errorsOf(() => parseCsvTrack('time,lon,lat\n', { now: NOW }))[0]!.reason).toBe('TRACK_EMPTY')
    expect(errorsOf(() => parseCsvTrack('', { now: NOW }))[0]!.reason).toBe('TRACK_EMPTY')
    expect(
      errorsOf(() => parseCsvTrack('time,lon,lat\n2026-05-01T08:00:00Z,111.1,27.1', { now: NOW }))[0]!.reason,
    ).toBe('TRACK_SINGLE_POINT')
  })
})
