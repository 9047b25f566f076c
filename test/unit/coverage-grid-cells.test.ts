import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CELL_BLOCK, cellSetsOf, findTrackCells } from '../../server/domain/coverage/grid-cells.js'
import { metricCrsFor } from '../../server/domain/coverage/metric-crs.js'
import { hashPatrolContent, hashPatrolContentV1 } from '../../server/domain/coverage/content-hash.js'

const opts = { cellSizeM: 100, sightRadiusM: 50, dayOf: () => '2026-05-04' }
const at = (x: number, y: number, s: number) => ({ x, y, t: s * 1000 })

describe('heat cells', () => {
  it('a leg along a row of cells puts its length and time in each cell it crosses, and the swath reaches the neighbours', () => {
    // 300 m due east along y = 40 (in row 0) in 300 s
    const cells = findTrackCells([[at(0, 40, 0), at(300, 40, 300)]], opts)
    const crossed = cells.filter((c) => c.lengthM > 0).sort((a, b) => a.cellX - b.cellX)
    expect(crossed.map((c) => [c.cellX, c.cellY])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ])
    for (const c of crossed) {
      expect(c.lengthM).toBeCloseTo(100, 9)
      expect(c.timeS).toBeCloseTo(100, 9)
    }
    // row -1 lies 40 m away: seen, not travelled; row 1 lies 60 m away: beyond sight
    const seen = cells.filter((c) => c.lengthM === 0)
    expect(
      seen
        .filter((c) => c.cellY === -1)
        .map((c) => c.cellX)
        .sort(),
    ).toEqual([-1, 0, 1, 2, 3])
    expect(cells.some((c) => c.cellY === 1)).toBe(false)
    expect(cells.some((c) => c.cellX === 3 && c.cellY === 0)).toBe(true)
    expect(cells.reduce((s, c) => s + c.lengthM, 0)).toBeCloseTo(300, 9)
  })

  it('a device standing still spends its time in its own cell', () => {
    const cells = findTrackCells([[at(150, 150, 0), at(150, 150, 600)]], opts)
    const own = cells.find((c) => c.cellX === 1 && c.cellY === 1)
    expect(own?.timeS).toBe(600)
    expect(cells.reduce((s, c) => s + c.timeS, 0)).toBe(600)
  })

  it('never draws a leg between segments', () => {
    const cells = findTrackCells(
      [
        [at(0, 50, 0), at(100, 50, 10)],
        [at(1000, 50, 20), at(1100, 50, 30)],
      ],
      opts,
    )
    expect(cells.some((c) => c.cellX === 5)).toBe(false)
  })
})

describe('heat cell sets', () => {
  it('groups the cells by day and 5 km block, every cell in exactly one set of its own block', () => {
    // a track across the origin of the grid (negative cells floor to block -1) over two days
    const day = (ms: number) => (ms < 800_000 ? '2026-05-04' : '2026-05-05')
    const track = [at(-7_400, -120, 0), at(6_900, 160, 900), at(6_900, 5_400, 1_800)]
    const cells = findTrackCells([track], { ...opts, dayOf: day })
    const sets = cellSetsOf(cells)
    // the same cells, each once, with the same weights
    const flat = sets.flatMap((s) =>
      s.cellX.map((x, i) => `${s.day} ${x} ${s.cellY[i]} ${s.lengthM[i]} ${s.timeS[i]}`),
    )
    const given = cells.map((c) => `${c.day} ${c.cellX} ${c.cellY} ${c.lengthM} ${c.timeS}`)
    expect(flat.sort()).toEqual(given.sort())
    // each set's cells in its block (50 cells a side, floored: cell -1 is in block -1)
    for (const s of sets) {
      for (const [i, x] of s.cellX.entries()) {
        const y = s.cellY[i]!
        expect(x >= s.blockX * CELL_BLOCK && x < (s.blockX + 1) * CELL_BLOCK).toBe(true)
        expect(y >= s.blockY * CELL_BLOCK && y < (s.blockY + 1) * CELL_BLOCK).toBe(true)
      }
    }
    // one set per day and block, and the blocks on both sides of the origin are there
    const keys = sets.map((s) => `${s.day}/${s.blockX}/${s.blockY}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(sets.some((s) => s.blockX === -2 && s.blockY === -1)).toBe(true)
    expect(sets.some((s) => s.blockX === 1 && s.blockY === 0)).toBe(true)
    expect(new Set(sets.map((s) => s.day))).toEqual(new Set(['2026-05-04', '2026-05-05']))
  })
})

describe('metric CRS', () => {
  it('uses the CGCS2000 3° Gauss–Krüger zone in China and UTM elsewhere', () => {
    expect(metricCrsFor(111.2, 27.1).srid).toBe(4546) // CM 111°E
    expect(metricCrsFor(104.05, 30.0).srid).toBe(4544) // CM 105°E
    expect(metricCrsFor(14.4, 45.8).srid).toBe(32633)
    expect(metricCrsFor(-71.1, 42.2).srid).toBe(32619)
  })
})

describe('patrol content hash', () => {
  const track = {
    points: [
      { index: 0, lon: 104, lat: 30, time: 1000 },
      { index: 1, lon: 104.001, lat: 30, time: 31000, accuracy: 5 },
    ],
    segmentsHint: [0],
  }
  const base = { unitId: 'U', staff: ['b', 'a'], kind: 'routine', crs: 'EPSG:4326', track }
  const longTrack = () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({
      index: i,
      lon: -73.98 + i * 1e-5 + (i % 7) * 1.1e-9,
      lat: 40.7 - i * 3.3e-6,
      time: 1_790_000_000_000 + i * 1003,
      ...(i % 3 === 0 ? { accuracy: (i % 50) / 4 } : {}),
    }))
    return { ...base, track: { points, segmentsHint: [0, 1200] } }
  }
  // the canonical metadata of longTrack (ids lower-cased, staff sorted)
  const meta = { unit_id: 'u', staff: ['a', 'b'], kind: 'routine', crs: 'EPSG:4326', segments: [0, 1200] }
  it('is the sha-256 of the canonical metadata JSON and each point as four little-endian doubles', () => {
    const content = longTrack()
    const head = JSON.stringify({ v: 2, ...meta })
    const body = Buffer.alloc(32 * content.track.points.length)
    content.track.points.forEach((p, i) => {
      body.writeDoubleLE(p.lon, 32 * i)
      body.writeDoubleLE(p.lat, 32 * i + 8)
      body.writeDoubleLE(p.time, 32 * i + 16)
      body.writeDoubleLE('accuracy' in p ? (p.accuracy as number) : Number.NaN, 32 * i + 24)
    })
    const expected = createHash('sha256').update(head).update(body).digest('hex')
    expect(hashPatrolContent(content)).toBe(expected)
  })
  it('version 1 is the sha-256 of the canonical JSON, for a long track with and without accuracy', () => {
    const content = longTrack()
    const points = content.track.points
    const canonical = JSON.stringify({
      v: 1,
      ...meta,
      points: points.map((p) => [p.lon, p.lat, p.time, p.accuracy ?? null]),
    })
    expect(hashPatrolContentV1(content)).toBe(createHash('sha256').update(canonical).digest('hex'))
    expect(hashPatrolContentV1(content)).not.toBe(hashPatrolContent(content))
  })
  it('ignores staff order, not staff, points or kind', () => {
    expect(hashPatrolContent({ ...base, staff: ['a', 'b'] })).toBe(hashPatrolContent(base))
    expect(hashPatrolContent({ ...base, staff: ['a'] })).not.toBe(hashPatrolContent(base))
    expect(hashPatrolContent({ ...base, kind: 'special' })).not.toBe(hashPatrolContent(base))
    const moved = { ...track, points: [track.points[0]!, { ...track.points[1]!, lat: 30.0001 }] }
    expect(hashPatrolContent({ ...base, track: moved })).not.toBe(hashPatrolContent(base))
  })
})
