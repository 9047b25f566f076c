import { convexToMPoly } from './clip.js'
import { clipByConvex } from './half-plane-clip.js'
import { TOWNSHIP_NAMES, pickVillageNames } from './names.js'
import {
  type BBox,
  type MPoly,
  type Pt,
  type Ring,
  bboxOfMPoly,
  bboxOfPts,
  distPointRing,
  distance,
  mpolyArea,
  pointInMPoly,
  pointInRing,
} from './planar.js'
import { Random } from './random.js'
import { bboxRing, spreadPoints, voronoiCells } from './voronoi.js'

export const PROVINCE = { code: '510000', name: '四川省' }
export const CITY = { code: '510100', name: '成都市' }
export const COUNTY = { code: '510199', name: '示范县' }

export interface Township {
  index: number
  code: string
  name: string
  /** Seat of the township government (镇政府所在地), also where the station sits. */
  seat: Pt
  /** Convex Voronoi cell before clipping to the county: container for the villages. */
  cell: Pt[]
  geom: MPoly
  bbox: BBox
  villageIndexes: number[]
}

export interface Village {
  index: number
  localIndex: number
  code: string
  name: string
  townshipIndex: number
  centre: Pt
  cell: Pt[]
  geom: MPoly
  bbox: BBox
  /** True when the village reaches the county boundary (its cell was clipped). */
  clipped: boolean
}

export interface Geography {
  countyRing: Ring
  county: MPoly
  countyBBox: BBox
  countySeat: Pt
  townships: Township[]
  villages: Village[]
  insideCounty(p: Pt): boolean
  distToBoundary(p: Pt): number
  /**
   * Is the simple polygon (ring, open or closed) entirely inside the county, so no clipping is needed?
   * True when all its vertices are inside and no county vertex is inside it: a straight county edge
   * cannot cut the polygon without leaving one of its vertices outside.
   */
  ringInsideCounty(ring: readonly Pt[]): boolean
}

const COUNTY_VERTICES = 192

/**
 * A star-shaped county: radius = exp(sum of low-frequency harmonics) around the origin, which gives a
 * believable lobed outline with no self-intersection (any positive radius function is star-shaped),
 * then scaled to the drawn area.
 */
function buildCountyRing(rng: Random): Ring {
  const harmonics = Array.from({ length: 11 }, (_, i) => {
    const k = i + 1
    return { k, amp: (0.2 / Math.pow(k, 0.85)) * rng.float(0.35, 1), phase: rng.float(0, 2 * Math.PI) }
  })
  // small vertex noise, smoothed over neighbours so the outline reads like a traced boundary
  const raw = Array.from({ length: COUNTY_VERTICES }, () => rng.gaussian() * 0.018)
  const noise = raw.map((_, i) => {
    const a = raw[(i + COUNTY_VERTICES - 1) % COUNTY_VERTICES] as number
    const b = raw[i] as number
    const c = raw[(i + 1) % COUNTY_VERTICES] as number
    return (a + 2 * b + c) / 4
  })
  const unit: Pt[] = []
  for (let i = 0; i < COUNTY_VERTICES; i++) {
    const th = (2 * Math.PI * i) / COUNTY_VERTICES
    let s = noise[i] as number
    for (const h of harmonics) s += h.amp * Math.cos(h.k * th + h.phase)
    const r = Math.exp(s)
    unit.push([r * Math.cos(th), r * Math.sin(th)])
  }
  let area = 0
  for (let i = 0; i < unit.length; i++) {
    const p = unit[i] as Pt
    const q = unit[(i + 1) % unit.length] as Pt
    area += (p[0] * q[1] - q[0] * p[1]) / 2
  }
  const targetArea = rng.float(1.32e9, 1.5e9)
  const k = Math.sqrt(targetArea / area)
  const ring = unit.map((p) => [Math.round(p[0] * k * 100) / 100, Math.round(p[1] * k * 100) / 100] as Pt)
  ring.push([(ring[0] as Pt)[0], (ring[0] as Pt)[1]])
  return ring
}

function villageCount(rng: Random, areaM2: number): number {
  const n = Math.round((areaM2 / 11.5e6) * rng.float(0.85, 1.15))
  return Math.max(8, Math.min(15, n))
}

export function buildGeography(seed: number): Geography {
  const rng = Random.stream(seed, 'geography')
  const countyRing = buildCountyRing(rng)
  const county: MPoly = [[countyRing]]
  const countyBBox = bboxOfPts(countyRing)
  const insideCounty = (p: Pt) => pointInRing(p, countyRing)
  const distToBoundary = (p: Pt) => distPointRing(p, countyRing)
  const ringInsideCounty = (ring: readonly Pt[]) => {
    if (!ring.every(insideCounty)) return false
    const bb = bboxOfPts(ring)
    for (const v of countyRing) {
      if (v[0] < bb.minX || v[0] > bb.maxX || v[1] < bb.minY || v[1] > bb.maxY) continue
      if (pointInRing(v, ring)) return false
    }
    return true
  }

  // county seat: near the middle, comfortably inside
  let countySeat: Pt = [0, 0]
  for (let i = 0; i < 100; i++) {
    const p: Pt = [rng.float(-3000, 3000), rng.float(-3000, 3000)]
    if (insideCounty(p) && distToBoundary(p) > 8000) {
      countySeat = [Math.round(p[0]), Math.round(p[1])]
      break
    }
  }

  const otherSeats = spreadPoints(
    rng,
    TOWNSHIP_NAMES.length - 1,
    countyBBox,
    (p) => insideCounty(p) && distToBoundary(p) > 2500,
    [countySeat],
  ).map((p) => [Math.round(p[0]), Math.round(p[1])] as Pt)
  const seats = [countySeat, ...otherSeats]
  const container = bboxRing({
    minX: countyBBox.minX - 1000,
    minY: countyBBox.minY - 1000,
    maxX: countyBBox.maxX + 1000,
    maxY: countyBBox.maxY + 1000,
  })
  const townCells = voronoiCells(seats, container)

  const townships: Township[] = seats.map((seat, i) => {
    const cell = townCells[i] as Pt[]
    const geom = clipByConvex(county, cell)
    if (geom.length === 0) throw new Error(`township ${i} clipping failed`)
    return {
      index: i,
      code: `${COUNTY.code}${String(i + 1).padStart(3, '0')}`,
      name: TOWNSHIP_NAMES[i] as string,
      seat,
      cell,
      geom,
      bbox: bboxOfMPoly(geom),
      villageIndexes: [],
    }
  })

  const villages: Village[] = []
  for (const t of townships) {
    const n = villageCount(rng, mpolyArea(t.geom))
    const names = pickVillageNames(rng, n)
    // village centres keep clear of the seat: the seat is the market town (集镇), not a village centre
    const centres = spreadPoints(
      rng,
      n,
      t.bbox,
      (p) => pointInMPoly(p, t.geom) && distance(p, t.seat) > 500,
      [t.seat],
    ).map((p) => [Math.round(p[0]), Math.round(p[1])] as Pt)
    const cells = voronoiCells(centres, t.cell)
    centres.forEach((centre, j) => {
      const cell = cells[j] as Pt[]
      const inside = ringInsideCounty(cell)
      const geom = inside ? convexToMPoly(cell) : clipByConvex(county, cell)
      if (geom.length === 0) throw new Error(`village ${t.code}/${j} clipping failed`)
      const v: Village = {
        index: villages.length,
        localIndex: j,
        code: `${t.code}${String(j + 1).padStart(3, '0')}`,
        name: names[j] as string,
        townshipIndex: t.index,
        centre,
        cell,
        geom,
        bbox: bboxOfMPoly(geom),
        clipped: !inside,
      }
      t.villageIndexes.push(v.index)
      villages.push(v)
    })
  }

  return {
    countyRing,
    county,
    countyBBox,
    countySeat,
    townships,
    villages,
    insideCounty,
    distToBoundary,
    ringInsideCounty,
  }
}
