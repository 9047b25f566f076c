import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

import { sharedFile } from '../support/paths.js'
import { parseGpxTrack } from '../../server/domain/track/parse-gpx-track.js'
import {
  MAX_LISTED_ERRORS,
  TrackInputError,
  type TrackErrorItem,
} from '../../server/domain/track/track-errors.js'
import { HDOP_UERE_M } from '../../server/domain/track/validate-track-point.js'

const NOW = Date.parse('2026-05-01T12:00:00Z')

function gpxDoc(body: string, version = '1.1'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="${version}" creator="test" xmlns="http://www.topografix.com/GPX/1/${version === '1.1' ? '1' : '0'}">
${body}
</gpx>`
}

function trkpt(lat: string | number, lon: string | number, time?: string, extra = ''): string {
  return `<trkpt lat="${lat}" lon="${lon}">${time === undefined ? '' : `<time>${time}</time>`}${extra}</trkpt>`
}

function errorsOf(run: () => unknown): TrackErrorItem[] {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TrackInputError)
    return (error as TrackInputError).errors
  }
  throw new Error('expected a TrackInputError')
}

describe('parseGpxTrack: real files', () => {
  it('reads every trkpt of the Longhui walk with its time', () => {
    const text = readFileSync(sharedFile('tracks', 'cn_hunan_longhui_walk_590051062.gpx'), 'utf8')
    const raw = parseGpxTrack(text, { now: NOW })
    expect(raw.points).toHaveLength(646) // MANIFEST
    expect(raw.segmentsHint).toEqual([0])
    expect(new Date(raw.points[0]!.time).toISOString()).toBe('2026-05-01T07:30:27.000Z')
    expect(raw.points.map((p) => p.index)).toEqual([...Array(646).keys()])
    // 隆回县 lies around 110.7–111.3 E, 27.0–27.6 N.
    for (const p of raw.points) {
      expect(p.lon).toBeGreaterThan(110.5)
      expect(p.lon).toBeLessThan(111.5)
      expect(p.lat).toBeGreaterThan(26.8)
      expect(p.lat).toBeLessThan(27.8)
    }
  })

  it('gives one segment hint per non-empty trkseg and counts waypoints (Cerknica, GPX 1.0)', () => {
    const text = readFileSync(sharedFile('tracks', 'si_cerknicko-jezero_gpxpy.gpx'), 'utf8')
    const raw = parseGpxTrack(text, { now: NOW })
    expect(raw.points).toHaveLength(296)
    expect(raw.waypoints).toBe(7)
    // Counted from the file: 173, 52, 2, 44, 2, 2 and 21 points after an empty first <trkseg>.
    expect(raw.segmentsHint).toEqual([0, 173, 225, 227, 271, 273, 275])
    expect(raw.warnings).toBeUndefined()
  })

  it('rejects points dated more than 24 h after `now`, listing the first 50', () => {
    const text = readFileSync(sharedFile('tracks', 'cn_hunan_longhui_walk_590051062.gpx'), 'utf8')
    const early = Date.parse('2026-04-29T00:00:00Z')
    const errors = errorsOf(() => parseGpxTrack(text, { now: early }))
    expect(errors[0]!.reason).toBe('TIME_IN_FUTURE')
    expect(errors).toHaveLength(MAX_LISTED_ERRORS + 1)
    expect(errors[MAX_LISTED_ERRORS]).toMatchObject({
      reason: 'ERRORS_TRUNCATED',
      message: '596 more errors not listed',
    })
  })
})

describe('parseGpxTrack: broken input', () => {
  it.each([
    ['an unclosed tag', gpxDoc('<trk><trkseg>' + trkpt(27, 111, '2026-05-01T08:00:00Z') + '</trk>')],
    ['a truncated file', gpxDoc('<trk><trkseg>').slice(0, -8)],
    ['an unquoted attribute', gpxDoc(`<trk><trkseg><trkpt lat=27 lon="111"/></trkseg></trk>`)],
    ['plain text', 'this is not xml'],
    ['an empty body', ''],
  ])('reports malformed XML for %s instead of reading part of it', (_name, text) => {
    const errors = errorsOf(() => parseGpxTrack(text, { now: NOW }))
    expect(errors).toHaveLength(1)
    expect(errors[0]!.reason).toBe('XML_MALFORMED')
    expect(errors[0]!.message).toMatch(/^malformed XML: /)
  })

  it('rejects well-formed XML that is not GPX', () => {
    const errors = errorsOf(() => parseGpxTrack('<kml><Placemark/></kml>', { now: NOW }))
    expect(errors[0]).toMatchObject({ reason: 'GPX_ROOT_MISSING' })
  })

  it('rejects a track of one point', () => {
    const errors = errorsOf(() =>
      parseGpxTrack(gpxDoc(`<trk><trkseg>${trkpt(27, 111, '2026-05-01T08:00:00Z')}</trkseg></trk>`), {
        now: NOW,
      }),
    )
    expect(errors).toEqual([expect.objectContaining({ path: '/gpx', reason: 'TRACK_SINGLE_POINT' })])
  })

  it('lists every bad point with its path and line, not just the first', () => {
    const text = gpxDoc(
      [
        '<trk><trkseg>',
        trkpt(27.1, 111.1, '2026-05-01T08:00:00Z'),
        trkpt('abc', 111.1, '2026-05-01T08:00:01Z'),
        trkpt(27.1, 111.1),
        '</trkseg><trkseg>',
        trkpt(111.1, 27.1, '2026-05-01T08:00:03Z'),
        trkpt(27.1, 111.1, 'yesterday'),
        trkpt(27.1, 111.1, '2026-05-03T08:00:00Z'),
        trkpt(95, 200, '2026-05-01T08:00:05Z'),
        '</trkseg></trk>',
      ].join('\n'),
    )
    const errors = errorsOf(() => parseGpxTrack(text, { now: NOW }))
    expect(errors.map((e) => [e.path, e.reason])).toEqual([
      ['/gpx/trk[1]/trkseg[1]/trkpt[2]', 'COORDINATE_NOT_NUMBER'],
      ['/gpx/trk[1]/trkseg[1]/trkpt[3]', 'TIME_MISSING'],
      ['/gpx/trk[1]/trkseg[2]/trkpt[1]', 'LON_LAT_SWAPPED'],
      ['/gpx/trk[1]/trkseg[2]/trkpt[2]', 'TIME_UNPARSEABLE'],
      ['/gpx/trk[1]/trkseg[2]/trkpt[3]', 'TIME_IN_FUTURE'],
      ['/gpx/trk[1]/trkseg[2]/trkpt[4]', 'LATITUDE_OUT_OF_RANGE'],
      ['/gpx/trk[1]/trkseg[2]/trkpt[4]', 'LONGITUDE_OUT_OF_RANGE'],
    ])
    expect(errors[0]!.message).toMatch(/latitude "abc" is not a number \(line 5\)/)
    expect(errors[2]!.message).toMatch(/lon\/lat swapped\?/)
  })

  it('reports a missing lat attribute as missing', () => {
    const text = gpxDoc(
      `<trk><trkseg><trkpt lon="111"><time>2026-05-01T08:00:00Z</time></trkpt>${trkpt(27, 111, '2026-05-01T08:00:01Z')}</trkseg></trk>`,
    )
    expect(errorsOf(() => parseGpxTrack(text, { now: NOW }))[0]).toMatchObject({
      reason: 'COORDINATE_MISSING',
      message: expect.stringMatching(/^latitude is missing/),
    })
  })
})

describe('parseGpxTrack: what else a GPX may hold', () => {
  it('accepts route points, keeps trk before rte, and counts waypoints without taking them as points', () => {
    const text = gpxDoc(
      [
        '<wpt lat="27.2" lon="111.2"><time>2026-05-01T07:00:00Z</time><name>start</name></wpt>',
        `<trk><trkseg>${trkpt(27.1, 111.1, '2026-05-01T08:00:00Z')}${trkpt(27.1001, 111.1, '2026-05-01T08:00:10Z')}</trkseg></trk>`,
        `<rte><rtept lat="27.2" lon="111.1"><time>2026-05-01T09:00:00Z</time></rtept><rtept lat="27.2001" lon="111.1"><time>2026-05-01T09:00:10Z</time></rtept></rte>`,
      ].join('\n'),
    )
    const raw = parseGpxTrack(text, { now: NOW })
    expect(raw.points.map((p) => p.lat)).toEqual([27.1, 27.1001, 27.2, 27.2001])
    expect(raw.segmentsHint).toEqual([0, 2])
    expect(raw.waypoints).toBe(1)
  })

  it('reads hdop as an accuracy estimate, ele and GPX 1.0 speed, ignoring values inside <extensions>', () => {
    const text = gpxDoc(
      `<trk><trkseg>
        ${trkpt(27.1, 111.1, '2026-05-01T08:00:00Z', '<ele>420.5</ele><hdop>3</hdop><speed>1.4</speed>')}
        ${trkpt(27.1001, 111.1, '2026-05-01T08:00:10Z', '<extensions><speed>99</speed><time>2000-01-01T00:00:00Z</time></extensions>')}
      </trkseg></trk>`,
      '1.0',
    )
    const [a, b] = parseGpxTrack(text, { now: NOW }).points
    expect(a).toMatchObject({ ele: 420.5, accuracy: 3 * HDOP_UERE_M, speed: 1.4 })
    expect(b!.speed).toBeUndefined()
    expect(b!.time).toBe(Date.parse('2026-05-01T08:00:10Z'))
  })

  it('reads prefixed GPX elements', () => {
    const text = `<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1"><g:trk><g:trkseg>
      <g:trkpt lat="27.1" lon="111.1"><g:time>2026-05-01T08:00:00Z</g:time></g:trkpt>
      <g:trkpt lat="27.2" lon="111.1"><g:time>2026-05-01T08:01:00Z</g:time></g:trkpt>
    </g:trkseg></g:trk></g:gpx>`
    expect(parseGpxTrack(text, { now: NOW }).points).toHaveLength(2)
  })

  it('reads times without an offset as UTC and says so', () => {
    const text = gpxDoc(
      `<trk><trkseg>${trkpt(27.1, 111.1, '2026-05-01T08:00:00')}${trkpt(27.1001, 111.1, '2026-05-01T08:00:10.5')}</trkseg></trk>`,
    )
    const raw = parseGpxTrack(text, { now: NOW })
    expect(raw.points.map((p) => p.time)).toEqual([
      Date.parse('2026-05-01T08:00:00Z'),
      Date.parse('2026-05-01T08:00:10.500Z'),
    ])
    expect(raw.warnings).toEqual(['2 point times had no UTC offset and were read as UTC+00:00'])
  })
})
