/**
 * The CRS of a Shapefile's .prj (WKT1, usually in ESRI's flavour, often without an EPSG code).
 *
 * Order of trust: an EPSG authority code in the WKT that we support; else a CGCS2000 Gauss–Krüger
 * grid recognised by its parameters (ArcGIS writes "CGCS2000_3_Degree_GK_CM_114E" with no code);
 * else the WKT itself handed to proj4, which parses WKT1/ESRI/WKT2. proj4 alone would silently use
 * no datum shift for a datum it does not know (it does so for "D_North_American_1927"), so the
 * datum is classified here and a shift is added, or the file refused, rather than guessed.
 */
import proj4 from 'proj4'
import { CRS_UNKNOWN, CRS_UNREADABLE, DATUM_SHIFT_UNKNOWN } from './crs-reasons.js'
import {
  BEIJING_1954_TOWGS84,
  BEIJING_1954_WARNING,
  NAD27_TOWGS84,
  NAD27_WARNING,
  findEpsgCrs,
  type EpsgLookup,
} from './epsg-crs.js'
import { CGCS2000_CRS, WGS84_CRS, type TransverseMercatorGrid } from './resolved-crs.js'

const DEGREES_PER_RADIAN = 180 / Math.PI

/** The fields of a parsed proj4 projection we read; proj4's own type does not list them. */
interface ParsedProjection {
  projName?: string
  datumCode?: string
  a?: number
  rf?: number
  b?: number
  long0?: number
  lat0?: number
  x0?: number
  y0?: number
  k0?: number
  to_meter?: number
  datum?: { datum_type?: number }
}

// proj4's datum types (lib/constants/values.js): 1/2 = 3/7-parameter shift, 3 = grid, 4 = WGS84, 5 = none.
const DATUM_TYPE_GRID = 3
const DATUM_TYPE_NONE = 5

type DatumClass = 'cgcs2000' | 'wgs84' | 'nad27' | 'beijing1954' | 'xian1980' | 'other'

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '')
}

function classifyDatum(datumCode: string, datumName: string, crsName: string): DatumClass {
  const names = [normalise(datumCode), normalise(datumName)]
  const has = (...needles: string[]): boolean =>
    names.some((n) => needles.some((needle) => n.includes(needle)))
  if (has('china2000', 'cgcs2000', 'epsg4490', 'chinageodeticcoordinatesystem2000')) return 'cgcs2000'
  if (normalise(crsName).includes('cgcs2000')) return 'cgcs2000'
  if (has('wgs1984', 'wgs84', 'epsg4326', 'worldgeodeticsystem1984')) return 'wgs84'
  if (has('northamerican1927', 'northamericandatum1927', 'nad27')) return 'nad27'
  if (has('beijing1954')) return 'beijing1954'
  if (has('xian1980')) return 'xian1980'
  return 'other'
}

function hasGrs80OrWgs84Ellipsoid(p: ParsedProjection): boolean {
  if (p.a !== 6378137) return false
  const rf = p.rf ?? (p.b !== undefined ? p.a / (p.a - p.b) : NaN)
  return Math.abs(rf - 298.257222101) < 1e-6 || Math.abs(rf - 298.257223563) < 1e-6
}

/** The first quoted name after a WKT keyword, e.g. the datum name after DATUM[. */
function findWktName(wkt: string, keyword: string): string | null {
  const match = new RegExp(`${keyword}\\s*[\\[(]\\s*"([^"]*)"`, 'i').exec(wkt)
  return match?.[1] ?? null
}

/** The EPSG code of the top-level object: its AUTHORITY/ID is the last node before the final bracket. */
function findTopLevelEpsgCode(wkt: string): number | null {
  const match = /(?:AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*[\])]\s*$/i.exec(wkt)
  return match?.[1] === undefined ? null : Number(match[1])
}

/** Index of the bracket closing the one at `open`, skipping quoted text; -1 when unbalanced. */
function findClosingBracket(text: string, open: number): number {
  let depth = 0
  let quoted = false
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    else if (quoted) continue
    else if (c === '[' || c === '(') depth++
    else if (c === ']' || c === ')') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/**
 * Adds TOWGS84[…] to the DATUM of a WKT1 text, after its SPHEROID, which is where WKT1 puts it and
 * where proj4's parser reads it. Returns null for WKT2 or an unexpected layout.
 */
export function addTowgs84ToWkt(wkt: string, shift: readonly number[]): string | null {
  if (!/^\s*(PROJCS|GEOGCS)\s*\[/i.test(wkt) || /TOWGS84/i.test(wkt)) return null
  const datumAt = wkt.search(/DATUM\s*\[/i)
  if (datumAt < 0) return null
  const spheroidAt = wkt.slice(datumAt).search(/SPHEROID\s*\[/i)
  if (spheroidAt < 0) return null
  const spheroidOpen = wkt.indexOf('[', datumAt + spheroidAt)
  const spheroidClose = findClosingBracket(wkt, spheroidOpen)
  if (spheroidClose < 0) return null
  const params = [...shift, 0, 0, 0, 0].slice(0, 7).join(',')
  return `${wkt.slice(0, spheroidClose + 1)},TOWGS84[${params}]${wkt.slice(spheroidClose + 1)}`
}

function isTransverseMercator(projName: string): boolean {
  const name = normalise(projName)
  return name === 'tmerc' || name === 'transversemercator' || name === 'gausskruger' || name === 'etmerc'
}

function readGrid(p: ParsedProjection): TransverseMercatorGrid | null {
  if (!isTransverseMercator(p.projName ?? '') || (p.to_meter ?? 1) !== 1) return null
  const falseEasting = p.x0 ?? 0
  return {
    centralMeridian: (p.long0 ?? 0) * DEGREES_PER_RADIAN,
    falseEasting,
    falseNorthing: p.y0 ?? 0,
    zonePrefix: falseEasting >= 1_000_000 ? Math.floor(falseEasting / 1_000_000) : null,
  }
}

/** The CGCS2000 Gauss–Krüger code whose parameters these are, when they match one exactly. */
function findCgcs2000GaussKrugerCode(p: ParsedProjection, crsName: string): number | null {
  const grid = readGrid(p)
  if (
    !grid ||
    Math.abs(p.lat0 ?? 0) > 1e-12 ||
    Math.abs((p.k0 ?? 1) - 1) > 1e-12 ||
    grid.falseNorthing !== 0
  ) {
    return null
  }
  const cm = Math.round(grid.centralMeridian * 1e6) / 1e6
  if (!Number.isInteger(cm)) return null
  const threeDegreeName = /3[^0-9]?deg/i.test(crsName)
  if (grid.falseEasting === 500_000) {
    // The 6-degree and 3-degree "CM" systems with the same meridian are the same arithmetic; only
    // the label differs, so the name decides and 3-degree (what county work uses) is the default.
    const sixDegree = !threeDegreeName && /gauss|gk/i.test(crsName) && (cm - 75) % 6 === 0
    if (sixDegree && cm >= 75 && cm <= 135) return 4502 + (cm - 75) / 6
    if (cm % 3 === 0 && cm >= 75 && cm <= 135) return 4534 + (cm - 75) / 3
    return null
  }
  const zone = (grid.falseEasting - 500_000) / 1_000_000
  if (!Number.isInteger(zone)) return null
  if (cm === 3 * zone && zone >= 25 && zone <= 45) return 4513 + zone - 25
  if (cm === 6 * zone - 3 && zone >= 13 && zone <= 23) return 4491 + zone - 13
  return null
}

function parseWithProj4(wkt: string): ParsedProjection | null {
  try {
    const parsed = proj4.Proj(wkt) as unknown as ParsedProjection
    return typeof parsed.projName === 'string' ? parsed : null
  } catch {
    // proj4 throws plain strings and TypeErrors for text it cannot read; both mean "unreadable".
    return null
  }
}

function withShift(
  wkt: string,
  p: ParsedProjection,
  names: { crs: string; datum: string },
  shift: readonly number[],
  warning: string,
): EpsgLookup {
  const def = addTowgs84ToWkt(wkt, shift)
  if (!def) {
    return {
      ok: false,
      reason: DATUM_SHIFT_UNKNOWN,
      message: `The .prj (${names.crs}) is on ${names.datum} but is not WKT1; pass the crs parameter instead.`,
    }
  }
  return {
    ok: true,
    crs: {
      kind: 'proj4',
      code: null,
      name: names.crs,
      def,
      datum: names.datum,
      geographic: p.projName === 'longlat',
      grid: readGrid(p),
    },
    warnings: [warning],
  }
}

export function resolvePrjCrs(prjText: string): EpsgLookup {
  const wkt = prjText.replace(/^\uFEFF/, '').trim()
  const code = findTopLevelEpsgCode(wkt)
  if (code !== null) {
    const byCode = findEpsgCrs(code)
    if (byCode.ok || byCode.reason !== CRS_UNKNOWN) return byCode
  }

  const p = parseWithProj4(wkt)
  if (!p) {
    return { ok: false, reason: CRS_UNREADABLE, message: 'The .prj file is not WKT that proj4 can read.' }
  }
  const crsName = findWktName(wkt, '(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS|BASEGEOGCRS)') ?? 'unnamed CRS'
  const datumName = findWktName(wkt, 'DATUM') ?? findWktName(wkt, 'ENSEMBLE') ?? p.datumCode ?? 'unknown'
  const names = { crs: crsName, datum: datumName }
  const geographic = p.projName === 'longlat'
  const datumClass = classifyDatum(p.datumCode ?? '', datumName, crsName)

  if (datumClass === 'xian1980') {
    return {
      ok: false,
      reason: DATUM_SHIFT_UNKNOWN,
      message:
        `The .prj (${crsName}) is on the Xi'an 1980 datum, for which no transformation to WGS84 is ` +
        'published; convert the file to CGCS2000 with the official parameters first.',
    }
  }
  if (datumClass === 'cgcs2000' || (datumClass === 'other' && hasGrs80OrWgs84Ellipsoid(p) && !geographic)) {
    const gkCode = findCgcs2000GaussKrugerCode(p, crsName)
    if (gkCode !== null) return findEpsgCrs(gkCode)
  }
  if (geographic && datumClass === 'cgcs2000') return { ok: true, crs: CGCS2000_CRS, warnings: [] }
  if (geographic && datumClass === 'wgs84') return { ok: true, crs: WGS84_CRS, warnings: [] }

  const datumType = p.datum?.datum_type ?? DATUM_TYPE_NONE
  if (datumType === DATUM_TYPE_NONE && datumClass === 'nad27') {
    return withShift(wkt, p, names, NAD27_TOWGS84, NAD27_WARNING)
  }
  if (datumType === DATUM_TYPE_NONE && datumClass === 'beijing1954') {
    return withShift(wkt, p, names, BEIJING_1954_TOWGS84, BEIJING_1954_WARNING)
  }

  const warnings: string[] = []
  if (datumType === DATUM_TYPE_GRID) {
    return {
      ok: false,
      reason: DATUM_SHIFT_UNKNOWN,
      message: `The .prj (${crsName}) needs datum grid files that are not available here.`,
    }
  }
  if (datumType === DATUM_TYPE_NONE && datumClass !== 'cgcs2000' && datumClass !== 'wgs84') {
    if (!hasGrs80OrWgs84Ellipsoid(p)) {
      return {
        ok: false,
        reason: DATUM_SHIFT_UNKNOWN,
        message:
          `The .prj (${crsName}) is on datum "${datumName}" with no TOWGS84 parameters and an ellipsoid ` +
          'other than GRS80/WGS84; its shift to WGS84 is unknown (it can be hundreds of metres).',
      }
    }
    // GRS80-based datums (SIRGAS 2000, ETRS89, NAD83, CGCS2000 …) are realisations of the ITRF and
    // agree with WGS84 to about a metre or better, which is within this work's tolerance.
    warnings.push(
      `Datum "${datumName}" (GRS80/WGS84 ellipsoid, no shift given) was taken as coinciding with WGS84 ` +
        '(ITRF-based datums agree to about 1 m).',
    )
  }
  return {
    ok: true,
    crs: {
      kind: 'proj4',
      code: null,
      name: crsName,
      def: wkt,
      datum: datumName,
      geographic,
      grid: readGrid(p),
    },
    warnings,
  }
}
