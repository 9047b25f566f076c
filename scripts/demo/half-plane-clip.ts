import { type MPoly, type Poly, type Pt, type Ring, pointInRing, signedRingArea } from './planar.js'

/**
 * Clipping of arbitrary polygons (with holes, any number of parts) by a half-plane, and so by a
 * convex polygon. This is the workhorse for carving parcels out of villages: it is linear in the
 * number of vertices, where a general overlay (polyclip) costs orders of magnitude more.
 *
 * Each ring is cut into fragments that run inside the kept side from an entry point to an exit point
 * on the cutting line. With rings oriented (exterior counter-clockwise, holes clockwise) the polygon
 * covers the line between each exit and the next entry along the line, so joining every exit to that
 * entry closes the result rings. Rings that do not cross the line are kept or dropped whole.
 */

interface Fragment {
  pts: Pt[]
  entryS: number
  exitS: number
}

const EPS = 1e-6
/** Crossings closer than this along the line count as the same point. */
const TIE = 1e-5

/** Exterior counter-clockwise, holes clockwise (polyclip and the buffer do not promise an order). */
export function orientPoly(poly: Poly): Poly {
  return poly.map((ring, i) => {
    const a = signedRingArea(ring)
    return (i === 0 ? a < 0 : a > 0) ? ring.slice().reverse() : ring
  })
}

/** Near-coincident points (an entry computed right at a vertex) would read as a self-touch. */
const SAME_POINT = 1e-7

function pushUnique(pts: Pt[], p: Pt): void {
  const last = pts[pts.length - 1]
  if (!last || Math.abs(last[0] - p[0]) > SAME_POINT || Math.abs(last[1] - p[1]) > SAME_POINT) pts.push(p)
}

/** Keep the part of one polygon where a·x + b·y − c ≤ 0, with (a, b) a unit normal. */
function clipPolygon(poly: Poly, a: number, b: number, c: number): Poly[] {
  const wholeHoles: Ring[] = []
  const frags: Fragment[] = []
  // direction along the line with the kept side on its left: s orders points along it
  const dx = -b
  const dy = a
  const sOf = (p: Pt) => p[0] * dx + p[1] * dy
  let exteriorWhole: Ring | null = null

  for (let ri = 0; ri < poly.length; ri++) {
    const ring = poly[ri] as Ring
    const n = ring.length - 1
    if (n < 3) continue
    const f = new Float64Array(n)
    let anyIn = false
    let anyOut = false
    let start = -1
    for (let i = 0; i < n; i++) {
      const p = ring[i] as Pt
      const v = a * p[0] + b * p[1] - c
      f[i] = v
      if (v <= EPS) anyIn = true
      else {
        anyOut = true
        if (start < 0) start = i
      }
    }
    if (!anyOut) {
      if (ri === 0) exteriorWhole = ring
      else wholeHoles.push(ring)
      continue
    }
    if (!anyIn) {
      if (ri === 0) return [] // a ring entirely outside a half-plane bounds nothing inside it
      continue
    }
    let cur: Pt[] | null = null
    let entryS = 0
    for (let k = 1; k <= n; k++) {
      const i = (start + k) % n
      const j = (start + k - 1) % n
      const p = ring[j] as Pt
      const q = ring[i] as Pt
      const fp = f[j] as number
      const fq = f[i] as number
      const inP = fp <= EPS
      const inQ = fq <= EPS
      if (!inP && inQ) {
        const t = Math.min(1, Math.max(0, fp / (fp - fq)))
        const e: Pt = [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]
        cur = [e]
        entryS = sOf(e)
        pushUnique(cur, q)
      } else if (inP && inQ) {
        if (cur) pushUnique(cur, q)
      } else if (inP && !inQ) {
        const t = Math.min(1, Math.max(0, fp / (fp - fq)))
        const x: Pt = [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]
        if (cur) {
          pushUnique(cur, x)
          frags.push({ pts: cur, entryS, exitS: sOf(x) })
        }
        cur = null
      }
    }
  }

  if (frags.length === 0) {
    return exteriorWhole ? [[exteriorWhole, ...wholeHoles]] : []
  }

  // pair each exit with the next entry along the line: sorted by s, a valid polygon gives exit,
  // entry, exit, entry… Crossings at (nearly) the same point, where shapes meet at a vertex on the
  // line, can sort out of turn by float noise; those are put back in turn before pairing.
  type Ev = { s: number; exit: boolean; frag: number }
  const events: Ev[] = []
  frags.forEach((fr, i) => {
    events.push({ s: fr.exitS, exit: true, frag: i })
    events.push({ s: fr.entryS, exit: false, frag: i })
  })
  events.sort((u, v) => u.s - v.s || (u.exit === v.exit ? u.frag - v.frag : u.exit ? -1 : 1))
  for (let k = 0; k < events.length; k++) {
    const wantExit = k % 2 === 0
    const here = events[k] as Ev
    if (here.exit === wantExit) continue
    let j = k + 1
    while (j < events.length && (events[j] as Ev).s - here.s <= TIE && (events[j] as Ev).exit !== wantExit)
      j++
    if (j < events.length && (events[j] as Ev).s - here.s <= TIE) events.splice(k, 0, ...events.splice(j, 1))
  }
  const next = new Int32Array(frags.length).fill(-1)
  let alternating = true
  for (let k = 0; k + 1 < events.length; k += 2) {
    if (!(events[k] as Ev).exit || (events[k + 1] as Ev).exit) alternating = false
  }
  if (alternating) {
    for (let k = 0; k + 1 < events.length; k += 2) next[(events[k] as Ev).frag] = (events[k + 1] as Ev).frag
  } else {
    // only reachable through float trouble: FIFO pairing rather than losing rings
    const pendingExits: number[] = []
    const lonelyEntries: number[] = []
    for (const ev of events) {
      if (ev.exit) pendingExits.push(ev.frag)
      else {
        const x = pendingExits.shift()
        if (x === undefined) lonelyEntries.push(ev.frag)
        else next[x] = ev.frag
      }
    }
    for (const x of pendingExits) {
      const e = lonelyEntries.shift()
      if (e !== undefined) next[x] = e
    }
  }

  const used = new Uint8Array(frags.length)
  const exteriors: Ring[] = []
  for (let i = 0; i < frags.length; i++) {
    if (used[i]) continue
    const ring: Pt[] = []
    let j = i
    let guard = 0
    while (j >= 0 && !used[j] && guard++ <= frags.length) {
      used[j] = 1
      for (const p of (frags[j] as Fragment).pts) pushUnique(ring, p)
      j = next[j] as number
    }
    if (ring.length >= 2) {
      const first = ring[0] as Pt
      const last = ring[ring.length - 1] as Pt
      if (Math.abs(first[0] - last[0]) <= SAME_POINT && Math.abs(first[1] - last[1]) <= SAME_POINT) ring.pop()
    }
    if (ring.length < 3) continue
    ring.push([(ring[0] as Pt)[0], (ring[0] as Pt)[1]])
    if (signedRingArea(ring) > 1e-6) exteriors.push(ring)
  }
  const out: Poly[] = exteriors.map((r) => [r])
  for (const h of wholeHoles) {
    // a hole may touch its outer ring at a vertex (overlay output does that), so a single probe
    // vertex can sit on the boundary: take the outer ring holding most of the probed vertices
    const step = Math.max(1, Math.floor((h.length - 1) / 12))
    let home: Poly | null = null
    let bestHits = 0
    for (const p of out) {
      let hits = 0
      for (let i = 0; i < h.length - 1; i += step) if (pointInRing(h[i] as Pt, p[0] as Ring)) hits++
      if (hits > bestHits) {
        bestHits = hits
        home = p
      }
    }
    if (home) home.push(h)
  }
  return out
}

export function clipByHalfPlane(mp: MPoly, a: number, b: number, c: number): MPoly {
  const len = Math.hypot(a, b)
  if (len === 0) return mp
  const out: MPoly = []
  for (const poly of mp) out.push(...clipPolygon(orientPoly(poly), a / len, b / len, c / len))
  return out
}

/** Intersection with a convex polygon given counter-clockwise (open or closed ring). */
export function clipByConvex(mp: MPoly, convex: readonly Pt[]): MPoly {
  let cur = mp
  const n = convex.length
  const closed =
    n > 1 &&
    (convex[0] as Pt)[0] === (convex[n - 1] as Pt)[0] &&
    (convex[0] as Pt)[1] === (convex[n - 1] as Pt)[1]
  const m = closed ? n - 1 : n
  for (let i = 0; i < m && cur.length > 0; i++) {
    const p = convex[i] as Pt
    const q = convex[(i + 1) % m] as Pt
    const ux = q[0] - p[0]
    const uy = q[1] - p[1]
    // interior is left of p→q: keep −cross(u, x − p) ≤ 0
    cur = clipByHalfPlane(cur, uy, -ux, uy * p[0] - ux * p[1])
  }
  return cur
}
