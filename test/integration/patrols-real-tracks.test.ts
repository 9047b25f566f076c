// Real device tracks from ../shared/data/tracks (sources and licences in its MANIFEST.md: gpxpy
// test_files (Apache-2.0), togeojson test/data (BSD-2-Clause), running_page GPX_OUT (MIT)), posted as
// GPX bodies. Each gets a throw-away county drawn around it (they lie in Hunan, Guangdong, Slovenia,
// Croatia and the USA) with one filed zone around the middle third of the track.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedFile } from '../support/paths.js'
import { snapshotDatabase } from './support/snapshot.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let cityFiler: string
let nextCounty = 1

beforeAll(async () => {
  ctx = await createTestContext()
  for (const d of [
    { code: '910000', name: '测试省', level: 'province', parent_code: '000000' },
    { code: '910100', name: '测试市', level: 'city', parent_code: '910000' },
  ]) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/divisions',
      headers: bearer(ctx.rootToken),
      payload: d,
    })
    expect(res.statusCode, res.body).toBe(201)
  }
  cityFiler = await ctx.token('supervisor', '910100')
})
afterAll(async () => ctx?.close())

const read = (file: string) => readFileSync(sharedFile('tracks', file), 'utf8')

/** lon/lat of the trkpt elements in document order (attribute order varies between writers). */
function trackPoints(gpx: string): [number, number][] {
  return [...gpx.matchAll(/<trkpt\b([^>]*)>/g)].map((m) => {
    const attrs = m[1] ?? ''
    return [Number(/lon="([^"]+)"/.exec(attrs)?.[1]), Number(/lat="([^"]+)"/.exec(attrs)?.[1])]
  })
}

const box = (xs: number[], ys: number[], pad: number) => {
  const [x0, x1, y0, y1] = [
    Math.min(...xs) - pad,
    Math.max(...xs) + pad,
    Math.min(...ys) - pad,
    Math.max(...ys) + pad,
  ]
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  }
}

interface County {
  code: string
  device: string
  query: (externalId: string) => string
}

/** A county around the track, a unit with two people, and a filed plan with one zone. */
async function countyAround(points: [number, number][]): Promise<County> {
  const code = `9101${String(nextCounty++).padStart(2, '0')}`
  const lons = points.map((p) => p[0])
  const lats = points.map((p) => p[1])
  const api = async (token: string, url: string, payload?: unknown, type?: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    })
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
  await api(ctx.rootToken, '/api/v1/divisions', {
    code,
    name: `测试县${code}`,
    level: 'county',
    parent_code: '910100',
    boundary: box(lons, lats, 0.05),
  })
  const admin = await ctx.token('admin', code)
  const planner = await ctx.token('planner', code)
  const unit = await api(admin, '/api/v1/units', { name: '巡查所', kind: 'station', division_code: code })
  const staff = [
    (await api(admin, '/api/v1/people', { name: '甲', unit_id: unit.id })).id,
    (await api(admin, '/api/v1/people', { name: '乙', unit_id: unit.id })).id,
  ]
  const third = Math.floor(points.length / 3)
  const middle = points.slice(third, 2 * third)
  const plan = await api(planner, '/api/v1/plans', {
    division_code: code,
    name: '方案',
    effective_from: '2000-01-01',
  })
  const zone = {
    type: 'Feature',
    geometry: box(
      middle.map((p) => p[0]),
      middle.map((p) => p[1]),
      0.0005,
    ),
    properties: { category: 'hotspot', name: '中段' },
  }
  await api(
    planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({ type: 'FeatureCollection', features: [zone] }),
    'application/geo+json',
  )
  await api(planner, `/api/v1/plans/${plan.id}/submit`)
  await api(cityFiler, `/api/v1/plans/${plan.id}/file`)
  return {
    code,
    device: await ctx.token('device', code),
    query: (externalId) =>
      `?external_id=${externalId}&unit_id=${unit.id}&staff=${staff.join(',')}&kind=routine`,
  }
}

async function postGpx(file: string) {
  const gpx = read(file)
  const county = await countyAround(trackPoints(gpx))
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/patrols${county.query(file)}`,
    headers: { ...bearer(county.device), 'content-type': 'application/gpx+xml' },
    payload: gpx,
  })
  return { res, county, received: trackPoints(gpx).length }
}

interface Summary {
  points_received: number
  points_kept: number
  dropped: Record<string, number>
  reordered: number
  segments: number
  length_m: number
  visits: { counted: boolean }[]
  warnings: string[]
}

function expectHonestCounts(body: Summary, received: number) {
  expect(body.points_received).toBe(received)
  const dropped = Object.values(body.dropped).reduce((a, b) => a + b, 0)
  expect(body.points_kept + dropped).toBe(received)
}

describe('real GPX tracks ingest with sensible cleaning reports', () => {
  it('Slovenia (gpxpy): the 330 km/h jump is dropped, the 7 segments with points stay apart', async () => {
    const { res, received } = await postGpx('si_cerknicko-jezero_gpxpy.gpx')
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json() as Summary
    expectHonestCounts(body, received)
    expect(body.dropped.outliers).toBe(1)
    expect(body.segments).toBeGreaterThanOrEqual(7)
    expect(body.visits.filter((v) => v.counted).length).toBeGreaterThanOrEqual(1)
  })

  it('USA (togeojson blue_hills): backwards time re-sorted, kept as segments, the 113–117 km/h jumps dropped', async () => {
    const { res, received } = await postGpx('us_blue_hills_togeojson.gpx')
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json() as Summary
    expectHonestCounts(body, received)
    expect(body.reordered).toBeGreaterThan(0)
    expect(body.warnings.join(' ')).toMatch(/out of time order/)
    expect(body.segments).toBeGreaterThan(10)
    expect(body.dropped.isolated).toBe(1)
    // the 113–117 km/h jumps in the walk (under the 120 km/h maximum, but five times and more the walk
    // around them): an end of each, and a few like them at 68–75 km/h (track-clean-real.test.ts)
    expect(body.dropped.outliers).toBeGreaterThanOrEqual(3)
    expect(body.dropped.outliers).toBeLessThanOrEqual(10)
    expect(body.warnings.join(' ')).not.toMatch(/faster than/)
  })

  it('Hunan walk and ride, Guangdong hike, Croatian drive: lengths as the MANIFEST gives them', async () => {
    const expected: [string, number][] = [
      ['cn_hunan_longhui_walk_590051062.gpx', 2_600],
      ['cn_hunan_longhui_ride_590026363.gpx', 57_700],
      ['cn_guangdong_renhua_hike_589608452.gpx', 8_000],
    ]
    for (const [file, metres] of expected) {
      const { res, received } = await postGpx(file)
      expect(res.statusCode, `${file}: ${res.body.slice(0, 300)}`).toBe(201)
      const body = res.json() as Summary
      expectHonestCounts(body, received)
      expect(Math.abs(body.length_m - metres) / metres, file).toBeLessThan(0.1)
      expect(body.visits.length, file).toBeGreaterThanOrEqual(1)
    }
    const drive = await postGpx('hr_around-visnjan-with-car_gpxpy.gpx')
    expect(drive.res.statusCode).toBe(201)
    expect(drive.res.json().points_kept).toBe(104)
  })

  it('the empty real export is refused with its reason and stores nothing', async () => {
    const gpx = read('cn_empty_track_446724793.gpx')
    const county = await countyAround([
      [112, 27],
      [112.01, 27.01],
      [112.02, 27.02],
    ])
    const before = await snapshotDatabase(ctx.db)
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/patrols${county.query('empty')}`,
      headers: { ...bearer(county.device), 'content-type': 'application/gpx+xml' },
      payload: gpx,
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([expect.objectContaining({ reason: 'TRACK_EMPTY' })])
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })
})
