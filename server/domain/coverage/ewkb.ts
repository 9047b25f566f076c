/**
 * Hex EWKB of a LineString M in EPSG:4326 (M = fix time, epoch seconds): how a cleaned segment is
 * handed to PostGIS in one value ('…'::geometry) instead of one ST_MakePointM call per fix.
 */
export function lineStringMHex(points: readonly { lon: number; lat: number; time: number }[]): string {
  const header = 1 + 4 + 4 + 4
  const b = Buffer.alloc(header + points.length * 24)
  b.writeUInt8(1, 0) // little endian
  // wkbLineString (2) | M flag | SRID flag, as PostGIS's EWKB writes them
  b.writeUInt32LE(0x00000002 | 0x40000000 | 0x20000000, 1)
  b.writeUInt32LE(4326, 5)
  b.writeUInt32LE(points.length, 9)
  points.forEach((p, i) => {
    const at = header + i * 24
    b.writeDoubleLE(p.lon, at)
    b.writeDoubleLE(p.lat, at + 8)
    b.writeDoubleLE(p.time / 1000, at + 16)
  })
  return b.toString('hex')
}
