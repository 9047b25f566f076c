/**
 * EWKB of a LineString M in EPSG:4326 (M = fix time, epoch seconds): how a cleaned segment is
 * handed to PostGIS in one value (a bytea parameter cast to geometry) instead of one ST_MakePointM
 * call per fix.
 */
export function lineStringMEwkb(points: readonly { lon: number; lat: number; time: number }[]): Buffer {
  const header = 1 + 4 + 4 + 4
  const b = Buffer.allocUnsafe(header + points.length * 24)
  b.writeUInt8(1, 0) // little endian
  // wkbLineString (2) | M flag | SRID flag, as PostGIS's EWKB writes them
  b.writeUInt32LE(0x00000002 | 0x40000000 | 0x20000000, 1)
  b.writeUInt32LE(4326, 5)
  b.writeUInt32LE(points.length, 9)
  for (let i = 0, at = header; i < points.length; i++, at += 24) {
    const p = points[i]!
    b.writeDoubleLE(p.lon, at)
    b.writeDoubleLE(p.lat, at + 8)
    b.writeDoubleLE(p.time / 1000, at + 16)
  }
  return b
}

/** The same as hex EWKB text ('…'::geometry). */
export function lineStringMHex(points: readonly { lon: number; lat: number; time: number }[]): string {
  return lineStringMEwkb(points).toString('hex')
}

/**
 * The vertices of a LineString M from its (E)WKB, as PostGIS's ST_AsEWKB gives it: the fixes of a
 * stored segment (M = epoch seconds → `time` in epoch ms). Reading a segment whole is ~10× faster than
 * dumping its points row by row in SQL. Throws on anything but a LineString with an M ordinate.
 */
export function lineStringMFromEwkb(wkb: Uint8Array): { lon: number; lat: number; time: number }[] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  const le = view.getUint8(0) === 1
  const type = view.getUint32(1, le)
  const hasZ = (type & 0x80000000) !== 0
  const hasM = (type & 0x40000000) !== 0
  const hasSrid = (type & 0x20000000) !== 0
  if ((type & 0xffff) !== 2 || !hasM) throw new Error(`not a LineString M (EWKB type ${type.toString(16)})`)
  let at = 5 + (hasSrid ? 4 : 0)
  const n = view.getUint32(at, le)
  at += 4
  const stride = 8 * (hasZ ? 4 : 3)
  const mAt = hasZ ? 24 : 16
  const out = new Array<{ lon: number; lat: number; time: number }>(n)
  for (let i = 0; i < n; i++, at += stride) {
    out[i] = {
      lon: view.getFloat64(at, le),
      lat: view.getFloat64(at + 8, le),
      time: view.getFloat64(at + mAt, le) * 1000,
    }
  }
  return out
}

/**
 * The header of a (E)WKB geometry at `at`: byte order, base type (1 Point … 7 collection), numbers
 * per coordinate, and where its body starts. EWKB flags (Z 0x80000000, M 0x40000000, SRID
 * 0x20000000) or ISO codes (1000s Z, 2000s M, 3000s ZM).
 */
function wkbHeader(view: DataView, at: number): { le: boolean; base: number; dims: number; next: number } {
  const le = view.getUint8(at) === 1
  const type = view.getUint32(at + 1, le)
  const flagged = type & 0x0fffffff
  const dims =
    2 +
    (type & 0x80000000 || (flagged >= 1000 && flagged < 2000) || flagged >= 3000 ? 1 : 0) +
    (type & 0x40000000 || flagged >= 2000 ? 1 : 0)
  return { le, base: flagged % 1000, dims, next: at + 5 + (type & 0x20000000 ? 4 : 0) }
}

/**
 * The rings of a Polygon or MultiPolygon from its (E)WKB (ST_AsBinary), each as flat
 * [x0, y0, x1, y1, …] (Z and M dropped), shells and holes alike. Throws on any other type.
 */
export function polygonRingsFromWkb(wkb: Uint8Array): Float64Array[] {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  const rings: Float64Array[] = []
  let at = 0
  const header = () => {
    const h = wkbHeader(view, at)
    at = h.next
    return h
  }
  const polygon = (le: boolean, dims: number) => {
    const count = view.getUint32(at, le)
    at += 4
    for (let r = 0; r < count; r++) {
      const n = view.getUint32(at, le)
      at += 4
      const ring = new Float64Array(2 * n)
      for (let i = 0; i < n; i++, at += 8 * dims) {
        ring[2 * i] = view.getFloat64(at, le)
        ring[2 * i + 1] = view.getFloat64(at + 8, le)
      }
      rings.push(ring)
    }
  }
  const top = header()
  if (top.base === 3) polygon(top.le, top.dims)
  else if (top.base === 6) {
    const parts = view.getUint32(at, top.le)
    at += 4
    for (let p = 0; p < parts; p++) {
      const part = header()
      if (part.base !== 3) throw new Error(`not a polygon in a MultiPolygon (WKB type ${part.base})`)
      polygon(part.le, part.dims)
    }
  } else throw new Error(`not a Polygon or MultiPolygon (WKB type ${top.base})`)
  return rings
}

/** A 2D geometry read from WKB: GeoJSON's types and nesting (Z and M dropped). */
export type WkbGeometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString' | 'MultiPoint'; coordinates: number[][] }
  | { type: 'Polygon' | 'MultiLineString'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }

const WKB_TYPES = [
  '',
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
] as const

/**
 * A Point, LineString, Polygon or their Multi- kinds from (E)WKB (ST_AsBinary), coordinates as
 * GeoJSON nests them, in [x, y] only: what ST_AsGeoJSON would give, without its text (a tenth of the
 * work on both sides). Throws on a collection or any other type.
 */
export function geometryFromWkb(wkb: Uint8Array): WkbGeometry {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength)
  let at = 0
  const read = (): { base: number; coordinates: unknown } => {
    const { le, base, dims, next } = wkbHeader(view, at)
    at = next
    const point = () => {
      const p = [view.getFloat64(at, le), view.getFloat64(at + 8, le)]
      at += 8 * dims
      return p
    }
    const count = () => {
      const n = view.getUint32(at, le)
      at += 4
      return n
    }
    const line = () => Array.from({ length: count() }, point)
    switch (base) {
      case 1:
        return { base, coordinates: point() }
      case 2:
        return { base, coordinates: line() }
      case 3:
        return { base, coordinates: Array.from({ length: count() }, line) }
      case 4:
      case 5:
      case 6: {
        const parts = Array.from({ length: count() }, () => {
          const part = read()
          if (part.base !== base - 3) throw new Error(`WKB type ${part.base} inside a type ${base}`)
          return part.coordinates
        })
        return { base, coordinates: parts }
      }
      default:
        throw new Error(`not a point, line or polygon (WKB type ${base})`)
    }
  }
  const top = read()
  return { type: WKB_TYPES[top.base]!, coordinates: top.coordinates } as WkbGeometry
}
