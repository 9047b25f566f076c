/**
 * A coordinate reference system the import path knows how to turn into WGS84.
 *
 * Zones are stored in EPSG:4326 (design.md, "Geometry conventions"); CGCS2000 (EPSG:4490) is the
 * same to centimetres for this work, so both are `wgs84` and need no arithmetic. GCJ-02 and BD-09
 * are not datums but the deliberate offsets of Chinese web-map SDKs, undone with `gcoord`. Every
 * other system is a proj4 definition, kept as text so it can be logged with the import and reused.
 */

/** The Transverse Mercator grid behind a Gauss–Krüger or UTM system, used to sanity-check coordinates. */
export interface TransverseMercatorGrid {
  centralMeridian: number
  falseEasting: number
  falseNorthing: number
  /** Zone number written in front of the easting (EPSG:4513–4533 "zone N"), null when there is none. */
  zonePrefix: number | null
}

export type ResolvedCrs =
  | { kind: 'wgs84'; code: 'EPSG:4326' | 'EPSG:4490'; name: string }
  | { kind: 'gcj02'; name: string }
  | { kind: 'bd09'; name: string }
  | {
      kind: 'proj4'
      /** 'EPSG:4547', or null for a .prj that carries no code we recognise. */
      code: string | null
      name: string
      /** A proj4 string or WKT that proj4 reads. */
      def: string
      /** Datum name as the source spelt it ('CGCS2000', 'D_North_American_1927', …). */
      datum: string
      geographic: boolean
      grid: TransverseMercatorGrid | null
    }

export const WGS84_CRS: ResolvedCrs = { kind: 'wgs84', code: 'EPSG:4326', name: 'WGS 84' }
export const CGCS2000_CRS: ResolvedCrs = { kind: 'wgs84', code: 'EPSG:4490', name: 'CGCS2000' }

/** A short label for messages: the EPSG code when there is one, else the name. */
export function describeCrs(crs: ResolvedCrs): string {
  if (crs.kind === 'wgs84') return `${crs.code} (${crs.name})`
  if (crs.kind === 'proj4') return crs.code ? `${crs.code} (${crs.name})` : crs.name
  return crs.name
}
