/**
 * The metric CRS a county's patrols are measured in: swaths (track buffered by the sight radius),
 * clipped lengths, zone areas for shares and the 100 m heat grid.
 *
 * In China that is the CGCS2000 3° Gauss–Krüger zone of the county (EPSG:4534–4554, "CM" variants
 * without the zone prefix in the easting), as the domain's own surveys use: within ±1.5° of the
 * central meridian the scale error stays below 0.04 %, and a share is a ratio of two areas in the same
 * projection, so it does not depend on the scale at all. Outside the 3° zones of China (test tracks
 * from Europe and America) the WGS 84 UTM zone is used the same way.
 */
export interface MetricCrs {
  srid: number
  /** The same CRS for proj4 (identical to PostGIS's definition to the millimetre). */
  proj4: string
  centralMeridian: number
}

const FIRST_CGCS2000_CM = 75
const LAST_CGCS2000_CM = 135
/** EPSG:4534 is "CGCS2000 / 3-degree Gauss-Kruger CM 75E"; each following code is the next 3° zone. */
const FIRST_CGCS2000_CM_SRID = 4534

export function metricCrsFor(lon: number, lat: number): MetricCrs {
  const cm = 3 * Math.round(lon / 3)
  if (cm >= FIRST_CGCS2000_CM && cm <= LAST_CGCS2000_CM && lat > 0) {
    return {
      srid: FIRST_CGCS2000_CM_SRID + (cm - FIRST_CGCS2000_CM) / 3,
      proj4: `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs`,
      centralMeridian: cm,
    }
  }
  const zone = Math.min(60, Math.max(1, Math.floor((lon + 180) / 6) + 1))
  const south = lat < 0
  return {
    srid: (south ? 32700 : 32600) + zone,
    proj4: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
    centralMeridian: zone * 6 - 183,
  }
}

/** The metric CRS of an SRID metricCrsFor gives (a stored patrol's metric_srid). */
export function metricCrsForSrid(srid: number): MetricCrs {
  const gk = srid - FIRST_CGCS2000_CM_SRID
  if (gk >= 0 && gk <= (LAST_CGCS2000_CM - FIRST_CGCS2000_CM) / 3) {
    const cm = FIRST_CGCS2000_CM + 3 * gk
    return metricCrsFor(cm, 30)
  }
  const zone = srid % 100
  if ((srid - zone === 32600 || srid - zone === 32700) && zone >= 1 && zone <= 60) {
    const south = srid - zone === 32700
    return {
      srid,
      proj4: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
      centralMeridian: zone * 6 - 183,
    }
  }
  throw new Error(`no metric CRS for SRID ${srid}`)
}
