/**
 * Ring orientation as the Mapbox Vector Tile spec (2.1, §4.3.4.4) defines it: in tile coordinates
 * (x right, y down) an exterior ring has a positive area by the surveyor's formula — clockwise as
 * seen on screen — and an interior ring (hole) a negative one. Decoders group rings into polygons
 * by this sign alone, so a wrongly wound ring turns a hole into a filled island.
 */

export type TilePosition = readonly [number, number]

/** Twice the signed area of a ring by the surveyor's (shoelace) formula; closed or open rings. */
export function twiceSignedRingArea(ring: readonly TilePosition[]): number {
  let sum = 0
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i] as TilePosition
    const [x2, y2] = ring[(i + 1) % ring.length] as TilePosition
    sum += x1 * y2 - x2 * y1
  }
  return sum
}

/**
 * The ring wound as the spec wants for its role; `undefined` for a ring with no area left (it
 * collapsed when snapped to the tile grid and cannot be oriented).
 */
export function orientTileRing(
  ring: readonly TilePosition[],
  role: 'exterior' | 'interior',
): TilePosition[] | undefined {
  const area = twiceSignedRingArea(ring)
  if (area === 0) return undefined
  const wantPositive = role === 'exterior'
  return area > 0 === wantPositive ? [...ring] : [...ring].reverse()
}
