// Real device tracks from /work/shared/data/tracks (see its MANIFEST.md for sources and licences:
// gpxpy test_files (Apache-2.0), togeojson test/data (BSD-2-Clause), running_page GPX_OUT (MIT)).
// Expectations come from the files themselves, read here with togeojson and measured with Turf —
// a second parser and a second geodesic implementation — never from the code under test.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DOMParser } from '@xmldom/xmldom'
import { gpx } from '@tmcw/togeojson'
import { distance, length, lineString } from '@turf/turf'
import type { Feature, LineString, MultiLineString } from 'geojson'

import { sharedFile } from '../support/paths.js'
import { parseGpxTrack } from '../../server/domain/track/parse-gpx-track.js'
import { cleanTrack, type CleanedTrack } from '../../server/domain/track/clean-track.js'
import { TrackInputError } from '../../server/domain/track/track-errors.js'
import { TRACK_EMPTY } from '../../server/domain/track/track-input-reasons.js'

const NOW = Date.parse('2026-11-27T00:00:00Z')

interface RefPoint {
  lon: number
  lat: number
  time: number
}

/** The file as togeojson reads it: one array of points per trkseg, in document order. */
function readReferenceSegments(file: string): RefPoint[][] {
  const doc = new DOMParser().parseFromString(readFileSync(sharedFile('tracks', file), 'utf8'), 'text/xml')
  const segments: RefPoint[][] = []
  for (const feature of gpx(doc).features) {
    if (feature.geometry?.type !== 'LineString' && feature.geometry?.type !== 'MultiLineString') continue
    const f = feature as Feature<LineString | MultiLineString>
    const times = (f.properties?.coordinateProperties as { times: string[] | string[][] }).times
    const lines = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates
    const timesPerLine = f.geometry.type === 'LineString' ? [times as string[]] : (times as string[][])
    lines.forEach((line, k) => {
      segments.push(
        line.map((c, i) => ({
          lon: c[0] as number,
          lat: c[1] as number,
          time: Date.parse(timesPerLine[k]?.[i] ?? ''),
        })),
      )
    })
  }
  return segments
}

function kmh(a: RefPoint, b: RefPoint): number {
  return distance([a.lon, a.lat], [b.lon, b.lat], { units: 'kilometers' }) / ((b.time - a.time) / 3_600_000)
}

function turfLengthM(segments: RefPoint[][]): number {
  return segments
    .filter((s) => s.length >= 2)
    .reduce((sum, s) => sum + length(lineString(s.map((p) => [p.lon, p.lat])), { units: 'meters' }), 0)
}

function fastestKeptStepKmh(cleaned: CleanedTrack): number {
  let fastest = 0
  for (const segment of cleaned.segments) {
    for (let i = 1; i < segment.length; i++) fastest = Math.max(fastest, kmh(segment[i - 1]!, segment[i]!))
  }
  return fastest
}

function clean(file: string, options: Parameters<typeof cleanTrack>[1] = {}): CleanedTrack {
  return cleanTrack(parseGpxTrack(readFileSync(sharedFile('tracks', file), 'utf8'), { now: NOW }), options)
}

function expectCountsAddUp(c: CleanedTrack): void {
  const { received, kept, outliers, duplicates, inaccurate, invalid, isolated } = c.counts
  expect(kept + outliers + duplicates + inaccurate + invalid + isolated).toBe(received)
  expect(c.segments.reduce((n, s) => n + s.length, 0)).toBe(kept)
}

describe('cleanTrack on si_cerknicko-jezero_gpxpy.gpx (gpxpy test file, Slovenia)', () => {
  const file = 'si_cerknicko-jezero_gpxpy.gpx'
  const reference = readReferenceSegments(file)
  const flat = reference.flat()

  it('drops an end of the 330 km/h step as an outlier', () => {
    const steps = flat.slice(1).map((p, i) => ({ from: i, to: i + 1, kmh: kmh(flat[i]!, p) }))
    const impossible = steps.filter((s) => s.kmh > 120)
    expect(impossible).toHaveLength(1)
    expect(impossible[0]!.kmh).toBeGreaterThan(300)

    const cleaned = clean(file)
    const outliers = cleaned.dropped.filter((d) => d.reason === 'outlier')
    expect(outliers).toHaveLength(1)
    const step = impossible[0]!
    expect([flat[step.from], flat[step.to]]).toContainEqual({
      lon: outliers[0]!.lon,
      lat: outliers[0]!.lat,
      time: outliers[0]!.time,
    })
    expect(fastestKeptStepKmh(cleaned)).toBeLessThanOrEqual(120)
    expectCountsAddUp(cleaned)
  })

  it('keeps each source segment apart, splitting further only at pauses over 10 minutes', () => {
    // The MANIFEST says "8 segments": the first <trk> of the file has an empty <trkseg>, so 7 carry points.
    const withPoints = reference.filter((s) => s.length >= 2)
    expect(withPoints).toHaveLength(7)
    const pausesInside = withPoints.reduce(
      (n, s) => n + s.slice(1).filter((p, i) => p.time - s[i]!.time > 600_000).length,
      0,
    )
    const cleaned = clean(file)
    expect(cleaned.segments).toHaveLength(withPoints.length + pausesInside)
    expect(cleaned.reordered).toBe(0)
  })

  it('measures about the length Turf measures segment by segment (no line across segment gaps)', () => {
    const cleaned = clean(file)
    const expected = turfLengthM(reference)
    expect(Math.abs(cleaned.lengthM - expected) / expected).toBeLessThan(0.02)
    // A single line through all points would add the 2.3 km and 5.3 km jumps between segments.
    const asOneLine = turfLengthM([flat])
    expect(asOneLine - cleaned.lengthM).toBeGreaterThan(5000)
  })
})

describe('cleanTrack on us_blue_hills_togeojson.gpx (togeojson test file, USA)', () => {
  const file = 'us_blue_hills_togeojson.gpx'
  const reference = readReferenceSegments(file)
  const flat = reference.flat()
  // The same points in time order, as the patrol happened.
  const byTime = [...flat.keys()].sort((a, b) => flat[a]!.time - flat[b]!.time)
  const fastSteps = byTime
    .slice(1)
    .map((to, k) => ({ from: byTime[k]!, to, kmh: kmh(flat[byTime[k]!]!, flat[to]!) }))
    .filter((s) => s.kmh > 100)

  it('sorts segments whose times run backwards and says how many points were out of order', () => {
    let latest = -Infinity
    let late = 0
    for (const p of flat) {
      if (p.time < latest) late++
      else latest = p.time
    }
    expect(late).toBeGreaterThan(0)
    const cleaned = clean(file)
    expect(cleaned.reordered).toBe(late)
    expect(cleaned.warnings.join(' ')).toMatch(/out of time order/)
    for (const segment of cleaned.segments) {
      for (let i = 1; i < segment.length; i++) expect(segment[i]!.time).toBeGreaterThan(segment[i - 1]!.time)
    }
  })

  // The jumps, read here from the file with togeojson and Turf: each fast step with the speed of the
  // walk on either side of it (the median of the five steps before and the five after).
  const jumps = fastSteps.map((step) => {
    const at = byTime.indexOf(step.to)
    const around: number[] = []
    for (let k = at - 5; k <= at + 5; k++)
      if (k !== at && k >= 1 && k < byTime.length) around.push(kmh(flat[byTime[k - 1]!]!, flat[byTime[k]!]!))
    around.sort((a, b) => a - b)
    return { ...step, walkKmh: around[around.length >> 1]! }
  })
  const key = (p: RefPoint) => `${p.lon},${p.lat},${p.time}`
  const outlierKeys = (c: CleanedTrack) => new Set(c.dropped.filter((d) => d.reason === 'outlier').map(key))

  it('has jumps of 113–117 km/h in a walk: under the 120 km/h maximum, far over the walk around them', () => {
    // The MANIFEST's "117 km/h spikes" are three steps of 112.8, 115.2 and 117.4 km/h.
    expect(fastSteps.map((s) => Math.round(s.kmh))).toEqual(expect.arrayContaining([113, 115, 117]))
    expect(fastSteps).toHaveLength(3)
    expect(fastSteps.every((s) => s.kmh < 120)).toBe(true)
    for (const j of jumps) expect(j.kmh).toBeGreaterThan(5 * Math.max(j.walkKmh, 4))
    // judged by the maximum alone, they stay
    expect(clean(file, { jump: null }).counts.outliers).toBe(0)
  })

  it('drops one end of each jump at the defaults, and keeps every step of the walk it can explain', () => {
    const cleaned = clean(file)
    const outliers = outlierKeys(cleaned)
    for (const step of fastSteps) {
      expect(outliers.has(key(flat[step.from]!)) || outliers.has(key(flat[step.to]!))).toBe(true)
    }
    // a few points of 1,243, no stretch of the walk
    expect(outliers.size).toBeGreaterThanOrEqual(fastSteps.length)
    expect(outliers.size).toBeLessThanOrEqual(2 * fastSteps.length + 3)
    expect(fastestKeptStepKmh(cleaned)).toBeLessThan(100)
    expect(cleaned.warnings.join(' ')).not.toMatch(/faster than/)
    expectCountsAddUp(cleaned)
  })

  it('drops one end of each spike at maxSpeedKmh 100 with jumps not judged', () => {
    const cleaned = clean(file, { maxSpeedKmh: 100, jump: null })
    // Compared by position and time: togeojson leaves out a one-point segment, so its indices shift.
    const outliers = outlierKeys(cleaned)
    for (const step of fastSteps) {
      expect(outliers.has(key(flat[step.from]!)) || outliers.has(key(flat[step.to]!))).toBe(true)
    }
    expect(outliers.size).toBe(fastSteps.length)
    expect(fastestKeptStepKmh(cleaned)).toBeLessThanOrEqual(100)
    expectCountsAddUp(cleaned)
  })

  it('counts waypoints apart from track points and drops the one-point segment as isolated', () => {
    const raw = parseGpxTrack(readFileSync(sharedFile('tracks', file), 'utf8'), { now: NOW })
    expect(raw.waypoints).toBe(46)
    expect(raw.points).toHaveLength(1243)
    const cleaned = cleanTrack(raw)
    // togeojson leaves out segments of fewer than two points, so the difference is the lone points.
    const lone = 1243 - flat.length
    expect(lone).toBe(1)
    expect(cleaned.counts.isolated).toBe(lone)
  })

  it('measures about the length Turf measures over the segments', () => {
    const cleaned = clean(file)
    const expected = turfLengthM(reference)
    expect(Math.abs(cleaned.lengthM - expected) / expected).toBeLessThan(0.02)
  })
})

describe('cleanTrack on cn_hunan_longhui_walk_590051062.gpx (Garmin walk, 隆回县)', () => {
  const file = 'cn_hunan_longhui_walk_590051062.gpx'
  const flat = readReferenceSegments(file).flat()
  const steps = flat
    .slice(1)
    .map((p, i) => ({ kmh: kmh(flat[i]!, p), pauseS: (p.time - flat[i]!.time) / 1000 }))

  it('keeps the 45.8 km/h spike at the 120 km/h routine default', () => {
    const fastest = Math.max(...steps.map((s) => s.kmh))
    expect(fastest).toBeGreaterThan(45)
    expect(fastest).toBeLessThan(47)
    const cleaned = clean(file)
    expect(cleaned.counts.outliers).toBe(0)
    expect(cleaned.counts.kept).toBe(646)
    expect(cleaned.segments).toHaveLength(1)
  })

  it('splits at its four pauses over 60 s when gapSplitS is 60', () => {
    const pauses = steps.filter((s) => s.pauseS > 60).length
    expect(pauses).toBe(4) // as the MANIFEST says
    const cleaned = clean(file, { gapSplitS: 60 })
    expect(cleaned.segments).toHaveLength(pauses + 1)
    // Duration without the pauses: the file's span minus the time spent in them.
    const span = (flat[flat.length - 1]!.time - flat[0]!.time) / 1000
    const paused = steps.filter((s) => s.pauseS > 60).reduce((sum, s) => sum + s.pauseS, 0)
    expect(cleaned.durationS).toBeCloseTo(span - paused, 6)
  })

  it('is about the 2.6 km the MANIFEST gives', () => {
    expect(clean(file).lengthM / 1000).toBeCloseTo(2.6, 1)
  })
})

describe('cleanTrack on the other real tracks', () => {
  it('keeps every point of hr_around-visnjan-with-car_gpxpy.gpx, driven at up to 94 km/h', () => {
    const flat = readReferenceSegments('hr_around-visnjan-with-car_gpxpy.gpx').flat()
    const fastest = Math.max(...flat.slice(1).map((p, i) => kmh(flat[i]!, p)))
    expect(fastest).toBeGreaterThan(90)
    expect(fastest).toBeLessThan(120)
    const cleaned = clean('hr_around-visnjan-with-car_gpxpy.gpx')
    expect(cleaned.counts.kept).toBe(104)
    expect(cleaned.dropped).toEqual([])
    expect(cleaned.warnings).toEqual([])
  })

  it.each([
    ['cn_hunan_longhui_ride_590026363.gpx', 3027, 57.7],
    ['cn_guangdong_renhua_hike_589608452.gpx', 2854, 8],
  ])('keeps %s whole, at about the MANIFEST length', (file, points, km) => {
    const cleaned = clean(file)
    expect(cleaned.counts.kept).toBe(points)
    expect(Math.abs(cleaned.lengthM / 1000 - km) / km).toBeLessThan(0.02)
    expect(
      Math.abs(cleaned.lengthM - turfLengthM(readReferenceSegments(file))) / cleaned.lengthM,
    ).toBeLessThan(0.01)
  })

  it('rejects cn_empty_track_446724793.gpx (an empty <trkseg/>) as an empty track', () => {
    const text = readFileSync(sharedFile('tracks', 'cn_empty_track_446724793.gpx'), 'utf8')
    expect(() => parseGpxTrack(text, { now: NOW })).toThrow(TrackInputError)
    try {
      parseGpxTrack(text, { now: NOW })
    } catch (error) {
      expect((error as TrackInputError).errors.map((e) => e.reason)).toEqual([TRACK_EMPTY])
    }
  })
})
