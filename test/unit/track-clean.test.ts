import { describe, expect, it } from 'vitest'
import { distance } from '@turf/turf'

import { cleanTrack, type CleanedTrack } from '../../server/domain/track/clean-track.js'
import type { RawPoint, RawTrack } from '../../server/domain/track/raw-track.js'

// Synthetic tracks near 隆回县 (Hunan). Metres are turned into degrees with the local scale, and every
// expectation is about which points are wrong by construction, not about what the code returns.
const ORIGIN = { lon: 111.03, lat: 27.11 }
const M_PER_DEG_LAT = 111_195
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((ORIGIN.lat * Math.PI) / 180)
const T0 = Date.parse('2026-05-01T08:00:00Z')

/** A point `north`/`east` metres from the origin at `s` seconds after T0. */
function at(s: number, north: number, east = 0, extra: Partial<RawPoint> = {}): Omit<RawPoint, 'index'> {
  return {
    lon: ORIGIN.lon + east / M_PER_DEG_LON,
    lat: ORIGIN.lat + north / M_PER_DEG_LAT,
    time: T0 + s * 1000,
    ...extra,
  }
}

function track(points: Omit<RawPoint, 'index'>[], segmentsHint = [0]): RawTrack {
  return { points: points.map((p, index) => ({ index, ...p })), segmentsHint }
}

/** A walk north at 1.5 m/s, one fix a second. */
function walk(n: number, startS = 0, startNorth = 0): Omit<RawPoint, 'index'>[] {
  return Array.from({ length: n }, (_, i) => at(startS + i, startNorth + 1.5 * i))
}

function droppedAs(c: CleanedTrack, reason: string): number[] {
  return c.dropped.filter((d) => d.reason === reason).map((d) => d.index)
}

function expectCountsAddUp(c: CleanedTrack): void {
  const { received, kept, outliers, duplicates, inaccurate, invalid, isolated } = c.counts
  expect(kept + outliers + duplicates + inaccurate + invalid + isolated).toBe(received)
}

describe('cleanTrack: speed outliers', () => {
  it('drops a run of three consecutive fixes 500 m off the route (they agree with each other)', () => {
    const points = walk(20)
    for (const i of [8, 9, 10]) points[i] = at(i, 1.5 * i, 500) // a cell-tower fallback: all three together
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([8, 9, 10])
    expect(c.segments).toHaveLength(1)
    expect(c.counts.kept).toBe(17)
    expectCountsAddUp(c)
  })

  it('drops a run of three consecutive fixes scattered in different directions', () => {
    const points = walk(20)
    points[8] = at(8, 12, 500)
    points[9] = at(9, 13.5, -700)
    points[10] = at(10, 600, 300)
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([8, 9, 10])
  })

  it('drops a lone spike that is too fast to reach and to leave', () => {
    const points = walk(10)
    points[4] = at(4, 6, 300)
    expect(droppedAs(cleanTrack(track(points)), 'outlier')).toEqual([4])
  })

  it('drops a fix with only one fast side when the track is plausible without it (a stale position)', () => {
    // 40 s without a fix, then a fix 800 m ahead stamped 2 s before the next good one: the step into it
    // looks fine (72 km/h over 40 s) and only the step out of it is impossible.
    const points = [
      ...walk(5),
      at(44, 806),
      ...walk(5, 46, 10 + 12 * 40).map((p, i) => ({ ...p, lat: p.lat + (i * 10) / M_PER_DEG_LAT })),
    ]
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([5])
  })

  it('drops a bad first point, judged against its neighbour and the neighbour’s neighbour', () => {
    const points = walk(6)
    points[0] = at(0, 0, 900)
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([0])
    expect(c.segments[0]![0]!.index).toBe(1)
  })

  it('keeps a good first point when its neighbour is the spike', () => {
    const points = walk(6)
    points[1] = at(1, 1.5, 900)
    expect(droppedAs(cleanTrack(track(points)), 'outlier')).toEqual([1])
  })

  it('drops a bad last point', () => {
    const points = walk(6)
    points[5] = at(5, 7.5, -900)
    expect(droppedAs(cleanTrack(track(points)), 'outlier')).toEqual([5])
  })

  it('never deletes a long stretch faster than the maximum; it warns instead', () => {
    // 130 km/h on an expressway for 60 s with a 120 km/h maximum: not noise, just fast.
    const points = Array.from({ length: 60 }, (_, i) => at(i, (130 / 3.6) * i))
    const c = cleanTrack(track(points), { maxSpeedKmh: 120 })
    expect(c.counts.outliers).toBe(0)
    expect(c.counts.kept).toBe(60)
    expect(c.warnings.join(' ')).toMatch(/faster than 120 km\/h/)
  })

  it.each([130, 200])('does not erode a %d km/h stretch between two walks', (kmh) => {
    // Dropping the first fast fix makes the next one reachable from the last walking fix over the
    // longer time, and so on: one drop at a time would eat into a real drive.
    const walking = walk(20)
    const fast = Array.from({ length: 40 }, (_, i) => at(20 + i, 28.5 + (kmh / 3.6) * (i + 1)))
    const end = fast[fast.length - 1]!
    const after = Array.from({ length: 20 }, (_, i) => at(60 + i, 28.5 + (kmh / 3.6) * 40 + 1.5 * (i + 1)))
    const c = cleanTrack(track([...walking, ...fast, ...after]), { maxSpeedKmh: 120 })
    expect(end.time).toBeLessThan(after[0]!.time)
    expect(c.counts.outliers).toBe(0)
    expect(c.counts.kept).toBe(80)
    expect(c.warnings.join(' ')).toMatch(/faster than 120 km\/h/)
  })

  it('keeps a walk with a fast step that is still under the maximum', () => {
    const points = walk(10)
    points[5] = at(5, 7.5 + 12) // 45 km/h for a second, like the Longhui walk
    expect(cleanTrack(track(points)).counts.outliers).toBe(0)
  })

  it('does not let one bad fix condemn the good fixes after it', () => {
    // A point-by-point filter comparing with the last accepted fix keeps the jump and then rejects
    // every later good fix (or the reverse); the batch judgement drops only the jump.
    const points = walk(30)
    points[3] = at(3, 4.5, 2000)
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([3])
    expect(c.counts.kept).toBe(29)
  })
})

describe('cleanTrack: jumps under the maximum', () => {
  /** A walk north at 1.5 m/s, a fix every `everyS` seconds. */
  const slowWalk = (n: number, everyS: number) =>
    Array.from({ length: n }, (_, i) => at(i * everyS, 1.5 * i * everyS))

  it('drops a walking fix thrown 130 m aside for 4 s (117 km/h out and back: under the maximum)', () => {
    const points = slowWalk(30, 4)
    points[10] = at(40, 60, 130)
    expect(
      ((distance([points[9]!.lon, points[9]!.lat], [points[10]!.lon, points[10]!.lat]) * 1000) / 4) * 3.6,
    ).toBeGreaterThan(115)
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([10])
    expect(c.counts.kept).toBe(29)
    // judged by the maximum alone, it stays
    expect(cleanTrack(track(points), { jump: null }).counts.outliers).toBe(0)
  })

  it('drops a walking fix thrown 80 m ahead in 4 s and the walk goes on from where it was', () => {
    const points = slowWalk(30, 4)
    points[12] = at(48, 72 + 80)
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'outlier')).toEqual([12])
  })

  it('keeps a walk that turns into a 60 km/h drive and back, fixes 4 s apart', () => {
    const walking = slowWalk(20, 4)
    const start = 1.5 * 19 * 4
    const driving = Array.from({ length: 30 }, (_, i) => at(80 + 4 * i, start + (60 / 3.6) * 4 * (i + 1)))
    const end = start + (60 / 3.6) * 4 * 30
    const again = Array.from({ length: 20 }, (_, i) => at(200 + 4 * i, end + 1.5 * 4 * (i + 1)))
    const c = cleanTrack(track([...walking, ...driving, ...again]))
    expect(c.counts.outliers).toBe(0)
    expect(c.counts.kept).toBe(70)
  })

  it('keeps a car at a steady 110 km/h, and one that stops at a light and drives off, fixes 5 s apart', () => {
    const steady = Array.from({ length: 60 }, (_, i) => at(5 * i, (110 / 3.6) * 5 * i))
    const c = cleanTrack(track(steady))
    expect(c.counts.outliers).toBe(0)
    expect(c.warnings).toEqual([])
    // 50 km/h, 30 s at a light, 50 km/h again
    const v = 50 / 3.6
    const before = Array.from({ length: 12 }, (_, i) => at(5 * i, v * 5 * i))
    const stop = v * 5 * 11
    const waiting = Array.from({ length: 6 }, (_, i) => at(60 + 5 * i, stop))
    const after = Array.from({ length: 12 }, (_, i) => at(90 + 5 * i, stop + v * 5 * (i + 1)))
    const go = cleanTrack(track([...before, ...waiting, ...after]))
    expect(go.counts.outliers).toBe(0)
    expect(go.counts.kept).toBe(30)
  })

  it('keeps the 1 Hz jitter of a device standing still (fixes scattered within 10 m)', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1
    const points = Array.from({ length: 600 }, (_, i) =>
      at(i, 10 * rand() * Math.SQRT1_2, 10 * rand() * Math.SQRT1_2),
    )
    const c = cleanTrack(track(points))
    expect(c.counts.outliers).toBe(0)
    expect(c.counts.kept).toBe(600)
  })
})

describe('cleanTrack: order, duplicates, accuracy', () => {
  it('sorts by time and counts the points that came out of order', () => {
    const points = walk(10)
    const shuffled = [
      points[0]!,
      points[1]!,
      points[5]!,
      points[2]!,
      points[3]!,
      points[4]!,
      ...points.slice(6),
    ]
    const c = cleanTrack(track(shuffled))
    expect(c.reordered).toBe(3) // 2, 3 and 4 arrived after 5
    expect(c.segments[0]!.map((p) => p.time)).toEqual(points.map((p) => p.time))
    expect(c.counts.kept).toBe(10)
  })

  it('drops exact duplicates and second fixes at the same instant', () => {
    const points = walk(6)
    const withDuplicates = [...points.slice(0, 3), { ...points[2]! }, at(2, 40), ...points.slice(3)]
    const c = cleanTrack(track(withDuplicates))
    expect(droppedAs(c, 'duplicate')).toEqual([3])
    expect(droppedAs(c, 'duplicate_time')).toEqual([4])
    expect(c.counts.duplicates).toBe(2)
    expect(c.segments[0]!.map((p) => p.index)).toEqual([0, 1, 2, 5, 6, 7])
    expectCountsAddUp(c)
  })

  it('drops fixes with accuracy worse than the maximum, keeps those without one', () => {
    const points = walk(6)
    points[2] = { ...points[2]!, accuracy: 150 }
    points[3] = { ...points[3]!, accuracy: 100 }
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'inaccurate')).toEqual([2])
    expect(cleanTrack(track(points), { maxAccuracyM: 200 }).counts.inaccurate).toBe(0)
  })

  it('drops values no parser would have let through as invalid', () => {
    const points = walk(5)
    points[1] = { ...points[1]!, lon: Number.NaN }
    points[2] = { ...points[2]!, lat: 95 }
    const c = cleanTrack(track(points))
    expect(droppedAs(c, 'invalid')).toEqual([1, 2])
    expect(c.counts.kept).toBe(3)
  })
})

describe('cleanTrack: segments, length and duration', () => {
  it('splits at a pause longer than gapSplitS and draws no line across it', () => {
    const before = walk(10)
    const after = walk(10, 9 + 700, 2000) // 700 s later, 2 km further: a drive with the device off
    const c = cleanTrack(track([...before, ...after]))
    expect(c.segments.map((s) => s.length)).toEqual([10, 10])
    const walked = 2 * 9 * 1.5
    expect(c.lengthM).toBeCloseTo(walked, 0)
    expect(c.durationS).toBe(18)
    expect(cleanTrack(track([...before, ...after]), { gapSplitS: 800 }).segments).toHaveLength(1)
  })

  it('drops a point left alone between two pauses as isolated', () => {
    const points = [...walk(5), at(1000, 20), ...walk(5, 2000, 30)]
    const c = cleanTrack(track(points))
    expect(c.segments).toHaveLength(2)
    expect(droppedAs(c, 'isolated')).toEqual([5])
    expectCountsAddUp(c)
  })

  it('splits at source segment boundaries even without a pause', () => {
    const points = walk(10)
    const c = cleanTrack(track(points, [0, 4]))
    expect(c.segments.map((s) => s.map((p) => p.index))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8, 9],
    ])
    expect(c.lengthM).toBeCloseTo((3 + 5) * 1.5, 0)
    // each segment's own length (turf, independently), which sum to the track's
    const turfLength = (s: readonly { lon: number; lat: number }[]) =>
      s
        .slice(1)
        .reduce((m, p, i) => m + distance([s[i]!.lon, s[i]!.lat], [p.lon, p.lat], { units: 'meters' }), 0)
    expect(c.segmentLengthsM).toHaveLength(2)
    c.segments.forEach((segment, i) =>
      expect(Math.abs(c.segmentLengthsM[i]! - turfLength(segment))).toBeLessThan(0.01),
    )
  })

  it('measures length geodesically', () => {
    const points = [at(0, 0), at(600, 5000, 5000)]
    const c = cleanTrack(track(points), { maxSpeedKmh: 200 })
    const turf = distance([points[0]!.lon, points[0]!.lat], [points[1]!.lon, points[1]!.lat], {
      units: 'meters',
    })
    expect(Math.abs(c.lengthM - turf)).toBeLessThan(0.01)
  })
})

describe('cleanTrack: county', () => {
  it('flags, but keeps, points outside the county bbox', () => {
    const points = walk(10)
    const bbox = [
      ORIGIN.lon - 0.01,
      ORIGIN.lat - 0.01,
      ORIGIN.lon + 0.01,
      ORIGIN.lat + 6 / M_PER_DEG_LAT,
    ] as const
    const c = cleanTrack(track(points), { countyBbox: bbox })
    // North edge at 6 m: the fixes at 7.5 m and beyond are outside.
    expect(c.outsideCounty).toBe(5)
    expect(c.counts.kept).toBe(10)
    expect(c.segments[0]!.filter((p) => p.outsideCounty).map((p) => p.index)).toEqual([5, 6, 7, 8, 9])
    expect(c.warnings.join(' ')).toMatch(/outside the county/)
    // the input's points are left as they were
    expect(points.some((p) => 'outsideCounty' in p)).toBe(false)
  })

  it('uses the exact test when given', () => {
    const c = cleanTrack(track(walk(10)), {
      isInsideCounty: (_lon, lat) => lat < ORIGIN.lat + 3.7 / M_PER_DEG_LAT,
    })
    expect(c.outsideCounty).toBe(7) // 0, 1.5 and 3 m are inside
  })
})

describe('cleanTrack: cost', () => {
  it('judges a 10 000-point track that is impossible everywhere without a pass per point', () => {
    // Random fixes scattered over 10 km, one a second: every step is impossible and none can be
    // explained. A quadratic implementation takes minutes here; this one a fraction of a second.
    let seed = 1
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const points = Array.from({ length: 10_000 }, (_, i) => at(i, random() * 10_000, random() * 10_000))
    const c = cleanTrack(track(points))
    expect(c.counts.kept).toBe(10_000)
    expect(c.warnings.join(' ')).toMatch(/9999 consecutive point pairs/)
  }, 30_000)
})
