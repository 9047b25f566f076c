import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'
import { kinks } from '@turf/turf'
import type { MultiPolygon, Polygon } from 'geojson'
import { type MPoly, type Poly, type Pt, signedRingArea } from './planar.js'
import { toLonLat } from './projection.js'

/** Ring in WGS84, rounded, without repeated points; null when rounding collapsed it. */
function ringToLonLat(ring: readonly Pt[], exterior: boolean): Pt[] | null {
  const out: Pt[] = []
  for (let i = 0; i + 1 < ring.length; i++) {
    const q = toLonLat(ring[i] as Pt)
    const last = out[out.length - 1]
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q)
  }
  while (out.length > 1) {
    const first = out[0] as Pt
    const last = out[out.length - 1] as Pt
    if (first[0] === last[0] && first[1] === last[1]) out.pop()
    else break
  }
  if (out.length < 3) return null
  out.push([(out[0] as Pt)[0], (out[0] as Pt)[1]])
  const a = signedRingArea(out)
  if (a === 0) return null
  // RFC 7946: exterior rings counter-clockwise, holes clockwise
  if (exterior !== a > 0) out.reverse()
  return out
}

export function polyToGeoJson(poly: Poly): Polygon | null {
  const ext = ringToLonLat(poly[0] as Pt[], true)
  if (!ext) return null
  const holes = poly.slice(1).map((r) => ringToLonLat(r, false))
  return { type: 'Polygon', coordinates: [ext, ...holes.filter((h): h is Pt[] => h !== null)] }
}

export function mpolyToGeoJson(mp: MPoly): MultiPolygon | null {
  const polys = mp.map(polyToGeoJson).filter((p): p is Polygon => p !== null)
  if (polys.length === 0) return null
  return { type: 'MultiPolygon', coordinates: polys.map((p) => p.coordinates) }
}

const COS_LAT = Math.cos((30 * Math.PI) / 180)
const GRID = 1e-7
const keyOf = (p: Pt) => `${p[0]},${p[1]}`

/**
 * Drop zero-width spikes: a vertex whose neighbours coincide (a→b→a), or where the outline doubles
 * back on itself along the same line. Overlay output has them where cut shapes meet at a point.
 */
function removeSpikes(open: Pt[]): Pt[] {
  let pts = open.slice()
  for (let changed = true; changed && pts.length >= 3;) {
    changed = false
    for (let i = 0; i < pts.length && pts.length >= 3; i++) {
      const n = pts.length
      const a = pts[(i + n - 1) % n] as Pt
      const b = pts[i] as Pt
      const c = pts[(i + 1) % n] as Pt
      const ux = (b[0] - a[0]) * COS_LAT
      const uy = b[1] - a[1]
      const vx = (c[0] - b[0]) * COS_LAT
      const vy = c[1] - b[1]
      const same = a[0] === c[0] && a[1] === c[1]
      const back =
        ux * vx + uy * vy < 0 && Math.abs(ux * vy - uy * vx) <= 2e-4 * Math.hypot(ux, uy) * Math.hypot(vx, vy)
      const dup = b[0] === c[0] && b[1] === c[1]
      if (dup) {
        pts.splice(i, 1)
        changed = true
      } else if (same) {
        pts.splice(i, 1)
        changed = true
      } else if (back) {
        pts.splice(i, 1)
        changed = true
      }
    }
  }
  // the spike rule can leave two equal neighbours behind
  pts = pts.filter((p, i) => {
    const q = pts[(i + 1) % pts.length] as Pt
    return pts.length < 2 || p[0] !== q[0] || p[1] !== q[1]
  })
  return pts
}

/** Split a ring that passes through the same vertex twice (a pinch) into simple loops. */
function splitPinches(open: Pt[]): Pt[][] {
  const loops: Pt[][] = []
  const stack: Pt[] = []
  const where = new Map<string, number>()
  for (const p of open) {
    const k = keyOf(p)
    const at = where.get(k)
    if (at !== undefined) {
      const loop = stack.splice(at + 1)
      loop.unshift(p)
      for (const q of loop.slice(1)) where.delete(keyOf(q))
      if (loop.length >= 3) loops.push(loop)
      continue
    }
    where.set(k, stack.length)
    stack.push(p)
  }
  if (stack.length >= 3) loops.push(stack)
  return loops
}

function close(open: Pt[]): Pt[] {
  return [...open, [(open[0] as Pt)[0], (open[0] as Pt)[1]]]
}

/** Even–odd test against an open ring. */
function insideOpen(p: Pt, ring: readonly Pt[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Pt
    const b = ring[j] as Pt
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0])
      inside = !inside
  }
  return inside
}

/**
 * Make a rounded polygon simple in the sense of turf kinks, which also rejects rings that merely
 * touch: spikes are removed, pinched rings split, and a hole vertex that touches the outer ring (or
 * another hole) is moved one rounding step (≈1 cm) into the hole. Returns one or more polygons.
 */
export function repairPolygon(g: Polygon): Polygon[] {
  const [ext, ...holes] = g.coordinates as Pt[][]
  const extLoops = splitPinches(removeSpikes((ext as Pt[]).slice(0, -1)))
  const outers = extLoops.filter((l) => signedRingArea(close(l)) > 0)
  const innerFromPinch = extLoops.filter((l) => signedRingArea(close(l)) < 0)
  const holeLoops = [...innerFromPinch, ...holes.flatMap((h) => splitPinches(removeSpikes(h.slice(0, -1))))]
  // each hole goes to the outer ring holding most of its vertices (a touching vertex proves nothing)
  const homeOf = holeLoops.map((h) => {
    let best = -1
    let bestHits = 0
    outers.forEach((outer, k) => {
      const hits = h.filter((p) => insideOpen(p, outer)).length
      if (hits > bestHits) {
        bestHits = hits
        best = k
      }
    })
    return best
  })
  const out: Polygon[] = []
  for (const [k, outer] of outers.entries()) {
    const mine = holeLoops.filter((_, i) => homeOf[i] === k)
    const taken = new Set(outer.map(keyOf))
    const fixed = mine.map((h) =>
      h.map((p, i) => {
        if (!taken.has(keyOf(p))) {
          taken.add(keyOf(p))
          return p
        }
        // of the grid points next to it inside the hole, the one that moves the least area: the
        // zone gains a sliver of the neighbour it touches, so keep that sliver small
        const prev = h[(i + h.length - 1) % h.length] as Pt
        const next = h[(i + 1) % h.length] as Pt
        const swept = (q: Pt) =>
          Math.abs(signedRingArea([prev, p, q, prev])) + Math.abs(signedRingArea([p, next, q, p]))
        for (let step = 1; step <= 3; step++) {
          let best: Pt | null = null
          for (const [dx, dy] of [
            [1, 0],
            [0, 1],
            [-1, 0],
            [0, -1],
            [1, 1],
            [-1, 1],
            [-1, -1],
            [1, -1],
          ] as const) {
            const q: Pt = [
              Math.round((p[0] + dx * step * GRID) * 1e7) / 1e7,
              Math.round((p[1] + dy * step * GRID) * 1e7) / 1e7,
            ]
            if (taken.has(keyOf(q)) || !insideOpen(q, h)) continue
            if (!best || swept(q) < swept(best)) best = q
          }
          if (best) {
            taken.add(keyOf(best))
            return best
          }
        }
        return p
      }),
    )
    const orient = (l: Pt[], wantCcw: boolean) => {
      const r = close(l)
      return signedRingArea(r) > 0 === wantCcw ? r : r.reverse()
    }
    out.push({ type: 'Polygon', coordinates: [orient(outer, true), ...fixed.map((h) => orient(h, false))] })
  }
  return out
}

/** The same check the tests apply: turf finds no self-intersection (within and between rings). */
export function isSimple(g: Polygon | MultiPolygon): boolean {
  return kinks(g).features.length === 0
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true })
}

/** A JSON array with one record per line: small diffs, greppable, still plain JSON. */
export function writeJsonLines(file: string, items: readonly unknown[]): void {
  const body = items.map((i) => JSON.stringify(i)).join(',\n')
  writeFileSync(file, items.length ? `[\n${body}\n]\n` : '[]\n')
}

export function writeFeatureCollection(file: string, features: readonly unknown[]): void {
  const body = features.map((f) => JSON.stringify(f)).join(',\n')
  writeFileSync(file, `{"type":"FeatureCollection","features":[\n${body}\n]}\n`)
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n')
}

/** Line-by-line writer for the big NDJSON file: one record in memory at a time. */
export class NdjsonWriter {
  private readonly fd: number
  private pending: string[] = []
  private pendingBytes = 0
  lines = 0

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true })
    this.fd = openSync(file, 'w')
  }

  write(record: unknown): void {
    const line = JSON.stringify(record) + '\n'
    this.pending.push(line)
    this.pendingBytes += line.length
    this.lines++
    if (this.pendingBytes > 1 << 20) this.flush()
  }

  private flush(): void {
    if (this.pending.length === 0) return
    writeSync(this.fd, this.pending.join(''))
    this.pending = []
    this.pendingBytes = 0
  }

  close(): void {
    this.flush()
    closeSync(this.fd)
  }
}
