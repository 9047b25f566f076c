import type * as maplibregl from 'maplibre-gl'
import { setTiles, tileUrl, TIER_COLOURS } from './map-base.js'
import type { Span } from './period-picker.js'

/** The supervisor's toggleable layers, each a group of MapLibre layers over one vector source. */
export const SUPERVISOR_LAYERS = {
  zones: ['zone-fill', 'zone-line'],
  gaps: ['gap-fill', 'gap-line'],
  coverage: ['coverage-fill'],
  hotspots: ['hotspot-heat', 'hotspot-point'],
  tracks: ['track-line'],
} as const
export type SupervisorLayer = keyof typeof SUPERVISOR_LAYERS

/** Gaps: the more visits missing, the darker the purple (1 → light, 4 or more → dark). */
export const GAP_COLOURS: maplibregl.ExpressionSpecification = [
  'interpolate',
  ['linear'],
  ['coalesce', ['get', 'shortfall'], 1],
  1,
  '#c51b8a',
  4,
  '#49006a',
]

/** Coverage heat: seconds in sight per 100 m cell, pale green (a glance) to deep blue (an hour). */
const COVERAGE_COLOURS: maplibregl.ExpressionSpecification = [
  'interpolate',
  ['linear'],
  ['coalesce', ['get', 'weight_s'], 0],
  0,
  '#c7e9b4',
  60,
  '#41b6c4',
  600,
  '#225ea8',
  3600,
  '#081d58',
]

/** Zone tiles: in force (supervisor) or one plan as drawn (planner). */
export function addZoneLayers(map: maplibregl.Map, query: Record<string, string | undefined> = {}): void {
  if (map.getSource('zones')) {
    setTiles(map, 'zones', tileUrl('zones', query))
    return
  }
  map.addSource('zones', {
    type: 'vector',
    tiles: [tileUrl('zones', query)],
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
}

/** Patrol tracks of the period: dark green lines, above the zones and cells. */
export const TRACK_COLOUR = '#006d2c'

/** Gaps, coverage cells, tracks and violation hotspots for a period (tiles re-addressed when it changes). */
export function addPeriodLayers(map: maplibregl.Map, span: Span): void {
  const q = { from: span.from, to: span.to }
  if (map.getSource('gaps')) {
    setTiles(map, 'gaps', tileUrl('gaps', q))
    setTiles(map, 'coverage', tileUrl('coverage', q))
    setTiles(map, 'violations', tileUrl('violations', q))
    setTiles(map, 'tracks', tileUrl('tracks', q))
    return
  }
  map.addSource('coverage', { type: 'vector', tiles: [tileUrl('coverage', q)], minzoom: 8, maxzoom: 16 })
  map.addLayer(
    {
      id: 'coverage-fill',
      type: 'fill',
      source: 'coverage',
      'source-layer': 'coverage',
      layout: { visibility: 'none' },
      paint: { 'fill-color': COVERAGE_COLOURS, 'fill-opacity': 0.7 },
    },
    'division-line',
  )
  map.addSource('gaps', { type: 'vector', tiles: [tileUrl('gaps', q)], minzoom: 8, maxzoom: 16 })
  map.addLayer(
    {
      id: 'gap-fill',
      type: 'fill',
      source: 'gaps',
      'source-layer': 'gaps',
      paint: { 'fill-color': GAP_COLOURS, 'fill-opacity': 0.8 },
    },
    'division-line',
  )
  map.addLayer(
    {
      id: 'gap-line',
      type: 'line',
      source: 'gaps',
      'source-layer': 'gaps',
      paint: { 'line-color': '#49006a', 'line-width': 1 },
    },
    'division-line',
  )
  map.addSource('tracks', { type: 'vector', tiles: [tileUrl('tracks', q)], minzoom: 8, maxzoom: 16 })
  map.addLayer(
    {
      id: 'track-line',
      type: 'line',
      source: 'tracks',
      'source-layer': 'tracks',
      layout: { visibility: 'none', 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': TRACK_COLOUR, 'line-width': 3 },
    },
    'division-line',
  )
  map.addSource('violations', {
    type: 'vector',
    tiles: [tileUrl('violations', q)],
    minzoom: 6,
    maxzoom: 16,
    promoteId: 'id',
  })
  // heat at low zoom, single points once they can be told apart
  map.addLayer({
    id: 'hotspot-heat',
    type: 'heatmap',
    source: 'violations',
    'source-layer': 'violations',
    maxzoom: 15,
    paint: {
      'heatmap-weight': ['case', ['get', 'major'], 3, 1],
      'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 8, 8, 13, 30],
      'heatmap-opacity': ['interpolate', ['linear'], ['zoom'], 13, 0.85, 15, 0],
    },
  })
  map.addLayer({
    id: 'hotspot-point',
    type: 'circle',
    source: 'violations',
    'source-layer': 'violations',
    minzoom: 13,
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 13, 3, 16, 7],
      'circle-color': ['case', ['get', 'overdue'], '#b10026', '#fd8d3c'],
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1,
    },
  })
}

export function setLayerVisible(map: maplibregl.Map, layer: SupervisorLayer, visible: boolean): void {
  for (const id of SUPERVISOR_LAYERS[layer])
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
}

/** Hide the period layers (gaps, coverage, tracks, hotspots) while another view uses the map. */
export function hidePeriodLayers(map: maplibregl.Map): void {
  for (const layer of ['gaps', 'coverage', 'tracks', 'hotspots'] as const) setLayerVisible(map, layer, false)
  setLayerVisible(map, 'zones', true)
}
