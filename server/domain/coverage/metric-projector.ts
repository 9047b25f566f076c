import proj4 from 'proj4'

/** proj4's degrees-to-radians factor (D2R, written 0.01745329251994329577 there: the same double). */
const D2R = Math.PI / 180

/** proj4's datum types that mean "no shift from WGS 84" (PJD_WGS84, PJD_NODATUM) */
const PJD_WGS84 = 4
const PJD_NODATUM = 5

interface ProjDefinition {
  datum?: { datum_type: number; datum_params?: number[] }
  to_meter?: number
  from_greenwich?: number
  axis?: string
  forward(p: { x: number; y: number; z: number }): { x: number; y: number }
}

/**
 * WGS 84 longitude/latitude (degrees) → easting/northing (m) in a metric CRS (metric-crs.ts), as
 * proj4('EPSG:4326', def).forward answers them. For a CRS whose transform from WGS 84 is the
 * projection alone (no datum shift, no unit or axis change, as the CGCS2000 Gauss–Krüger and UTM
 * zones of metric-crs.ts are) the projection's own forward is called with the point in radians:
 * the same numbers, without the objects proj4's general transform makes at each of its steps (half
 * the time of a month's projections). Any other CRS goes through proj4's transform.
 */
export function metricProjector(def: string): (lon: number, lat: number) => { x: number; y: number } {
  const dest = proj4.Proj(def) as unknown as ProjDefinition
  const datum = dest.datum
  const plain =
    (datum?.datum_type === PJD_NODATUM ||
      (datum?.datum_type === PJD_WGS84 && (datum.datum_params ?? [0, 0, 0]).every((v) => v === 0))) &&
    (dest.to_meter === undefined || dest.to_meter === 1) &&
    !dest.from_greenwich &&
    (dest.axis === undefined || dest.axis === 'enu')
  if (plain) {
    return (lon, lat) => {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error(`not a position: ${lon}, ${lat}`)
      return dest.forward({ x: lon * D2R, y: lat * D2R, z: 0 })
    }
  }
  const converter = proj4('EPSG:4326', def)
  return (lon, lat) => {
    const [x, y] = converter.forward([lon, lat]) as [number, number]
    return { x, y }
  }
}
