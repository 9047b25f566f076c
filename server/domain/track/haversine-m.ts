/**
 * Mean Earth radius of WGS84 (IUGG R1 = (2a + b) / 3), metres. Over the few hundred metres between two
 * fixes the sphere differs from the ellipsoid by well under 0.5 %, far below GPS noise, and the
 * formula is cheap enough to run on every pair of a day's track.
 */
export const EARTH_MEAN_RADIUS_M = 6_371_008.8

const RAD = Math.PI / 180

export interface LonLat {
  lon: number
  lat: number
}

/** Great-circle distance in metres between two WGS84 positions (haversine, stable for short distances). */
export function haversineM(a: LonLat, b: LonLat): number {
  const dLat = (b.lat - a.lat) * RAD
  const dLon = (b.lon - a.lon) * RAD
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_MEAN_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}
