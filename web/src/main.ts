import 'maplibre-gl/dist/maplibre-gl.css'
import './style.css'
import { api, ApiError, storeToken, storedToken } from './api.js'
import { byId } from './dom.js'
import { currentLang, setLang, t, translatePage } from './i18n.js'
import { addBasemap, createMap, showDivisions } from './map-base.js'
import { setUpPatrolView } from './patrol-view.js'
import { setUpPlannerView } from './planner-view.js'
import { addZoneLayers, hidePeriodLayers } from './supervisor-layers.js'
import { setUpSupervisorView } from './supervisor-view.js'

interface Me {
  role: string
  division_code: string
  division_name: string | null
  label: string
}

type ViewName = 'supervisor' | 'planner' | 'patrol'

const statusEl = byId('status')
const map = createMap('map')
// A handle for the end-to-end tests (they wait on the map's idle state and project coordinates).
;(window as unknown as { landpatrol: unknown }).landpatrol = { map }

let me: Me | undefined
const supervisor = setUpSupervisorView(map, () => me)
const planner = setUpPlannerView(map, () => me!)
const patrol = setUpPatrolView(map)
let view: ViewName = 'supervisor'

async function showView(next: ViewName): Promise<void> {
  view = next
  byId('signout').addEventListener('click', () => {
    storeToken(null)
    window.location.reload()
  })

  for (const name of ['supervisor', 'planner', 'patrol'] as const) {
    byId(`${name}-panel`).hidden = name !== next
    byId(`tab-${name}`).classList.toggle('active', name === next)
  }
  if (next !== 'planner') planner.hide()
  if (next !== 'patrol') patrol.hide()
  if (!me) return
  try {
    if (next === 'supervisor') await supervisor.show()
    else if (next === 'planner') await planner.show()
    else {
      addZoneLayers(map)
      hidePeriodLayers(map)
      await patrol.show()
    }
  } catch (err) {
    statusEl.textContent = err instanceof Error ? err.message : String(err)
  }
}

async function signIn(): Promise<void> {
  try {
    me = await api<Me>('/me')
    byId('who').textContent = `${me.label} · ${me.role} · ${me.division_name ?? me.division_code}`
    byId('signin').hidden = true
    byId('signout').hidden = false
    const divisions = await showDivisions(map)
    statusEl.textContent = `${divisions.length} ${t('divisions')}`
    await showView(me.role === 'planner' && view === 'supervisor' ? 'planner' : view)
    document.body.dataset.ready = 'true'
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) storeToken(null)
    statusEl.textContent = err instanceof Error ? err.message : String(err)
  }
}

byId('signin').addEventListener('submit', (e) => {
  e.preventDefault()
  const input = byId<HTMLInputElement>('token')
  storeToken(input.value.trim())
  input.value = ''
  void signIn()
})

for (const name of ['supervisor', 'planner', 'patrol'] as const)
  byId(`tab-${name}`).addEventListener('click', () => void showView(name))

byId('lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh')
  byId('lang').textContent = currentLang() === 'zh' ? 'EN' : '中文'
})

translatePage()
byId('lang').textContent = currentLang() === 'zh' ? 'EN' : '中文'
map.on('load', () => {
  addBasemap(map).catch((err: unknown) => {
    statusEl.textContent = err instanceof Error ? err.message : String(err)
  })
  if (storedToken()) void signIn()
  else statusEl.textContent = t('signin.prompt')
})
