/**
 * JSON parsing that says where a file is broken and notices duplicate member names.
 *
 * `JSON.parse` reports a character offset in an engine-specific message and silently keeps the last
 * of two members with the same name. A zone file with `"type"` twice is ambiguous (geojsonhint's
 * bad-duplicate-properties case: is it a FeatureCollection or a Feature?), so duplicates are listed
 * with their place; the value built is still what `JSON.parse` would build (last member wins), so
 * later checks see the same document every other tool sees. A leading byte-order mark, which Windows
 * editors add, is skipped (RFC 8259 §8.1 allows parsers to ignore it).
 */
import { appendPointer } from './geo-issue.js'

/** Not JSON at all: a syntax error, with 1-based line and column. */
export const NOT_JSON = 'NOT_JSON'
/** An object has two members with the same name. */
export const DUPLICATE_MEMBER = 'DUPLICATE_MEMBER'

export interface DuplicateMember {
  /** JSON Pointer of the duplicated member. */
  path: string
  key: string
  line: number
  column: number
}

export type StrictJsonResult =
  | { ok: true; value: unknown; duplicates: DuplicateMember[] }
  | { ok: false; reason: typeof NOT_JSON; message: string; line: number; column: number }

// Deeper nesting than this is no geometry (a MultiPolygon is 4 arrays deep inside 4 objects); the
// limit keeps a hostile upload from exhausting the stack.
const MAX_DEPTH = 512

// eslint-disable-next-line no-control-regex -- raw control characters are exactly what JSON strings may not contain
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const COMMA = 0x2c
const COLON = 0x3a
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

class JsonSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

interface Place {
  line: number
  column: number
}

/** Line and column of each offset, in one pass over the text (offsets in any order). */
function locateAll(text: string, offsets: number[]): Place[] {
  const places: Place[] = offsets.map(() => ({ line: 0, column: 0 }))
  const order = offsets.map((offset, i) => ({ offset, i })).sort((a, b) => a.offset - b.offset)
  let line = 1
  let lineStart = 0
  let at = 0
  for (const { offset, i } of order) {
    for (; at < offset && at < text.length; at++) {
      if (text.charCodeAt(at) === 10) {
        line++
        lineStart = at + 1
      }
    }
    places[i] = { line, column: offset - lineStart + 1 }
  }
  return places
}

function describeToken(text: string, at: number): string {
  if (at >= text.length) return 'the end of the text'
  const rest = text.slice(at, at + 20).split(/[\r\n]/)[0] ?? ''
  return `'${rest}${at + 20 < text.length ? '…' : ''}'`
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE
}

/** Index of the quote closing the string that opens at `open` (the text is known to be valid JSON). */
function findStringEnd(text: string, open: number): number {
  let from = open + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++
    if (quote < 0 || backslashes % 2 === 0) return quote
    from = quote + 1
  }
}

interface FoundDuplicate {
  path: string
  key: string
  offset: number
}

/**
 * Duplicate member names in text already known to be valid JSON: one pass that only follows
 * brackets, commas and member names, skipping everything else; several times faster than building
 * the values a second time.
 */
function findDuplicateMembers(text: string): FoundDuplicate[] {
  const found: FoundDuplicate[] = []
  // One frame per open object (its member names so far) or array; `at` is the member or element
  // being read, so the frames' `at`s spell the path to the innermost container.
  const frames: { keys: Set<string> | null; at: string | number }[] = []
  let expectKey = false
  for (let pos = 0; pos < text.length; pos++) {
    const c = text.charCodeAt(pos)
    if (c === QUOTE) {
      const end = findStringEnd(text, pos)
      if (end < 0) break
      const frame = frames[frames.length - 1]
      if (expectKey && frame?.keys) {
        const raw = text.slice(pos, end + 1)
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1)
        if (frame.keys.has(key)) {
          const path = [...frames.slice(0, -1).map((f) => f.at), key].reduce<string>(appendPointer, '')
          found.push({ path, key, offset: pos })
        }
        frame.keys.add(key)
        frame.at = key
        expectKey = false
      }
      pos = end
    } else if (c === OPEN_BRACE) {
      frames.push({ keys: new Set(), at: '' })
      expectKey = true
    } else if (c === OPEN_BRACKET) {
      frames.push({ keys: null, at: 0 })
      expectKey = false
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      frames.pop()
      expectKey = false
    } else if (c === COMMA) {
      const frame = frames[frames.length - 1]
      if (frame?.keys) expectKey = true
      else if (frame) frame.at = (frame.at as number) + 1
    }
  }
  return found
}

export function parseJsonStrict(input: string): StrictJsonResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  // The engine's parser is several times faster than any written in JavaScript, so valid text (the
  // usual case) is parsed by it and only scanned for duplicates; the parser below runs for broken
  // text, to say where it breaks.
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return parseWithPlaces(text)
  }
  const duplicates = findDuplicateMembers(text)
  const places = locateAll(
    text,
    duplicates.map((d) => d.offset),
  )
  return {
    ok: true,
    value,
    duplicates: duplicates.map(({ path, key }, i) => ({ path, key, line: 0, column: 0, ...places[i] })),
  }
}

/** A full recursive-descent parse that knows its position: the error's line and column. */
function parseWithPlaces(text: string): StrictJsonResult {
  const duplicates: { path: string; key: string; offset: number }[] = []
  // The path is kept as a stack of segments and only turned into a JSON Pointer for a duplicate:
  // building a pointer string for each of a million coordinates would dominate the parse.
  const segments: (string | number)[] = []
  let pos = 0

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos)
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++
      else return
    }
  }

  const fail = (expected: string): never => {
    throw new JsonSyntaxError(`Expected ${expected} but found ${describeToken(text, pos)}`, pos)
  }

  const skipDigits = (what: string): void => {
    const from = pos
    while (isDigit(text.charCodeAt(pos))) pos++
    if (pos === from) fail(what)
  }

  // Numbers are most of a zone file; a hand-written scan of the RFC 8259 grammar is several times
  // faster than a regular expression per coordinate.
  const readNumber = (): number => {
    const start = pos
    if (text.charCodeAt(pos) === MINUS) pos++
    if (text.charCodeAt(pos) === ZERO) pos++
    else skipDigits('a digit')
    if (text.charCodeAt(pos) === DOT) {
      pos++
      skipDigits('a digit after the decimal point')
    }
    if ((text.charCodeAt(pos) | 0x20) === 0x65) {
      pos++
      if (text.charCodeAt(pos) === PLUS || text.charCodeAt(pos) === MINUS) pos++
      skipDigits('a digit in the exponent')
    }
    return Number(text.slice(start, pos))
  }

  const readString = (): string => {
    STRING.lastIndex = pos
    const match = STRING.exec(text)
    if (!match) {
      const unterminated = text.indexOf('"', pos + 1) < 0
      throw new JsonSyntaxError(
        unterminated ? 'Unterminated string' : 'Invalid escape or raw control character in string',
        pos,
      )
    }
    pos += match[0].length
    return match[0].includes('\\') ? (JSON.parse(match[0]) as string) : match[0].slice(1, -1)
  }

  const readValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`Nested deeper than ${MAX_DEPTH} levels`, pos)
    skipWhitespace()
    const c = text.charCodeAt(pos)
    if (c === OPEN_BRACE) return readObject(depth)
    if (c === OPEN_BRACKET) return readArray(depth)
    if (c === QUOTE) return readString()
    if (c === MINUS || isDigit(c)) return readNumber()
    if (text.startsWith('true', pos)) {
      pos += 4
      return true
    }
    if (text.startsWith('false', pos)) {
      pos += 5
      return false
    }
    if (text.startsWith('null', pos)) {
      pos += 4
      return null
    }
    return fail('a value')
  }

  const readObject = (depth: number): Record<string, unknown> => {
    pos++
    const object: Record<string, unknown> = {}
    const seen = new Set<string>()
    skipWhitespace()
    if (text.charCodeAt(pos) === CLOSE_BRACE) {
      pos++
      return object
    }
    for (;;) {
      skipWhitespace()
      if (text.charCodeAt(pos) !== QUOTE) fail('a member name in double quotes')
      const keyOffset = pos
      const key = readString()
      skipWhitespace()
      if (text.charCodeAt(pos) !== COLON) fail("':' after a member name")
      pos++
      segments.push(key)
      const value = readValue(depth + 1)
      if (seen.has(key)) {
        duplicates.push({ path: segments.reduce<string>(appendPointer, ''), key, offset: keyOffset })
      }
      segments.pop()
      seen.add(key)
      // A plain assignment of "__proto__" would replace the prototype; JSON.parse makes it a member.
      if (key === '__proto__') {
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
      } else {
        object[key] = value
      }
      skipWhitespace()
      const next = text.charCodeAt(pos)
      pos++
      if (next === COMMA) continue
      if (next === CLOSE_BRACE) return object
      pos--
      return fail("',' or '}' after a member")
    }
  }

  const readArray = (depth: number): unknown[] => {
    pos++
    const array: unknown[] = []
    skipWhitespace()
    if (text.charCodeAt(pos) === CLOSE_BRACKET) {
      pos++
      return array
    }
    for (;;) {
      segments.push(array.length)
      array.push(readValue(depth + 1))
      segments.pop()
      skipWhitespace()
      const next = text.charCodeAt(pos)
      pos++
      if (next === COMMA) continue
      if (next === CLOSE_BRACKET) return array
      pos--
      return fail("',' or ']' after an array element")
    }
  }

  try {
    const value = readValue(0)
    skipWhitespace()
    if (pos < text.length) fail('the end of the text')
    const places = locateAll(
      text,
      duplicates.map((d) => d.offset),
    )
    return {
      ok: true,
      value,
      duplicates: duplicates.map(({ path, key }, i) => ({ path, key, line: 0, column: 0, ...places[i] })),
    }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    const [place = { line: 0, column: 0 }] = locateAll(text, [error.offset])
    const { line, column } = place
    return {
      ok: false,
      reason: NOT_JSON,
      message: `${error.message} at line ${line}, column ${column}.`,
      line,
      column,
    }
  }
}
