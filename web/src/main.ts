import * as maplibregl from 'maplibre-gl'
import type { StyleSpecification } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
// MapLibre 6 runs its tile parsing in a module worker shipped as a separate file: bundle it (with
// the shared chunk it imports) as one asset of our own, served by this server like the rest.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url'
import './style.css'
import { api, ApiError, storeToken, storedToken } from './api.js'

interface Me {
  role: string
  division_code: string
  label: string
}
interface Division {
  code: string
  name: string
  level: string
  boundary?: GeoJSON.Geometry | null
}

maplibregl.setWorkerUrl(workerUrl)

// Offline by default: no tiles, glyphs or sprites from anywhere but this server.
const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f2efe9' } }],
}

const statusEl = document.getElementById('status') as HTMLDivElement
const whoEl = document.getElementById('who') as HTMLSpanElement

const map = new maplibregl.Map({
  container: 'map',
  style: OFFLINE_STYLE,
  // the service's own tiles need the token; nothing is requested from any other host
  transformRequest: (url) =>
    url.startsWith(window.location.origin) && storedToken()
      ? { url, headers: { authorization: `Bearer ${storedToken()}` } }
      : { url },
  center: [104.0, 30.0],
  zoom: 8,
  // Chinese labels from the browser's local fonts: no glyph server needed for CJK.
  localIdeographFontFamily: "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif",
})
map.addControl(new maplibregl.NavigationControl(), 'top-right')
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }))

async function showDivisions(): Promise<void> {
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
      paint: { 'fill-color': '#cfe3c8', 'fill-opacity': 0.5 },
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
  showZones()
  const county = features.find((f) => f.properties.level === 'county')
  if (county) {
    const bounds = new maplibregl.LngLatBounds()
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === 'number') bounds.extend(c as [number, number])
      else if (Array.isArray(c)) c.forEach(walk)
    }
    walk((county.geometry as GeoJSON.Polygon).coordinates)
    map.fitBounds(bounds, { padding: 40, duration: 0 })
  }
  statusEl.textContent = `${features.length} 个行政区`
}

// Tier colours: key areas red, general orange, other green (the county's patrol map convention).
const TIER_COLOURS: maplibregl.ExpressionSpecification = [
  'match',
  ['get', 'tier'],
  1,
  '#d7301f',
  2,
  '#fc8d59',
  '#91cf60',
]

function showZones(): void {
  if (map.getSource('zones')) return
  map.addSource('zones', {
    type: 'vector',
    tiles: [`${window.location.origin}/api/v1/tiles/zones/{z}/{x}/{y}.mvt`],
    minzoom: 8,
    maxzoom: 16,
    promoteId: 'id',
  })
  map.addLayer(
    {
      id: 'zone-fill',
      type: 'fill',
      source: 'zones',
      'source-layer': 'zones',
      paint: { 'fill-color': TIER_COLOURS, 'fill-opacity': 0.45 },
    },
    'division-line',
  )
  map.addLayer(
    {
      id: 'zone-line',
      type: 'line',
      source: 'zones',
      'source-layer': 'zones',
      paint: { 'line-color': TIER_COLOURS, 'line-width': 0.6 },
    },
    'division-line',
  )
  map.on('click', 'zone-fill', (e) => {
    const p = e.features?.[0]?.properties
    if (!p) return
    new maplibregl.Popup()
      .setLngLat(e.lngLat)
      .setHTML(
        `<strong>${escapeHtml(String(p.name ?? ''))}</strong><br>${p.tier} 级 · ${escapeHtml(String(p.category))} · ${p.area_mu} 亩`,
      )
      .addTo(map)
  })
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

async function signIn(): Promise<void> {
  try {
    const me = await api<Me>('/me')
    whoEl.textContent = `${me.label} · ${me.role} · ${me.division_code}`
    await showDivisions()
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) storeToken(null)
    statusEl.textContent = err instanceof Error ? err.message : String(err)
  }
}

document.getElementById('signin')!.addEventListener('submit', (e) => {
  e.preventDefault()
  const input = document.getElementById('token') as HTMLInputElement
  storeToken(input.value.trim())
  input.value = ''
  void signIn()
})

map.on('load', () => {
  if (storedToken()) void signIn()
  else statusEl.textContent = '请输入 API 令牌登录'
})
