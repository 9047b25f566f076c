// The patrol view in Chromium: uploading a GPX file shows the cleaned track on the map, the dropped
// fix with its reason, and the zones it visited — the zone the walk crosses and no other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BACKGROUND,
  coloursAt,
  distance,
  openBrowserApp,
  signIn,
  waitForMap,
  type BrowserApp,
} from './support/browser-app.js'
import { at, centreOf, prepareCounty, walkNorth, ZONES, type CountyData } from './support/county-data.js'

let app: BrowserApp
let data: CountyData

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
  data = await prepareCounty(app, { walks: false })
  const patroller = await app.ctx.token('patroller', '510199')
  await signIn(app, patroller)
  await app.page.click('#tab-patrol')
  await app.page.waitForFunction(
    () => (document.getElementById('patrol-staff') as HTMLSelectElement).options.length === 2,
  )
})
afterAll(async () => app?.close())

describe('the patrol view', () => {
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
