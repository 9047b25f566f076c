import { area, featureCollection, intersect, kinks, multiPolygon, polygon } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { addWorkingDays, isoUtc, shanghaiInstant, workingDaysOfMonth } from '../../scripts/demo/calendar.js'
import { clipByConvex, clipByHalfPlane } from '../../scripts/demo/half-plane-clip.js'
import { nodeRings } from '../../scripts/demo/noding.js'
import { type MPoly, type Pt, mpolyArea } from '../../scripts/demo/planar.js'
import { Random } from '../../scripts/demo/random.js'
import { bboxRing, voronoiCells } from '../../scripts/demo/voronoi.js'

// The generator's own building blocks, checked against independent implementations (turf/polyclip).

function star(rng: Random, c: Pt, r: number, n: number): Pt[] {
  const pts: Pt[] = []
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n
    const rr = r * (0.5 + rng.next())
    pts.push([c[0] + rr * Math.cos(a), c[1] + rr * Math.sin(a)])
  }
  pts.push([(pts[0] as Pt)[0], (pts[0] as Pt)[1]])
  return pts
}

/** Planar area through polyclip, for comparison. */
function overlayArea(a: MPoly, convex: Pt[]): number {
  const ring = [...convex, convex[0] as Pt]
  const out = intersect(featureCollection([multiPolygon(a as number[][][][]), multiPolygon([[ring]])]))
  if (!out) return 0
  const g = out.geometry
  const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MPoly
  return mpolyArea(polys)
}

/** Round to a millimetre and drop repeats, as the writer does at a coarser grid. */
function rounded(mp: MPoly): MPoly {
  return mp.map((p) =>
    p.map((r) => {
      const out: Pt[] = []
      for (const v of r) {
        const q: Pt = [Math.round(v[0] * 1e3) / 1e3, Math.round(v[1] * 1e3) / 1e3]
        const last = out[out.length - 1]
        if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q)
      }
      return out
    }),
  )
}

describe('half-plane clipping', () => {
  it('matches polyclip on random polygons with holes and keeps them simple', () => {
    const rng = new Random(7)
    for (let k = 0; k < 25; k++) {
      const holeCentre: Pt = [rng.float(-20, 20), rng.float(-20, 20)]
      const hole = star(rng, holeCentre, 15, 12).reverse()
      const subject: MPoly = [[star(rng, [0, 0], 100, 40), hole], [star(rng, [300, 0], 80, 30)]]
      const sites = Array.from({ length: 6 }, () => [rng.float(-150, 400), rng.float(-150, 150)] as Pt)
      for (const cell of voronoiCells(sites, bboxRing({ minX: -300, minY: -300, maxX: 600, maxY: 300 }))) {
        const mine = clipByConvex(subject, cell)
        expect(mpolyArea(mine)).toBeCloseTo(overlayArea(subject, cell), 4)
        for (const p of rounded(mine)) expect(kinks(polygon(p as number[][][])).features).toHaveLength(0)
      }
    }
  }, 30_000)

  it('keeps a hole that touches the outer ring when the cut misses the hole', () => {
    // the hole's first vertex lies on the outer ring: a probe on that vertex alone cannot place it
    const outer: Pt[] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ]
    const hole: Pt[] = [
      [5, 10],
      [6, 8],
      [4, 8],
      [5, 10],
    ]
    const out = clipByHalfPlane([[outer, hole]], 1, 0, 8) // keep x ≤ 8
    expect(mpolyArea(out)).toBeCloseTo(80 - 2, 9)
  })

  it('pairs crossings that coincide where a hole touches the outer ring on the cut line', () => {
    const outer: Pt[] = [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ]
    // a diamond hole touching the bottom edge at (2, 0), cut by the vertical line through it
    const hole: Pt[] = [
      [2, 0],
      [1, 1],
      [2, 2],
      [3, 1],
      [2, 0],
    ]
    const out = clipByHalfPlane([[outer, hole]], 1, 0, 2) // keep x ≤ 2
    expect(mpolyArea(out)).toBeCloseTo(8 - 1, 9)
  })
})

describe('noding', () => {
  it('inserts a neighbour vertex that lies on an edge, and nothing else', () => {
    const a: Pt[] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ]
    const b: Pt[] = [
      [10, 0],
      [20, 0],
      [20, 5],
      [10, 5],
      [10, 0],
    ]
    expect(nodeRings([a, b])).toBe(1)
    expect(a).toContainEqual([10, 5])
    expect(a).toHaveLength(6)
    expect(area(polygon([a]))).toBeGreaterThan(0)
  })
})

describe('calendar', () => {
  it('knows the 2026 National Day holiday and its make-up Saturday', () => {
    const days = workingDaysOfMonth(2026, 10)
    expect(days).toHaveLength(18)
    expect(days[0]).toBe('2026-10-08')
    expect(days).toContain('2026-10-10')
    expect(addWorkingDays('2026-09-30', 1)).toBe('2026-10-08')
    expect(isoUtc(shanghaiInstant('2026-10-08', 8, 30))).toBe('2026-10-08T00:30:00Z')
  })
})
