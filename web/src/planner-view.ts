import * as maplibregl from 'maplibre-gl'
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  ValidateNotSelfIntersecting,
} from 'terra-draw'
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter'
import { api, ApiError, download, problemLines, upload, type ProblemItem } from './api.js'
import { byId, escapeHtml, fillList } from './dom.js'
import { CATEGORY_LABELS, categoryLabel, t } from './i18n.js'
import { todayInChina } from './period-picker.js'
import { addZoneLayers, hidePeriodLayers } from './supervisor-layers.js'

interface Plan {
  id: string
  name: string
  status: string
  division_code: string
  zone_count: number
}
interface PlanCheck {
  ok: boolean
  problems: { kind: string; message: string; zone_ids: string[]; location?: GeoJSON.Geometry }[]
}
interface Unit {
  id: string
  name: string
}

/** Properties a drawn polygon is saved with (the zone import's field names). */
interface DrawnProps {
  name: string
  category: string
  tier?: number
  unit_id?: string
  main_person?: string
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] }

/**
 * Planner: draw and delete zones of a draft plan (terra-draw), each drawing checked as it is
 * finished and again by the server on save; import a file; run the plan check; submit; export.
 */
export function setUpPlannerView(
  map: maplibregl.Map,
  me: () => { division_code: string },
): { show(): Promise<void>; hide(): void } {
  const planSelect = byId<HTMLSelectElement>('plan-select')
  const status = byId('planner-status')
  const drawProblems = byId('draw-problems')
  const pending = new Map<string | number, DrawnProps>()
  let draw: TerraDraw | undefined
  let plans: Plan[] = []
  let selectedZone: string | undefined
  /** The saved zone being reshaped in terra-draw (its feature id is the zone's id). */
  let editing: { zoneId: string } | undefined
  /** The saved zone to be cut by the next line drawn in terra-draw's linestring mode. */
  let splitting: { zoneId: string } | undefined

  const categorySelect = byId<HTMLSelectElement>('zone-category')
  categorySelect.replaceChildren(
    ...Object.keys(CATEGORY_LABELS).map((code) => new Option(categoryLabel(code), code)),
  )

  const planId = () => planSelect.value || undefined
  const say = (text: string) => (status.textContent = text)
  const fail = (err: unknown) => say(problemLines(err).join(' — '))

  function ensureDraw(): TerraDraw {
    if (draw) return draw
    draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map }),
      modes: [
        new TerraDrawPolygonMode(),
        new TerraDrawLineStringMode(),
        new TerraDrawSelectMode({
          flags: {
            polygon: {
              feature: {
                draggable: true,
                coordinates: { draggable: true, midpoints: true, deletable: true },
              },
            },
          },
        }),
      ],
    })
    draw.start()
    draw.on('finish', (id, context) => {
      if (context.mode === 'linestring') return void splitAlong(id)
      // a drag in select mode finishes too; only a new polygon is a new zone
      if (context.mode !== 'polygon' || id === editing?.zoneId) return
      if (!pending.has(id)) pending.set(id, formProps(pending.size + 1))
      showDrawingProblems()
    })
    return draw
  }

  function formProps(n: number): DrawnProps {
    const name = byId<HTMLInputElement>('zone-name').value.trim()
    const tier = byId<HTMLSelectElement>('zone-tier').value
    const unit = byId<HTMLSelectElement>('zone-unit').value
    const person = byId<HTMLInputElement>('zone-person').value.trim()
    return {
      name: name ? (n > 1 ? `${name} ${n}` : name) : `区域 ${n}`,
      category: categorySelect.value,
      ...(tier ? { tier: Number(tier) } : {}),
      ...(unit ? { unit_id: unit } : {}),
      ...(person ? { main_person: person } : {}),
    }
  }

  /** Drawn features not saved yet, each checked for self-intersection as soon as it is finished. */
  function drawnFeatures() {
    return (draw?.getSnapshot() ?? []).filter(
      (f) => f.geometry.type === 'Polygon' && pending.has(f.id as string),
    )
  }

  function showDrawingProblems(serverProblems: ProblemItem[] = []): void {
    const lines: string[] = []
    drawnFeatures().forEach((f, i) => {
      const verdict = ValidateNotSelfIntersecting(f)
      if (!verdict.valid) lines.push(`#${i} ${t('invalid')}: ${verdict.reason ?? 'self-intersection'}`)
    })
    for (const p of serverProblems)
      lines.push(
        `${p.index !== undefined ? `#${p.index} ` : ''}${t('invalid')}: ${p.message ?? p.reason ?? ''}`,
      )
    fillList(drawProblems, lines, 'problem')
  }

  async function loadPlans(select?: string): Promise<void> {
    plans = (await api<{ items: Plan[] }>('/plans')).items
    const previous = planSelect.value
    planSelect.replaceChildren(
      ...plans.map((p) => new Option(`${p.name} · ${p.status} · ${p.zone_count}`, p.id)),
    )
    const keep = [select, previous].find((id) => id && plans.some((p) => p.id === id))
    planSelect.value = keep ?? plans.find((p) => p.status === 'draft')?.id ?? plans[0]?.id ?? ''
    showPlanZones()
  }

  function showPlanZones(): void {
    addZoneLayers(map, planId() ? { plan_id: planId() } : {})
  }

  async function loadUnits(): Promise<void> {
    const { items } = await api<{ items: Unit[] }>('/units')
    byId<HTMLSelectElement>('zone-unit').replaceChildren(
      new Option('—', ''),
      ...items.map((u) => new Option(u.name, u.id)),
    )
  }

  planSelect.addEventListener('change', showPlanZones)

  byId('plan-new').addEventListener('submit', (e) => {
    e.preventDefault()
    const name = byId<HTMLInputElement>('plan-name').value.trim() || `${todayInChina()} 划定方案`
    const effective = byId<HTMLInputElement>('plan-effective').value || todayInChina()
    api<Plan>('/plans', {
      method: 'POST',
      body: JSON.stringify({ division_code: me().division_code, name, effective_from: effective }),
    })
      .then((plan) => loadPlans(plan.id))
      .catch(fail)
  })

  byId('draw-polygon').addEventListener('click', () => ensureDraw().setMode('polygon'))
  byId('draw-select').addEventListener('click', () => ensureDraw().setMode('select'))

  byId('save-zones').addEventListener('click', () => {
    const id = planId()
    const features = drawnFeatures()
    if (!id || features.length === 0) return
    const body: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry as GeoJSON.Polygon,
        properties: { ...pending.get(f.id as string) },
      })),
    }
    upload<{ imported: number }>(`/plans/${id}/zones`, JSON.stringify(body), 'application/geo+json')
      .then(async (result) => {
        draw?.removeFeatures(features.map((f) => f.id as string))
        for (const f of features) pending.delete(f.id as string)
        showDrawingProblems()
        say(`${t('saved')}: ${result.imported} ${t('zonesCount')}`)
        await loadPlans(id)
        refreshZoneTiles()
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError) showDrawingProblems(err.problem.errors ?? [])
        fail(err)
      })
  })

  // click a zone of the plan to select it for deletion
  map.on('click', 'zone-fill', (e) => {
    if (byId('planner-panel').hidden || draw?.getMode() === 'polygon' || draw?.getMode() === 'linestring')
      return
    const p = e.features?.[0]?.properties
    if (!p) return
    selectedZone = String(p.id)
    new maplibregl.Popup()
      .setLngLat(e.lngLat)
      .setHTML(
        `<strong>${escapeHtml(String(p.name ?? ''))}</strong><br>${p.tier} ${t('tier')} · ${escapeHtml(categoryLabel(String(p.category)))} · ${p.area_mu} 亩`,
      )
      .addTo(map)
  })

  byId('delete-zone').addEventListener('click', () => {
    const id = planId()
    if (!id || !selectedZone) return
    api(`/plans/${id}/zones/${selectedZone}`, { method: 'DELETE' })
      .then(async () => {
        selectedZone = undefined
        await loadPlans(id)
        refreshZoneTiles()
      })
      .catch(fail)
  })

  // edit a saved zone: its shape in terra-draw's select mode, its properties in the form
  byId('edit-zone').addEventListener('click', () => {
    const id = planId()
    if (!id || !selectedZone) return
    const zoneId = selectedZone
    api<GeoJSON.FeatureCollection>(`/plans/${id}/zones`)
      .then((fc) => {
        const zone = fc.features.find((f) => f.properties?.id === zoneId)
        if (!zone) return
        const g = zone.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon
        if (g.type === 'MultiPolygon' && g.coordinates.length !== 1) return say(t('multipart'))
        const polygon: GeoJSON.Polygon = {
          type: 'Polygon',
          coordinates: g.type === 'Polygon' ? g.coordinates : g.coordinates[0]!,
        }
        const d = ensureDraw()
        stopEditing()
        d.setMode('select')
        const [result] = d.addFeatures([
          { id: zoneId, type: 'Feature', geometry: polygon, properties: { mode: 'polygon' } },
        ])
        if (!result?.valid) return say(`${t('invalid')}: ${result?.reason ?? ''}`)
        editing = { zoneId }
        d.selectFeature(zoneId)
        const p = zone.properties ?? {}
        byId<HTMLInputElement>('zone-name').value = String(p.name ?? '')
        categorySelect.value = String(p.category ?? '')
        byId<HTMLSelectElement>('zone-tier').value = String(p.tier ?? '')
        byId<HTMLSelectElement>('zone-unit').value = String(p.unit_id ?? '')
        byId('save-zone-edit').hidden = false
      })
      .catch(fail)
  })

  function stopEditing(): void {
    if (editing && draw?.hasFeature(editing.zoneId)) draw.removeFeatures([editing.zoneId])
    editing = undefined
    byId('save-zone-edit').hidden = true
  }

  byId('save-zone-edit').addEventListener('click', () => {
    if (!editing || !draw) return
    const zoneId = editing.zoneId
    const feature = draw.getSnapshotFeature(zoneId)
    if (!feature) return
    const verdict = ValidateNotSelfIntersecting(feature)
    if (!verdict.valid) {
      fillList(drawProblems, [`${t('invalid')}: ${verdict.reason ?? 'self-intersection'}`], 'problem')
      return
    }
    const tier = byId<HTMLSelectElement>('zone-tier').value
    const unit = byId<HTMLSelectElement>('zone-unit').value
    const body = {
      geometry: feature.geometry,
      name: byId<HTMLInputElement>('zone-name').value.trim(),
      category: categorySelect.value,
      ...(tier ? { tier: Number(tier) } : {}),
      unit_id: unit || null,
    }
    api(`/zones/${zoneId}`, { method: 'PATCH', body: JSON.stringify(body) })
      .then(() => {
        stopEditing()
        fillList(drawProblems, [])
        say(`${t('saved')}: 1 ${t('zonesCount')}`)
        refreshZoneTiles()
      })
      .catch((err: unknown) => {
        // the server's reason, shown beside the shape still being edited
        if (err instanceof ApiError) showDrawingProblems(err.problem.errors ?? [])
        fail(err)
      })
  })

  // split a saved zone: draw a line across it; the server cuts it in two (POST /zones/{id}/split)
  byId('split-zone').addEventListener('click', () => {
    if (!planId() || !selectedZone) return
    stopEditing()
    splitting = { zoneId: selectedZone }
    ensureDraw().setMode('linestring')
    say(t('split.hint'))
  })

  function splitAlong(lineId: string | number): void {
    const d = ensureDraw()
    const line = d.getSnapshotFeature(lineId)
    if (d.hasFeature(lineId)) d.removeFeatures([lineId])
    d.setMode('select')
    const target = splitting
    splitting = undefined
    if (!target || line?.geometry.type !== 'LineString') return
    const id = planId()
    api<{ zones: unknown[] }>(`/zones/${target.zoneId}/split`, {
      method: 'POST',
      body: JSON.stringify({ line: line.geometry }),
    })
      .then(async (result) => {
        selectedZone = undefined
        fillList(drawProblems, [])
        say(`${t('saved')}: ${result.zones.length} ${t('zonesCount')}`)
        await loadPlans(id)
        refreshZoneTiles()
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError) showDrawingProblems(err.problem.errors ?? [])
        fail(err)
      })
  }

  byId<HTMLInputElement>('import-file').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    const id = planId()
    if (!file || !id) return
    const zip = /\.zip$/i.test(file.name)
    const importList = byId('import-problems')
    upload<{ imported: number }>(`/plans/${id}/zones`, file, zip ? 'application/zip' : 'application/geo+json')
      .then(async (result) => {
        fillList(importList, [])
        setProblemMarks(EMPTY)
        say(`${t('saved')}: ${result.imported} ${t('zonesCount')}`)
        await loadPlans(id)
        refreshZoneTiles()
      })
      .catch(async (err: unknown) => {
        fillList(importList, problemLines(err).slice(1), 'problem')
        say(problemLines(err)[0] ?? '')
        // mark the refused features on the map when the file is GeoJSON we can read here
        if (!zip && err instanceof ApiError) {
          const bad = new Set((err.problem.errors ?? []).map((p) => p.index))
          const fc = await file
            .text()
            .then((text) => JSON.parse(text) as GeoJSON.FeatureCollection)
            .catch(() => null)
          if (fc?.features)
            setProblemMarks({
              type: 'FeatureCollection',
              features: fc.features.filter((_f, i) => bad.has(i)),
            })
        }
      })
      .finally(() => (input.value = ''))
  })

  byId('check-plan').addEventListener('click', () => {
    const id = planId()
    if (!id) return
    api<PlanCheck>(`/plans/${id}/check`)
      .then((check) => {
        fillList(
          byId('check-problems'),
          check.ok ? [t('noProblems')] : check.problems.map((p) => `${p.kind}: ${p.message}`),
          check.ok ? '' : 'problem',
        )
        setProblemMarks({
          type: 'FeatureCollection',
          features: check.problems
            .filter((p) => p.location)
            .map((p) => ({ type: 'Feature', geometry: p.location!, properties: { kind: p.kind } })),
        })
      })
      .catch(fail)
  })

  byId('submit-plan').addEventListener('click', () => {
    const id = planId()
    if (!id) return
    api<Plan>(`/plans/${id}/submit`, { method: 'POST' })
      .then(async (plan) => {
        say(`${plan.name}: ${plan.status}`)
        await loadPlans(id)
      })
      .catch(fail)
  })

  byId('export-plan').addEventListener('click', () => {
    const id = planId()
    if (!id) return
    download(`/plans/${id}/export`, `plan-${id}.zip`)
      .then((name) => say(name))
      .catch(fail)
  })

  function refreshZoneTiles(): void {
    // setting the tiles again reloads them; the plan's tiles are revalidated (map-base.ts)
    addZoneLayers(map, { plan_id: planId() })
  }

  /** Refused import features and plan-check locations, outlined on the map. */
  function setProblemMarks(data: GeoJSON.FeatureCollection): void {
    const source = map.getSource('problems') as maplibregl.GeoJSONSource | undefined
    if (source) return void source.setData(data)
    map.addSource('problems', { type: 'geojson', data })
    map.addLayer({
      id: 'problem-line',
      type: 'line',
      source: 'problems',
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#e31a1c', 'line-width': 3, 'line-dasharray': [2, 1] },
    })
    map.addLayer({
      id: 'problem-point',
      type: 'circle',
      source: 'problems',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 7,
        'circle-color': '#e31a1c',
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 2,
      },
    })
  }

  return {
    async show() {
      hidePeriodLayers(map)
      ensureDraw()
      await Promise.all([loadPlans(), loadUnits()]).catch(fail)
    },
    hide() {
      stopEditing()
      splitting = undefined
      draw?.setMode('static')
      setProblemMarks(EMPTY)
    },
  }
}
