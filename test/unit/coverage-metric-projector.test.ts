import proj4 from 'proj4'
import { describe, expect, it } from 'vitest'
import { metricCrsFor } from '../../server/domain/coverage/metric-crs.js'
import { metricProjector } from '../../server/domain/coverage/metric-projector.js'

// metricProjector against proj4's own transform, to the bit: the CGCS2000 Gauss–Krüger zones and
// UTM north and south (the projection alone), and CRSs with a datum shift or other units (proj4's
// transform itself).

describe('metricProjector', () => {
  const places: [number, number][] = [
    [116.39, 39.91],
    [104.07, 30.67],
    [87.6, 43.8],
    [126.6, 45.75],
    [-73.98, 40.75],
    [151.21, -33.87],
    [2.35, 48.85],
  ]
  it('answers what proj4(EPSG:4326, def).forward answers, for each zone of metric-crs.ts', () => {
    let seed = 7
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    for (const [lon, lat] of places) {
      const def = metricCrsFor(lon, lat).proj4
      const fast = metricProjector(def)
      const slow = proj4('EPSG:4326', def)
      for (let i = 0; i < 2000; i++) {
        // around the place and up to 2° beyond its zone's edge
        const p: [number, number] = [lon + (random() - 0.5) * 7, lat + (random() - 0.5) * 4]
        const [x, y] = slow.forward(p) as [number, number]
        const q = fast(p[0], p[1])
        expect([q.x, q.y]).toEqual([x, y])
      }
    }
  })

  it('goes through proj4 for a CRS with a datum shift or in feet', () => {
    for (const def of [
      '+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=krass +towgs84=15.8,-154.4,-82.3,0,0,0,0 +units=m +no_defs',
      '+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=ft +no_defs',
    ]) {
      const [x, y] = proj4('EPSG:4326', def).forward([116.4, 39.9]) as [number, number]
      expect(metricProjector(def)(116.4, 39.9)).toEqual({ x, y })
    }
  })
})
