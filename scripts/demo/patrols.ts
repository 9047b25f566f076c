import { addDays, isoUtc, shanghaiInstant, workingDaysOfMonth } from './calendar.js'
import type { Geography } from './geography.js'
import type { Staffing, Unit } from './people.js'
import { type Pt, distance, pointInPoly, ringCentroid } from './planar.js'
import { toLonLat } from './projection.js'
import { Random } from './random.js'
import type { RoadNetwork } from './roads.js'
import type { NdjsonWriter } from './write.js'
import { type Zone, tierOf } from './zones.js'

export type PatrolKind = 'routine' | 'supervision' | 'special'

/** A stop of a patrol inside a zone: where violations found on patrol are placed. */
export interface PatrolStop {
  zoneIndex: number
  at: Pt
  time: number
}

/** Straight-line motion (or a pause when from = to) lasting `seconds`. */
interface Segment {
  from: Pt
  to: Pt
  seconds: number
}

export interface PatrolPlan {
  externalId: string
  unitKey: string
  staffKeys: string[]
  kind: PatrolKind
  townshipIndex: number
  date: string
  start: number
  end: number
  segments: Segment[]
  stops: PatrolStop[]
}

interface Target {
  zoneIndex: number
  rep: Pt
  node: number
  nodeDist: number
  tier: 1 | 2
  township: number
  category: Zone['category']
  lastVisit: number
  /** Days the planner aims to leave between visits. */
  interval: number
}

const YEAR = 2026
const MONTH = 10
/** Only zones this close to a road are ever planned as stops; the rest are the coverage gaps. */
const MAX_STOP_DISTANCE = 500
/**
 * How often the planner wants to see a zone: tier-1 zones near a road twice a week (the rule), the
 * rest less often than the rules ask (tier 2: 5 a month), so the demo has shortfalls to report.
 */
const TIER1_INTERVAL_DAYS = 3.5
const OTHER_INTERVAL_DAYS = 10
const NEAR_ROAD = 250
const GPS_SIGMA = 5

/**
 * Where a patrol gets into the zone: the zone vertex nearest to the road network, stepped 40–70 m
 * towards the zone's middle (so the stop is inside the zone, not on its edge). Officers leave the
 * car at the closest road and walk in; they do not cross a 50 ha field to reach its centroid.
 */
function entryPoint(rng: Random, z: Zone, net: RoadNetwork): { at: Pt; node: number; dist: number } | null {
  const outer = z.poly[0] as Pt[]
  let best: { v: Pt; node: number; dist: number } | null = null
  for (let i = 0; i + 1 < outer.length; i += Math.max(1, Math.floor(outer.length / 24))) {
    const v = outer[i] as Pt
    const near = net.nearest(v)
    if (!best || near.dist < best.dist) best = { v, node: near.node, dist: near.dist }
  }
  if (!best) return null
  const c = ringCentroid(outer)
  const candidates: Pt[] = []
  const d = distance(best.v, c)
  for (const step of [rng.float(40, 70), 25, 12]) {
    if (d > 0)
      candidates.push([
        best.v[0] + ((c[0] - best.v[0]) * step) / d,
        best.v[1] + ((c[1] - best.v[1]) * step) / d,
      ])
  }
  candidates.push(c)
  for (let i = 0; i < 40; i++)
    candidates.push([rng.float(z.bbox.minX, z.bbox.maxX), rng.float(z.bbox.minY, z.bbox.maxY)])
  const at = candidates.find((p) => pointInPoly(p, z.poly))
  if (!at) return null
  const node = net.nearest(at)
  return { at, node: node.node, dist: node.dist }
}

class RouteBuilder {
  readonly segments: Segment[] = []
  readonly stops: PatrolStop[] = []
  seconds = 0
  node: number
  pos: Pt

  constructor(
    private readonly net: RoadNetwork,
    private readonly rng: Random,
    private readonly start: number,
    origin: Pt,
    originNode: number,
    private readonly speedFactor: number,
  ) {
    this.pos = origin
    this.node = originNode
    this.moveTo(net.nodes[originNode] as Pt, 6)
  }

  moveTo(p: Pt, speed: number): void {
    const d = distance(this.pos, p)
    if (d > 0) this.segments.push({ from: this.pos, to: p, seconds: d / speed })
    this.seconds += d / speed
    this.pos = p
  }

  pause(seconds: number): void {
    this.segments.push({ from: this.pos, to: this.pos, seconds })
    this.seconds += seconds
  }

  /** Drive along the road graph; false when the node is unreachable. */
  driveTo(node: number): boolean {
    const path = this.net.shortestPath(this.node, node)
    if (!path) return false
    for (let i = 1; i < path.length; i++) {
      const a = path[i - 1] as number
      const b = path[i] as number
      const base = this.net.edgeClass(a, b) === 'main' ? 12 : 7.5
      this.moveTo(this.net.nodes[b] as Pt, base * this.speedFactor * this.rng.float(0.85, 1.15))
    }
    this.node = node
    return true
  }

  /** Leave the road, walk a small loop inside the zone, note the stop, come back. */
  visit(t: Target): void {
    const road = this.pos
    // farm tracks by car or e-bike when the zone is off the road, on foot when it is right there
    const approach = t.nodeDist > 80 ? 5 : 1.4
    this.moveTo(t.rep, approach)
    this.stops.push({ zoneIndex: t.zoneIndex, at: t.rep, time: this.start + this.seconds * 1000 })
    const r = this.rng.float(15, 30)
    const a0 = this.rng.float(0, 2 * Math.PI)
    for (let k = 1; k <= 6; k++) {
      const a = a0 + (2 * Math.PI * k) / 6
      this.moveTo(
        [t.rep[0] + r * (Math.cos(a) - Math.cos(a0)), t.rep[1] + r * (Math.sin(a) - Math.sin(a0))],
        1.2,
      )
    }
    this.pause(this.rng.float(5, 25))
    this.moveTo(road, approach)
  }

  /** Time to drive from a road node back to the origin (road distance at a middling speed). */
  returnEstimate(node: number, home: Float64Array): number {
    const d = home[node] as number
    return (Number.isFinite(d) ? d : 20_000) / (9 * this.speedFactor) + 120
  }
}

interface Schedule {
  unit: Unit
  township: number
  kind: PatrolKind
  date: string
  afternoon: boolean
}

export class PatrolPlanner {
  readonly targets: Target[] = []
  private readonly byTownship = new Map<number, Target[]>()
  private readonly rng: Random

  constructor(
    seed: number,
    private readonly geo: Geography,
    private readonly net: RoadNetwork,
    private readonly zones: readonly Zone[],
    private readonly staffing: Staffing,
  ) {
    this.rng = Random.stream(seed, 'patrols')
    const monthStart = shanghaiInstant(`${YEAR}-${MONTH}-01`, 0)
    zones.forEach((z, i) => {
      const entry = entryPoint(this.rng, z, net)
      // some zones are simply off everybody's route: never visited, the gaps a coverage report shows
      if (!entry || entry.dist > MAX_STOP_DISTANCE || this.rng.chance(0.06)) return
      const t: Target = {
        zoneIndex: i,
        rep: entry.at,
        node: entry.node,
        nodeDist: entry.dist,
        tier: tierOf(z.category),
        township: z.townshipIndex,
        category: z.category,
        lastVisit: monthStart - this.rng.float(0, 6) * 86_400_000,
        // tier-1 zones right by a road get the twice-a-week rhythm; the rest are fitted in
        interval:
          tierOf(z.category) === 1 && entry.dist <= NEAR_ROAD ? TIER1_INTERVAL_DAYS : OTHER_INTERVAL_DAYS,
      }
      this.targets.push(t)
      const list = this.byTownship.get(t.township)
      if (list) list.push(t)
      else this.byTownship.set(t.township, [t])
    })
  }

  private schedule(): Schedule[] {
    const rng = this.rng
    const out: Schedule[] = []
    const workdays = workingDaysOfMonth(YEAR, MONTH)
    this.staffing.stationOf.forEach((unit, ti) => {
      // a second patrol (afternoon, another pair of officers) on about half the working days
      const doubleDays = new Set(rng.sample(workdays, rng.int(8, 11)))
      for (const date of workdays) {
        const kind = rng.chance(0.08) ? 'special' : 'routine'
        if (doubleDays.has(date)) {
          out.push({ unit, township: ti, kind, date, afternoon: false })
          out.push({ unit, township: ti, kind: 'routine', date, afternoon: true })
        } else out.push({ unit, township: ti, kind, date, afternoon: rng.chance(0.4) })
      }
      // duty patrols during the National Day holiday
      for (const offset of rng.sample([1, 2, 3, 4, 5], rng.int(1, 2))) {
        out.push({
          unit,
          township: ti,
          kind: 'special',
          date: addDays(`${YEAR}-10-01`, offset),
          afternoon: false,
        })
      }
    })
    // supervision: the enforcement team checks every station's area each week (most weeks)
    const weeks: string[][] = []
    for (const d of workdays) {
      const w = Math.floor((Date.parse(d) - Date.parse('2026-09-28')) / (7 * 86_400_000))
      ;(weeks[w] ??= []).push(d)
    }
    const teams = this.staffing.teams
    for (const days of weeks.filter(Boolean)) {
      this.geo.townships.forEach((t, ti) => {
        if (rng.chance(0.1)) return
        const team = teams[ti % teams.length] as Unit
        out.push({
          unit: team,
          township: ti,
          kind: 'supervision',
          date: rng.pick(days),
          afternoon: rng.chance(0.5),
        })
      })
    }
    for (let i = 0; i < 12; i++) {
      const team = teams[i % teams.length] as Unit
      out.push({
        unit: team,
        township: -1,
        kind: 'special',
        date: rng.pick(workdays),
        afternoon: rng.chance(0.5),
      })
    }
    // chronological, so "last visited" flows forward in time
    return out.sort((a, b) => a.date.localeCompare(b.date) || Number(a.afternoon) - Number(b.afternoon))
  }

  private readonly homeCache = new Map<number, Float64Array>()

  private homeDistances(node: number): Float64Array {
    let d = this.homeCache.get(node)
    if (!d) {
      d = this.net.distancesFrom(node)
      this.homeCache.set(node, d)
    }
    return d
  }

  /** Two (sometimes three) officers, not the ones already out that day if the unit can help it. */
  private pickStaff(unit: Unit, busy: Set<string>): string[] {
    const staff = this.staffing.peopleOf.get(unit.key) ?? []
    // 篇一 二(四)2 wants at least two; about 3 % of patrols go out alone anyway
    const n = this.rng.chance(0.03) ? 1 : this.rng.chance(0.3) ? 3 : 2
    const free = this.rng.shuffled(staff.filter((p) => !busy.has(p.key)))
    const rest = this.rng.shuffled(staff.filter((p) => busy.has(p.key)))
    const chosen = [...free, ...rest].slice(0, n).map((p) => p.key)
    for (const k of chosen) busy.add(k)
    return chosen.sort()
  }

  /** The month's patrols in time order: routes and stops, no GPS points yet. */
  plan(): PatrolPlan[] {
    const rng = this.rng
    const plans: PatrolPlan[] = []
    const seqByUnitDay = new Map<string, number>()
    const busyByUnitDay = new Map<string, Set<string>>()
    this.schedule().forEach((s) => {
      const date = s.date
      const start = s.afternoon
        ? shanghaiInstant(date, 14, rng.int(0, 30), rng.int(0, 59))
        : shanghaiInstant(date, 8, rng.int(20, 50), rng.int(0, 59))
      // back at the office by lunch (12:30) or by the end of the day (18:20)
      const latest = s.afternoon ? shanghaiInstant(date, 18, 20) : shanghaiInstant(date, 12, 30)
      const duration = Math.min(rng.float(3.1, 4.3) * 3600, (latest - start) / 1000)
      const speedFactor = rng.float(0.85, 1.15)
      const countySeatNode = this.net.seatNodes[0] as number
      const fromTeam = s.unit.kind === 'team'
      const origin = fromTeam
        ? this.geo.countySeat
        : (this.geo.townships[s.township]?.seat ?? this.geo.countySeat)
      const originNode = fromTeam ? countySeatNode : (this.net.seatNodes[s.township] as number)
      const route = new RouteBuilder(this.net, rng, start, origin, originNode, speedFactor)
      const home = this.homeDistances(originNode)

      let pool: Target[]
      if (s.township >= 0) pool = this.byTownship.get(s.township) ?? []
      else
        pool = this.targets.filter((t) =>
          ['hotspot', 'mining_area', 'development_zone', 'urban_fringe'].includes(t.category),
        )
      if (s.kind === 'supervision') {
        // first to the station, then a sample of its zones
        const seatNode = this.net.seatNodes[s.township] as number
        route.driveTo(seatNode)
        route.pause(rng.float(600, 1200))
      }
      const visited = new Set<Target>()
      for (let guard = 0; guard < 80; guard++) {
        const now = start + route.seconds * 1000
        let best: Target | null = null
        let bestScore = -Infinity
        for (const t of pool) {
          if (visited.has(t)) continue
          const overdue = (now - t.lastVisit) / (t.interval * 86_400_000)
          const weight =
            (s.kind === 'special' && t.tier === 1 ? 2 : 1) * (t.interval === TIER1_INTERVAL_DAYS ? 1.8 : 1)
          const score = (overdue * weight * rng.float(0.8, 1.25)) / (1 + distance(route.pos, t.rep) / 800)
          if (score > bestScore) {
            bestScore = score
            best = t
          }
        }
        if (!best) break
        visited.add(best)
        const before = { seconds: route.seconds, segments: route.segments.length, stops: route.stops.length }
        const at = { pos: route.pos, node: route.node }
        if (!route.driveTo(best.node)) continue
        route.visit(best)
        if (route.seconds + route.returnEstimate(best.node, home) > duration && visited.size > 1) {
          // over time: undo this stop and head home
          route.segments.length = before.segments
          route.stops.length = before.stops
          route.seconds = before.seconds
          route.pos = at.pos
          route.node = at.node
          break
        }
        best.lastVisit = start + route.seconds * 1000
      }
      route.driveTo(originNode)
      route.moveTo(origin, 5)

      const unitSuffix = fromTeam ? `${s.unit.division_code}T${s.unit.key.slice(-1)}` : s.unit.division_code
      const dayKey = `${unitSuffix}-${date.replaceAll('-', '')}`
      const seq = (seqByUnitDay.get(dayKey) ?? 0) + 1
      seqByUnitDay.set(dayKey, seq)
      const busy = busyByUnitDay.get(dayKey) ?? new Set<string>()
      busyByUnitDay.set(dayKey, busy)
      plans.push({
        externalId: `XC-${dayKey}-${seq}`,
        unitKey: s.unit.key,
        staffKeys: this.pickStaff(s.unit, busy),
        kind: s.kind,
        townshipIndex: s.township,
        date,
        start,
        end: start + Math.round(route.seconds) * 1000,
        segments: route.segments,
        stops: route.stops,
      })
    })
    return plans
  }
}

/**
 * Sample a plan into a GPS track and write it as one NDJSON line. The defects are those of real
 * devices: noise, signal gaps, single-point jumps, repeated fixes and the odd out-of-order timestamp.
 */
export function writePatrol(seed: number, plan: PatrolPlan, out: NdjsonWriter): number {
  // a stream per patrol: a track does not depend on which other tracks are written
  const rng = Random.stream(seed, `track ${plan.externalId}`)
  const xs: number[] = []
  const ys: number[] = []
  const ts: number[] = []
  const total = plan.segments.reduce((s, g) => s + g.seconds, 0)
  const gap = rng.chance(0.12) ? { from: rng.float(0.2, 0.7) * total, len: rng.float(600, 1800) } : null
  let si = 0
  let segStart = 0
  for (let t = 0; t <= total; t += rng.int(3, 5)) {
    while (si < plan.segments.length - 1 && t > segStart + (plan.segments[si] as Segment).seconds) {
      segStart += (plan.segments[si] as Segment).seconds
      si++
    }
    if (gap && t >= gap.from && t < gap.from + gap.len) continue
    const seg = plan.segments[si] as Segment
    const f = seg.seconds > 0 ? Math.min(1, Math.max(0, (t - segStart) / seg.seconds)) : 0
    let x = seg.from[0] + (seg.to[0] - seg.from[0]) * f + rng.gaussian() * GPS_SIGMA
    let y = seg.from[1] + (seg.to[1] - seg.from[1]) * f + rng.gaussian() * GPS_SIGMA
    if (rng.chance(0.0004)) {
      // a multipath jump: one fix several km off
      const a = rng.float(0, 2 * Math.PI)
      const d = rng.float(2500, 8000)
      x += d * Math.cos(a)
      y += d * Math.sin(a)
    }
    xs.push(x)
    ys.push(y)
    ts.push(plan.start + t * 1000)
  }
  const coords = xs.map((x, i) => toLonLat([x, ys[i] as number]))
  const times = ts.map(isoUtc)
  if (rng.chance(0.06)) {
    // the logger stored the same fix twice
    for (let k = rng.int(1, 3); k > 0; k--) {
      const i = rng.int(1, coords.length - 2)
      coords.splice(i, 0, coords[i] as Pt)
      times.splice(i, 0, times[i] as string)
    }
  }
  if (rng.chance(0.04)) {
    // two fixes uploaded in the wrong order
    for (let k = rng.int(1, 2); k > 0; k--) {
      const i = rng.int(1, times.length - 3)
      const tmp = times[i] as string
      times[i] = times[i + 1] as string
      times[i + 1] = tmp
    }
  }
  out.write({
    external_id: plan.externalId,
    unit_key: plan.unitKey,
    staff_keys: plan.staffKeys,
    kind: plan.kind,
    track: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { coordTimes: times },
    },
  })
  return coords.length
}
