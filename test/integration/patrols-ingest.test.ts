import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPatrolContentV1 } from '../../server/domain/coverage/content-hash.js'
import { parseGeojsonTrack } from '../../server/domain/track/parse-geojson-track.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

// POST /patrols end to end on a county whose zones were filed through the API: segment matching,
// once per zone and day, understaffed patrols, idempotency, the three body formats, the ledger.

let ctx: TestContext
let device: string
let reader: string
let unitId: string
let people: string[]
const zones: Record<string, string> = {}

// metres → degrees near 30°N (construction only; every expectation is measured, not assumed)
const M_LAT = 1 / 110_850
const M_LON = 1 / 96_490
const ORIGIN = { lon: 103.95, lat: 29.95 }
const at = (xM: number, yM: number): [number, number] => [ORIGIN.lon + xM * M_LON, ORIGIN.lat + yM * M_LAT]
const rect = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]],
})

beforeAll(async () => {
  ctx = await createTestContext()
  const planner = await ctx.token('planner', '510199')
  const admin = await ctx.token('admin', '510199')
  device = await ctx.token('device', '510199')
  reader = await ctx.token('viewer', '510199')
  const api = async (
    token: string,
    method: 'POST' | 'GET',
    url: string,
    payload?: unknown,
    type?: string,
  ) => {
    const res = await ctx.app.inject({
      method,
      url,
      headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    })
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
  const unit = await api(admin, 'POST', '/api/v1/units', {
    name: '城关国土资源所',
    kind: 'station',
    division_code: '510199',
  })
  unitId = unit.id
  people = []
  for (const name of ['张伟', '李娜', '王强'])
    people.push((await api(admin, 'POST', '/api/v1/people', { name, unit_id: unitId })).id)

  const plan = await api(planner, 'POST', '/api/v1/plans', {
    division_code: '510199',
    name: '巡查区域',
    effective_from: '2026-01-01',
  })
  const features = [
    // a strip 10 m wide and 300 m long, north–south
    { name: 'narrow', category: 'hotspot', geometry: rect(0, 0, 10, 300) },
    { name: 'zigzag', category: 'basic_farmland', geometry: rect(1000, 0, 1500, 500) },
    { name: 'solo', category: 'basic_farmland', geometry: rect(2000, 0, 2500, 500) },
    { name: 'idem', category: 'other_farmland', geometry: rect(3000, 0, 3500, 500) },
    { name: 'formats', category: 'other_farmland', geometry: rect(4000, 0, 4500, 500) },
    { name: 'standstill', category: 'other_farmland', geometry: rect(5000, 0, 5500, 500) },
    { name: 'midnight', category: 'other_farmland', geometry: rect(6000, 0, 6500, 500) },
  ]
  const imported = await api(
    planner,
    'POST',
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'FeatureCollection',
      features: features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { name: f.name, category: f.category, unit_id: unitId },
      })),
    }),
    'application/geo+json',
  )
  for (const z of imported.zones as { id: string; name: string }[]) zones[z.name] = z.id
  await api(planner, 'POST', `/api/v1/plans/${plan.id}/submit`)
  await api(await ctx.token('supervisor', '510100'), 'POST', `/api/v1/plans/${plan.id}/file`)
})
afterAll(async () => ctx?.close())

/** Fixes every `stepS` seconds at `speed` m/s along a polyline given in local metres. */
function track(vertices: [number, number][], start: string, speed: number, stepS: number) {
  const coords: [number, number][] = []
  const times: string[] = []
  let t = Date.parse(start)
  let carry = 0
  for (let i = 1; i < vertices.length; i++) {
    const [x0, y0] = vertices[i - 1]!
    const [x1, y1] = vertices[i]!
    const len = Math.hypot(x1 - x0, y1 - y0)
    for (let d = carry; d < len; d += speed * stepS) {
      coords.push(at(x0 + ((x1 - x0) * d) / len, y0 + ((y1 - y0) * d) / len))
      times.push(new Date(t).toISOString())
      t += stepS * 1000
      carry = d + speed * stepS - len
    }
  }
  const [xl, yl] = vertices[vertices.length - 1]!
  coords.push(at(xl, yl))
  times.push(new Date(t).toISOString())
  return { coords, times }
}

const feature = (t: { coords: [number, number][]; times: string[] }) => ({
  type: 'Feature',
  geometry: { type: 'LineString', coordinates: t.coords },
  properties: { coordTimes: t.times },
})

function postPatrol(body: Record<string, unknown>, token = device) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/patrols', headers: bearer(token), payload: body })
}

interface Visit {
  zone_id: string
  counted: boolean
  reason: string | null
  entered_at: string
  left_at: string
  clipped_length_m: number
  dwell_s: number
  covered_share: number
}

const visitsTo = (body: { visits: Visit[] }, name: string): Visit[] =>
  body.visits.filter((v) => v.zone_id === zones[name])

describe('matching segments, not fixes', () => {
  it('a 10 m strip crossed between two fixes 30 s apart counts as a visit, entered between the fixes', async () => {
    // fixes 300 m apart at 10 m/s: x = -450, -150, 150, 450; none lies in the strip (x ∈ [0, 10])
    const t = track(
      [
        [-450, 150],
        [450, 150],
      ],
      '2026-05-04T01:00:00Z',
      10,
      30,
    )
    expect(t.coords.map((c) => Math.round((c[0] - ORIGIN.lon) / M_LON))).toEqual([-450, -150, 150, 450])
    const res = await postPatrol({
      external_id: 'narrow-1',
      unit_id: unitId,
      staff: people.slice(0, 2),
      kind: 'routine',
      track: feature(t),
    })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    const visit = visitsTo(body, 'narrow')[0]!
    expect(visit.counted).toBe(true)
    // the strip lies 150–160 m after the fix at 01:00:30, i.e. 15–16 s later
    const entered = Date.parse(visit.entered_at)
    expect(entered).toBeGreaterThanOrEqual(Date.parse('2026-05-04T01:00:44.5Z'))
    expect(entered).toBeLessThanOrEqual(Date.parse('2026-05-04T01:00:45.5Z'))
    expect(Date.parse(visit.left_at) - entered).toBeGreaterThan(500)
    expect(Date.parse(visit.left_at) - entered).toBeLessThan(1500)
    expect(visit.clipped_length_m).toBeGreaterThan(9)
    expect(visit.clipped_length_m).toBeLessThan(11)
    // the 100 m wide swath covers a third of the 300 m strip
    expect(visit.covered_share).toBeGreaterThan(0.3)
    expect(visit.covered_share).toBeLessThan(0.36)
  })

  it('ten zigzags in and out of a zone on one day count once, with the time inside summed', async () => {
    // 20 legs across the zone's north edge (y = 500): in to y = 400, out to y = 600
    const vertices: [number, number][] = [[1000, 600]]
    for (let k = 0; k < 10; k++) vertices.push([1025 + 45 * k, 400], [1050 + 45 * k, 600])
    const t = track(vertices, '2026-05-05T01:00:00Z', 5, 10)
    const res = await postPatrol({
      external_id: 'zigzag-1',
      unit_id: unitId,
      staff: people.slice(0, 2),
      kind: 'routine',
      track: feature(t),
    })
    expect(res.statusCode, res.body).toBe(201)
    const visits = visitsTo(res.json(), 'zigzag')
    expect(visits).toHaveLength(1)
    // half of each leg is inside; about 40 s of every 80 s
    const total = (Date.parse(t.times[t.times.length - 1]!) - Date.parse(t.times[0]!)) / 1000
    expect(visits[0]!.dwell_s / total).toBeGreaterThan(0.45)
    expect(visits[0]!.dwell_s / total).toBeLessThan(0.55)
    const rows = await ctx.db.query(
      `SELECT count(*)::integer AS n FROM zone_visits WHERE zone_id = $1::uuid`,
      [zones.zigzag],
    )
    expect(rows.rows[0]).toEqual({ n: 1 })
  })
})

describe('time inside', () => {
  it('a device standing still inside a zone accumulates dwell time (legs of zero length)', async () => {
    // 10 minutes at one spot (its 50 m swath is 3 % of the zone: only the time can make it a visit)
    const coords = Array.from({ length: 21 }, () => at(5250, 250))
    const times = coords.map((_, i) =>
      new Date(Date.parse('2026-05-10T01:00:00Z') + i * 30_000).toISOString(),
    )
    const res = await postPatrol({
      external_id: 'still-1',
      unit_id: unitId,
      staff: people.slice(0, 2),
      kind: 'routine',
      track: feature({ coords, times }),
    })
    expect(res.statusCode, res.body).toBe(201)
    const visit = visitsTo(res.json(), 'standstill')[0]!
    expect(visit.covered_share).toBeLessThan(0.05)
    expect(visit.dwell_s).toBeCloseTo(600, 0)
    expect(visit.counted).toBe(true)
  })

  it('a patrol through a zone across Beijing midnight is one visit on each day', async () => {
    // 23:50 to 00:10 Beijing, back and forth through the zone
    const t = track(
      [
        [5900, 250],
        [6600, 250],
        [5900, 250],
      ],
      '2026-05-10T15:50:00Z',
      1.2,
      20,
    )
    const res = await postPatrol({
      external_id: 'midnight-1',
      unit_id: unitId,
      staff: people.slice(0, 2),
      kind: 'routine',
      track: feature(t),
    })
    expect(res.statusCode, res.body).toBe(201)
    const visits = visitsTo(res.json(), 'midnight') as (Visit & { visit_date: string })[]
    expect(visits.map((v) => v.visit_date)).toEqual(['2026-05-10', '2026-05-11'])
    expect(visits[0]!.left_at <= '2026-05-10T16:00:00.000Z').toBe(true)
    expect(visits[1]!.entered_at >= '2026-05-10T16:00:00.000Z').toBe(true)
  })
})

describe('staff', () => {
  it('a one-person patrol is recorded and flagged but does not count', async () => {
    const t = track(
      [
        [1900, 250],
        [2600, 250],
      ],
      '2026-05-06T01:00:00Z',
      2,
      10,
    )
    const res = await postPatrol({
      external_id: 'solo-1',
      unit_id: unitId,
      staff: [people[0]],
      kind: 'routine',
      track: feature(t),
    })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(body.counts_for_frequency).toBe(false)
    expect(body.flags).toEqual(['understaffed'])
    expect(body.warnings.join(' ')).toMatch(/at least 2/)
    const visit = visitsTo(body, 'solo')[0]!
    expect(visit).toMatchObject({ counted: false, reason: 'understaffed' })
    // nothing reaches the coverage figures
    const coverage = await ctx.db.query(
      `SELECT count(*)::integer AS n FROM zone_period_coverage WHERE zone_id = $1::uuid`,
      [zones.solo],
    )
    expect(coverage.rows[0]).toEqual({ n: 0 })
    const read = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/coverage?division=510199&from=2026-05-04&to=2026-05-10',
      headers: bearer(reader),
    })
    const zone = read.json().zones.find((z: { zone_id: string }) => z.zone_id === zones.solo)
    expect(zone.visits).toBe(0)
  })

  it('staff from another county are refused with their position', async () => {
    const sibling = await ctx.token('admin', '510198')
    const otherUnit = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: bearer(sibling),
      payload: { name: '邻县所', kind: 'station', division_code: '510198' },
    })
    const stranger = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(sibling),
      payload: { name: '外县', unit_id: otherUnit.json().id },
    })
    const t = track(
      [
        [1900, 250],
        [2600, 250],
      ],
      '2026-05-06T02:00:00Z',
      2,
      10,
    )
    const res = await postPatrol({
      external_id: 'stranger-1',
      unit_id: unitId,
      staff: [people[0], stranger.json().id],
      kind: 'routine',
      track: feature(t),
    })
    expect(res.statusCode).toBe(422)
    expect(res.json().errors).toEqual([expect.objectContaining({ path: '/staff/1' })])
  })

  it('a unit outside the caller’s jurisdiction is not found', async () => {
    const siblingDevice = await ctx.token('device', '510198')
    const t = track(
      [
        [1900, 250],
        [2600, 250],
      ],
      '2026-05-06T03:00:00Z',
      2,
      10,
    )
    const res = await postPatrol(
      {
        external_id: 'foreign-1',
        unit_id: unitId,
        staff: people.slice(0, 2),
        kind: 'routine',
        track: feature(t),
      },
      siblingDevice,
    )
    expect(res.statusCode).toBe(404)
  })
})

describe('idempotency on external_id', () => {
  const body = (externalId: string, shift = 0) => ({
    external_id: externalId,
    unit_id: unitId,
    staff: people.slice(0, 2),
    kind: 'routine',
    track: feature(
      track(
        [
          [2900, 250 + shift],
          [3600, 250],
        ],
        '2026-05-07T01:00:00Z',
        3,
        10,
      ),
    ),
  })

  it('the same content again answers 200 with the same patrol and the same body; other content 409', async () => {
    const first = await postPatrol(body('idem-1'))
    expect(first.statusCode, first.body).toBe(201)
    const again = await postPatrol({ ...body('idem-1'), staff: [...people.slice(0, 2)].reverse() })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first.json())
    const changed = await postPatrol(body('idem-1', 5))
    expect(changed.statusCode).toBe(409)
    expect(changed.json().patrol_id).toBe(first.json().id)
    const n = await ctx.db.query(`SELECT count(*)::integer AS n FROM patrols WHERE external_id = 'idem-1'`)
    expect(n.rows[0]).toEqual({ n: 1 })
  })

  it('a patrol stored with the version 1 content hash is recognised by it: a replay 200, other content 409', async () => {
    const first = await postPatrol(body('idem-v1'))
    expect(first.statusCode, first.body).toBe(201)
    // as a patrol stored before version 2 of the hash carries it
    const sent = body('idem-v1')
    const v1 = hashPatrolContentV1({
      unitId: sent.unit_id,
      staff: sent.staff,
      kind: sent.kind,
      crs: 'EPSG:4326',
      track: parseGeojsonTrack(sent.track, { basePath: '/track' }),
    })
    const stored = await ctx.db.query<{ content_hash: string }>(
      `UPDATE patrols p SET content_hash = $1::text FROM patrols o
        WHERE p.id = o.id AND p.external_id = 'idem-v1' RETURNING o.content_hash`,
      [v1],
    )
    expect(stored.rows).toHaveLength(1)
    expect(stored.rows[0]!.content_hash).not.toBe(v1)
    const again = await postPatrol(body('idem-v1'))
    expect(again.statusCode, again.body).toBe(200)
    expect(again.json()).toEqual(first.json())
    const changed = await postPatrol(body('idem-v1', 5))
    expect(changed.statusCode).toBe(409)
  })

  it('two identical posts at the same moment make one patrol', async () => {
    const [a, b] = await Promise.all([postPatrol(body('idem-2')), postPatrol(body('idem-2'))])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201])
    expect(a.json()).toEqual(b.json())
    const n = await ctx.db.query(
      `SELECT count(*)::integer AS n, (SELECT count(*)::integer FROM zone_visits v JOIN patrols p ON p.id = v.patrol_id WHERE p.external_id = 'idem-2') AS visits
         FROM patrols WHERE external_id = 'idem-2'`,
    )
    expect(n.rows[0]).toEqual({ n: 1, visits: 1 })
  })
})

describe('body formats', () => {
  const t = track(
    [
      [3900, 250],
      [4600, 250],
    ],
    '2026-05-08T01:00:00Z',
    3,
    10,
  )
  const query = (id: string) =>
    `?external_id=${id}&unit_id=${unitId}&staff=${people[0]},${people[1]}&kind=supervision`

  it('GPX with the metadata in the query string', async () => {
    const gpx = `<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>${t.coords
      .map((c, i) => `<trkpt lat="${c[1]}" lon="${c[0]}"><time>${t.times[i]}</time></trkpt>`)
      .join('')}</trkseg></trk></gpx>`
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/patrols${query('gpx-1')}`,
      headers: { ...bearer(device), 'content-type': 'application/gpx+xml' },
      payload: gpx,
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().points_kept).toBe(t.coords.length)
    expect(visitsTo(res.json(), 'formats')).toHaveLength(1)
  })

  it('CSV with the metadata in the query string; the same points as GPX are the same content', async () => {
    const csv = ['time,lon,lat', ...t.coords.map((c, i) => `${t.times[i]},${c[0]},${c[1]}`)].join('\n')
    const post = (id: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/patrols${query(id)}`,
        headers: { ...bearer(device), 'content-type': 'text/csv' },
        payload: csv,
      })
    const res = await post('csv-1')
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().length_m).toBeGreaterThan(650)
    // a device re-sending the GPX patrol as CSV is replaying it
    expect((await post('gpx-1')).statusCode).toBe(200)
  })

  it('a JSON body must not also carry metadata in the query string', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/patrols?kind=routine`,
      headers: bearer(device),
      payload: {
        external_id: 'q-1',
        unit_id: unitId,
        staff: people.slice(0, 2),
        kind: 'routine',
        track: feature(t),
      },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors[0].path).toBe('/query/kind')
  })
})

describe('the ledger', () => {
  it('lists the patrols of the span and shows one with its segments, fix times and dropped points', async () => {
    const t = track(
      [
        [-450, 150],
        [450, 150],
      ],
      '2026-05-09T01:00:00Z',
      10,
      30,
    )
    // a repeat of fix 1, and fix 2 thrown 2 km north (250 km/h to reach and to leave)
    const coords = [...t.coords]
    const times = [...t.times]
    coords.splice(2, 0, t.coords[1]!)
    times.splice(2, 0, t.times[1]!)
    coords[3] = at(150, 2150)
    const posted = await postPatrol({
      external_id: 'ledger-1',
      unit_id: unitId,
      staff: people,
      kind: 'special',
      track: feature({ coords, times }),
    })
    expect(posted.statusCode, posted.body).toBe(201)
    expect(posted.json().dropped).toEqual({
      outliers: 1,
      duplicates: 1,
      inaccurate: 0,
      invalid: 0,
      isolated: 0,
    })

    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/patrols?division=510199&from=2026-05-09&to=2026-05-09',
      headers: bearer(reader),
    })
    expect(list.statusCode, list.body).toBe(200)
    expect(list.json().items.map((p: { external_id: string }) => p.external_id)).toEqual(['ledger-1'])
    expect(list.json().items[0]).toMatchObject({
      staff_count: 3,
      kind: 'special',
      unit_name: '城关国土资源所',
    })

    const detail = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/patrols/${posted.json().id}`,
      headers: bearer(reader),
    })
    expect(detail.statusCode, detail.body).toBe(200)
    const d = detail.json()
    expect(d.track.features).toHaveLength(1)
    expect(d.track.features[0].properties.coordTimes).toHaveLength(d.points_kept)
    expect(d.track.features[0].properties.coordTimes[0]).toBe(t.times[0])
    expect(d.dropped_points.map((p: { index: number; reason: string }) => [p.index, p.reason])).toEqual([
      [2, 'duplicate'],
      [3, 'outlier'],
    ])
    // a reader of another county does not see it
    const sibling = await ctx.token('viewer', '510198')
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/patrols/${posted.json().id}`,
          headers: bearer(sibling),
        })
      ).statusCode,
    ).toBe(404)
  })
})
