/**
 * Seeded pseudo-random numbers for the demo generator. Math.random is never used: the same seed must
 * give byte-identical output, and every module draws from its own stream (derived from the seed and a
 * label) so that changing how much one module draws does not shift the numbers another module sees.
 */

/** mulberry32: tiny, fast, good enough for synthetic data (not for cryptography). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a over the label, mixed with the seed: independent streams per module. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export class Random {
  private readonly draw: () => number
  private spareGaussian: number | null = null

  constructor(seed: number) {
    this.draw = mulberry32(seed)
  }

  /** A new independent stream for a sub-task, e.g. rng.fork('roads'). */
  static stream(seed: number, label: string): Random {
    return new Random(deriveSeed(seed, label))
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.draw()
  }

  /** Uniform in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.draw()
  }

  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.draw() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.draw() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.draw() * items.length)] as T
  }

  /** Index drawn proportionally to the (non-negative) weights. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0
    for (const w of weights) total += w
    let r = this.draw() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number
      if (r < 0) return i
    }
    return weights.length - 1
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    return items[this.weightedIndex(weights)] as T
  }

  /** Standard normal (Box–Muller, caching the second value). */
  gaussian(): number {
    if (this.spareGaussian !== null) {
      const g = this.spareGaussian
      this.spareGaussian = null
      return g
    }
    let u = 0
    while (u === 0) u = this.draw()
    const v = this.draw()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spareGaussian = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.draw() * (i + 1))
      const tmp = out[i] as T
      out[i] = out[j] as T
      out[j] = tmp
    }
    return out
  }

  /** `count` distinct items in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffled(items).slice(0, Math.min(count, items.length))
  }
}
