import { describe, expect, it } from 'vitest'
import * as gcoordModule from 'gcoord'
import { distance } from '@turf/turf'

import { parseTrackCrs, toWgs84, type TrackCrs } from '../../server/domain/track/convert-crs.js'
import { TrackInputError } from '../../server/domain/track/track-errors.js'
import type { RawPoint } from '../../server/domain/track/raw-track.js'

// See convert-crs.ts: gcoord is CommonJS with typings one `.default` too deep under NodeNext.
const gcoord = gcoordModule.default as unknown as typeof gcoordModule.default.default

// Known WGS84 positions: 隆回县 town centre and the Tsinghua campus in Beijing.
const KNOWN = [
  [111.032, 27.113],
  [116.326, 40.003],
] as const

function metresBetween(a: { lon: number; lat: number }, b: readonly [number, number]): number {
  return distance([a.lon, a.lat], [b[0], b[1]], { units: 'meters' })
}

function asPoints(coords: ReadonlyArray<readonly [number, number] | [number, number]>): RawPoint[] {
  return coords.map(([lon, lat], index) => ({ index, lon, lat, time: 0 }))
}

describe('toWgs84', () => {
  it.each([
    ['GCJ-02', gcoord.GCJ02],
    ['BD-09', gcoord.BD09],
  ] as const)('brings %s positions back within 1 m of their WGS84 origin', (crs, gcoordCrs) => {
    const offset = KNOWN.map((c) => gcoord.transform([c[0], c[1]], gcoord.WGS84, gcoordCrs))
    // The offset is real (hundreds of metres), so an identity conversion could not pass.
    offset.forEach((c, i) => expect(metresBetween({ lon: c[0], lat: c[1] }, KNOWN[i]!)).toBeGreaterThan(100))
    const back = toWgs84(asPoints(offset), crs)
    back.forEach((p, i) => expect(metresBetween(p, KNOWN[i]!)).toBeLessThan(1))
  })

  it.each(['EPSG:4326', 'EPSG:4490'] as const)('leaves %s as it is, in a new array', (crs) => {
    const points = asPoints(KNOWN)
    const copy = structuredClone(points)
    const out = toWgs84(points, crs)
    expect(out).toEqual(copy)
    expect(out).not.toBe(points)
    out.pop()
    expect(points).toEqual(copy)
  })

  it('converts GCJ-02 and BD-09 into new points, leaving the input as it was', () => {
    const points = asPoints(KNOWN)
    const copy = structuredClone(points)
    for (const crs of ['GCJ-02', 'BD-09'] as const) {
      const out = toWgs84(points, crs)
      out.forEach((p, i) => expect(p).not.toBe(points[i]))
    }
    expect(points).toEqual(copy)
  })

  it('keeps times, indices and other fields', () => {
    const [p] = toWgs84([{ index: 7, lon: 111.04, lat: 27.11, time: 123, accuracy: 5, ele: 400 }], 'GCJ-02')
    expect(p).toMatchObject({ index: 7, time: 123, accuracy: 5, ele: 400 })
  })

  it('rejects an unknown crs naming the crs field', () => {
    expect(() => toWgs84(asPoints(KNOWN), 'EPSG:3857' as TrackCrs)).toThrow(TrackInputError)
  })
})

describe('parseTrackCrs', () => {
  it.each([
    [undefined, 'EPSG:4326'],
    ['', 'EPSG:4326'],
    ['wgs84', 'EPSG:4326'],
    ['WGS-84', 'EPSG:4326'],
    ['EPSG:4326', 'EPSG:4326'],
    ['epsg:4326', 'EPSG:4326'],
    ['4326', 'EPSG:4326'],
    ['EPSG:4490', 'EPSG:4490'],
    ['cgcs2000', 'EPSG:4490'],
    ['gcj02', 'GCJ-02'],
    ['GCJ-02', 'GCJ-02'],
    ['gcj_02', 'GCJ-02'],
    ['bd09', 'BD-09'],
    ['BD-09', 'BD-09'],
    ['bd09ll', 'BD-09'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseTrackCrs(input)).toBe(expected)
  })

  it.each(['EPSG:3857', 'bd09mc', 'EPSG:4547', 'gcj'.repeat(3)])(
    'rejects %j with an error on the crs field',
    (input) => {
      try {
        parseTrackCrs(input)
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(TrackInputError)
        expect((error as TrackInputError).errors).toEqual([
          expect.objectContaining({
            path: 'crs',
            reason: 'TRACK_CRS_UNKNOWN',
            message: expect.stringContaining(input),
          }),
        ])
      }
    },
  )
})
