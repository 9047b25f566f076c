// The planner's map in Chromium: a polygon drawn with the mouse and saved becomes a zone through
// the API (checked against the clicked positions with turf); a self-intersecting drawing shows its
// reason and stores nothing; an import lists its refused features; the plan check, the submission
// and the filing package work from the page.
import path from 'node:path'
import { area } from '@turf/turf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../support/paths.js'
import {
  BACKGROUND,
  coloursAt,
  distance,
  jumpTo,
  openBrowserApp,
  pixelOf,
  signIn,
  waitForMap,
  type BrowserApp,
} from './support/browser-app.js'
import { at, prepareCounty, type CountyData } from './support/county-data.js'

let app: BrowserApp
let data: CountyData
let planId: string

/** The square drawn with the mouse (600 m sides, north of the filed zones) and a bow tie beside it. */
const SQUARE = [at(0, 1200), at(600, 1200), at(600, 1800), at(0, 1800)]
const BOW_TIE = [at(1200, 1200), at(1800, 1800), at(1800, 1200), at(1200, 1800)]
const M_PER_DEG_LAT = 110_850
const M_PER_DEG_LON = 96_470

async function clickAt(lngLat: [number, number]) {
  const { x, y } = await pixelOf(app.page, lngLat)
  await app.page.mouse.move(x, y)
  await app.page.mouse.click(x, y)
  await app.page.waitForTimeout(60)
}

async function drawPolygon(corners: [number, number][]) {
  await app.page.click('#draw-polygon')
  for (const c of corners) await clickAt(c)
  await clickAt(corners[0]!) // closing on the first corner finishes the polygon
}

const planZones = async () =>
  (await app.get(data.planner, `/api/v1/plans/${planId}/zones`)).features as {
    geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon
    properties: { name: string; tier: number; category: string }
  }[]

beforeAll(async () => {
  app = await openBrowserApp()
  data = await prepareCounty(app, { walks: false })
  await signIn(app, data.planner)
  await app.page.waitForSelector('#planner-panel:not([hidden])')
  await app.page.fill('#plan-name', '2027 年度巡查区域划定')
  await app.page.fill('#plan-effective', '2027-01-01')
  await app.page.click('#plan-new button[type=submit]')
  await app.page.waitForFunction(() =>
    (document.getElementById('plan-select') as HTMLSelectElement).selectedOptions[0]?.text.startsWith('2027'),
  )
  planId = await app.page.$eval('#plan-select', (s) => (s as HTMLSelectElement).value)
  await jumpTo(app.page, at(900, 1500), 14)
})
afterAll(async () => app?.close())

describe('the planner view', () => {
  it('saves a polygon drawn with the mouse as a zone of the draft plan', async () => {
    await app.page.fill('#zone-name', '新城基本农田')
    await app.page.selectOption('#zone-category', 'basic_farmland')
    await drawPolygon(SQUARE)
    expect(await app.page.$$eval('#draw-problems li', (l) => l.length)).toBe(0)
    await app.page.click('#save-zones')
    await app.page.waitForFunction(() =>
      document.getElementById('planner-status')!.textContent!.includes('已保存'),
    )

    const zones = await planZones()
    expect(zones).toHaveLength(1)
    const zone = zones[0]!
    expect(zone.properties).toMatchObject({ name: '新城基本农田', category: 'basic_farmland', tier: 1 })
    // every clicked corner is a vertex, to within a pixel or two at zoom 14 (~9 m a pixel)
    const g = zone.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon
    const ring = g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!
    for (const corner of SQUARE) {
      const nearest = Math.min(
        ...ring.map((p) =>
          Math.hypot((p[0]! - corner[0]) * M_PER_DEG_LON, (p[1]! - corner[1]) * M_PER_DEG_LAT),
        ),
      )
      expect(nearest).toBeLessThan(20)
    }
    expect(Math.abs(area(zone.geometry) - 600 * 600) / (600 * 600)).toBeLessThan(0.05)
  })

  it('shows the saved zone on the map in its tier colour', async () => {
    // the zone layer reloads its tiles after the save; on a busy machine the map may go idle once
    // before that reload has drawn: looked at again (for up to 5 s) until the zone is there
    const look = () => coloursAt(app.page, [at(300, 1500), at(300, 2100)])
    await waitForMap(app.page)
    let [inside, outside] = await look()
    for (let tries = 0; tries < 20 && inside![0] - inside![1] <= 60; tries++) {
      await app.page.waitForTimeout(250)
      await waitForMap(app.page)
      ;[inside, outside] = await look()
    }
    expect(inside![0] - inside![1], `tier 1 red, got ${inside}`).toBeGreaterThan(60)
    expect(distance(outside!, BACKGROUND)).toBeLessThan(12)
  })

  it('reshapes a saved zone: its corner dragged with the mouse and saved changes the zone through PATCH', async () => {
    await app.page.click('#draw-select')
    await clickAt(at(100, 1300))
    await app.page.evaluate(() => document.querySelectorAll('.maplibregl-popup').forEach((p) => p.remove()))
    await app.page.click('#edit-zone')
    await app.page.waitForSelector('#save-zone-edit:not([hidden])')
    const from = await pixelOf(app.page, at(600, 1200))
    const to = await pixelOf(app.page, at(900, 1000))
    await app.page.mouse.move(from.x, from.y)
    await app.page.mouse.down()
    await app.page.mouse.move(to.x, to.y, { steps: 8 })
    await app.page.mouse.up()
    await app.page.click('#save-zone-edit')
    await app.page.waitForSelector('#save-zone-edit', { state: 'hidden' })

    const zones = await planZones()
    expect(zones).toHaveLength(1)
    const g = zones[0]!.geometry
    const ring = g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!
    const nearest = (c: [number, number]) =>
      Math.min(...ring.map((p) => Math.hypot((p[0]! - c[0]) * M_PER_DEG_LON, (p[1]! - c[1]) * M_PER_DEG_LAT)))
    expect(nearest(at(900, 1000))).toBeLessThan(20)
    expect(nearest(at(600, 1200))).toBeGreaterThan(100)
    const expected: GeoJSON.Polygon = {
      type: 'Polygon',
      coordinates: [[at(0, 1200), at(900, 1000), at(600, 1800), at(0, 1800), at(0, 1200)]],
    }
    expect(Math.abs(area(g) - area(expected)) / area(expected)).toBeLessThan(0.05)
    expect(zones[0]!.properties).toMatchObject({ name: '新城基本农田', category: 'basic_farmland' })
  })

  it('splits the saved zone along a line drawn with the mouse (POST /zones/{id}/split), areas as turf computes', async () => {
    const before = area((await planZones())[0]!.geometry)
    await app.page.click('#draw-select')
    await clickAt(at(100, 1300))
    await app.page.evaluate(() => document.querySelectorAll('.maplibregl-popup').forEach((p) => p.remove()))
    await app.page.click('#split-zone')
    await clickAt(at(-150, 1500))
    await clickAt(at(1000, 1500))
    await clickAt(at(1000, 1500)) // a click on the last point finishes the line
    await app.page.waitForFunction(() =>
      /已保存: 2/.test(document.getElementById('planner-status')!.textContent ?? ''),
    )
    const zones = await planZones()
    expect(zones).toHaveLength(2)
    // the reshaped zone (0,1200)-(900,1000)-(600,1800)-(0,1800) cut at y = 1500, where its east edge is at x = 712.5
    const north: GeoJSON.Polygon = {
      type: 'Polygon',
      coordinates: [[at(0, 1500), at(712.5, 1500), at(600, 1800), at(0, 1800), at(0, 1500)]],
    }
    const south: GeoJSON.Polygon = {
      type: 'Polygon',
      coordinates: [[at(0, 1200), at(900, 1000), at(712.5, 1500), at(0, 1500), at(0, 1200)]],
    }
    const got = zones.map((z) => area(z.geometry)).sort((a, b) => b - a)
    const expected = [area(south), area(north)].sort((a, b) => b - a)
    got.forEach((a, i) => expect(Math.abs(a - expected[i]!) / expected[i]!).toBeLessThan(0.05))
    expect(Math.abs(got[0]! + got[1]! - before) / before).toBeLessThan(0.001)
  })

  it('shows why a self-intersecting drawing is invalid, before and on saving, and stores nothing', async () => {
    await drawPolygon(BOW_TIE)
    const before = await app.page.$$eval('#draw-problems li', (l) => l.map((li) => li.textContent ?? ''))
    expect(before.length).toBe(1)
    expect(before[0]).toContain('图形无效')
    await app.page.click('#save-zones')
    await app.page.waitForFunction(() =>
      /Self-intersection/i.test(document.getElementById('draw-problems')!.textContent ?? ''),
    )
    expect(await planZones()).toHaveLength(2)
    await app.page.screenshot({ path: path.join(REPO_ROOT, 'docs/planner-map.png') })
  })

  it('lists each refused feature of an imported file and stores none of them', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [[at(0, 2400), at(300, 2400), at(300, 2700), at(0, 2400)]],
          },
          properties: { name: 'ok', category: 'other' },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [[at(600, 2400), at(900, 2400), at(900, 2700), at(600, 2400)]],
          },
          properties: { name: 'bad', category: 'moon_base' },
        },
      ],
    }
    await app.page.setInputFiles('#import-file', {
      name: 'zones.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify(fc)),
    })
    await app.page.waitForFunction(() => document.querySelectorAll('#import-problems li').length > 0)
    const items = await app.page.$$eval('#import-problems li', (l) => l.map((li) => li.textContent ?? ''))
    expect(items.some((t) => t.startsWith('#1') && t.includes('moon_base'))).toBe(true)
    expect(items.some((t) => t.startsWith('#0'))).toBe(false)
    expect(await planZones()).toHaveLength(2)
  })

  it('runs the plan check and lists the problems the API finds', async () => {
    const check = await app.get(data.planner, `/api/v1/plans/${planId}/check`)
    await app.page.click('#check-plan')
    await app.page.waitForFunction(() => document.querySelectorAll('#check-problems li').length > 0)
    const items = await app.page.$$eval('#check-problems li', (l) => l.map((li) => li.textContent ?? ''))
    expect(items).toHaveLength(check.ok ? 1 : check.problems.length)
    for (const p of check.problems as { kind: string }[])
      expect(items.some((t) => t.startsWith(p.kind))).toBe(true)
  })

  it('downloads the filing package and submits the plan', async () => {
    const download = app.page.waitForEvent('download')
    await app.page.click('#export-plan')
    expect((await download).suggestedFilename()).toMatch(/\.zip$/)
    await app.page.click('#submit-plan')
    await app.page.waitForFunction(() =>
      document.getElementById('planner-status')!.textContent!.includes('submitted'),
    )
    expect((await app.get(data.planner, `/api/v1/plans/${planId}`)).status).toBe('submitted')
  })

  it('logged no console error and asked no host but the server', () => {
    // the refused saves above answer 422 by design; nothing else may fail
    expect(app.errors.filter((e) => !e.includes('status of 422'))).toEqual([])
    expect(app.foreignRequests).toEqual([])
  })
})
