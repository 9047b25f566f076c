import { buffer, lineString } from '@turf/turf'
import { clipToConvex, clipToHalfPlane, dropSmallHoles, intersectPolys, subtractPolys } from './clip.js'
import { COUNTY, type Geography, type Township, type Village } from './geography.js'
import { CATEGORY_LABELS } from './names.js'
import type { Staffing } from './people.js'
import {
  type BBox,
  type MPoly,
  type Poly,
  type Pt,
  type Ring,
  bboxIntersects,
  bboxOfMPoly,
  bboxOfPts,
  distPointRing,
  distance,
  pointInRing,
  polyArea,
  polysTouch,
} from './planar.js'
import { toLonLat, toMetric } from './projection.js'
import { Random } from './random.js'
import type { Road, RoadNetwork } from './roads.js'
import { bboxRing, spreadPoints, voronoiCells } from './voronoi.js'

export const TIER1_CATEGORIES = [
  'basic_farmland',
  'urban_planning',
  'urban_fringe',
  'township_seat',
  'main_road',
  'development_zone',
  'mining_area',
  'hotspot',
] as const
export const TIER2_CATEGORIES = [
  'other_farmland',
  'village_fringe',
  'village_planning',
  'village_surroundings',
  'rural_road',
] as const
export type Category = (typeof TIER1_CATEGORIES)[number] | (typeof TIER2_CATEGORIES)[number]

const TIER1 = new Set<string>(TIER1_CATEGORIES)
export function tierOf(c: Category): 1 | 2 {
  return TIER1.has(c) ? 1 : 2
}

export interface Zone {
  category: Category
  name: string
  townshipIndex: number
  /** Village the zone was carved from; -1 for zones drawn across villages. */
  villageIndex: number
  poly: Poly
  bbox: BBox
  area: number
  unitKey: string | null
  mainPersonKey: string | null
  directPersonKeys: string[]
}

/** Road corridor half-widths: the domain defaults (main 200 m, rural 50 m on each side). */
const MAIN_ROAD_BUFFER = 200
const RURAL_ROAD_BUFFER = 50
/** Parcels are Voronoi cells of about this size before roads and specials are cut out. */
const PARCEL_AREA = 60e4

interface Placed {
  mp: MPoly
  bbox: BBox
  townshipIndex: number
  /** Pieces of one road corridor are disjoint by construction and need not cut each other. */
  group: string
}

/** A star-shaped noisy ellipse: a believable outline for a town, park or mine. */
function blob(rng: Random, c: Pt, rx: number, ry: number, rot: number, n = 48): MPoly {
  const harm = [2, 3, 4, 5].map((k) => ({
    k,
    a: (0.09 / k) * rng.float(0.3, 1),
    ph: rng.float(0, 2 * Math.PI),
  }))
  const ring: Ring = []
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n
    let s = 0
    for (const h of harm) s += h.a * Math.cos(h.k * th + h.ph)
    const r = Math.exp(s)
    const x = rx * r * Math.cos(th)
    const y = ry * r * Math.sin(th)
    ring.push([c[0] + x * Math.cos(rot) - y * Math.sin(rot), c[1] + x * Math.sin(rot) + y * Math.cos(rot)])
  }
  ring.push([(ring[0] as Pt)[0], (ring[0] as Pt)[1]])
  return [[ring]]
}

function polyAreaOf(mp: MPoly): number {
  let a = 0
  for (const p of mp) a += polyArea(p)
  return a
}

class ZoneBuilder {
  readonly zones: Zone[] = []
  /** Specials and road corridors: everything placed later is cut around them. */
  readonly obstacles: Placed[] = []
  private readonly counters = new Map<string, number>()
  clipFailures = 0

  constructor(
    private readonly geo: Geography,
    private readonly staffing: Staffing,
  ) {}

  nextNumber(key: string): number {
    const n = (this.counters.get(key) ?? 0) + 1
    this.counters.set(key, n)
    return n
  }

  /**
   * The part of the township's piece not yet taken. Obstacles were split by township too, so only the
   * same township's pieces can overlap; an exact contact test, and trimming each cutter to the
   * shape's bounding box (cheap, and it cannot change the difference), keep the overlay small.
   */
  private subtractPlaced(shape: MPoly, townshipIndex: number, group = ''): MPoly | null {
    const bb = bboxOfMPoly(shape)
    const frame = bboxRing({ minX: bb.minX - 1, minY: bb.minY - 1, maxX: bb.maxX + 1, maxY: bb.maxY + 1 })
    const cutters = this.obstacles
      .filter(
        (o) =>
          o.townshipIndex === townshipIndex &&
          (group === '' || o.group !== group) &&
          bboxIntersects(o.bbox, bb) &&
          polysTouch(o.mp, shape),
      )
      .map((o) => clipToConvex(o.mp, frame))
      .filter((c) => c.length > 0)
    if (cutters.length === 0) return shape
    const out = subtractPolys(shape, cutters)
    if (out === null) this.clipFailures++
    return out
  }

  /**
   * Split a shape by township. Clipping to the township's convex cell is cheap; only pieces that
   * reach the county boundary need a real overlay with the township.
   */
  private splitByTownship(shape: MPoly): { township: Township; parts: Poly[] }[] {
    const bbox = bboxOfMPoly(shape)
    const out: { township: Township; parts: Poly[] }[] = []
    for (const t of this.geo.townships) {
      if (!bboxIntersects(bbox, t.bbox)) continue
      let piece: MPoly | null = clipToConvex(shape, t.cell)
      if (piece.length === 0) continue
      if (!piece.every((p) => this.geo.ringInsideCounty(p[0] as Ring))) {
        piece = intersectPolys(piece, t.geom)
        if (piece === null) {
          this.clipFailures++
          continue
        }
      }
      if (piece.length > 0) out.push({ township: t, parts: piece })
    }
    return out
  }

  private assign(
    t: Township,
    rotation: number,
  ): Pick<Zone, 'unitKey' | 'mainPersonKey' | 'directPersonKeys'> {
    const unit = this.staffing.stationOf[t.index]
    if (!unit) throw new Error(`no station for township ${t.code}`)
    const staff = this.staffing.peopleOf.get(unit.key) ?? []
    const head = this.staffing.headOf.get(unit.key)
    const patrollers = staff.filter((p) => p !== head)
    // 划片包干: each village (or road piece) has its own patroller; some have a second one
    const first = patrollers[rotation % patrollers.length] ?? head
    const direct = first ? [first.key] : []
    const second = patrollers[(rotation + 1) % patrollers.length]
    if (second && second !== first && rotation % 3 === 0) direct.push(second.key)
    return { unitKey: unit.key, mainPersonKey: head?.key ?? null, directPersonKeys: direct }
  }

  add(
    category: Category,
    name: string,
    t: Township,
    villageIndex: number,
    poly: Poly,
    rotation: number,
  ): Zone {
    const clean = dropSmallHoles(poly, 1)
    const zone: Zone = {
      category,
      name,
      townshipIndex: t.index,
      villageIndex,
      poly: clean,
      bbox: bboxOfPts(clean[0] as Ring),
      area: polyArea(clean),
      ...this.assign(t, rotation),
    }
    this.zones.push(zone)
    return zone
  }

  /** Place an area drawn across townships: one zone per township part, cut around what is placed. */
  placeSpecial(
    category: Category,
    shape: MPoly,
    label: (t: Township) => string,
    minArea: number,
    group = '',
  ): void {
    for (const { township, parts } of this.splitByTownship(shape)) {
      const free = this.subtractPlaced(parts, township.index, group)
      if (!free) continue
      const kept = free.filter((p) => polyArea(p) >= minArea)
      kept.forEach((p, i) => {
        const suffix = kept.length > 1 ? `-${i + 1}` : ''
        const z = this.add(
          category,
          label(township) + suffix,
          township,
          -1,
          p,
          this.nextNumber(`rot-${township.index}`),
        )
        this.obstacles.push({ mp: [z.poly], bbox: z.bbox, townshipIndex: township.index, group })
      })
    }
  }

  /**
   * A road corridor: buffer the whole road once, cut out what is already placed, then cut it across
   * the road every few km. Each cut splits what remains into two disjoint halves, so the pieces
   * cannot overlap even where a road bends back on itself.
   */
  placeRoad(rng: Random, road: Road, roadIndex: number, pts: Pt[]): void {
    const main = road.cls === 'main'
    const halfWidth = main ? MAIN_ROAD_BUFFER : RURAL_ROAD_BUFFER
    const category: Category = main ? 'main_road' : 'rural_road'
    // 4 segments per quarter circle: round enough, and half the vertices for the overlays downstream
    const buffered = buffer(lineString(pts.map(toLonLat)), halfWidth, { units: 'meters', steps: 4 })
    if (!buffered) return
    const g = buffered.geometry
    const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
    let rest: MPoly = polys.map((p) => p.map((r) => r.map((c) => toMetric(c))))

    const cuts: number[] = []
    let acc = 0
    let pieceLen = rng.float(2000, 4000)
    for (let i = 1; i < pts.length - 3; i++) {
      acc += distance(pts[i - 1] as Pt, pts[i] as Pt)
      if (acc >= pieceLen) {
        cuts.push(i)
        acc = 0
        pieceLen = rng.float(2000, 4000)
      }
    }
    const pieces: MPoly[] = []
    for (const i of cuts) {
      const c = pts[i] as Pt
      const a = pts[i - 1] as Pt
      const b = pts[i + 1] as Pt
      const ux = b[0] - a[0]
      const uy = b[1] - a[1]
      const k = ux * c[0] + uy * c[1]
      pieces.push(clipToHalfPlane(rest, ux, uy, k)) // behind the cut
      rest = clipToHalfPlane(rest, -ux, -uy, -k) // ahead of it
    }
    pieces.push(rest)
    pieces.forEach((piece, n) => {
      const seq = String(n + 1).padStart(2, '0')
      this.placeSpecial(
        category,
        piece,
        (t) => `${road.name}两侧第${seq}段(${t.name})`,
        halfWidth * 40,
        `road-${roadIndex}`,
      )
    })
  }

  /**
   * Cut one village into Voronoi parcels and give each a tier-1/2 category. The village centre gets
   * its own small cell (村庄规划范围) ringed by a few cells around it (村庄周围); the remaining parcels
   * are farmland, village junctions or nothing (woodland, water: tier 3).
   */
  placeVillage(rng: Random, v: Village, free: MPoly, countyRadius: number): void {
    const t = this.geo.townships[v.townshipIndex] as Township
    const inVillage = (p: Pt) => v.geom.some((poly) => pointInRing(p, poly[0] as Ring))
    const ringCount = rng.int(4, 6)
    const ringRadius = rng.float(380, 520)
    const a0 = rng.float(0, 2 * Math.PI)
    const around: Pt[] = []
    for (let k = 0; k < ringCount; k++) {
      const a = a0 + (2 * Math.PI * k) / ringCount + rng.float(-0.25, 0.25)
      const p: Pt = [v.centre[0] + ringRadius * Math.cos(a), v.centre[1] + ringRadius * Math.sin(a)]
      if (inVillage(p)) around.push(p)
    }
    const count = Math.max(5, Math.round(polyAreaOf(v.geom) / PARCEL_AREA))
    const spread = spreadPoints(rng, count - 1, v.bbox, (p) => inVillage(p) && distance(p, v.centre) > 900, [
      v.centre,
      ...around,
    ])
    const sites = [v.centre, ...around, ...spread]
    const cells = voronoiCells(sites, v.cell)
    const containerRing = [...v.cell, v.cell[0] as Pt]
    cells.forEach((cell, j) => {
      if (cell.length < 3) return
      const site = sites[j] as Pt
      const parcel = clipToConvex(free, cell)
      if (parcel.length === 0) return
      if (j === 0) return this.addParts('village_planning', v, t, parcel, 3e4)
      if (j <= around.length) return this.addParts('village_surroundings', v, t, parcel, 2e4)
      const onVillageEdge = cell.some((p) => distPointRing(p, containerRing) < 1e-6)
      const d = Math.min(1, distance(site, this.geo.countySeat) / countyRadius)
      // flat farmland in the middle, more woodland and hills (left as tier 3) towards the edge
      const pNone = 0.07 + 0.16 * d
      const pBasic = 0.64 - 0.26 * d
      let category: Category | null
      if (onVillageEdge && rng.chance(0.08)) category = 'village_fringe'
      else {
        const r = rng.next()
        category = r < pNone ? null : r < pNone + pBasic ? 'basic_farmland' : 'other_farmland'
      }
      if (!category) return
      this.addParts(category, v, t, parcel, category === 'village_fringe' ? 3e4 : 5e4)
    })
  }

  private addParts(category: Category, v: Village, t: Township, mp: MPoly, minArea: number): void {
    for (const p of mp) {
      if (polyArea(p) < minArea) continue
      const n = this.nextNumber(`${v.code}-${category}`)
      const name = `${t.name}${v.name}${CATEGORY_LABELS[category]}${String(n).padStart(2, '0')}`
      this.add(category, name, t, v.index, p, v.localIndex)
    }
  }

  /** What is left of a village once specials and corridors are cut out; null if the overlay failed. */
  freeAreaOf(v: Village): MPoly | null {
    return this.subtractPlaced(v.geom, v.townshipIndex)
  }
}

const QUADRANTS = ['东', '北', '西', '南']
const MINERALS = ['石灰石', '页岩', '砂石', '黏土', '石英砂', '白云岩']
const DEV_ZONE_NAMES = [
  `${COUNTY.name}经济开发区`,
  `${COUNTY.name}工业集中发展区`,
  `${COUNTY.name}现代农业园区`,
]

export interface ZoneResult {
  zones: Zone[]
  clipFailures: number
}

export function buildZones(seed: number, geo: Geography, net: RoadNetwork, staffing: Staffing): ZoneResult {
  const rng = Random.stream(seed, 'zones')
  const zb = new ZoneBuilder(geo, staffing)
  const seat = geo.countySeat
  const cb = geo.countyBBox
  const countyRadius = Math.sqrt((cb.maxX - cb.minX) * (cb.maxY - cb.minY)) / 2

  // 1. county town: urban planning area, then its urban–rural fringe in four sectors
  const urbanR = Math.sqrt(rng.float(12e6, 20e6) / Math.PI)
  const urban = blob(rng, seat, urbanR, urbanR * rng.float(0.8, 1), rng.float(0, Math.PI))
  zb.placeSpecial('urban_planning', urban, (t) => `${t.name}${CATEGORY_LABELS.urban_planning}`, 2e4)
  const fringeOuter = blob(rng, seat, urbanR * 1.5, urbanR * 1.45, rng.float(0, Math.PI))
  const rot = rng.float(0, Math.PI / 2)
  QUADRANTS.forEach((q, i) => {
    // a quarter: between two rays from the seat (two half-planes through it)
    const a0 = rot + (i * Math.PI) / 2 - Math.PI / 4
    const a1 = a0 + Math.PI / 2
    let part = clipToHalfPlane(
      fringeOuter,
      Math.sin(a0),
      -Math.cos(a0),
      Math.sin(a0) * seat[0] - Math.cos(a0) * seat[1],
    )
    part = clipToHalfPlane(
      part,
      -Math.sin(a1),
      Math.cos(a1),
      -Math.sin(a1) * seat[0] + Math.cos(a1) * seat[1],
    )
    if (part.length > 0) {
      zb.placeSpecial('urban_fringe', part, (t) => `${t.name}${CATEGORY_LABELS.urban_fringe}(${q}片)`, 2e4)
    }
  })

  // 2. development zones: parks beside trunk roads just outside the town
  const mainRoads = net.roads.filter((r) => r.cls === 'main')
  const devCount = rng.int(2, 3)
  for (let i = 0; i < devCount; i++) {
    const road = mainRoads[i % mainRoads.length]
    if (!road) break
    const want = urbanR * 1.5 + rng.float(1200, 2500)
    const candidates = road.nodes.filter((id) => Math.abs(distance(net.nodes[id] as Pt, seat) - want) < 300)
    const node = candidates[i % 2 === 0 ? 0 : candidates.length - 1]
    if (node === undefined) continue
    const r = rng.float(800, 1100)
    const shape = blob(rng, net.nodes[node] as Pt, r, r * rng.float(0.6, 0.9), rng.float(0, Math.PI))
    zb.placeSpecial('development_zone', shape, () => DEV_ZONE_NAMES[i] as string, 5e4)
  }

  // 3. township seats (集镇), 1–3 km² around each seat
  for (const t of geo.townships.slice(1)) {
    const r = rng.float(620, 950)
    const shape = blob(rng, t.seat, r, r * rng.float(0.75, 1), rng.float(0, Math.PI))
    zb.placeSpecial('township_seat', shape, (tt) => `${tt.name}${CATEGORY_LABELS.township_seat}`, 3e4)
  }

  // 4. key mining areas in the hills near the county edge
  const mineSites = spreadPoints(rng, rng.int(4, 6), geo.countyBBox, (p) => {
    if (!geo.insideCounty(p)) return false
    const d = geo.distToBoundary(p)
    return d > 1800 && d < 6000 && geo.townships.every((t) => distance(t.seat, p) > 4000)
  })
  mineSites.forEach((c, i) => {
    const r = rng.float(600, 1100)
    const mineral = MINERALS[i % MINERALS.length] as string
    const shape = blob(rng, c, r * rng.float(1.2, 1.7), r * 0.7, rng.float(0, Math.PI))
    zb.placeSpecial('mining_area', shape, (t) => `${t.name}${CATEGORY_LABELS.mining_area}(${mineral})`, 5e4)
  })

  // 5. hotspots: small areas prone to violations, along trunk roads and at the edge of town
  const hotspotCount = rng.int(12, 16)
  for (let i = 0; i < hotspotCount; i++) {
    let c: Pt
    if (i % 5 < 3) {
      const p = net.nodes[rng.pick(rng.pick(mainRoads).nodes)] as Pt
      const a = rng.float(0, 2 * Math.PI)
      const off = rng.float(350, 600)
      c = [p[0] + off * Math.cos(a), p[1] + off * Math.sin(a)]
    } else {
      const a = rng.float(0, 2 * Math.PI)
      const d = urbanR * rng.float(1.6, 2.1)
      c = [seat[0] + d * Math.cos(a), seat[1] + d * Math.sin(a)]
    }
    if (!geo.insideCounty(c)) continue
    const r = rng.float(180, 380)
    const shape = blob(rng, c, r, r * rng.float(0.6, 1), rng.float(0, Math.PI), 24)
    const n = String(i + 1).padStart(2, '0')
    zb.placeSpecial('hotspot', shape, (t) => `${t.name}${CATEGORY_LABELS.hotspot}${n}`, 1e4)
  }

  // 6. road corridors, trunk roads first
  for (const cls of ['main', 'rural'] as const) {
    net.roads.forEach((road, i) => {
      if (road.cls === cls)
        zb.placeRoad(
          rng,
          road,
          i,
          road.nodes.map((id) => net.nodes[id] as Pt),
        )
    })
  }

  // 7. parcels of every village: farmland, village planning/surroundings, village junctions
  for (const v of geo.villages) {
    // a village whose overlay fails gets no parcels (tier 3) rather than parcels over a corridor
    const free = zb.freeAreaOf(v)
    if (free) zb.placeVillage(rng, v, free, countyRadius)
  }

  // 8. a few zones are left without a responsible unit, for the plan check to find
  for (const z of zb.zones) {
    if (rng.chance(0.015)) {
      z.unitKey = null
      z.mainPersonKey = null
      z.directPersonKeys = []
    }
  }
  return { zones: zb.zones, clipFailures: zb.clipFailures }
}
