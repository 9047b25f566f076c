/**
 * The EPSG codes the zone import accepts, with the proj4 definitions written out here rather than
 * taken from proj4's small built-in list (which has no CGCS2000 zone at all).
 *
 * CGCS2000 Gauss–Krüger (GB/T 18314, EPSG dataset; checked code by code against PROJ 9's EPSG
 * database with `projinfo`): Transverse Mercator, lat_0 0, k 1, false northing 0, GRS80 ellipsoid
 * (the CGCS2000 ellipsoid differs from GRS80 only in GM and ω, not in a or f).
 *   4491–4501  6-degree  "zone 13…23"  CM = 6·zone − 3   false easting = zone·1e6 + 500 000
 *   4502–4512  6-degree  "CM 75E…135E" CM = 75 + 6·k     false easting = 500 000
 *   4513–4533  3-degree  "zone 25…45"  CM = 3·zone       false easting = zone·1e6 + 500 000
 *   4534–4554  3-degree  "CM 75E…135E" CM = 75 + 3·k     false easting = 500 000
 * EPSG defines their axes as northing (X), easting (Y); shapefiles and GeoJSON nevertheless store
 * x = easting, y = northing, so the definitions below are east/north and check-grid-axes.ts catches
 * a file that really is in the EPSG order.
 *
 * Datum shifts without grids (proj4 has no NADCON/NTv2 files here), from the EPSG dataset:
 *   NAD27 → WGS84     EPSG:1173 (CONUS) +towgs84=-8,160,176; EPSG states 10 m. Measured against
 *                     NADCON (PROJ's own conus test points) it is 2–8 m off; see geo-crs.test.ts.
 *   Beijing 1954      no nationwide transformation is published; EPSG:15921 (Tarim basin,
 *                     +towgs84=15.8,-154.4,-82.3) is the one most tools use, off by tens of metres
 *                     elsewhere, so it comes with a warning.
 *   Xi'an 1980        EPSG publishes none: refused rather than guessed.
 */
import { CRS_UNKNOWN, DATUM_SHIFT_UNKNOWN, type CrsProblem } from './crs-reasons.js'
import { CGCS2000_CRS, WGS84_CRS, type ResolvedCrs } from './resolved-crs.js'

export type EpsgLookup = { ok: true; crs: ResolvedCrs; warnings: string[] } | ({ ok: false } & CrsProblem)

export const NAD27_TOWGS84 = [-8, 160, 176] as const
export const BEIJING_1954_TOWGS84 = [15.8, -154.4, -82.3] as const

export const NAD27_WARNING =
  'NAD27 is shifted to WGS84 with the EPSG:1173 three-parameter transformation (no NADCON grid): ' +
  'expect errors of up to about 10 m.'
export const BEIJING_1954_WARNING =
  'Beijing 1954 has no published nationwide transformation to WGS84; the EPSG:15921 parameters ' +
  '(Tarim basin) were applied, which can be tens of metres off elsewhere. Convert with your ' +
  "province's official parameters to CGCS2000 for exact boundaries."

function towgs84(shift: readonly number[]): string {
  return `+towgs84=${shift.join(',')},0,0,0,0`
}

function transverseMercator(options: {
  code: number
  name: string
  centralMeridian: number
  falseEasting: number
  falseNorthing?: number
  zonePrefix: number | null
  ellipsoid: string
  datum: string
}): ResolvedCrs {
  const falseNorthing = options.falseNorthing ?? 0
  return {
    kind: 'proj4',
    code: `EPSG:${options.code}`,
    name: options.name,
    def:
      `+proj=tmerc +lat_0=0 +lon_0=${options.centralMeridian} +k=1 +x_0=${options.falseEasting} ` +
      `+y_0=${falseNorthing} ${options.ellipsoid} +units=m +no_defs`,
    datum: options.datum,
    geographic: false,
    grid: {
      centralMeridian: options.centralMeridian,
      falseEasting: options.falseEasting,
      falseNorthing,
      zonePrefix: options.zonePrefix,
    },
  }
}

/** The Gauss–Krüger families that share a layout and differ in datum. */
interface GaussKrugerFamily {
  datum: string
  ellipsoid: string
  warnings: string[]
  sixDegreeZoned?: number
  sixDegreeCm?: number
  threeDegreeZoned: number
  threeDegreeCm: number
}

const CGCS2000_GK: GaussKrugerFamily = {
  datum: 'CGCS2000',
  ellipsoid: '+ellps=GRS80',
  warnings: [],
  sixDegreeZoned: 4491,
  sixDegreeCm: 4502,
  threeDegreeZoned: 4513,
  threeDegreeCm: 4534,
}

const BEIJING_1954_GK: GaussKrugerFamily = {
  datum: 'Beijing 1954',
  ellipsoid: `+ellps=krass ${towgs84(BEIJING_1954_TOWGS84)}`,
  warnings: [BEIJING_1954_WARNING],
  sixDegreeZoned: 21413,
  sixDegreeCm: 21453,
  threeDegreeZoned: 2401,
  threeDegreeCm: 2422,
}

function findGaussKruger(code: number, family: GaussKrugerFamily): ResolvedCrs | null {
  const { datum, ellipsoid } = family
  if (
    family.sixDegreeZoned !== undefined &&
    code >= family.sixDegreeZoned &&
    code < family.sixDegreeZoned + 11
  ) {
    const zone = 13 + code - family.sixDegreeZoned
    return transverseMercator({
      code,
      name: `${datum} / Gauss-Kruger zone ${zone}`,
      centralMeridian: 6 * zone - 3,
      falseEasting: zone * 1_000_000 + 500_000,
      zonePrefix: zone,
      ellipsoid,
      datum,
    })
  }
  if (family.sixDegreeCm !== undefined && code >= family.sixDegreeCm && code < family.sixDegreeCm + 11) {
    const centralMeridian = 75 + 6 * (code - family.sixDegreeCm)
    return transverseMercator({
      code,
      name: `${datum} / Gauss-Kruger CM ${centralMeridian}E`,
      centralMeridian,
      falseEasting: 500_000,
      zonePrefix: null,
      ellipsoid,
      datum,
    })
  }
  if (code >= family.threeDegreeZoned && code < family.threeDegreeZoned + 21) {
    const zone = 25 + code - family.threeDegreeZoned
    return transverseMercator({
      code,
      name: `${datum} / 3-degree Gauss-Kruger zone ${zone}`,
      centralMeridian: 3 * zone,
      falseEasting: zone * 1_000_000 + 500_000,
      zonePrefix: zone,
      ellipsoid,
      datum,
    })
  }
  if (code >= family.threeDegreeCm && code < family.threeDegreeCm + 21) {
    const centralMeridian = 75 + 3 * (code - family.threeDegreeCm)
    return transverseMercator({
      code,
      name: `${datum} / 3-degree Gauss-Kruger CM ${centralMeridian}E`,
      centralMeridian,
      falseEasting: 500_000,
      zonePrefix: null,
      ellipsoid,
      datum,
    })
  }
  return null
}

/**
 * The CGCS2000 3-degree code for a central meridian, with or without the zone prefix: the code to
 * suggest when a file's eastings show which variant it really is.
 */
export function findCgcs2000ThreeDegreeCode(centralMeridian: number, withZonePrefix: boolean): number | null {
  if (!Number.isInteger(centralMeridian / 3) || centralMeridian < 75 || centralMeridian > 135) return null
  const offset = (centralMeridian - 75) / 3
  return (withZonePrefix ? CGCS2000_GK.threeDegreeZoned : CGCS2000_GK.threeDegreeCm) + offset
}

function findUtm(code: number): ResolvedCrs | null {
  const north = code >= 32601 && code <= 32660
  const south = code >= 32701 && code <= 32760
  if (!north && !south) return null
  const zone = code - (north ? 32600 : 32700)
  return {
    kind: 'proj4',
    code: `EPSG:${code}`,
    name: `WGS 84 / UTM zone ${zone}${north ? 'N' : 'S'}`,
    def: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
    datum: 'WGS84',
    geographic: false,
    grid: {
      centralMeridian: 6 * zone - 183,
      falseEasting: 500_000,
      falseNorthing: south ? 10_000_000 : 0,
      zonePrefix: null,
    },
  }
}

function isXian1980(code: number): boolean {
  return code === 4610 || (code >= 2327 && code <= 2390)
}

export function findEpsgCrs(code: number): EpsgLookup {
  if (code === 4326) return { ok: true, crs: WGS84_CRS, warnings: [] }
  if (code === 4490) return { ok: true, crs: CGCS2000_CRS, warnings: [] }
  const gk = findGaussKruger(code, CGCS2000_GK)
  if (gk) return { ok: true, crs: gk, warnings: [] }
  const utm = findUtm(code)
  if (utm) return { ok: true, crs: utm, warnings: [] }
  if (code === 3857) {
    return {
      ok: true,
      crs: {
        kind: 'proj4',
        code: 'EPSG:3857',
        name: 'WGS 84 / Pseudo-Mercator',
        def: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs',
        datum: 'WGS84',
        geographic: false,
        grid: null,
      },
      warnings: [],
    }
  }
  if (code === 4267) {
    return {
      ok: true,
      crs: {
        kind: 'proj4',
        code: 'EPSG:4267',
        name: 'NAD27',
        def: `+proj=longlat +ellps=clrk66 ${towgs84(NAD27_TOWGS84)} +no_defs`,
        datum: 'NAD27',
        geographic: true,
        grid: null,
      },
      warnings: [NAD27_WARNING],
    }
  }
  if (code === 4214) {
    return {
      ok: true,
      crs: {
        kind: 'proj4',
        code: 'EPSG:4214',
        name: 'Beijing 1954',
        def: `+proj=longlat +ellps=krass ${towgs84(BEIJING_1954_TOWGS84)} +no_defs`,
        datum: 'Beijing 1954',
        geographic: true,
        grid: null,
      },
      warnings: [BEIJING_1954_WARNING],
    }
  }
  const beijingGk = findGaussKruger(code, BEIJING_1954_GK)
  if (beijingGk) return { ok: true, crs: beijingGk, warnings: [BEIJING_1954_WARNING] }
  if (isXian1980(code)) {
    return {
      ok: false,
      reason: DATUM_SHIFT_UNKNOWN,
      message:
        `EPSG:${code} is on the Xi'an 1980 datum, for which no transformation to WGS84/CGCS2000 is ` +
        'published; convert the file to CGCS2000 (EPSG:4490 or 4513–4554) with the official parameters first.',
    }
  }
  return {
    ok: false,
    reason: CRS_UNKNOWN,
    message:
      `EPSG:${code} is not supported; use EPSG:4326, 4490, the CGCS2000 Gauss–Krüger zones ` +
      '4491–4554, UTM 32601–32660/32701–32760, or GCJ-02/BD-09.',
  }
}
