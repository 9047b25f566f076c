import { createRequire } from 'node:module'
import type { Geometry } from 'geojson'
import { describe, expect, it } from 'vitest'
import { encodeMvtLayer } from '../../server/tiles/encode-mvt.js'
import { orientTileRing, twiceSignedRingArea } from '../../server/tiles/ring-winding.js'
import {
  findTileAddressIssues,
  TILE_REASON_COLUMN_RANGE,
  TILE_REASON_ZOOM_RANGE,
} from '../../server/tiles/tile-grid.js'

// @mapbox/vector-tile and pbf come with vt-pbf (CommonJS, no types).
interface TilePoint {
  x: number
  y: number
}
interface DecodedFeature {
  type: number
  properties: Record<string, unknown>
  loadGeometry(): TilePoint[][]
}
const require = createRequire(import.meta.url)
const { VectorTile } = require('@mapbox/vector-tile') as {
  VectorTile: new (pbf: unknown) => {
    layers: Record<string, { version: number; length: number; feature(i: number): DecodedFeature }>
  }
}
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown

const decode = (bytes: Uint8Array) => new VectorTile(new Pbf(bytes)).layers

/** Surveyor's formula as the MVT spec writes it (tile coordinates, y down; > 0 = exterior). */
const specArea = (ring: TilePoint[]) =>
  ring.slice(0, -1).reduce((sum, a, i) => sum + a.x * ring[i + 1]!.y - ring[i + 1]!.x * a.y, 0) / 2

// A square drawn clockwise on screen (y down) and one drawn counter-clockwise.
const CLOCKWISE: [number, number][] = [
  [0, 0],
  [100, 0],
  [100, 100],
  [0, 100],
  [0, 0],
]
const ANTICLOCKWISE = [...CLOCKWISE].reverse()
const HOLE_CLOCKWISE: [number, number][] = [
  [25, 25],
  [75, 25],
  [75, 75],
  [25, 75],
  [25, 25],
]

function encodeOne(geometry: Geometry, properties: Record<string, string | number | null> = {}) {
  const { bytes, featureCount } = encodeMvtLayer('test', [{ geometry, properties }])
  // the decoder leaves out a layer without features
  const layer = decode(bytes).test
  return { featureCount, layer, feature: layer?.feature(0) }
}

describe('ring winding', () => {
  it('measures clockwise-on-screen as positive', () => {
    expect(twiceSignedRingArea(CLOCKWISE)).toBe(20000)
    expect(twiceSignedRingArea(ANTICLOCKWISE)).toBe(-20000)
  })

  it('orients by role and gives up on a ring without area', () => {
    expect(twiceSignedRingArea(orientTileRing(ANTICLOCKWISE, 'exterior')!)).toBeGreaterThan(0)
    expect(twiceSignedRingArea(orientTileRing(CLOCKWISE, 'interior')!)).toBeLessThan(0)
    expect(
      orientTileRing(
        [
          [0, 0],
          [5, 5],
          [10, 10],
          [0, 0],
        ],
        'exterior',
      ),
    ).toBeUndefined()
  })
})

describe('encodeMvtLayer', () => {
  it.each([
    ['clockwise', CLOCKWISE, HOLE_CLOCKWISE],
    ['anticlockwise', ANTICLOCKWISE, [...HOLE_CLOCKWISE].reverse()],
  ])('winds a %s polygon and its hole as the spec says', (_name, outer, hole) => {
    const { feature } = encodeOne({ type: 'Polygon', coordinates: [outer, hole] })
    const rings = feature!.loadGeometry()
    expect(feature!.type).toBe(3)
    expect(rings.map(specArea)).toEqual([10000, -2500])
  })

  it('flattens a MultiPolygon into exterior, hole, exterior', () => {
    const shifted = ANTICLOCKWISE.map(([x, y]) => [x + 200, y])
    const { feature } = encodeOne({
      type: 'MultiPolygon',
      coordinates: [[CLOCKWISE, HOLE_CLOCKWISE], [shifted]],
    })
    expect(feature!.loadGeometry().map(specArea)).toEqual([10000, -2500, 10000])
  })

  it('drops a polygon that collapsed, with its holes, and counts only what it wrote', () => {
    const flat: [number, number][] = [
      [0, 0],
      [10, 0],
      [20, 0],
      [0, 0],
    ]
    const result = encodeOne({ type: 'Polygon', coordinates: [flat, HOLE_CLOCKWISE] })
    expect(result.featureCount).toBe(0)
    expect(result.layer).toBeUndefined()
  })

  it('writes lines and points, rounds to whole units and leaves null properties out', () => {
    const line = encodeOne(
      {
        type: 'LineString',
        coordinates: [
          [0.4, 0.6],
          [10.5, -3.2],
        ],
      },
      { name: '主干道', unit_id: null, tier: 1 },
    )
    expect(line.feature!.type).toBe(2)
    expect(line.feature!.loadGeometry()).toEqual([
      [
        { x: 0, y: 1 },
        { x: 11, y: -3 },
      ],
    ])
    expect(line.feature!.properties).toEqual({ name: '主干道', tier: 1 })
    const points = encodeOne({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    })
    expect(points.feature!.type).toBe(1)
    // the decoder returns each point of a MultiPoint on its own
    expect(points.feature!.loadGeometry()).toEqual([[{ x: 1, y: 2 }], [{ x: 3, y: 4 }]])
  })

  it('writes MVT version 2', () => {
    const { bytes } = encodeMvtLayer('zones', [
      { geometry: { type: 'Point', coordinates: [1, 1] }, properties: {} },
    ])
    expect(decode(bytes).zones!.version).toBe(2)
  })
})

describe('findTileAddressIssues', () => {
  it('accepts the corners of the grid', () => {
    expect(findTileAddressIssues({ z: 0, x: 0, y: 0 })).toEqual([])
    expect(findTileAddressIssues({ z: 22, x: 2 ** 22 - 1, y: 2 ** 22 - 1 })).toEqual([])
  })

  it('names the part that is off the grid', () => {
    expect(findTileAddressIssues({ z: 23, x: 0, y: 0 })).toEqual([
      { path: '/params/z', message: TILE_REASON_ZOOM_RANGE },
    ])
    const issues = findTileAddressIssues({ z: 2, x: 4, y: -1 })
    expect(issues.map((i) => i.path)).toEqual(['/params/x', '/params/y'])
    expect(issues[0]!.message).toContain(TILE_REASON_COLUMN_RANGE)
  })
})
