/**
 * An array query parameter of a bulk write (a month's points, heat cells): the pg adapter sends it
 * in PostgreSQL's binary array format (array_send's layout, each number in 4 or 8 bytes), PGlite as
 * an array literal. The statement casts the parameter to the array type (`$1::float8[]`), which
 * tells the server how to read it.
 *
 * Measured on the demo month: as text, each of ~5 million numbers was printed by the client and read
 * back by the server with strtod; in binary neither happens.
 */
export type ArrayElementType = 'float8' | 'float4' | 'int4' | 'text' | 'bytea'

export class ArrayParam {
  constructor(
    readonly type: ArrayElementType,
    readonly values: ArrayLike<number | null> | ArrayLike<string | null> | ArrayLike<Uint8Array | null>,
  ) {}
}

/** Element type OIDs (pg_type), which array_recv checks against the parameter's type. */
const ELEMENT_OID: Record<ArrayElementType, number> = {
  float8: 701,
  float4: 700,
  int4: 23,
  text: 25,
  bytea: 17,
}
const WIDTH: Record<'float8' | 'float4' | 'int4', number> = { float8: 8, float4: 4, int4: 4 }

/** The parameter in PostgreSQL's binary array format (one dimension, lower bound 1). */
export function binaryArray(p: ArrayParam): Buffer {
  const typed = typedBinaryArray(p)
  if (typed) return typed
  const n = p.values.length
  let nulls = false
  let size = n === 0 ? 12 : 20
  if (p.type === 'text' || p.type === 'bytea') {
    const values = p.values as ArrayLike<string | Uint8Array | null>
    for (let i = 0; i < n; i++) {
      const v = values[i]
      if (v === null || v === undefined) nulls = true
      else size += typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength
      size += 4
    }
  } else {
    const values = p.values as ArrayLike<number | null>
    const width = WIDTH[p.type]
    for (let i = 0; i < n; i++) {
      const v = values[i]
      if (v === null || v === undefined) {
        nulls = true
        size += 4
        continue
      }
      if (!Number.isFinite(v)) throw new Error(`not a finite number at ${i}: ${v}`)
      if (p.type === 'int4' && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647))
        throw new Error(`not a 32-bit integer at ${i}: ${v}`)
      size += 4 + width
    }
  }
  const b = Buffer.allocUnsafe(size)
  // (big-endian, as DataView writes by default)
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  view.setInt32(0, n === 0 ? 0 : 1)
  view.setInt32(4, nulls ? 1 : 0)
  view.setInt32(8, ELEMENT_OID[p.type])
  if (n === 0) return b
  view.setInt32(12, n)
  view.setInt32(16, 1)
  let at = 20
  for (let i = 0; i < n; i++) {
    const v = p.values[i]
    if (v === null || v === undefined) {
      view.setInt32(at, -1)
      at += 4
      continue
    }
    switch (p.type) {
      case 'float8':
        view.setInt32(at, 8)
        view.setFloat64(at + 4, v as number)
        at += 12
        break
      case 'float4':
        view.setInt32(at, 4)
        view.setFloat32(at + 4, v as number)
        at += 8
        break
      case 'int4':
        view.setInt32(at, 4)
        view.setInt32(at + 4, v as number)
        at += 8
        break
      case 'text': {
        const written = b.write(v as string, at + 4, 'utf8')
        view.setInt32(at, written)
        at += 4 + written
        break
      }
      case 'bytea': {
        const bytes = v as Uint8Array
        view.setInt32(at, bytes.byteLength)
        b.set(bytes, at + 4)
        at += 4 + bytes.byteLength
        break
      }
    }
  }
  return b
}

/**
 * A typed array of numbers (no nulls: the bulk of a month's points), in a loop of its own type: the
 * general loop below reads elements of every kind of array, and was a few percent of a month's load.
 */
function typedBinaryArray(p: ArrayParam): Buffer | undefined {
  const v = p.values
  const n = v.length
  if (n === 0) return undefined
  let width: number
  if (p.type === 'float8' && v instanceof Float64Array) width = 8
  else if (p.type === 'float4' && v instanceof Float32Array) width = 4
  else if (p.type === 'int4' && v instanceof Int32Array) width = 4
  else return undefined
  const b = Buffer.allocUnsafe(20 + n * (4 + width))
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  view.setInt32(0, 1)
  view.setInt32(4, 0)
  view.setInt32(8, ELEMENT_OID[p.type])
  view.setInt32(12, n)
  view.setInt32(16, 1)
  let at = 20
  if (v instanceof Float64Array) {
    for (let i = 0; i < n; i++, at += 12) {
      const x = v[i]!
      if (!Number.isFinite(x)) throw new Error(`not a finite number at ${i}: ${x}`)
      view.setInt32(at, 8)
      view.setFloat64(at + 4, x)
    }
  } else if (v instanceof Float32Array) {
    for (let i = 0; i < n; i++, at += 8) {
      const x = v[i]!
      if (!Number.isFinite(x)) throw new Error(`not a finite number at ${i}: ${x}`)
      view.setInt32(at, 4)
      view.setFloat32(at + 4, x)
    }
  } else {
    // (an Int32Array holds only 32-bit integers)
    const ints = v as Int32Array
    for (let i = 0; i < n; i++, at += 8) {
      view.setInt32(at, 4)
      view.setInt32(at + 4, ints[i]!)
    }
  }
  return b
}

/**
 * The parameter as an array literal: numbers in the shortest text that reads back as the same
 * double (and -0 as -0), NULL for null; text quoted.
 */
export function arrayLiteral(p: ArrayParam): string {
  const out: string[] = []
  for (let i = 0; i < p.values.length; i++) {
    const v = p.values[i]
    if (v === null || v === undefined) out.push('NULL')
    else if (typeof v === 'string') out.push(`"${v.replace(/["\\]/g, '\\$&')}"`)
    // (bytea's hex input, its backslash escaped for the array literal)
    else if (v instanceof Uint8Array)
      out.push(`"\\\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}"`)
    else if (!Number.isFinite(v)) throw new Error(`not a finite number at ${i}: ${v}`)
    else out.push(Object.is(v, -0) ? '-0' : String(v))
  }
  return `{${out.join(',')}}`
}
