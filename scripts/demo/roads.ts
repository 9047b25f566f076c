import type { Geography } from './geography.js'
import { MAIN_ROAD_NAMES } from './names.js'
import { type Pt, distance, pointInPoly, segmentHitsRing } from './planar.js'
import { Random } from './random.js'

export type RoadClass = 'main' | 'rural'

export interface Road {
  name: string
  cls: RoadClass
  /** Node ids along the road; consecutive roads meet in shared nodes. */
  nodes: number[]
}

export interface Edge {
  to: number
  len: number
  cls: RoadClass
}

/** Grid index over road nodes for nearest-node queries. */
class NodeIndex {
  private readonly cells = new Map<number, number[]>()
  constructor(
    private readonly nodes: Pt[],
    private readonly size = 1000,
  ) {}

  private key(ix: number, iy: number): number {
    return (ix + 1000) * 4096 + (iy + 1000)
  }

  add(id: number): void {
    const p = this.nodes[id] as Pt
    const k = this.key(Math.floor(p[0] / this.size), Math.floor(p[1] / this.size))
    const list = this.cells.get(k)
    if (list) list.push(id)
    else this.cells.set(k, [id])
  }

  nearest(p: Pt): { node: number; dist: number } {
    const ix = Math.floor(p[0] / this.size)
    const iy = Math.floor(p[1] / this.size)
    let best = -1
    let bestD = Infinity
    for (let r = 0; r < 80; r++) {
      // once the ring is farther than the best hit, nothing closer can remain
      if (best >= 0 && (r - 1) * this.size > bestD) break
      for (let dx = -r; dx <= r; dx++) {
        for (let dy = -r; dy <= r; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue
          const list = this.cells.get(this.key(ix + dx, iy + dy))
          if (!list) continue
          for (const id of list) {
            const d = distance(p, this.nodes[id] as Pt)
            if (d < bestD || (d === bestD && id < best)) {
              bestD = d
              best = id
            }
          }
        }
      }
    }
    return { node: best, dist: bestD }
  }
}

export class RoadNetwork {
  readonly nodes: Pt[] = []
  readonly adj: Edge[][] = []
  readonly roads: Road[] = []
  /** Node at (or nearest to) each township seat. */
  readonly seatNodes: number[] = []
  /** Node at (or nearest to) each village centre; -1 if the village has no road. */
  readonly villageNodes: number[] = []
  private readonly index = new NodeIndex(this.nodes)

  addNode(p: Pt): number {
    const id = this.nodes.length
    this.nodes.push(p)
    this.adj.push([])
    this.index.add(id)
    return id
  }

  addRoad(name: string, cls: RoadClass, nodes: number[]): void {
    for (let i = 0; i + 1 < nodes.length; i++) {
      const a = nodes[i] as number
      const b = nodes[i + 1] as number
      const len = distance(this.nodes[a] as Pt, this.nodes[b] as Pt)
      ;(this.adj[a] as Edge[]).push({ to: b, len, cls })
      ;(this.adj[b] as Edge[]).push({ to: a, len, cls })
    }
    this.roads.push({ name, cls, nodes })
  }

  nearest(p: Pt): { node: number; dist: number } {
    return this.index.nearest(p)
  }

  /** Road distance from one node to every node (Infinity where unreachable). */
  distancesFrom(a: number): Float64Array {
    const dist = new Float64Array(this.nodes.length).fill(Infinity)
    const heap = new MinHeap()
    dist[a] = 0
    heap.push(0, a)
    while (heap.size > 0) {
      const [d, u] = heap.pop()
      if (d > (dist[u] as number)) continue
      for (const e of this.adj[u] as Edge[]) {
        const nd = d + e.len
        if (nd < (dist[e.to] as number)) {
          dist[e.to] = nd
          heap.push(nd, e.to)
        }
      }
    }
    return dist
  }

  /** Dijkstra with early exit; returns node ids from a to b, or null when unreachable. */
  shortestPath(a: number, b: number): number[] | null {
    if (a === b) return [a]
    const n = this.nodes.length
    const dist = new Float64Array(n).fill(Infinity)
    const prev = new Int32Array(n).fill(-1)
    const heap = new MinHeap()
    dist[a] = 0
    heap.push(0, a)
    while (heap.size > 0) {
      const [d, u] = heap.pop()
      if (d > (dist[u] as number)) continue
      if (u === b) break
      for (const e of this.adj[u] as Edge[]) {
        const nd = d + e.len
        if (nd < (dist[e.to] as number)) {
          dist[e.to] = nd
          prev[e.to] = u
          heap.push(nd, e.to)
        }
      }
    }
    if (!Number.isFinite(dist[b] as number)) return null
    const path: number[] = []
    for (let v = b; v !== -1; v = prev[v] as number) path.push(v)
    return path.reverse()
  }

  /** Class of the edge between two adjacent nodes. */
  edgeClass(a: number, b: number): RoadClass {
    const e = (this.adj[a] as Edge[]).find((x) => x.to === b)
    return e ? e.cls : 'rural'
  }
}

class MinHeap {
  private readonly keys: number[] = []
  private readonly vals: number[] = []
  get size(): number {
    return this.keys.length
  }
  push(k: number, v: number): void {
    const keys = this.keys
    const vals = this.vals
    let i = keys.length
    keys.push(k)
    vals.push(v)
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((keys[p] as number) <= k) break
      keys[i] = keys[p] as number
      vals[i] = vals[p] as number
      i = p
    }
    keys[i] = k
    vals[i] = v
  }
  pop(): [number, number] {
    const keys = this.keys
    const vals = this.vals
    const topK = keys[0] as number
    const topV = vals[0] as number
    const lastK = keys.pop() as number
    const lastV = vals.pop() as number
    const n = keys.length
    if (n > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const c = r < n && (keys[r] as number) < (keys[l] as number) ? r : l
        if ((keys[c] as number) >= lastK) break
        keys[i] = keys[c] as number
        vals[i] = vals[c] as number
        i = c
      }
      keys[i] = lastK
      vals[i] = lastV
    }
    return [topK, topV]
  }
}

function angleDiff(a: number, b: number): number {
  let d = a - b
  while (d > Math.PI) d -= 2 * Math.PI
  while (d < -Math.PI) d += 2 * Math.PI
  return d
}

const MAIN_STEP = 250
const MAIN_MARGIN = 200

/**
 * One half of a main road: from the county seat outwards until it reaches the county edge. It is
 * steered towards a township seat lying roughly in its direction (trunk roads link market towns) and
 * stops MAIN_MARGIN inside the boundary: the clip. A segment of MAIN_STEP between two points that
 * are both farther than MAIN_MARGIN from the boundary cannot cross it.
 */
function walkMainRoad(rng: Random, geo: Geography, heading: number): Pt[] {
  const start = geo.countySeat
  const attractors = geo.townships
    .slice(1)
    .map((t) => {
      const b = Math.atan2(t.seat[1] - start[1], t.seat[0] - start[0])
      return { seat: t.seat, off: Math.abs(angleDiff(b, heading)), d: distance(start, t.seat) }
    })
    .filter((a) => a.off < 0.45 && a.d > 5000)
    .sort((a, b) => a.off - b.off)
  let target: Pt | null = attractors[0]?.seat ?? null
  const pts: Pt[] = []
  let pos = start
  let h = heading
  for (let step = 0; step < 400; step++) {
    h += rng.gaussian() * 0.06
    if (target) {
      const b = Math.atan2(target[1] - pos[1], target[0] - pos[0])
      h += 0.3 * angleDiff(b, h)
      if (distance(pos, target) < 400) target = null
    } else {
      h += 0.04 * angleDiff(heading, h)
    }
    const next: Pt = [pos[0] + MAIN_STEP * Math.cos(h), pos[1] + MAIN_STEP * Math.sin(h)]
    if (!geo.insideCounty(next) || geo.distToBoundary(next) < MAIN_MARGIN) break
    pts.push(next)
    pos = next
  }
  return pts
}

/**
 * A gently curving rural road from a to b: a sine bulge plus a little jitter, one vertex every
 * ~150 m. Null if it would leave the county even when straight.
 */
function curvedPath(rng: Random, geo: Geography, a: Pt, b: Pt): Pt[] | null {
  const len = distance(a, b)
  const n = Math.max(2, Math.ceil(len / 150))
  const nx = -(b[1] - a[1]) / len
  const ny = (b[0] - a[0]) / len
  const tries = [
    { amp1: rng.float(-0.12, 0.12) * len, amp2: rng.float(-0.04, 0.04) * len, jitter: 8 },
    { amp1: 0, amp2: 0, jitter: 0 },
  ]
  for (const { amp1, amp2, jitter } of tries) {
    const pts: Pt[] = []
    for (let i = 0; i <= n; i++) {
      const t = i / n
      if (i === 0) pts.push(a)
      else if (i === n) pts.push(b)
      else {
        const off = amp1 * Math.sin(Math.PI * t) + amp2 * Math.sin(2 * Math.PI * t) + rng.gaussian() * jitter
        pts.push([a[0] + (b[0] - a[0]) * t + nx * off, a[1] + (b[1] - a[1]) * t + ny * off])
      }
    }
    const ok =
      pts.every((p) => geo.insideCounty(p)) &&
      pts.every((p, i) => i === 0 || !segmentHitsRing(pts[i - 1] as Pt, p, geo.countyRing))
    if (ok) return pts
  }
  return null
}

/** Add a rural road from a new point to an existing node; returns the id of the first node. */
function connectRural(rng: Random, geo: Geography, net: RoadNetwork, from: Pt, toNode: number, name: string) {
  const pts = curvedPath(rng, geo, from, net.nodes[toNode] as Pt)
  if (!pts) return -1
  const ids = pts
    .slice(0, -1)
    .map((p) => net.addNode([Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100]))
  ids.push(toNode)
  net.addRoad(name, 'rural', ids)
  return ids[0] as number
}

export function buildRoads(seed: number, geo: Geography): RoadNetwork {
  const rng = Random.stream(seed, 'roads')
  const net = new RoadNetwork()
  const round = (p: Pt): Pt => [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100]

  // main roads: 3–5 trunk roads crossing the county through the county seat
  const seatNode = net.addNode(geo.countySeat)
  const mainCount = rng.int(3, 5)
  const base = rng.float(0, Math.PI)
  for (let r = 0; r < mainCount; r++) {
    const heading = base + (r * Math.PI) / mainCount + rng.float(-0.15, 0.15)
    const out = walkMainRoad(rng, geo, heading).map((p) => net.addNode(round(p)))
    const back = walkMainRoad(rng, geo, heading + Math.PI).map((p) => net.addNode(round(p)))
    net.addRoad(MAIN_ROAD_NAMES[r] as string, 'main', [...back.reverse(), seatNode, ...out])
  }

  // township seats: each linked by a township road (乡道) unless a trunk road already passes by
  const order = geo.townships
    .slice(1)
    .sort((a, b) => distance(a.seat, geo.countySeat) - distance(b.seat, geo.countySeat))
  let yCount = 0
  const seatNodes = new Map<number, number>([[0, seatNode]])
  for (const t of order) {
    const near = net.nearest(t.seat)
    if (near.dist <= 300) {
      seatNodes.set(t.index, near.node)
      continue
    }
    yCount++
    const id = connectRural(
      rng,
      geo,
      net,
      t.seat,
      near.node,
      `Y${String(yCount).padStart(3, '0')}${t.name}连接线`,
    )
    seatNodes.set(t.index, id >= 0 ? id : near.node)
  }
  for (const t of geo.townships) net.seatNodes.push(seatNodes.get(t.index) as number)

  // villages: grown like Prim's tree, the village nearest to the network first; ~10 % stay unlinked
  const villageNode = new Array<number>(geo.villages.length).fill(-1)
  const pending = new Set(geo.villages.map((v) => v.index))
  const skipped = new Set(geo.villages.filter(() => rng.chance(0.1)).map((v) => v.index))
  let cCount = 0
  while (pending.size > 0) {
    let bestV = -1
    let best = { node: -1, dist: Infinity }
    for (const vi of pending) {
      const near = net.nearest((geo.villages[vi] as (typeof geo.villages)[number]).centre)
      if (near.dist < best.dist) {
        best = near
        bestV = vi
      }
    }
    pending.delete(bestV)
    const v = geo.villages[bestV] as (typeof geo.villages)[number]
    if (best.dist <= 250) {
      villageNode[bestV] = best.node
      continue
    }
    if (skipped.has(bestV)) continue
    cCount++
    const id = connectRural(
      rng,
      geo,
      net,
      v.centre,
      best.node,
      `C${String(cCount).padStart(3, '0')}${v.name}通村路`,
    )
    villageNode[bestV] = id
  }

  // a few roads between neighbouring villages close loops, so routes are not all out-and-back
  const linked = geo.villages.filter((v) => (villageNode[v.index] as number) >= 0)
  let loops = 0
  for (const v of rng.shuffled(linked)) {
    if (loops >= 30) break
    const other = linked
      .filter((o) => o !== v && distance(o.centre, v.centre) < 4500)
      .sort((a, b) => distance(a.centre, v.centre) - distance(b.centre, v.centre))[0]
    if (!other) continue
    const a = villageNode[v.index] as number
    const b = villageNode[other.index] as number
    const path = net.shortestPath(a, b)
    let graphLen = 0
    if (path)
      for (let i = 0; i + 1 < path.length; i++)
        graphLen += distance(net.nodes[path[i] as number] as Pt, net.nodes[path[i + 1] as number] as Pt)
    const direct = distance(net.nodes[a] as Pt, net.nodes[b] as Pt)
    if (path && graphLen < 2.2 * direct) continue
    const pts = curvedPath(rng, geo, net.nodes[a] as Pt, net.nodes[b] as Pt)
    if (!pts) continue
    loops++
    cCount++
    const ids = [a, ...pts.slice(1, -1).map((p) => net.addNode(round(p))), b]
    net.addRoad(`C${String(cCount).padStart(3, '0')}${v.name}—${other.name}联村路`, 'rural', ids)
  }
  // group roads (通组路) fan out from each linked village centre into its fields: dead ends, aimed
  // at the part of the village farthest from any road
  for (const v of linked) {
    const from = villageNode[v.index] as number
    const spurs = rng.int(1, 3)
    for (let k = 1; k <= spurs; k++) {
      let target: Pt | null = null
      let bestGap = 600
      for (let c = 0; c < 8; c++) {
        const a = rng.float(0, 2 * Math.PI)
        const d = rng.float(1000, 2200)
        const p: Pt = [v.centre[0] + d * Math.cos(a), v.centre[1] + d * Math.sin(a)]
        if (!v.geom.some((poly) => pointInPoly(p, poly))) continue
        const gap = net.nearest(p).dist
        if (gap > bestGap) {
          bestGap = gap
          target = p
        }
      }
      if (!target) continue
      const pts = curvedPath(rng, geo, net.nodes[from] as Pt, target)
      if (!pts) continue
      const ids = [from, ...pts.slice(1).map((p) => net.addNode(round(p)))]
      net.addRoad(`${v.name}${k}组通组路`, 'rural', ids)
    }
  }
  net.villageNodes.push(...villageNode)
  return net
}
