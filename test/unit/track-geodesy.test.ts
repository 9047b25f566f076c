import { describe, expect, it } from 'vitest'
import { distance } from '@turf/turf'

import { haversineM } from '../../server/domain/track/haversine-m.js'
import { speedKmh } from '../../server/domain/track/speed.js'

describe('haversineM', () => {
  it('gives one degree of latitude as about 111.2 km', () => {
    expect(haversineM({ lon: 111, lat: 27 }, { lon: 111, lat: 28 }) / 1000).toBeCloseTo(111.195, 3) // π·R/180 with the mean radius
  })

  it('agrees with Turf over short and long distances', () => {
    const pairs = [
      [111.03, 27.11, 111.0301, 27.1101],
      [111.03, 27.11, 116.33, 40.0],
      [-71.1, 42.2, 14.3, 45.7],
    ] as const
    for (const [lon1, lat1, lon2, lat2] of pairs) {
      const turf = distance([lon1, lat1], [lon2, lat2], { units: 'meters' })
      expect(Math.abs(haversineM({ lon: lon1, lat: lat1 }, { lon: lon2, lat: lat2 }) - turf)).toBeLessThan(
        1e-6 * turf + 1e-6,
      )
    }
  })

  it('is zero for the same point', () => {
    expect(haversineM({ lon: 111, lat: 27 }, { lon: 111, lat: 27 })).toBe(0)
  })
})

describe('speedKmh', () => {
  it('is metres per second times 3.6', () => {
    const a = { lon: 111, lat: 27, time: 0 }
    const b = { lon: 111, lat: 27 + 1 / 111_195, time: 1000 }
    expect(speedKmh(a, b)).toBeCloseTo(3.6, 2)
    expect(speedKmh(b, a)).toBeCloseTo(3.6, 2)
  })

  it('is infinite for two places at the same instant and zero for one place', () => {
    expect(speedKmh({ lon: 111, lat: 27, time: 5 }, { lon: 111, lat: 27.001, time: 5 })).toBe(Infinity)
    expect(speedKmh({ lon: 111, lat: 27, time: 5 }, { lon: 111, lat: 27, time: 5 })).toBe(0)
  })
})
