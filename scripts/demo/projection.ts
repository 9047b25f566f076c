import proj4 from 'proj4'
import type { Pt } from './planar.js'

/**
 * The generator works in a local transverse Mercator centred on the demo county (scale error below
 * 1e-5 across it), so lengths and areas in metres are true enough for buffers, parcel sizes and GPS
 * noise. Output is WGS84 lon/lat rounded to 7 decimals (about 1 cm).
 */
export const ORIGIN_LON = 104.0
export const ORIGIN_LAT = 30.0

const LOCAL_TM = `+proj=tmerc +lat_0=${ORIGIN_LAT} +lon_0=${ORIGIN_LON} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`
const converter = proj4(LOCAL_TM, 'EPSG:4326')

const SCALE = 1e7

export function round7(v: number): number {
  return Math.round(v * SCALE) / SCALE
}

/** Metric working coordinates → WGS84 [lon, lat], rounded to 7 decimals. */
export function toLonLat(p: Pt): Pt {
  const q = converter.forward([p[0], p[1]])
  return [round7(q[0] as number), round7(q[1] as number)]
}

/** WGS84 [lon, lat] → metric working coordinates (unrounded). */
export function toMetric(lonLat: readonly number[]): Pt {
  const q = converter.inverse([lonLat[0] as number, lonLat[1] as number])
  return [q[0] as number, q[1] as number]
}
