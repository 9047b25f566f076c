import { readFileSync } from 'node:fs'
import type { MultiPolygon, Polygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { SQUARE_METRES_PER_MU, geodesicAreaM2, m2ToHa, m2ToMu } from '../../server/domain/geo/areas.js'
import { resolveCrs } from '../../server/domain/geo/crs.js'
import { readShapefileParts } from '../../server/domain/geo/read-shapefile-zip.js'
import { validateFeatureCollection } from '../../server/domain/geo/validate-features.js'
import { sharedFile } from '../support/paths.js'

function cell(lon: number, lat: number, size: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
      ],
    ],
  }
}

/**
 * Exact area on the WGS84 ellipsoid between two parallels and two meridians (the authalic-latitude
 * formula, e.g. Snyder 1987, "Map Projections — A Working Manual", eq. 3-12):
 * A = Δλ · b²/2 · [ sinφ/(1 − e² sin²φ) + ln((1 + e sinφ)/(1 − e sinφ)) / (2e) ] from φ1 to φ2.
 */
function ellipsoidalCellArea(lat1: number, lat2: number, dLon: number): number {
  const a = 6378137
  const f = 1 / 298.257223563
  const b = a * (1 - f)
  const e = Math.sqrt(f * (2 - f))
  const q = (lat: number): number => {
    const s = Math.sin((lat * Math.PI) / 180)
    return s / (1 - e * e * s * s) + Math.log((1 + e * s) / (1 - e * s)) / (2 * e)
  }
  return ((dLon * Math.PI) / 180) * ((b * b) / 2) * (q(lat2) - q(lat1))
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b)
}

describe('m2ToMu and m2ToHa', () => {
  it('use the market mu of 10000/15 m² and the hectare of 10000 m²', () => {
    expect(SQUARE_METRES_PER_MU).toBeCloseTo(666.6667, 4)
    expect(m2ToMu(10_000 / 15)).toBeCloseTo(1, 12)
    expect(m2ToMu(1_000_000)).toBeCloseTo(1500, 9)
    expect(m2ToHa(1_000_000)).toBe(100)
  })
})

describe('geodesicAreaM2', () => {
  it.each([0, 23.5, 40, 53])(
    'matches the closed-form ellipsoidal area of a 0.01° cell at %f°N to 1e-6',
    (lat) => {
      // Over 1 km the parallels bounding the cell and the geodesics PostGIS and this code follow
      // differ by millimetres, far below the tolerance.
      const expected = ellipsoidalCellArea(lat, lat + 0.01, 0.01)
      expect(relativeDifference(geodesicAreaM2(cell(116, lat, 0.01)), expected)).toBeLessThan(1e-6)
    },
  )

  it('subtracts holes and adds the parts of a MultiPolygon, whatever their winding', () => {
    const outer = cell(116, 40, 0.02).coordinates[0] ?? []
    const hole = (cell(116.005, 40.005, 0.01).coordinates[0] ?? []).slice().reverse()
    const withHole: Polygon = { type: 'Polygon', coordinates: [outer.slice().reverse(), hole] }
    const expected = ellipsoidalCellArea(40, 40.02, 0.02) - ellipsoidalCellArea(40.005, 40.015, 0.01)
    expect(relativeDifference(geodesicAreaM2(withHole), expected)).toBeLessThan(1e-6)
    const two: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [cell(116, 40, 0.01).coordinates, cell(117, 40, 0.01).coordinates],
    }
    const sum = ellipsoidalCellArea(40, 40.01, 0.01) * 2
    expect(relativeDifference(geodesicAreaM2(two), sum)).toBeLessThan(1e-6)
  })

  it('follows geodesic edges on a 5° × 5° square (long edges are densified) like PostGIS', () => {
    // PostGIS 3.6.2 (PGlite): ST_Area('POLYGON((110 30,115 30,115 35,110 35,110 30))'::geography)
    const postgis = 260_479_912_458.64038
    // Straight lines in the projection would be 0.08 % short here.
    expect(relativeDifference(geodesicAreaM2(cell(110, 30, 5)), postgis)).toBeLessThan(1e-5)
  })

  it('agrees with PostGIS ST_Area(geography) on the nc.shp counties to 1e-5', async () => {
    const dir = (name: string): Buffer => readFileSync(sharedFile('import', name))
    const contents = await readShapefileParts({ shp: dir('nc.shp'), dbf: dir('nc.dbf'), prj: dir('nc.prj') })
    const crs = resolveCrs({ prjText: contents.prjText, format: 'shapefile' })
    if (!crs.ok) throw new Error(crs.message)
    const zones = validateFeatureCollection(
      { type: 'FeatureCollection', features: contents.features },
      { crs: crs.crs, winding: 'any' },
    )
    expect(zones.features).toHaveLength(100)
    // PostGIS 3.6.2 (PGlite 0.5.8), ST_Area(ST_GeomFromGeoJSON(g)::geography, true) of these very
    // WGS84 geometries (NAD27 shifted by EPSG:1173), measured once and kept here as the reference.
    const postgis: Record<string, number> = {
      Ashe: 1_137_402_195.6344285,
      Wake: 2_194_618_637.0910664,
      Catawba: 1_068_204_895.0516739, // 14 vertices, edges up to ~15 km: the largest difference, 4.6e-6
      Dare: 943_892_502.5212278, // MultiPolygon of barrier islands
      Hyde: 1_678_096_640.6884465,
    }
    let total = 0
    for (const zone of zones.features) {
      const area = geodesicAreaM2(zone.geometry)
      total += area
      const reference = postgis[String(zone.properties.NAME)]
      if (reference !== undefined) expect(relativeDifference(area, reference)).toBeLessThan(1e-5)
    }
    expect(relativeDifference(total, 127_033_256_506.11871)).toBeLessThan(1e-6)
  })
})
