import { haversineM, type LonLat } from './haversine-m.js'

export interface TimedLonLat extends LonLat {
  /** Epoch milliseconds. */
  time: number
}

/**
 * Ground speed in km/h needed to get from `a` to `b` in the time between them. Two fixes at the same
 * instant in different places need an infinite speed (and two in the same place none): callers
 * compare against a maximum, so that is the honest answer rather than a division error.
 */
export function speedKmh(a: TimedLonLat, b: TimedLonLat): number {
  const metres = haversineM(a, b)
  const seconds = Math.abs(b.time - a.time) / 1000
  if (seconds === 0) return metres === 0 ? 0 : Infinity
  return (metres / seconds) * 3.6
}
