import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export const ROLES = ['admin', 'planner', 'supervisor', 'patroller', 'device', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** A new secret: 32 random bytes, prefixed so that leaked tokens are recognisable in logs and scans. */
export function generateTokenSecret(): string {
  return `lp_${randomBytes(32).toString('base64url')}`
}

/**
 * Secrets are high-entropy random strings, so a plain SHA-256 is the right storage hash (a slow
 * password hash adds cost per request and no security for 256-bit secrets).
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

export function sameHash(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex')
  const bb = Buffer.from(b, 'hex')
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}
