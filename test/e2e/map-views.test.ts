// The supervisor's map in Chromium: loads with no console error and no request off the server; each
// layer is checked on the screenshot's pixels at zones whose state the test data fixes; the gap
// layer colours exactly the zones GET /gaps lists; clicks on a zone and a violation tell their story.
// Then, on the same page (one database and browser for both, to keep CI short), the patrol view:
// uploading a GPX file shows the cleaned track, the dropped fix with its reason and the zones visited.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../support/paths.js'
import {
  BACKGROUND,
  coloursAt,
  distance,
  jumpTo,
  openBrowserApp,
  pixelOf,
  showOnlyLayers,
  signIn,
  waitForMap,
  type BrowserApp,
} from './support/browser-app.js'
import {
  at,
  centreOf,
  MAY,
  prepareCounty,
  VIOLATION_AT,
  walkNorth,
  ZONES,
  type CountyData,
} from './support/county-data.js'

let app: BrowserApp
let data: CountyData
const centres = ZONES.map((z) => centreOf(z.x))
const middle = centreOf(2500)

const view = (zoom: number, center: [number, number] = middle) => jumpTo(app.page, center, zoom)

/** A walk north through C1 (x = 0) with one fix 5 km off in the middle (a GPS jump). */
function gpx(): string {
  const walk = walkNorth(0, '2026-06-02T01:00:00Z')
  const points = walk.coordinates.map((c, i) => ({ c, t: walk.times[i]! }))
  const jump = at(5000, 5000)
  points.splice(9, 0, { c: jump, t: new Date(Date.parse(walk.times[8]!) + 10_000).toISOString() })
  const trkpts = points
    .map((p) => `<trkpt lat="${p.c[1]}" lon="${p.c[0]}"><time>${p.t}</time></trkpt>`)
    .join('')
  return `<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>${trkpts}</trkseg></trk></gpx>`
}

beforeAll(async () => {
  app = await openBrowserApp()
  data = await prepareCounty(app)
  await signIn(app, data.supervisor)
  await app.page.selectOption('#period-kind', 'month')
  await app.page.fill('#period-month', '2026-05')
  await app.page.click('#period-apply')
  await app.page.waitForFunction(() => document.getElementById('figures')!.children.length > 0)
  await view(13.4)
})
afterAll(async () => app?.close())

describe('the supervisor view', () => {
  it('loads with no console error and asks no host but the server', async () => {
    expect(app.errors).toEqual([])
    expect(app.foreignRequests).toEqual([])
    expect(await app.page.textContent('#tab-supervisor')).toBe('巡查监管')
  })

  it('draws the zones by tier: tier 2 orange, tier 1 red, nothing between them', async () => {
    await showOnlyLayers(app.page, ['zones'])
    const colours = await coloursAt(app.page, [...centres, centreOf(500)])
    ZONES.forEach((z, i) => {
      const [r, g, b] = colours[i]!
      expect(distance(colours[i]!, BACKGROUND), z.name).toBeGreaterThan(40)
      if (z.category === 'basic_farmland') expect(r - g, `${z.name} red`).toBeGreaterThan(60)
      else expect(r > g && g > b && r - b > 50, `${z.name} orange ${colours[i]}`).toBe(true)
    })
    expect(distance(colours.at(-1)!, BACKGROUND), 'between zones').toBeLessThan(12)
  })

  it('colours exactly the zones GET /gaps lists for the month, and no compliant zone', async () => {
    const gaps = await app.get(data.supervisor, `/api/v1/gaps?from=${MAY.from}&to=${MAY.to}`)
    const gapIds = new Set(
      (gaps.features as { properties: { zone_id: string } }[]).map((f) => f.properties.zone_id),
    )
    // the data fixes which zones fall short: 5 walks meet the tier-2 monthly 5, fewer do not
    expect([...gapIds].sort()).toEqual(
      ZONES.filter((z) => z.walks < 5)
        .map((z) => data.zoneIds[z.name]!)
        .sort(),
    )
    await showOnlyLayers(app.page, ['gaps'])
    const colours = await coloursAt(app.page, centres)
    ZONES.forEach((z, i) => {
      const [r, g, b] = colours[i]!
      if (gapIds.has(data.zoneIds[z.name]!))
        expect(
          r - g > 30 && b - g > 30 && distance(colours[i]!, BACKGROUND) > 100,
          `${z.name} is a gap: purple, got ${colours[i]}`,
        ).toBe(true)
      else
        expect(
          distance(colours[i]!, BACKGROUND),
          `${z.name} compliant: bare, got ${colours[i]}`,
        ).toBeLessThan(12)
    })
    // a larger shortfall is darker: G2 (5 short) darker than G1 (3 short)
    const sum = (c: number[]) => c[0]! + c[1]! + c[2]!
    expect(sum(colours[3]!)).toBeLessThan(sum(colours[1]!))
  })

  it('shows coverage heat in the cells the walks crossed and none where nobody walked', async () => {
    await showOnlyLayers(app.page, ['coverage'])
    const colours = await coloursAt(app.page, centres)
    ZONES.forEach((z, i) => {
      const [r, , b] = colours[i]!
      if (z.walks >= 2)
        expect(b - r, `${z.name} walked ${z.walks}×: blue, got ${colours[i]}`).toBeGreaterThan(40)
      else expect(distance(colours[i]!, BACKGROUND), `${z.name} never walked`).toBeLessThan(12)
    })
  })

  it('draws the tracks of the period along the walks, none where nobody walked, and hides them on a toggle', async () => {
    await showOnlyLayers(app.page, ['tracks'])
    // 50 m south of each zone, on its walk's line (x + 250): only the walks are drawn there
    const south = ZONES.map((z) => at(z.x + 250, -50))
    const colours = await coloursAt(app.page, south)
    ZONES.forEach((z, i) => {
      const [r, g, b] = colours[i]!
      if (z.walks > 0)
        expect(g - r > 40 && g - b > 20, `${z.name} walked: green track, got ${colours[i]}`).toBe(true)
      else expect(distance(colours[i]!, BACKGROUND), `${z.name} never walked`).toBeLessThan(12)
    })
    // beside the line (60 m east, ~5 px) nothing is drawn
    const [beside] = await coloursAt(app.page, [at(310, -50)])
    expect(distance(beside!, BACKGROUND), `beside the track ${beside}`).toBeLessThan(12)
    await showOnlyLayers(app.page, [])
    const [hidden] = await coloursAt(app.page, [south[0]!])
    expect(distance(hidden!, BACKGROUND), `toggled off ${hidden}`).toBeLessThan(12)
  })

  it('shows the violation as heat at low zoom and as a point at high zoom', async () => {
    await showOnlyLayers(app.page, ['hotspots'])
    const [heat, away] = await coloursAt(app.page, [VIOLATION_AT, centres[0]!])
    expect(distance(heat!, BACKGROUND), `heat ${heat}`).toBeGreaterThan(60)
    expect(distance(away!, BACKGROUND)).toBeLessThan(12)
    await view(16, VIOLATION_AT)
    const [point] = await coloursAt(app.page, [VIOLATION_AT])
    // overdue (its report was due two working days after 10 May): dark red
    expect(point![0] > 140 && point![1] < 80, `point ${point}`).toBe(true)
  })

  it('tells a violation’s timeline and deadline on a click', async () => {
    const { x, y } = await pixelOf(app.page, VIOLATION_AT)
    await app.page.mouse.click(x, y)
    const popup = app.page.locator('.maplibregl-popup-content')
    await popup.waitFor()
    const text = await popup.textContent()
    expect(text).toContain('处置经过')
    expect(text).toContain('报告期限')
    expect(text).toContain('城关镇新华村三组')
    await app.page.click('.maplibregl-popup-close-button')
  })

  it('tells a zone’s visits, required count and the patrols with their staff on a click', async () => {
    await view(13.4)
    await showOnlyLayers(app.page, ['zones', 'gaps', 'coverage', 'hotspots'])
    const { x, y } = await pixelOf(app.page, centres[0]!)
    await app.page.mouse.click(x + 20, y + 20)
    const popup = app.page.locator('.maplibregl-popup-content')
    await popup.waitFor()
    await app.page.waitForFunction(() => document.querySelector('.popup-list') !== null)
    const text = (await popup.textContent()) ?? ''
    expect(text).toContain('C1')
    expect(text).toMatch(/巡查次数 5 \/ 应巡次数 5/)
    expect((await app.page.$$('.popup-list li')).length).toBe(5)
    expect(text).toContain('张三、李四')
    await app.page.click('.maplibregl-popup-close-button')
  })

  it('lists the figures of /coverage and /stats in the side panel', async () => {
    const coverage = await app.get(data.supervisor, `/api/v1/coverage?from=${MAY.from}&to=${MAY.to}`)
    const text = (await app.page.textContent('#figures')) ?? ''
    expect(text).toContain('重点区域巡查覆盖率')
    const tier2 = coverage.summary.by_tier['2'].compliance_rate as number
    expect(text).toContain(`2 级区域达标率${(tier2 * 100).toFixed(1)} %`)
    expect(text).toContain('制止率')
    expect(text).toContain('未达标区域4')
  })

  it('previews this year’s assessment in the side panel with the total the API gives', async () => {
    await app.page.waitForSelector('#assessment:not([hidden])')
    const year = new Date().getFullYear()
    const a = await app.get(data.supervisor, `/api/v1/assessments/510199/${year}`)
    expect(await app.page.textContent('#assessment-year')).toBe(String(year))
    expect(await app.page.textContent('#assessment-total')).toBe(String(a.total))
    const items = await app.page.$$eval('#assessment-items > li', (els) => els.map((e) => e.dataset.item))
    expect(items).toEqual(['一', '二', '三', '四', '五', '六', '七', '八'])
  })

  it('leaves a screenshot of the supervisor view for the README', async () => {
    await app.page.screenshot({ path: path.join(REPO_ROOT, 'docs/supervisor-map.png') })
    expect(app.errors).toEqual([])
    expect(app.foreignRequests).toEqual([])
  })
})

describe('the patrol view', () => {
  beforeAll(async () => {
    await app.page.click('#tab-patrol')
    await app.page.waitForFunction(
      () => (document.getElementById('patrol-staff') as HTMLSelectElement).options.length === 2,
    )
  })

  it('shows the zones a GPX track visited, its dropped fix with the reason and the track', async () => {
    await app.page.setInputFiles('#track-file', {
      name: 'walk.gpx',
      mimeType: 'application/gpx+xml',
      buffer: Buffer.from(gpx()),
    })
    await app.page.waitForFunction(() => document.querySelectorAll('#patrol-visited li').length > 0)
    const visited = await app.page.$$eval('#patrol-visited li', (l) => l.map((li) => li.textContent ?? ''))
    // the walk runs through the middle of C1 only (the other zones are 1 km and more to the east)
    expect(visited).toHaveLength(1)
    expect(visited[0]).toMatch(/^C1 \(2 级\) 2026-06-02/)
    const dropped = await app.page.$$eval('#patrol-dropped li', (l) => l.map((li) => li.textContent ?? ''))
    expect(dropped).toHaveLength(1)
    expect(dropped[0]).toMatch(/ 01:02:50 outlier$/)

    // the page shows what the API recorded for that patrol
    const list = await app.get(data.supervisor, '/api/v1/patrols?from=2026-06-01&to=2026-06-30')
    expect(list.items).toHaveLength(1)
    expect(list.items[0].staff.sort()).toEqual([...data.staff].sort())
  })

  it('draws the cleaned track across C1 and nothing at the dropped fix’s old neighbours', async () => {
    await waitForMap(app.page)
    const [onTrack, besideTrack] = await coloursAt(app.page, [centreOf(ZONES[0].x), at(250 + 120, 250)])
    // #2166ac over the zone: clearly blue
    expect(onTrack![2] - onTrack![0], `track ${onTrack}`).toBeGreaterThan(60)
    expect(distance(besideTrack!, onTrack!)).toBeGreaterThan(60)
    expect(distance(besideTrack!, BACKGROUND)).toBeGreaterThan(20) // inside C1: the zone's fill
  })

  it('logged no console error and asked no host but the server', () => {
    expect(app.errors).toEqual([])
    expect(app.foreignRequests).toEqual([])
  })
})
