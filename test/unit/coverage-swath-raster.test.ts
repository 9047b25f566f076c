// The swath raster (swath-raster.ts) against independent computations: turf's buffer and
// intersection for the swept area, the shoelace formula for polygon areas, and PostgreSQL's own
// reading of the hex bit sets is exercised by the integration tests.
import { area, buffer, intersect, lineString, polygon, featureCollection } from '@turf/turf'
import proj4 from 'proj4'
import { describe, expect, it } from 'vitest'
import { Random } from '../../scripts/demo/random.js'
import {
  andBits,
  bitsFromText,
  bitsToHex,
  countBits,
  emptyBits,
  gridFor,
  rasterizeLeg,
  rasterizePolygons,
  SWATH_CELL_M,
} from '../../server/domain/coverage/swath-raster.js'

const CELL_AREA = SWATH_CELL_M * SWATH_CELL_M

describe('swath raster', () => {
  it('a polygon holds the cells whose centres lie in it: an aligned square exactly, a triangle and a holed square by area', () => {
    const square = [
      [
        [100, 200],
        [200, 200],
        [200, 300],
        [100, 300],
        [100, 200],
      ],
    ]
    const g = gridFor(100, 200, 200, 300)
    expect(rasterizePolygons([square], g).count).toBe((100 / SWATH_CELL_M) ** 2)

    const triangle = [
      [
        [3, 7],
        [613, 41],
        [211, 517],
        [3, 7],
      ],
    ]
    const shoelace = Math.abs(3 * 41 - 613 * 7 + (613 * 517 - 211 * 41) + (211 * 7 - 3 * 517)) / 2
    const t = rasterizePolygons([triangle], gridFor(3, 7, 613, 517))
    expect(Math.abs((t.count * CELL_AREA) / shoelace - 1)).toBeLessThan(0.01)

    const holed = [
      square[0]!,
      [
        [120, 220],
        [150, 220],
        [150, 250],
        [120, 250],
        [120, 220],
      ],
    ]
    expect(rasterizePolygons([holed], g).count).toBe((100 / SWATH_CELL_M) ** 2 - (30 / SWATH_CELL_M) ** 2)
  })

  it('two pieces sharing an edge hold disjoint cells that add up to the whole', () => {
    const whole = [
      [
        [0.3, 0.7],
        [400.2, 0.7],
        [400.2, 300.9],
        [0.3, 300.9],
        [0.3, 0.7],
      ],
    ]
    // cut along a slanted line from (137.5, 0.7) to (271.25, 300.9)
    const left = [
      [
        [0.3, 0.7],
        [137.5, 0.7],
        [271.25, 300.9],
        [0.3, 300.9],
        [0.3, 0.7],
      ],
    ]
    const right = [
      [
        [137.5, 0.7],
        [400.2, 0.7],
        [400.2, 300.9],
        [271.25, 300.9],
        [137.5, 0.7],
      ],
    ]
    const g = gridFor(0.3, 0.7, 400.2, 300.9)
    const a = rasterizePolygons([left], g)
    const b = rasterizePolygons([right], g)
    const w = rasterizePolygons([whole], g)
    expect(a.count + b.count).toBe(w.count)
    expect(countBits(andBits(a.bits.slice(), b.bits))).toBe(0)
  })

  it('the cells within the radius of random walks cover the area turf buffers, within 1 % of it', () => {
    const random = new Random(20261127)
    const rnd = () => random.next()
    // a local metric CRS around a point in China, so that turf's geodesic buffer can be compared
    const local = '+proj=tmerc +lat_0=30 +lon_0=104 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs'
    const toLonLat = (x: number, y: number) => proj4(local, 'EPSG:4326', [x, y]) as [number, number]
    for (let walk = 0; walk < 5; walk++) {
      const pts: { x: number; y: number }[] = [{ x: 0, y: 0 }]
      for (let i = 0; i < 60; i++) {
        const last = pts[pts.length - 1]!
        const step = rnd() < 0.2 ? 0 : 5 + rnd() * 60
        const dir = rnd() * 2 * Math.PI
        pts.push({ x: last.x + step * Math.cos(dir), y: last.y + step * Math.sin(dir) })
      }
      const xs = pts.map((p) => p.x)
      const ys = pts.map((p) => p.y)
      const g = gridFor(
        Math.min(...xs) - 60,
        Math.min(...ys) - 60,
        Math.max(...xs) + 60,
        Math.max(...ys) + 60,
      )
      const bits = emptyBits(g)
      for (let i = 0; i + 1 < pts.length; i++) rasterizeLeg(bits, g, pts[i]!, pts[i + 1]!, 50)
      const swept = countBits(bits) * CELL_AREA
      const line = lineString(pts.map((p) => toLonLat(p.x, p.y)))
      const expected = area(buffer(line, 50, { units: 'meters', steps: 64 })!)
      expect(Math.abs(swept / expected - 1), `walk ${walk}: ${swept} vs ${expected}`).toBeLessThan(0.01)
    }
    // (turf's buffers take seconds on a loaded machine)
  }, 60_000)

  it('the swept share of a zone matches turf’s buffer ∩ zone within a percentage point', () => {
    const local = '+proj=tmerc +lat_0=30 +lon_0=104 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs'
    const toLonLat = (x: number, y: number) => proj4(local, 'EPSG:4326', [x, y]) as [number, number]
    const zoneRing = [
      [0, 0],
      [310, 20],
      [290, 240],
      [150, 180],
      [10, 260],
      [0, 0],
    ]
    const track = [
      { x: -80, y: 60 },
      { x: 120, y: 90 },
      { x: 180, y: 150 },
      { x: 400, y: 120 },
    ]
    const g = gridFor(0, 0, 310, 260)
    const mask = rasterizePolygons([[zoneRing]], g)
    const bits = emptyBits(g)
    for (let i = 0; i + 1 < track.length; i++) rasterizeLeg(bits, g, track[i]!, track[i + 1]!, 50)
    const share = countBits(andBits(bits, mask.bits)) / mask.count
    const zone = polygon([zoneRing.map(([x, y]) => toLonLat(x!, y!))])
    const swath = buffer(lineString(track.map((p) => toLonLat(p.x, p.y))), 50, {
      units: 'meters',
      steps: 64,
    })!
    const expected = area(intersect(featureCollection([zone, swath]))!) / area(zone)
    expect(expected).toBeGreaterThan(0.3)
    expect(Math.abs(share - expected)).toBeLessThan(0.01)
  })

  it('bit sets travel as the hex PostgreSQL casts to bit varying, most significant bit first', () => {
    const g = { x0: 0, y0: 0, w: 16, h: 1 }
    const bits = emptyBits(g)
    rasterizeLeg(bits, g, { x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 0.1) // the first cell only
    expect(bitsToHex(bits)).toBe('8000')
    const text = '0110000000000001'
    expect(bitsToHex(bitsFromText(text))).toBe('6001')
  })
})
