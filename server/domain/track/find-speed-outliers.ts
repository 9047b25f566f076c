import { speedKmh, type TimedLonLat } from './speed.js'

/**
 * A jump: a step that covers far more ground than the patrol was covering around it, though under
 * the maximum (a walking patrol's fix thrown 130 m in 4 s, 117 km/h). Impossible when its length
 * exceeds `factor` times the typical speed near it (the median of the `window` steps on each side,
 * not itself), but at least `floorKmh`, over its time, plus `slackM` for the fixes' own error.
 * A patrol that really speeds up (a walk, then a drive) is fast over many steps, which raises the
 * median as it goes; what is left at its edge is a stretch no short run explains, kept and reported.
 */
export interface JumpOptions {
  factor: number
  floorKmh: number
  slackM: number
  window: number
}

export interface SpeedOutlierOptions {
  maxSpeedKmh: number
  /** jumps under the maximum (JumpOptions); none judged without */
  jump?: JumpOptions
  /** Most consecutive points that may be dropped together as one bad cluster. */
  maxRunPoints: number
  /** Longest time, in seconds, such a cluster may span. */
  maxRunS: number
}

export interface SpeedOutlierResult {
  /** Positions (into the array passed in) judged outliers, ascending. */
  outliers: number[]
  /** Consecutive remaining pairs still faster than the maximum: no removal explained them. */
  unresolved: Array<[number, number]>
}

/**
 * Finds the points a track is plausible without, judging the whole track at once.
 *
 * Every pair of consecutive points faster than the maximum (or a jump: JumpOptions) is an impossible
 * step, and one of its ends is wrong. Removing a point helps only if the step that replaces it — from the point before to the
 * point after — is possible; so for each impossible step, fastest first, the smallest run of
 * consecutive points containing one of its ends whose removal leaves a possible step is dropped:
 *
 * - a lone spike (fast in and fast out) is a run of one, exactly the "both neighbours" rule;
 * - a single bad fix with only one fast side (a stale position re-stamped with a new time, as in
 *   the 330 km/h step of the Cerknica track) is found because only its removal closes the step;
 * - a cluster of bad fixes (several fixes at a cell tower, a multipath excursion) is found as a run,
 *   where a point-by-point rule sees nothing because the bad points agree with each other;
 * - at the first or last point the run has no step to close, so it is taken only when the rest of the
 *   track outnumbers it and starts with a possible step — the first point goes when it is too fast
 *   for both its neighbour and the neighbour's next point, and stays when dropping the neighbour
 *   instead closes the step.
 *
 * When two runs of the same size both close the step, the one whose other steps are faster (more
 * suspicious) goes. Runs — counting the points already dropped next to them — are bounded in points
 * and time, and removals that end up beside a step still impossible are undone, so a long fast
 * stretch (a patrol car on an expressway above the maximum) is neither deleted nor eroded: it is
 * reported as unresolved instead. Passes repeat until nothing changes. Times must be strictly
 * increasing (duplicates already removed).
 */
export function findSpeedOutliers(
  points: readonly TimedLonLat[],
  options: SpeedOutlierOptions,
): SpeedOutlierResult {
  const n = points.length
  const prev = new Int32Array(n)
  const next = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1
    next[i] = i + 1 < n ? i + 1 : -1
  }
  const alive = new Uint8Array(n).fill(1)
  let head = n > 0 ? 0 : -1
  let aliveCount = n
  const outliers: number[] = []

  const at = (i: number): TimedLonLat => points[i] as TimedLonLat
  const speed = (i: number, j: number) => speedKmh(at(i), at(j))
  const impossible = impossibleStep(points, options)
  const prevOf = (i: number) => prev[i] as number
  const nextOf = (i: number) => next[i] as number

  const remove = (i: number) => {
    const p = prevOf(i)
    const q = nextOf(i)
    if (p !== -1) next[p] = q
    else head = q
    if (q !== -1) prev[q] = p
    alive[i] = 0
    aliveCount--
    outliers.push(i)
  }

  const findImpossibleSteps = () => {
    const steps: Array<{ a: number; b: number; v: number }> = []
    for (let i = head; i !== -1; i = nextOf(i)) {
      const j = nextOf(i)
      if (j === -1) break
      if (impossible(i, j)) steps.push({ a: i, b: j, v: speed(i, j) })
    }
    return steps
  }

  /** Fastest remaining step touching the run, other than the step being resolved. */
  const suspicionOf = (run: number[], a: number, b: number) => {
    const first = run[0] as number
    const last = run[run.length - 1] as number
    const chain = [prevOf(first), ...run, nextOf(last)].filter((i) => i !== -1)
    let worst = 0
    for (let k = 0; k + 1 < chain.length; k++) {
      const i = chain[k] as number
      const j = chain[k + 1] as number
      if (i === a && j === b) continue
      worst = Math.max(worst, speed(i, j))
    }
    return worst
  }

  /**
   * A run at an end of the track leaves no step to check, so it closes the step only when the rest
   * outnumbers it and the rest's own first step (from `newEnd` onwards) is possible: otherwise a
   * stretch that is fast throughout would be eaten from its ends one point at a time.
   */
  const closesAtEnd = (size: number, newEnd: number, onwards: (i: number) => number) => {
    if (aliveCount - size <= size) return false
    const beyond = onwards(newEnd)
    return beyond === -1 || !impossible(newEnd, beyond)
  }

  /**
   * Whether dropping the alive points first..last stays a cluster: together with the points already
   * dropped next to them they form one block of the original track, and that block must fit the
   * limits. Without this, one drop per pass could erode a long stretch point by point.
   */
  const staysCluster = (before: number, after: number) => {
    const from = before + 1
    const to = after === -1 ? n - 1 : after - 1
    return to - from + 1 <= options.maxRunPoints && (at(to).time - at(from).time) / 1000 <= options.maxRunS
  }

  const chooseRun = (a: number, b: number): number[] | null => {
    // The alive points a run may use: up to maxRunPoints ending at a, then up to maxRunPoints from b.
    const local: number[] = []
    for (let p = a; p !== -1 && local.length < options.maxRunPoints; p = prevOf(p)) local.push(p)
    local.reverse()
    const ia = local.length - 1
    for (let q = b, k = 0; q !== -1 && k < options.maxRunPoints; q = nextOf(q), k++) local.push(q)
    for (let size = 1; size <= options.maxRunPoints && aliveCount - size >= 2; size++) {
      let best: { run: number[]; suspicion: number } | null = null
      // Every run of `size` consecutive points that contains a or b.
      for (let s = Math.max(0, ia - size + 1); s <= Math.min(ia + 1, local.length - size); s++) {
        const first = local[s] as number
        const last = local[s + size - 1] as number
        const before = prevOf(first)
        const after = nextOf(last)
        if (!staysCluster(before, after)) continue
        const closes =
          before === -1 || after === -1
            ? closesAtEnd(size, before === -1 ? after : before, before === -1 ? nextOf : prevOf)
            : !impossible(before, after)
        if (!closes) continue
        const run = local.slice(s, s + size)
        const suspicion = suspicionOf(run, a, b)
        if (!best || suspicion > best.suspicion) best = { run, suspicion }
      }
      if (best) return best.run
    }
    return null
  }

  /** Alive points whose decision a removal between `before` and `after` may change. */
  const markAround = (before: number, after: number, dirty: Set<number>) => {
    const reach = options.maxRunPoints + 2
    for (let p = before, k = 0; p !== -1 && k < reach; p = prevOf(p), k++) dirty.add(p)
    for (let q = after, k = 0; q !== -1 && k < reach; q = nextOf(q), k++) dirty.add(q)
  }

  // The first pass judges every impossible step; later passes only those near a removal, so a track
  // that is fast throughout costs one full pass, not one per point.
  let dirty: Set<number> | null = null
  for (;;) {
    const steps = findImpossibleSteps()
      .filter((step) => dirty === null || dirty.has(step.a) || dirty.has(step.b))
      .sort((x, y) => y.v - x.v || x.a - y.a)
    const touched = new Set<number>()
    for (const { a, b } of steps) {
      // An earlier removal in this pass may have taken an end or put a point between them.
      if (!alive[a] || !alive[b] || nextOf(a) !== b) continue
      const run = chooseRun(a, b)
      if (!run) continue
      const before = prevOf(run[0] as number)
      const after = nextOf(run[run.length - 1] as number)
      for (const i of run) remove(i)
      markAround(before, after, touched)
    }
    if (touched.size === 0) break
    dirty = touched
  }

  return restoreStretches(points, outliers, impossible)
}

/**
 * Whether the step from fix i to fix j (positions in `points`, i before j) is impossible: faster than
 * the maximum, or a jump (JumpOptions) judged by the typical speed around fix i in the track as given.
 */
function impossibleStep(
  points: readonly TimedLonLat[],
  options: SpeedOutlierOptions,
): (i: number, j: number) => boolean {
  const jump = options.jump
  const typical = jump ? typicalSpeeds(points, jump.window) : undefined
  return (i, j) => {
    const a = points[i] as TimedLonLat
    const b = points[j] as TimedLonLat
    const v = speedKmh(a, b)
    if (v > options.maxSpeedKmh) return true
    if (!jump || !typical) return false
    const seconds = Math.abs(b.time - a.time) / 1000
    const metres = (v / 3.6) * seconds
    // (most steps are within the floor: the typical speed is then not needed)
    if (metres <= (jump.floorKmh / 3.6) * seconds + jump.slackM) return false
    const allowedKmh = Math.max(jump.floorKmh, jump.factor * typical(i))
    return metres > (allowedKmh / 3.6) * seconds + jump.slackM
  }
}

/**
 * The median speed (km/h) of the steps between consecutive fixes within `window` steps on either
 * side of the step from fix i to fix i + 1, that step left out (so a jump does not raise its own
 * bar); computed when first asked for.
 */
function typicalSpeeds(points: readonly TimedLonLat[], window: number): (i: number) => number {
  const n = points.length
  const steps = new Float64Array(Math.max(0, n - 1)).fill(Number.NaN)
  const known = new Float64Array(n).fill(Number.NaN)
  const near = new Float64Array(2 * window)
  const step = (k: number) => {
    let v = steps[k] as number
    if (Number.isNaN(v)) steps[k] = v = speedKmh(points[k] as TimedLonLat, points[k + 1] as TimedLonLat)
    return v
  }
  return (i) => {
    const had = known[i] as number
    if (!Number.isNaN(had)) return had
    let m = 0
    for (let k = Math.max(0, i - window); k <= Math.min(n - 2, i + window); k++) {
      if (k === i) continue
      // (insertion into the sorted few)
      const v = step(k)
      let at = m++
      while (at > 0 && (near[at - 1] as number) > v) {
        near[at] = near[at - 1] as number
        at--
      }
      near[at] = v
    }
    const median =
      m === 0
        ? 0
        : m % 2 === 1
          ? (near[m >> 1] as number)
          : ((near[m / 2 - 1] as number) + (near[m / 2] as number)) / 2
    known[i] = median
    return median
  }
}

/**
 * Undoes removals next to a step that is still impossible. Such a removal did not make the track
 * plausible there — it shaved the edge off a stretch that is fast throughout (a walk, then a drive
 * above the maximum: each next fast fix is reachable from the last walking fix over the growing
 * time) — so the points go back, and the stretch is reported as unresolved instead.
 */
function restoreStretches(
  points: readonly TimedLonLat[],
  found: readonly number[],
  impossible: (i: number, j: number) => boolean,
): SpeedOutlierResult {
  const n = points.length
  const dropped = new Uint8Array(n)
  for (const i of found) dropped[i] = 1

  for (;;) {
    const unresolved = findRemainingImpossibleSteps(points, dropped, impossible)
    const onFastStep = new Set(unresolved.flat())
    let restored = false
    for (let s = 0; s < n; s++) {
      if (!dropped[s] || (s > 0 && dropped[s - 1])) continue
      let e = s
      while (e + 1 < n && dropped[e + 1]) e++
      if (onFastStep.has(s - 1) || onFastStep.has(e + 1)) {
        dropped.fill(0, s, e + 1)
        restored = true
      }
    }
    if (!restored) {
      const outliers: number[] = []
      for (let i = 0; i < n; i++) if (dropped[i]) outliers.push(i)
      return { outliers, unresolved }
    }
  }
}

function findRemainingImpossibleSteps(
  points: readonly TimedLonLat[],
  dropped: Uint8Array,
  impossible: (i: number, j: number) => boolean,
): Array<[number, number]> {
  const steps: Array<[number, number]> = []
  let last = -1
  for (let i = 0; i < points.length; i++) {
    if (dropped[i]) continue
    if (last !== -1 && impossible(last, i)) steps.push([last, i])
    last = i
  }
  return steps
}
