/**
 * A minimal dBase III (.dbf) writer for Shapefile attribute tables, with a chosen text encoding.
 *
 * Why not the writer inside @mapbox/shp-write (the `dbf` package 0.2.0): it writes each string with
 * `charCodeAt(i)` into one byte, so every Chinese character loses its high byte (林, U+6797,
 * becomes 0x97) and field lengths count UTF-16 units, not bytes; it writes no .cpg and no
 * language-driver byte; and it gives every number three decimals. Zone names and categories are
 * Chinese, so this writer encodes with iconv-lite (UTF-8, or GBK for older desktop software), sizes
 * text fields in encoded bytes, never cuts a character in half, and reports every name it had to
 * shorten and every value it had to cut.
 *
 * Layout (dBase III+, as GDAL and ArcGIS read it): 32-byte header, 32 bytes per field descriptor,
 * 0x0D, fixed-width records each led by a deletion flag (0x20), 0x1A at the end.
 */
import iconv from 'iconv-lite'

export type DbfEncoding = 'UTF-8' | 'GBK'

export interface DbfField {
  /** The property the field holds. */
  property: string
  /** Field name as written: ≤ 10 ASCII characters, letters, digits and '_', unique. */
  name: string
  /** C text, N number, L logical. */
  type: 'C' | 'N' | 'L'
  length: number
  decimals: number
}

// dBase limits: 254 bytes for a text field; numbers are written as text, at most 20 characters
// wide here (GDAL's own Real fields are 24.15, but 20 covers 15 significant digits with sign).
const MAX_TEXT_BYTES = 254
const MAX_NUMBER_WIDTH = 20
const MAX_DECIMALS = 15

/** Language-driver byte: 0x4D is code page 936 (GBK); UTF-8 has none and relies on the .cpg. */
const LDID: Record<DbfEncoding, number> = { 'UTF-8': 0x00, GBK: 0x4d }

function encode(text: string, encoding: DbfEncoding): Buffer {
  return iconv.encode(text, encoding === 'UTF-8' ? 'utf8' : 'gbk')
}

/** A dBase field name for a property: ASCII letters, digits and '_', starting with a letter, ≤ 10. */
function toFieldName(property: string, taken: Set<string>): string {
  const ascii = property
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
  const base = (ascii === '' ? 'FIELD' : /^[A-Za-z]/.test(ascii) ? ascii : `F${ascii}`).slice(0, 10)
  let name = base
  // dBase compares names case-insensitively (GDAL does too), so uniqueness is checked that way.
  for (let n = 1; taken.has(name.toUpperCase()); n++) {
    const suffix = `_${n}`
    name = `${base.slice(0, 10 - suffix.length)}${suffix}`
  }
  taken.add(name.toUpperCase())
  return name
}

/** Decimals that reproduce a number exactly (shortest round-trip form), capped at 15. */
function countDecimals(value: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(value)).split('e')
  const fraction = mantissa.split('.')[1]?.length ?? 0
  return Math.min(MAX_DECIMALS, Math.max(0, fraction - Number(exponent)))
}

function toText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export interface DbfPlan {
  fields: DbfField[]
  warnings: string[]
}

/** Field names, types and widths for a set of rows (the union of their properties, in first-seen order). */
export function planDbfFields(rows: readonly Record<string, unknown>[], encoding: DbfEncoding): DbfPlan {
  const properties: string[] = []
  const seen = new Set<string>()
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key)
        properties.push(key)
      }
    }
  }
  const taken = new Set<string>()
  const warnings: string[] = []
  const fields = properties.map((property): DbfField => {
    const name = toFieldName(property, taken)
    if (name !== property)
      warnings.push(
        `Property "${property}" is written as field ${name} (dBase names: ≤ 10 ASCII characters).`,
      )
    const values = rows.map((row) => row[property]).filter((v) => v !== null && v !== undefined)
    if (values.length > 0 && values.every((v) => typeof v === 'boolean')) {
      return { property, name, type: 'L', length: 1, decimals: 0 }
    }
    if (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      const numbers = values as number[]
      const decimals = Math.max(...numbers.map(countDecimals))
      const length = Math.max(...numbers.map((v) => v.toFixed(decimals).length))
      if (length <= MAX_NUMBER_WIDTH) return { property, name, type: 'N', length, decimals }
      warnings.push(`Property "${property}" has numbers too wide for a dBase number field; written as text.`)
    }
    const longest = Math.max(1, ...values.map((v) => encode(toText(v), encoding).length))
    return { property, name, type: 'C', length: Math.min(MAX_TEXT_BYTES, longest), decimals: 0 }
  })
  return { fields, warnings }
}

/** The encoded text cut to at most `limit` bytes without splitting a character. */
function encodeWithin(text: string, limit: number, encoding: DbfEncoding): { bytes: Buffer; cut: boolean } {
  const whole = encode(text, encoding)
  if (whole.length <= limit) return { bytes: whole, cut: false }
  const parts: Buffer[] = []
  let used = 0
  for (const character of text) {
    const bytes = encode(character, encoding)
    if (used + bytes.length > limit) break
    parts.push(bytes)
    used += bytes.length
  }
  return { bytes: Buffer.concat(parts), cut: true }
}

export interface WrittenDbf {
  bytes: Uint8Array
  warnings: string[]
}

export function writeDbf(
  rows: readonly Record<string, unknown>[],
  fields: readonly DbfField[],
  options: { encoding: DbfEncoding; date?: Date },
): WrittenDbf {
  const warnings: string[] = []
  const recordLength = 1 + fields.reduce((sum, f) => sum + f.length, 0)
  const headerLength = 32 + 32 * fields.length + 1
  const bytes = new Uint8Array(headerLength + rows.length * recordLength + 1)
  const view = new DataView(bytes.buffer)
  const date = options.date ?? new Date()

  view.setUint8(0, 0x03)
  view.setUint8(1, date.getUTCFullYear() - 1900)
  view.setUint8(2, date.getUTCMonth() + 1)
  view.setUint8(3, date.getUTCDate())
  view.setUint32(4, rows.length, true)
  view.setUint16(8, headerLength, true)
  view.setUint16(10, recordLength, true)
  view.setUint8(29, LDID[options.encoding])

  fields.forEach((field, i) => {
    const at = 32 + 32 * i
    bytes.set(Buffer.from(field.name, 'ascii'), at)
    view.setUint8(at + 11, field.type.charCodeAt(0))
    view.setUint8(at + 16, field.length)
    view.setUint8(at + 17, field.decimals)
  })
  view.setUint8(headerLength - 1, 0x0d)

  let at = headerLength
  rows.forEach((row, index) => {
    bytes.fill(0x20, at, at + recordLength)
    at++
    for (const field of fields) {
      const value = row[field.property]
      if (value === null || value === undefined) {
        if (field.type === 'L') bytes[at] = 0x3f // '?': not initialised, dBase's null
      } else if (field.type === 'L') {
        bytes[at] = value === true ? 0x54 : 0x46
      } else if (field.type === 'N') {
        const text = (value as number).toFixed(field.decimals)
        bytes.set(Buffer.from(text, 'ascii'), at + field.length - text.length)
      } else {
        const text = toText(value)
        const { bytes: encoded, cut } = encodeWithin(text, field.length, options.encoding)
        if (cut) warnings.push(`Feature ${index}: "${field.property}" was cut to ${field.length} bytes.`)
        if (options.encoding === 'GBK' && iconv.decode(encoded, 'gbk') !== text && !cut) {
          warnings.push(
            `Feature ${index}: "${field.property}" has characters GBK cannot hold; they became '?'.`,
          )
        }
        bytes.set(encoded, at)
      }
      at += field.length
    }
  })
  bytes[at] = 0x1a
  return { bytes, warnings }
}
