/**
 * `Content-Disposition: attachment` for file names with Chinese in them (RFC 6266 with RFC 5987's
 * `filename*`). Browsers and curl -J use `filename*=UTF-8''…`; older clients that only know
 * `filename` get an ASCII stand-in, since a header value cannot carry raw UTF-8 reliably.
 */

// RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
// encodeURIComponent leaves ' ( ) * unescaped, which attr-char does not allow.
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Characters no file system or unzip tool takes in a name (and control characters) become '_'. */
export function toSafeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, '_').trim()
  return cleaned.replace(/^\.+/, '_') || '_'
}

/** Whether a name can go into the plain `filename` parameter as it is. */
export function isPlainAsciiFileName(name: string): boolean {
  return /^[A-Za-z0-9._ -]+$/.test(name)
}

export function attachmentDisposition(fileName: string, asciiFallback: string): string {
  const fallback = asciiFallback.replace(/[^A-Za-z0-9._-]+/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName)}`
}
