import * as gcoordModule from 'gcoord'
import type { RawPoint } from './raw-track.js'
import { TrackInputError } from './track-errors.js'
import { TRACK_CRS_UNKNOWN } from './track-input-reasons.js'

// gcoord is CommonJS (module.exports = the API) with typings that say `export default`, so under
// NodeNext TypeScript puts the API one `.default` deeper than Node does; the cast says what Node hands over.
const gcoord = gcoordModule.default as unknown as typeof gcoordModule.default.default

/**
 * The coordinate systems a track may arrive in. GPS receivers give WGS84; CGCS2000 (EPSG:4490) is
 * the same to centimetres for this work (design.md, "Geometry conventions"); GCJ-02 and BD-09 are the
 * offsets Chinese phone map SDKs (AMap/Tencent, Baidu) apply to positions before apps see them, a few
 * hundred metres — enough to credit the wrong zone, so they must be undone, never ignored.
 */
export type TrackCrs = 'EPSG:4326' | 'EPSG:4490' | 'GCJ-02' | 'BD-09'

export const TRACK_CRS_VALUES: readonly TrackCrs[] = ['EPSG:4326', 'EPSG:4490', 'GCJ-02', 'BD-09']

/** Spellings clients use, after upper-casing and removing spaces, '-' and '_'. */
const CRS_SPELLINGS: Record<string, TrackCrs> = {
  'EPSG:4326': 'EPSG:4326',
  EPSG4326: 'EPSG:4326',
  '4326': 'EPSG:4326',
  WGS84: 'EPSG:4326',
  WGS1984: 'EPSG:4326',
  'URN:OGC:DEF:CRS:OGC:1.3:CRS84': 'EPSG:4326',
  CRS84: 'EPSG:4326',
  'EPSG:4490': 'EPSG:4490',
  EPSG4490: 'EPSG:4490',
  '4490': 'EPSG:4490',
  CGCS2000: 'EPSG:4490',
  GCJ02: 'GCJ-02',
  GCJ: 'GCJ-02',
  BD09: 'BD-09',
  BD09LL: 'BD-09',
}

/**
 * Reads the `crs` parameter of a track. Absent means EPSG:4326: GeoJSON (RFC 7946) and GPX are WGS84
 * by definition, so that is the format's own statement, not a guess. Anything unrecognised is an error
 * naming the `crs` field — in particular BD-09 Mercator metres (BD09MC) and projected systems, which a
 * device track never legitimately uses.
 */
export function parseTrackCrs(input: string | undefined): TrackCrs {
  if (input === undefined || input.trim() === '') return 'EPSG:4326'
  const key = input
    .trim()
    .toUpperCase()
    .replace(/[\s_-]/g, '')
  const crs = CRS_SPELLINGS[key]
  if (!crs) throw unknownCrs(input)
  return crs
}

/**
 * Returns the points in WGS84, in a new array: for WGS 84 and CGCS2000 the input's own points, for
 * the others new ones (the input is not changed). GCJ-02 and BD-09 are undone
 * with gcoord, which leaves points outside China as they are, as the offsets themselves do.
 */
export function toWgs84(points: readonly RawPoint[], crs: TrackCrs): RawPoint[] {
  switch (crs) {
    case 'EPSG:4326':
    case 'EPSG:4490':
      // (the same points: nothing downstream changes a point, and a month's load made a copy of
      // each of a million for nothing)
      return points.slice()
    case 'GCJ-02':
      return points.map((p) => moveTo(p, gcoord.transform([p.lon, p.lat], gcoord.GCJ02, gcoord.WGS84)))
    case 'BD-09':
      return points.map((p) => moveTo(p, gcoord.transform([p.lon, p.lat], gcoord.BD09, gcoord.WGS84)))
    default:
      // Only reachable from untyped callers (a crs read straight from a query string).
      throw unknownCrs(String(crs satisfies never))
  }
}

function moveTo(point: RawPoint, [lon, lat]: [number, number]): RawPoint {
  return { ...point, lon, lat }
}

function unknownCrs(input: string): TrackInputError {
  return new TrackInputError('the track CRS is not supported', [
    {
      path: 'crs',
      reason: TRACK_CRS_UNKNOWN,
      message: `crs ${JSON.stringify(input)} is not one of ${TRACK_CRS_VALUES.join(', ')} (also accepted: wgs84, cgcs2000, gcj02, bd09)`,
    },
  ])
}
