import type * as maplibregl from 'maplibre-gl'
import { api, problemLines, upload } from './api.js'
import { byId, fillList } from './dom.js'
import { t } from './i18n.js'
import { boundsOf } from './map-base.js'

interface Unit {
  id: string
  name: string
}
interface Person {
  id: string
  name: string
}
interface PatrolDetail {
  id: string
  points_received: number
  points_kept: number
  length_m: number
  counts_for_frequency: boolean
  warnings: string[]
  track: GeoJSON.FeatureCollection
  dropped_points: { index: number; time: string; lon: number; lat: number; reason: string }[]
  zone_contacts: {
    zone_id: string
    zone_name: string
    tier: number
    visit_date: string
    qualifies: boolean
    counted: boolean
    reason: string | null
  }[]
}

const CONTENT_TYPES: Record<string, string> = {
  gpx: 'application/gpx+xml',
  csv: 'text/csv',
  geojson: 'application/geo+json',
  json: 'application/json',
}

/** Patrol: post a track file, then show its cleaned segments, the dropped fixes and the zones visited. */
export function setUpPatrolView(map: maplibregl.Map): { show(): Promise<void>; hide(): void } {
  const unitSelect = byId<HTMLSelectElement>('patrol-unit')
  const staffSelect = byId<HTMLSelectElement>('patrol-staff')
  const status = byId('patrol-status')

  async function loadStaff(): Promise<void> {
    if (!unitSelect.value) return
    const { items } = await api<{ items: Person[] }>(`/people?unit_id=${unitSelect.value}`)
    staffSelect.replaceChildren(...items.map((p) => new Option(p.name, p.id, true, true)))
  }
  unitSelect.addEventListener('change', () => void loadStaff())

  byId<HTMLInputElement>('track-file').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    if (!file) return
    const ext = file.name.split('.').pop()?.toLowerCase() ?? ''
    const staff = [...staffSelect.selectedOptions].map((o) => o.value)
    const query = new URLSearchParams({
      external_id: `web/${file.name}/${file.lastModified}`,
      unit_id: unitSelect.value,
      staff: staff.join(','),
      kind: byId<HTMLSelectElement>('patrol-kind').value,
    })
    status.textContent = '…'
    upload<{ id: string }>(`/patrols?${query}`, file, CONTENT_TYPES[ext] ?? 'application/octet-stream')
      .then((posted) => api<PatrolDetail>(`/patrols/${posted.id}`))
      .then(showPatrol)
      .catch((err: unknown) => {
        status.textContent = problemLines(err).join(' — ')
      })
      .finally(() => (input.value = ''))
  })

  function showPatrol(p: PatrolDetail): void {
    status.textContent = `${t('pointsKept')} ${p.points_kept} / ${p.points_received} · ${t('length')} ${(p.length_m / 1000).toFixed(2)} km${p.warnings.length ? ` · ${p.warnings.join('; ')}` : ''}`
    fillList(
      byId('patrol-dropped'),
      p.dropped_points.map((d) => `#${d.index} ${d.time.slice(11, 19)} ${d.reason}`),
    )
    const visited = p.zone_contacts.filter((c) => c.qualifies)
    fillList(
      byId('patrol-visited'),
      visited.length
        ? visited.map(
            (c) =>
              `${c.zone_name} (${c.tier} ${t('tier')}) ${c.visit_date}${c.counted ? '' : ` ✗ ${c.reason ?? ''}`}`,
          )
        : [t('none')],
    )
    setData('patrol-track', p.track)
    setData('patrol-dropped', {
      type: 'FeatureCollection',
      features: p.dropped_points.map((d) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [d.lon, d.lat] },
        properties: { reason: d.reason, index: d.index },
      })),
    })
    const first = p.track.features[0]
    if (first) {
      const bounds = boundsOf(first.geometry)
      for (const f of p.track.features) bounds.extend(boundsOf(f.geometry))
      map.fitBounds(bounds, { padding: 60, duration: 0, maxZoom: 16 })
    }
  }

  function setData(id: 'patrol-track' | 'patrol-dropped', data: GeoJSON.FeatureCollection): void {
    const source = map.getSource(id) as maplibregl.GeoJSONSource | undefined
    if (source) return void source.setData(data)
    map.addSource(id, { type: 'geojson', data })
    if (id === 'patrol-track')
      map.addLayer({
        id,
        type: 'line',
        source: id,
        paint: { 'line-color': '#2166ac', 'line-width': 4 },
      })
    else
      map.addLayer({
        id,
        type: 'circle',
        source: id,
        paint: {
          'circle-radius': 5,
          'circle-color': '#ffffff',
          'circle-stroke-color': '#b2182b',
          'circle-stroke-width': 2,
        },
      })
  }

  return {
    async show() {
      const { items } = await api<{ items: Unit[] }>('/units')
      const keep = unitSelect.value
      unitSelect.replaceChildren(...items.map((u) => new Option(u.name, u.id)))
      if (keep) unitSelect.value = keep
      await loadStaff()
      for (const id of ['patrol-track', 'patrol-dropped'])
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'visible')
    },
    hide() {
      for (const id of ['patrol-track', 'patrol-dropped'])
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'none')
    },
  }
}
