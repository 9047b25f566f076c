import { createHash } from 'node:crypto'

/** A strong entity tag for a response body: the same bytes always give the same tag. */
export function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
}

/**
 * Whether an If-None-Match header matches the tag (RFC 9110 §13.1.2: weak comparison, a list of
 * tags or `*`).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag))
}
