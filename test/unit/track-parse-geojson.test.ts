import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DOMParser } from '@xmldom/xmldom'
import { gpx } from '@tmcw/togeojson'

import { sharedFile } from '../support/paths.js'
import { parseGeojsonTrack } from '../../server/domain/track/parse-geojson-track.js'
import { parseGpxTrack } from '../../server/domain/track/parse-gpx-track.js'
import { TrackInputError, type TrackErrorItem } from '../../server/domain/track/track-errors.js'

const NOW = Date.parse('2026-05-01T12:00:00Z')
const t = (s: number) => new Date(Date.parse('2026-05-01T08:00:00Z') + s * 1000).toISOString()

function errorsOf(run: () => unknown): TrackErrorItem[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TrackInputError)
    return (error as TrackInputError).errors
  }
  throw new Error('expected a TrackInputError')
}

function lineFeature(coordinates: unknown[], coordTimes: unknown): unknown {
  return { type: 'Feature', properties: { coordTimes }, geometry: { type: 'LineString', coordinates } }
}

describe('parseGeojsonTrack: the POST /patrols shapes', () => {
  it('reads a LineString Feature with properties.coordTimes', () => {
    const raw = parseGeojsonTrack(
      lineFeature(
        [
          [111.1, 27.1, 420],
          [111.1001, 27.1],
        ],
        [t(0), t(10)],
      ),
      { now: NOW },
    )
    expect(raw.points).toEqual([
      { index: 0, lon: 111.1, lat: 27.1, time: Date.parse(t(0)), ele: 420 },
      { index: 1, lon: 111.1001, lat: 27.1, time: Date.parse(t(10)) },
    ])
    expect(raw.segmentsHint).toEqual([0])
  })

  it('reads a MultiLineString with one times array per part as separate segments', () => {
    const feature = {
      type: 'Feature',
      properties: {
        coordTimes: [
          [t(0), t(1)],
          [t(700), t(701), t(702)],
        ],
      },
      geometry: {
        type: 'MultiLineString',
        coordinates: [
          [
            [111.1, 27.1],
            [111.1, 27.10001],
          ],
          [
            [111.2, 27.1],
            [111.2, 27.10001],
            [111.2, 27.10002],
          ],
        ],
      },
    }
    const raw = parseGeojsonTrack({ type: 'FeatureCollection', features: [feature] }, { now: NOW })
    expect(raw.points.map((p) => p.time)).toEqual([0, 1, 700, 701, 702].map((s) => Date.parse(t(s))))
    expect(raw.segmentsHint).toEqual([0, 2])
  })

  it('reads a FeatureCollection of Point features with time, accuracy and hdop', () => {
    const point = (lon: number, lat: number, properties: object) => ({
      type: 'Feature',
      properties,
      geometry: { type: 'Point', coordinates: [lon, lat] },
    })
    const raw = parseGeojsonTrack(
      {
        type: 'FeatureCollection',
        features: [
          point(111.1, 27.1, { time: t(0), accuracy: 8 }),
          point(111.1, 27.1001, { time: Date.parse(t(5)) / 1000, hdop: 2 }),
          point(111.1, 27.1002, { time: Date.parse(t(10)) }),
        ],
      },
      { now: NOW },
    )
    expect(raw.points.map((p) => [p.time, p.accuracy])).toEqual([
      [Date.parse(t(0)), 8],
      [Date.parse(t(5)), 10], // epoch seconds; HDOP 2 × 5 m
      [Date.parse(t(10)), undefined], // epoch milliseconds
    ])
  })

  it('reads what togeojson makes of a real GPX exactly as the GPX parser reads the file', () => {
    // togeojson ≥ 6 puts times in properties.coordinateProperties.times; the Cerknica file has 7
    // tracks and 7 waypoints, which come out as LineString and Point features side by side.
    const text = readFileSync(sharedFile('tracks', 'si_cerknicko-jezero_gpxpy.gpx'), 'utf8')
    const fc = gpx(new DOMParser().parseFromString(text, 'text/xml'))
    const fromGeojson = parseGeojsonTrack(JSON.parse(JSON.stringify(fc)), { now: NOW })
    const fromGpx = parseGpxTrack(text, { now: NOW })
    const strip = (p: { lon: number; lat: number; time: number }) => [p.lon, p.lat, p.time]
    expect(fromGeojson.points.map(strip)).toEqual(fromGpx.points.map(strip))
    expect(fromGeojson.segmentsHint).toEqual(fromGpx.segmentsHint)
    expect(fromGeojson.waypoints).toBe(7)
  })
})

describe('parseGeojsonTrack: bad points, named by JSON Pointer', () => {
  it('lists NaN, null, string and swapped coordinates and bad times together', () => {
    const errors = errorsOf(() =>
      parseGeojsonTrack(
        lineFeature(
          [
            [111.1, 27.1],
            [Number.NaN, 27.1],
            [111.1, null],
            ['111.1', 27.1],
            [27.1, 111.1],
            [111.1, 27.1],
            [111.1, 27.1],
          ],
          [t(0), t(1), t(2), t(3), t(4), null, '2026-05-03T08:00:00Z'],
        ),
        { now: NOW },
      ),
    )
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['/track/geometry/coordinates/1', 'COORDINATE_NOT_NUMBER'],
      ['/track/geometry/coordinates/2', 'COORDINATE_NOT_NUMBER'],
      ['/track/geometry/coordinates/3', 'COORDINATE_NOT_NUMBER'],
      ['/track/geometry/coordinates/4', 'LON_LAT_SWAPPED'],
      ['/track/geometry/coordinates/5', 'TIME_MISSING'],
      ['/track/geometry/coordinates/6', 'TIME_IN_FUTURE'],
    ])
  })

  it('uses the caller’s base path', () => {
    const errors = errorsOf(() =>
      parseGeojsonTrack(
        lineFeature(
          [
            [111.1, 27.1],
            [200, 27.1],
          ],
          [t(0), t(1)],
        ),
        { now: NOW, basePath: '/body/track' },
      ),
    )
    expect(errors[0]).toMatchObject({
      path: '/body/track/geometry/coordinates/1',
      reason: 'LONGITUDE_OUT_OF_RANGE',
    })
  })

  it('names Point features by their index', () => {
    const errors = errorsOf(() =>
      parseGeojsonTrack(
        {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { time: t(0) },
              geometry: { type: 'Point', coordinates: [111.1, 27.1] },
            },
            { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [111.1, 27.2] } },
          ],
        },
        { now: NOW },
      ),
    )
    expect(errors).toEqual([expect.objectContaining({ path: '/track/features/1', reason: 'TIME_MISSING' })])
  })

  it('refuses to pair times with coordinates when their counts differ', () => {
    const errors = errorsOf(() =>
      parseGeojsonTrack(
        lineFeature(
          [
            [111.1, 27.1],
            [111.1, 27.2],
            [111.1, 27.3],
          ],
          [t(0), t(1)],
        ),
        { now: NOW },
      ),
    )
    expect(errors).toEqual([
      expect.objectContaining({ path: '/track/properties/coordTimes', reason: 'TIMES_MISMATCH' }),
    ])
  })

  it('asks for coordTimes when a LineString has none', () => {
    const feature = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [1, 2],
          [1, 3],
        ],
      },
    }
    expect(errorsOf(() => parseGeojsonTrack(feature, { now: NOW }))[0]).toMatchObject({
      path: '/track/properties/coordTimes',
      reason: 'TIME_MISSING',
    })
    const bare = {
      type: 'LineString',
      coordinates: [
        [1, 2],
        [1, 3],
      ],
    }
    expect(errorsOf(() => parseGeojsonTrack(bare, { now: NOW }))[0]).toMatchObject({ reason: 'TIME_MISSING' })
  })
})

describe('parseGeojsonTrack: not a track', () => {
  it.each([
    ['an empty FeatureCollection', { type: 'FeatureCollection', features: [] }, 'TRACK_EMPTY'],
    ['a LineString of no coordinates', lineFeature([], []), 'TRACK_EMPTY'],
    [
      'a lone Point',
      { type: 'Feature', properties: { time: t(0) }, geometry: { type: 'Point', coordinates: [111, 27] } },
      'TRACK_SINGLE_POINT',
    ],
    [
      'a Polygon',
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [] } },
      'TRACK_SHAPE_UNSUPPORTED',
    ],
    ['a null geometry', { type: 'Feature', properties: {}, geometry: null }, 'TRACK_SHAPE_UNSUPPORTED'],
    ['a number', 42, 'TRACK_SHAPE_UNSUPPORTED'],
    ['text that is not JSON', '{"type": "Feature",', 'JSON_MALFORMED'],
  ])('rejects %s', (_name, input, reason) => {
    expect(errorsOf(() => parseGeojsonTrack(input, { now: NOW })).map((e) => e.reason)).toContain(reason)
  })
})
