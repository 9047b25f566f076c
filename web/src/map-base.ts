import * as maplibregl from 'maplibre-gl'
import type { StyleSpecification } from 'maplibre-gl'
// MapLibre 6 runs its tile parsing in a module worker shipped as a separate file: bundle it (with
// the shared chunk it imports) as one asset of our own, served by this server like the rest.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url'
import { api, storedToken } from './api.js'

maplibregl.setWorkerUrl(workerUrl)

export interface Division {
  code: string
  name: string
  level: string
  boundary?: GeoJSON.Geometry | null
}

// Offline by default: no tiles, glyphs or sprites from anywhere but this server.
const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f2efe9' } }],
}

/** Address of one of the service's vector tile layers, with its query (period, plan). */
export function tileUrl(layer: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString()
  return `${window.location.origin}/api/v1/tiles/${layer}/{z}/{x}/{y}.mvt${params ? `?${params}` : ''}`
}

export function createMap(container: string): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: OFFLINE_STYLE,
    // the service's own tiles need the token; nothing is requested from any other host
    transformRequest: (url) =>
      url.startsWith(window.location.origin) && storedToken()
        ? {
            url,
            headers: { authorization: `Bearer ${storedToken()}` },
            // a draft plan changes as it is drawn: revalidate its tiles (ETag → 304 when unchanged)
            ...(url.includes('plan_id=') ? { cache: 'no-cache' as const } : {}),
          }
        : { url },
    center: [104.0, 30.0],
    zoom: 8,
    // Chinese labels from the browser's local fonts: no glyph server needed for CJK.
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif",
  })
  map.addControl(new maplibregl.NavigationControl(), 'top-right')
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }))
  return map
}

/** Township fills and county/township outlines; fits the map to the first county. Returns the count. */
export async function showDivisions(map: maplibregl.Map): Promise<Division[]> {
  const { items } = await api<{ items: Division[] }>('/divisions?boundary=true')
  const features = items
    .filter((d) => d.boundary)
    .map((d) => ({
      type: 'Feature' as const,
      properties: { code: d.code, name: d.name, level: d.level },
      geometry: d.boundary!,
    }))
  const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features }
  const source = map.getSource('divisions') as maplibregl.GeoJSONSource | undefined
  if (source) source.setData(data)
  else {
    map.addSource('divisions', { type: 'geojson', data })
    map.addLayer({
      id: 'division-fill',
      type: 'fill',
      source: 'divisions',
      filter: ['==', ['get', 'level'], 'township'],
      paint: { 'fill-color': '#e4eedf', 'fill-opacity': 0.5 },
    })
    map.addLayer({
      id: 'division-line',
      type: 'line',
      source: 'divisions',
      paint: {
        'line-color': ['match', ['get', 'level'], 'county', '#7a1f1f', 'township', '#555', '#aaa'],
        'line-width': ['match', ['get', 'level'], 'county', 2.5, 'township', 1.2, 0.5],
      },
    })
  }
  const county = features.find((f) => f.properties.level === 'county')
  if (county) map.fitBounds(boundsOf(county.geometry), { padding: 40, duration: 0 })
  return items
}

export function boundsOf(geometry: GeoJSON.Geometry): maplibregl.LngLatBounds {
  const bounds = new maplibregl.LngLatBounds()
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') bounds.extend(c as [number, number])
    else if (Array.isArray(c)) c.forEach(walk)
  }
  if ('coordinates' in geometry) walk(geometry.coordinates)
  return bounds
}

// Tier colours: key areas red, general orange, other green (the county's patrol map convention).
export const TIER_COLOURS: maplibregl.ExpressionSpecification = [
  'match',
  ['get', 'tier'],
  1,
  '#d7301f',
  2,
  '#fc8d59',
  '#91cf60',
]

/** Replace a vector source's tile address (period or plan changed). */
export function setTiles(map: maplibregl.Map, sourceId: string, url: string): void {
  const source = map.getSource(sourceId) as maplibregl.VectorTileSource | undefined
  source?.setTiles([url])
}

/** The online raster basemap when the server is set up with one (LANDPATROL_BASEMAP_URL), under all
 *  of the service's own layers; by default there is none and the map stays offline. */
export async function addBasemap(map: maplibregl.Map): Promise<void> {
  const { basemap } = await api<{ basemap: { tiles: string[]; attribution: string } | null }>('/map-config')
  if (!basemap || map.getSource('basemap')) return
  map.addSource('basemap', {
    type: 'raster',
    tiles: basemap.tiles,
    tileSize: 256,
    maxzoom: 18,
    attribution: basemap.attribution,
  })
  // just above the plain background, below everything else
  const above = map.getStyle().layers[1]?.id
  map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, above)
}
