import type { Pt, Ring } from './planar.js'

/**
 * T-junction noding. Neighbouring polygons built at different levels (a county edge, the township cut
 * from it, the parcels cut from the township) share boundaries but not always vertices: a parcel
 * corner can sit in the middle of its neighbour's edge. Rounding to 7 decimals then moves that corner
 * up to half a centimetre off the neighbour's edge, which reads as a sliver overlap or gap. Inserting
 * every vertex that lies on an edge into that edge makes shared boundaries identical vertex lists,
 * so they round identically.
 */

const CELL = 50

function cellKey(ix: number, iy: number): number {
  return (ix + 8192) * 16384 + (iy + 8192)
}

/** Insert into each ring's edges every vertex (of any ring) lying on them within eps metres. */
export function nodeRings(rings: readonly Ring[], eps = 1e-5): number {
  const unique = [...new Set(rings)]
  const xs: number[] = []
  const ys: number[] = []
  const grid = new Map<number, number[]>()
  for (const ring of unique) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const p = ring[i] as Pt
      const id = xs.length
      xs.push(p[0])
      ys.push(p[1])
      const k = cellKey(Math.floor(p[0] / CELL), Math.floor(p[1] / CELL))
      const list = grid.get(k)
      if (list) list.push(id)
      else grid.set(k, [id])
    }
  }

  let inserted = 0
  const cells = new Set<number>()
  const hits: { t: number; id: number }[] = []
  for (const ring of unique) {
    const out: Pt[] = []
    for (let i = 0; i + 1 < ring.length; i++) {
      const p = ring[i] as Pt
      const q = ring[i + 1] as Pt
      out.push(p)
      const dx = q[0] - p[0]
      const dy = q[1] - p[1]
      const len2 = dx * dx + dy * dy
      if (len2 === 0) continue
      const len = Math.sqrt(len2)
      cells.clear()
      // sample the edge every half cell and take the 3×3 block around each sample: covers every
      // cell the edge passes through
      const steps = Math.ceil(len / (CELL / 2))
      for (let s = 0; s <= steps; s++) {
        const x = p[0] + (dx * s) / steps
        const y = p[1] + (dy * s) / steps
        const ix = Math.floor(x / CELL)
        const iy = Math.floor(y / CELL)
        for (let ox = -1; ox <= 1; ox++) for (let oy = -1; oy <= 1; oy++) cells.add(cellKey(ix + ox, iy + oy))
      }
      hits.length = 0
      for (const k of cells) {
        const list = grid.get(k)
        if (!list) continue
        for (const id of list) {
          const vx = (xs[id] as number) - p[0]
          const vy = (ys[id] as number) - p[1]
          const t = (vx * dx + vy * dy) / len2
          if (t <= 0 || t >= 1) continue
          if (Math.abs(vx * dy - vy * dx) / len > eps) continue
          // not the edge's own end points (or a near twin of them)
          if (t * len <= eps || (1 - t) * len <= eps) continue
          hits.push({ t, id })
        }
      }
      if (hits.length === 0) continue
      hits.sort((a, b) => a.t - b.t || a.id - b.id)
      let last: Pt | null = null
      for (const h of hits) {
        const v: Pt = [xs[h.id] as number, ys[h.id] as number]
        if (last && Math.abs(last[0] - v[0]) <= eps && Math.abs(last[1] - v[1]) <= eps) continue
        out.push(v)
        last = v
        inserted++
      }
    }
    out.push([(out[0] as Pt)[0], (out[0] as Pt)[1]])
    ring.length = 0
    ring.push(...out)
  }
  return inserted
}
