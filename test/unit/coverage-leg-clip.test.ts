// Where a leg runs inside a polygon (leg-clip.ts) against an independent computation: the leg
// sampled every 1/4000 of its length, each sample tested with turf's booleanPointInPolygon.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import { point, polygon } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { Random } from '../../scripts/demo/random.js'
import { legInside, prepareRings } from '../../server/domain/coverage/leg-clip.js'

const ZONE = [
  [
    [0, 0],
    [300, 0],
    [300, 200],
    [180, 200],
    [180, 80],
    [120, 80],
    [120, 200],
    [0, 200],
    [0, 0],
  ],
  // a hole
  [
    [30, 30],
    [70, 30],
    [70, 70],
    [30, 70],
    [30, 30],
  ],
]

/** The sampled share of the leg inside, and the first and last inside sample. */
function sampled(ax: number, ay: number, bx: number, by: number) {
  const zone = polygon(ZONE)
  const n = 4000
  let inside = 0
  let first = Infinity
  let last = -Infinity
  for (let k = 0; k < n; k++) {
    const t = (k + 0.5) / n
    if (booleanPointInPolygon(point([ax + t * (bx - ax), ay + t * (by - ay)]), zone)) {
      inside++
      first = Math.min(first, t)
      last = Math.max(last, t)
    }
  }
  return { share: inside / n, first, last }
}

describe('leg inside a polygon', () => {
  it('the share inside, entry and exit agree with sampling on random legs through a U-shaped zone with a hole', () => {
    const random = new Random(7)
    const rnd = () => random.next()
    let crossing = 0
    for (let i = 0; i < 300; i++) {
      const [ax, ay, bx, by] = [rnd() * 400 - 50, rnd() * 300 - 50, rnd() * 400 - 50, rnd() * 300 - 50]
      const got = legInside(ax, ay, bx, by, [ZONE])
      const want = sampled(ax, ay, bx, by)
      const share = got.parts.reduce((s, [f0, f1]) => s + f1 - f0, 0)
      expect(Math.abs(share - want.share), `leg ${i}`).toBeLessThan(0.001)
      if (want.share > 0) {
        expect(got.meets).toBe(true)
        expect(Math.abs(got.first - want.first)).toBeLessThan(0.001)
        expect(Math.abs(got.last - want.last)).toBeLessThan(0.001)
        if (got.parts.length > 1) crossing++
      }
    }
    // not vacuous: many legs go in and out more than once (the U and the hole)
    expect(crossing).toBeGreaterThan(10)
  })

  it('a fast crossing of a narrow strip between two fixes is inside for the strip’s width', () => {
    const strip = [
      [
        [100, -500],
        [110, -500],
        [110, 500],
        [100, 500],
        [100, -500],
      ],
    ]
    const got = legInside(0, 0, 400, 0, [strip])
    expect(got.parts).toHaveLength(1)
    expect(got.parts[0]![0]).toBeCloseTo(0.25, 9)
    expect(got.parts[0]![1]).toBeCloseTo(0.275, 9)
  })

  it('a device standing still is inside for the whole leg when its point is, and a touch meets without a part inside', () => {
    expect(legInside(10, 10, 10, 10, [ZONE]).parts).toEqual([[0, 1]])
    expect(legInside(50, 50, 50, 50, [ZONE]).meets).toBe(false) // in the hole
    const touch = legInside(-10, -10, 10, 0, [ZONE]) // ends on the bottom edge at (10, 0)
    expect(touch.meets).toBe(true)
    expect(touch.parts).toEqual([])
  })
})

describe('leg clipping with the edges indexed by slabs', () => {
  it('answers exactly what testing every edge answers, for random legs and a 200-vertex polygon with a hole', () => {
    const random = new Random(7)
    const rnd = () => random.next()
    // a star of 200 vertices (edges of every slope) around a square hole
    const star = Array.from({ length: 200 }, (_, k) => {
      const a = (k / 200) * 2 * Math.PI
      const r = 300 + rnd() * 200
      return [500 + r * Math.cos(a), 500 + r * Math.sin(a)]
    })
    const rings = [
      [...star, star[0]!],
      [
        [450, 450],
        [450, 550],
        [550, 550],
        [550, 450],
        [450, 450],
      ],
    ]
    const prepared = prepareRings([rings])
    // every edge tested: one slab holding them all
    const everyEdge = {
      ...prepareRings([rings]),
      slabs: [Int32Array.from({ length: 205 }, (_, k) => k)],
      slabH: 1e9,
    }
    let crossing = 0
    for (let i = 0; i < 3000; i++) {
      const a = { x: rnd() * 1100 - 50, y: rnd() * 1100 - 50 }
      // long and short legs, and some exactly horizontal or vertical, or along a star edge
      const kind = i % 10
      const b =
        kind === 0
          ? { x: a.x + 80, y: a.y }
          : kind === 1
            ? { x: a.x, y: a.y - 60 }
            : kind === 2
              ? { x: star[i % 200]![0]!, y: star[i % 200]![1]! }
              : {
                  x: a.x + (rnd() - 0.5) * (kind < 6 ? 60 : 900),
                  y: a.y + (rnd() - 0.5) * (kind < 6 ? 60 : 900),
                }
      const fast = legInside(a.x, a.y, b.x, b.y, prepared)
      const slow = legInside(a.x, a.y, b.x, b.y, everyEdge)
      expect(fast).toEqual(slow)
      if (slow.parts.length > 0 && slow.parts[0]![1] - slow.parts[0]![0] < 1) crossing++
    }
    // not vacuous: many legs crossed the boundary
    expect(crossing).toBeGreaterThan(200)
  })
})
