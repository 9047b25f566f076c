/**
 * Which coordinate reference system a submitted zone file is in.
 *
 * Design rule: the CRS comes from the `crs` parameter or the file, never guessed silently. The
 * parameter wins when both are present, because Chinese files routinely carry a WGS84 .prj over
 * GCJ-02 coordinates and only the person uploading knows; the result then says what the file
 * claimed. A GeoJSON file without a `crs` member is WGS84 by definition (RFC 7946 §4), which is the
 * format's rule rather than a guess; a Shapefile without .prj has no such rule and is refused with
 * CRS_REQUIRED.
 */
import { CRS_REQUIRED, CRS_UNKNOWN, type CrsProblem } from './crs-reasons.js'
import { findEpsgCrs } from './epsg-crs.js'
import { resolvePrjCrs } from './prj-crs.js'
import { WGS84_CRS, describeCrs, type ResolvedCrs } from './resolved-crs.js'

export type { ResolvedCrs } from './resolved-crs.js'

export interface CrsSources {
  /** The `crs` request parameter: 'EPSG:4547', 'urn:ogc:def:crs:EPSG::4490', 'GCJ-02', 'BD-09', … */
  param?: string | null
  /** The legacy (GeoJSON 2008) `crs` member of a GeoJSON document, as parsed. */
  geojsonCrsMember?: unknown
  /** Text of a Shapefile's .prj. */
  prjText?: string | null
  /** 'geojson' applies RFC 7946's WGS84 default when nothing else is given. */
  format?: 'geojson' | 'shapefile'
}

export type CrsSource = 'param' | 'geojson-crs-member' | 'prj' | 'rfc7946-default'

export type CrsResolution =
  | { ok: true; crs: ResolvedCrs; source: CrsSource; warnings: string[] }
  | ({ ok: false; source: CrsSource | null } & CrsProblem)

type NamedCrs = { ok: true; crs: ResolvedCrs; warnings: string[] } | ({ ok: false } & CrsProblem)

/**
 * Reads a CRS name in the spellings seen in practice: 'EPSG:4547', 'epsg:4547', '4547',
 * 'urn:ogc:def:crs:EPSG::32649', 'urn:ogc:def:crs:EPSG:6.6:32649',
 * 'http://www.opengis.net/def/crs/EPSG/0/4490', 'urn:ogc:def:crs:OGC:1.3:CRS84', 'GCJ-02', 'BD-09'.
 */
export function resolveCrsName(name: string): NamedCrs {
  const text = name.trim()
  const compact = text.toLowerCase().replace(/[\s_-]/g, '')
  if (compact === 'gcj02' || compact === 'gcj' || compact === 'amap') {
    return { ok: true, crs: { kind: 'gcj02', name: 'GCJ-02' }, warnings: [] }
  }
  if (compact === 'bd09' || compact === 'bd09ll' || compact === 'baidu') {
    return { ok: true, crs: { kind: 'bd09', name: 'BD-09' }, warnings: [] }
  }
  // OGC CRS84 is WGS84 in longitude/latitude order, exactly what GeoJSON stores.
  if (/(^|[:/])crs84$/.test(compact) || compact === 'wgs84') return { ok: true, crs: WGS84_CRS, warnings: [] }
  if (compact === 'cgcs2000') return findEpsgCrs(4490)
  const code =
    /^(?:epsg:{1,2})?(\d{4,5})$/.exec(compact)?.[1] ??
    /^urn:ogc:def:crs:epsg:[\d.]*:(\d{4,5})$/.exec(compact)?.[1] ??
    /^https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/[\d.]+\/(\d{4,5})$/.exec(compact)?.[1]
  if (code !== undefined) return findEpsgCrs(Number(code))
  return {
    ok: false,
    reason: CRS_UNKNOWN,
    message: `"${text}" is not a CRS name we understand; use e.g. EPSG:4490, EPSG:4547, GCJ-02 or BD-09.`,
  }
}

/** The name inside a legacy GeoJSON `crs` member: {"type":"name","properties":{"name":…}} and kin. */
function readGeojsonCrsMember(member: unknown): NamedCrs {
  if (typeof member === 'string') return resolveCrsName(member)
  if (typeof member === 'object' && member !== null && !Array.isArray(member)) {
    const { type, properties } = member as { type?: unknown; properties?: unknown }
    const props = (typeof properties === 'object' && properties !== null ? properties : {}) as Record<
      string,
      unknown
    >
    if (type === 'name' && typeof props.name === 'string') return resolveCrsName(props.name)
    // The pre-2008 draft form {"type":"EPSG","properties":{"code":4326}}.
    if (type === 'EPSG' && (typeof props.code === 'number' || typeof props.code === 'string')) {
      return resolveCrsName(`EPSG:${props.code}`)
    }
    if (type === 'link') {
      return {
        ok: false,
        reason: CRS_UNKNOWN,
        message: 'A linked GeoJSON crs member cannot be followed; pass the crs parameter instead.',
      }
    }
  }
  return { ok: false, reason: CRS_UNKNOWN, message: 'The GeoJSON "crs" member is malformed.' }
}

function sameCrs(a: ResolvedCrs, b: ResolvedCrs): boolean {
  if (a.kind !== b.kind) return false
  if (a.kind === 'wgs84' && b.kind === 'wgs84') return true
  if (a.kind === 'proj4' && b.kind === 'proj4') return a.code !== null && a.code === b.code
  return true
}

export function resolveCrs(sources: CrsSources): CrsResolution {
  const fromFile = ((): ({ source: CrsSource } & NamedCrs) | null => {
    if (sources.geojsonCrsMember !== undefined && sources.geojsonCrsMember !== null) {
      return { source: 'geojson-crs-member', ...readGeojsonCrsMember(sources.geojsonCrsMember) }
    }
    if (sources.prjText && sources.prjText.trim() !== '') {
      return { source: 'prj', ...resolvePrjCrs(sources.prjText) }
    }
    return null
  })()

  const param = sources.param?.trim()
  if (param) {
    const named = resolveCrsName(param)
    if (!named.ok) return { ...named, source: 'param' }
    const warnings = [...named.warnings]
    if (fromFile?.ok && !sameCrs(fromFile.crs, named.crs)) {
      warnings.push(
        `The file says ${describeCrs(fromFile.crs)}; the crs parameter ${describeCrs(named.crs)} was used as asked.`,
      )
    } else if (fromFile && !fromFile.ok) {
      warnings.push(`The file's own CRS was not usable (${fromFile.reason}); the crs parameter was used.`)
    }
    return { ok: true, crs: named.crs, source: 'param', warnings }
  }

  if (fromFile) {
    return fromFile.ok
      ? { ok: true, crs: fromFile.crs, source: fromFile.source, warnings: fromFile.warnings }
      : { ok: false, source: fromFile.source, reason: fromFile.reason, message: fromFile.message }
  }
  if (sources.format === 'geojson') {
    return { ok: true, crs: WGS84_CRS, source: 'rfc7946-default', warnings: [] }
  }
  return {
    ok: false,
    source: null,
    reason: CRS_REQUIRED,
    message:
      'The file does not say which coordinate system it is in (no .prj); pass crs=EPSG:… ' +
      '(e.g. EPSG:4490, or EPSG:4547 for CGCS2000 3-degree Gauss–Krüger CM 114E).',
  }
}
