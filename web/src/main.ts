import * as maplibregl from 'maplibre-gl'
import type { StyleSpecification } from 'maplibre-gl'
import 'maplibre-gl/dist/maplibre-gl.css'
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
