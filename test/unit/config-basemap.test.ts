import { describe, expect, it } from 'vitest'
import { ConfigError, readBasemapSetting } from '../../server/config.js'

describe('LANDPATROL_BASEMAP_URL', () => {
  it('is offline (no basemap) when unset or blank', () => {
    expect(readBasemapSetting({})).toBeNull()
    expect(readBasemapSetting({ LANDPATROL_BASEMAP_URL: '  ' })).toBeNull()
  })

  it('gives the tile template and its credit', () => {
    const url = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    expect(
      readBasemapSetting({ LANDPATROL_BASEMAP_URL: url, LANDPATROL_BASEMAP_ATTRIBUTION: '© OSM' }),
    ).toEqual({ tiles: [url], attribution: '© OSM' })
  })

  it('refuses an address that is not an http(s) template with {z}, {x} and {y}', () => {
    for (const bad of ['tile.openstreetmap.org/{z}/{x}/{y}.png', 'https://example.org/tiles/{z}/{x}.png'])
      expect(() => readBasemapSetting({ LANDPATROL_BASEMAP_URL: bad }), bad).toThrow(ConfigError)
  })
})
