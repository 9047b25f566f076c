/**
 * Decimal arithmetic on scaled integers.
 *
 * Assessment points and rates are published to one decimal (96.4 %, −10.8 points) and must add up
 * exactly: 0.1 + 0.2 in binary floating point is 0.30000000000000004, and 0.964 × 1000 is
 * 963.9999999999999. So every figure is turned into an integer count of its smallest unit (tenths of
 * a point, tenths of a percentage point, ten-thousandths of a mu) once, at the edge, and all sums,
 * products and comparisons happen on integers.
 */

/**
 * `value × 10^decimals` rounded half away from zero to an integer. The product is first cut to 12
 * significant digits, which removes binary noise (963.9999999999999 → 964) without touching any
 * digit a person typed.
 */
export function toScaledInteger(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`)
  const scaled = Number((value * 10 ** decimals).toPrecision(12))
  return Math.sign(scaled) * Math.round(Math.abs(scaled))
}

/** True when `value` has at most `decimals` digits after the point (2.5 has one, 2.55 has two). */
export function hasAtMostDecimals(value: number, decimals: number): boolean {
  if (!Number.isFinite(value)) return false
  const scaled = Number((value * 10 ** decimals).toPrecision(12))
  return Number.isInteger(scaled)
}

/** Integer division rounded half away from zero (`divisor` > 0). */
export function divideRounded(dividend: number, divisor: number): number {
  const q = Math.round(Math.abs(dividend) / divisor)
  return dividend < 0 ? -q : q
}

/** A scaled integer back to a number (for JSON output): 108 tenths → 10.8. */
export function fromScaledInteger(scaled: number, decimals: number): number {
  return Number((scaled / 10 ** decimals).toFixed(decimals))
}

/** A scaled integer as text without trailing zeros: 108 → "10.8", 100 → "10", 5 → "0.5". */
export function formatScaledInteger(scaled: number, decimals: number): string {
  const text = (Math.abs(scaled) / 10 ** decimals).toFixed(decimals)
  const trimmed = decimals > 0 ? text.replace(/\.?0+$/, '') : text
  return scaled < 0 ? `−${trimmed}` : trimmed
}
