import * as maplibregl from 'maplibre-gl'
import { api, ApiError } from './api.js'
import { byId, escapeHtml, percent } from './dom.js'
import { assessmentItemTitle, categoryLabel, t, type TextKey } from './i18n.js'
import { setUpPeriodPicker, type Span } from './period-picker.js'
import { addPeriodLayers, addZoneLayers, setLayerVisible, type SupervisorLayer } from './supervisor-layers.js'

interface Rate {
  numerator: number
  denominator: number
  rate: number | null
}
interface Stats {
  stop_rate: Rate
  filing_rate: Rate
  closure_rate: Rate
}
interface ZoneCoverage {
  zone_id: string
  name: string
  tier: number
  required: number
  visits: number
  compliant: boolean
  last_visit: string | null
}
interface Coverage {
  summary: {
    key_area_coverage_rate: number | null
    by_tier: Record<string, { compliance_rate: number | null; zones: number }>
  }
  zones: ZoneCoverage[]
}
interface ZoneVisit {
  patrol_id: string
  visit_date: string
  kind: string
  unit_name: string
  staff_names: string[]
  counted: boolean
}
interface ViolationDetail {
  category_label: string
  status_label: string
  found_at: string
  place: string | null
  report_due: string
  closure_due: string | null
  overdue: boolean
  events: { at: string; type_label: string; note: string | null }[]
}

interface Assessment {
  year: number
  total: number
  grade: 'excellent' | 'qualified' | 'unqualified'
  veto: { triggered: boolean; reason?: string | null }
  items: {
    item: string
    title: string
    max: number
    score: number
    deducted: number
    deductions: { points: number; explanation: string }[]
  }[]
}

/** Supervisor: period, layers, figures, and what a click on a zone or a violation tells. */
export function setUpSupervisorView(
  map: maplibregl.Map,
  who: () => { division_code: string } | undefined,
): { show(): Promise<void> } {
  let span: Span
  let coverageByZone = new Map<string, ZoneCoverage>()
  let started = false

  const refresh = async (next: Span) => {
    span = next
    addPeriodLayers(map, span)
    applyToggles()
    await showFigures()
  }
  const currentSpan = setUpPeriodPicker((s) => void refresh(s))

  const toggles = [...document.querySelectorAll<HTMLInputElement>('#layer-toggles input[type=checkbox]')]
  const applyToggles = () => {
    for (const box of toggles) setLayerVisible(map, box.value as SupervisorLayer, box.checked)
  }
  for (const box of toggles) box.addEventListener('change', applyToggles)

  async function showFigures() {
    const q = `from=${span.from}&to=${span.to}`
    const [coverage, stats] = await Promise.all([
      api<Coverage>(`/coverage?${q}`),
      api<Stats>(`/stats?${q}`).catch(() => null),
    ])
    coverageByZone = new Map(coverage.zones.map((z) => [z.zone_id, z]))
    const rows: [string, string][] = [[t('fig.keyArea'), percent(coverage.summary.key_area_coverage_rate)]]
    for (const tier of ['1', '2', '3'])
      rows.push([`${tier} ${t('fig.tier')}`, percent(coverage.summary.by_tier[tier]?.compliance_rate)])
    rows.push([t('fig.gaps'), String(coverage.zones.filter((z) => !z.compliant).length)])
    if (stats)
      for (const [key, rate] of [
        ['fig.stop', stats.stop_rate],
        ['fig.filing', stats.filing_rate],
        ['fig.closure', stats.closure_rate],
      ] as const)
        rows.push([t(key), `${percent(rate.rate)} (${rate.numerator}/${rate.denominator})`])
    byId('figures').innerHTML = rows
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
      .join('')
  }

  let assessment: Assessment | null = null

  /** The current year's assessment of the signed-in division; hidden when the token may not read it. */
  async function loadAssessment() {
    const division = who()?.division_code
    if (!division) return
    try {
      assessment = await api<Assessment>(`/assessments/${division}/${new Date().getFullYear()}`)
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 403 || err.status === 404))) throw err
      assessment = null
    }
    showAssessment()
  }

  function showAssessment() {
    const block = byId('assessment')
    block.hidden = !assessment
    if (!assessment) return
    const a = assessment
    byId('assessment-year').textContent = String(a.year)
    byId('assessment-summary').innerHTML =
      `${t('assessment.total')} <strong id="assessment-total">${a.total}</strong> · ${t('assessment.grade')} ` +
      `${escapeHtml(t(`grade.${a.grade}` as TextKey))}` +
      (a.veto.triggered ? ` · <span class="overdue">${t('assessment.veto')}</span>` : '')
    byId('assessment-items').innerHTML = a.items
      .map((i) => {
        const cuts = i.deductions.map((d) => `<li>${escapeHtml(d.explanation)}</li>`).join('')
        return (
          `<li data-item="${escapeHtml(i.item)}">${escapeHtml(i.item)} ${escapeHtml(assessmentItemTitle(i.item, i.title))}: ` +
          `${i.score}/${i.max}${i.deducted ? ` (−${i.deducted})` : ''}${cuts ? `<ul class="assessment-cuts">${cuts}</ul>` : ''}</li>`
        )
      })
      .join('')
  }
  // After the language switch itself (registered later in main.ts) has run.
  byId('lang').addEventListener('click', () => setTimeout(showAssessment, 0))

  map.on('click', (e) => {
    if (byId('supervisor-panel').hidden) return
    const layers = ['hotspot-point', 'gap-fill', 'zone-fill'].filter((id) => map.getLayer(id))
    const hits = map.queryRenderedFeatures(e.point, { layers })
    const violation = hits.find((f) => f.layer.id === 'hotspot-point')
    if (violation) return void showViolation(String(violation.properties.id), e.lngLat)
    const zone = hits.find((f) => f.layer.id !== 'hotspot-point')
    if (zone) void showZone(zone.properties, e.lngLat)
  })

  async function showZone(p: Record<string, unknown>, at: maplibregl.LngLat) {
    const id = String(p.zone_id ?? p.id)
    const c = coverageByZone.get(id)
    const head = `<strong>${escapeHtml(String(p.name ?? ''))}</strong><br>${p.tier} ${t('tier')} · ${escapeHtml(categoryLabel(String(p.category ?? '')))}`
    const figures = c
      ? `<br>${t('visits')} ${c.visits} / ${t('required')} ${c.required} · ${c.compliant ? t('compliant') : t('notCompliant')}<br>${t('lastVisit')}: ${c.last_visit ? c.last_visit.slice(0, 16).replace('T', ' ') : t('none')}`
      : ''
    const popup = new maplibregl.Popup({ maxWidth: '360px' })
      .setLngLat(at)
      .setHTML(head + figures)
      .addTo(map)
    const visits = await api<{ items: ZoneVisit[] }>(
      `/zones/${id}/visits?from=${span.from}&to=${span.to}`,
    ).catch(() => null)
    if (!visits) return
    const list = visits.items
      .map(
        (v) =>
          `<li>${v.visit_date} ${escapeHtml(v.unit_name)} · ${escapeHtml(v.staff_names.join('、'))}${v.counted ? '' : ' ✗'}</li>`,
      )
      .join('')
    popup.setHTML(
      `${head}${figures}<br>${t('patrols')}:<ul class="popup-list">${list || `<li>${t('none')}</li>`}</ul>`,
    )
  }

  async function showViolation(id: string, at: maplibregl.LngLat) {
    const v = await api<ViolationDetail>(`/violations/${id}`)
    const events = v.events
      .map(
        (e) =>
          `<li>${e.at.slice(0, 16).replace('T', ' ')} ${escapeHtml(e.type_label)}${e.note ? ` — ${escapeHtml(e.note)}` : ''}</li>`,
      )
      .join('')
    new maplibregl.Popup({ maxWidth: '380px' })
      .setLngLat(at)
      .setHTML(
        `<strong>${escapeHtml(v.category_label)}</strong> · ${escapeHtml(v.status_label)}${v.overdue ? ` · <span class="overdue">${t('overdue')}</span>` : ''}<br>` +
          `${escapeHtml(v.place ?? '')} ${v.found_at.slice(0, 10)}<br>` +
          `${t('deadline')}: ${v.report_due.slice(0, 16).replace('T', ' ')}` +
          (v.closure_due ? `<br>${t('closureDeadline')}: ${v.closure_due.slice(0, 10)}` : '') +
          `<br>${t('timeline')}:<ul class="popup-list">${events}</ul>`,
      )
      .addTo(map)
  }

  return {
    async show() {
      addZoneLayers(map)
      if (!started) {
        started = true
        await Promise.all([refresh(currentSpan()), loadAssessment()])
      } else applyToggles()
    },
  }
}
