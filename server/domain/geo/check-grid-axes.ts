/**
 * Whether projected coordinates fit the Transverse Mercator grid they claim to be on.
 *
 * EPSG defines the CGCS2000 Gauss–Krüger systems with axes northing (X), easting (Y), the surveyors'
 * order; files store x = easting, y = northing. A file exported "by the book" therefore has x around
 * 3 300 000 (a northing in China) and y around 500 000 (an easting). Swapping silently would hide a
 * broken export, so it is reported. The same bounding-box test catches eastings with the wrong zone
 * prefix (EPSG:4513–4533 write the zone number in front, 4534–4554 do not) and degrees passed off as
 * metres.
 */
import { AXIS_ORDER_SWAPPED, OUTSIDE_CRS_AREA, ZONE_PREFIX_MISMATCH, type CrsProblem } from './crs-reasons.js'
import { findCgcs2000ThreeDegreeCode } from './epsg-crs.js'
import { describeCrs, type ResolvedCrs } from './resolved-crs.js'

export type Bbox = readonly [minX: number, minY: number, maxX: number, maxY: number]

// A 6-degree zone spans ±3° of longitude (±334 km at the equator), but real files run far past the
// edge: the Tsinghua campus test file is in UTM 49N at 5.3° from its meridian, easting 954 km. The
// Transverse Mercator arithmetic (proj4's exact Krüger series) stays exact to millimetres thousands
// of kilometres out, so only values more than 1 000 km from the false easting are "not an easting".
// Northings in China start at about 2 000 km (Hainan, 18°N), so the two ranges still separate.
const EASTING_HALF_WIDTH = 1_000_000
// Northings from just south of the equator to the pole (10 002 km).
const NORTHING_MIN = -100_000
const NORTHING_MAX = 10_002_000

function within(value: number, min: number, max: number): boolean {
  return value >= min && value <= max
}

function formatRange(min: number, max: number): string {
  const show = (value: number): string => String(Number(value.toPrecision(7)))
  return min === max ? show(min) : `${show(min)}…${show(max)}`
}

function prefixOf(x: number): number {
  return Math.floor(x / 1_000_000)
}

export function checkGridAxes(bbox: Bbox, crs: ResolvedCrs): CrsProblem | null {
  if (crs.kind !== 'proj4' || crs.grid === null) return null
  const { falseEasting, falseNorthing, zonePrefix, centralMeridian } = crs.grid
  const [minX, minY, maxX, maxY] = bbox
  const label = describeCrs(crs)
  const xs = formatRange(minX, maxX)
  const ys = formatRange(minY, maxY)

  // No real easting/northing of these grids is that close to the origin (x = 0 lies about 6° west
  // of the meridian), while longitude/latitude sent with a projected crs parameter always is.
  if (Math.abs(minX) <= 180 && Math.abs(maxX) <= 180 && Math.abs(minY) <= 90 && Math.abs(maxY) <= 90) {
    return {
      reason: OUTSIDE_CRS_AREA,
      message: `x ${xs}, y ${ys} look like degrees, not metres of ${label}; is the file in EPSG:4326/4490?`,
    }
  }

  // With a zone prefix the leading digits must be exactly the zone: x in [zone·1e6, (zone+1)·1e6).
  const halfWidth = zonePrefix === null ? EASTING_HALF_WIDTH : 500_000
  const eastingMin = falseEasting - halfWidth
  const eastingMax = falseEasting + halfWidth
  const northingMin = falseNorthing === 0 ? NORTHING_MIN : falseNorthing - NORTHING_MAX
  const northingMax = falseNorthing === 0 ? NORTHING_MAX : falseNorthing - NORTHING_MIN
  const isEasting = (min: number, max: number): boolean =>
    within(min, eastingMin, eastingMax) && within(max, eastingMin, eastingMax)
  const isNorthing = (min: number, max: number): boolean =>
    within(min, northingMin, northingMax) && within(max, northingMin, northingMax)
  const yIsNorthing = isNorthing(minY, maxY)
  if (isEasting(minX, maxX) && yIsNorthing) return null

  if (isEasting(minY, maxY) && isNorthing(minX, maxX)) {
    return {
      reason: AXIS_ORDER_SWAPPED,
      message:
        `x (${xs}) looks like a northing and y (${ys}) like an easting in ${label}: the columns are in ` +
        "EPSG's northing,easting order, but GeoJSON and Shapefiles store x = easting, y = northing. " +
        'Swap them in the source; they are not swapped here by guesswork.',
    }
  }

  const xHasNoPrefix = within(minX, 0, 1_000_000) && within(maxX, 0, 1_000_000)
  if (yIsNorthing && zonePrefix !== null && xHasNoPrefix) {
    const suggestion = crs.datum === 'CGCS2000' ? findCgcs2000ThreeDegreeCode(centralMeridian, false) : null
    return {
      reason: ZONE_PREFIX_MISMATCH,
      message:
        `${label} expects eastings with the zone number ${zonePrefix} in front (${zonePrefix}xxxxxx.x), ` +
        `but x is ${xs}` +
        (suggestion === null ? '.' : `; the system without prefix is EPSG:${suggestion}.`),
    }
  }
  const xHasPrefix = minX >= 10_000_000 && prefixOf(minX) === prefixOf(maxX)
  if (yIsNorthing && xHasPrefix) {
    const prefix = prefixOf(minX)
    const suggestion = findCgcs2000ThreeDegreeCode(3 * prefix, true)
    return {
      reason: ZONE_PREFIX_MISMATCH,
      message:
        `x (${xs}) carries the zone prefix ${prefix}, which ${label} does not use` +
        (suggestion === null ? '.' : `; the 3-degree zone ${prefix} system is EPSG:${suggestion}.`),
    }
  }
  return { reason: OUTSIDE_CRS_AREA, message: `x ${xs}, y ${ys} lie outside the area of ${label}.` }
}
