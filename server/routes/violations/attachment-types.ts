/**
 * What an attachment may be: a photo (JPEG, PNG) or a document (PDF), at most 10 MB. The declared
 * Content-Type alone proves nothing, so the first bytes must match it too.
 */

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

export const ATTACHMENT_MEDIA_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number]

const SIGNATURES: Readonly<Record<AttachmentMediaType, readonly number[]>> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  // "%PDF-"
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
}

export const ATTACHMENT_REASON_TYPE_REFUSED = 'media_type_refused'
export const ATTACHMENT_REASON_CONTENT_MISMATCH = 'content_does_not_match_media_type'
export const ATTACHMENT_REASON_EMPTY = 'empty_body'
export const ATTACHMENT_REASON_TOO_LARGE = 'too_large'

/** The media type named by a Content-Type header, lower-cased, parameters dropped. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

export function isAttachmentMediaType(type: string): type is AttachmentMediaType {
  return (ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(type)
}

/** The accepted type whose signature the bytes start with, if any. */
export function sniffMediaType(bytes: Uint8Array): AttachmentMediaType | undefined {
  for (const type of ATTACHMENT_MEDIA_TYPES) {
    const sig = SIGNATURES[type]
    if (bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b)) return type
  }
  return undefined
}

export function defaultKindOf(type: AttachmentMediaType): 'photo' | 'document' {
  return type === 'application/pdf' ? 'document' : 'photo'
}
