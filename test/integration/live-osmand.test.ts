// Live fixes from phones (OsmAnd / Traccar Client protocol at /osmand), assembled into patrols.
// The realistic phone is a real walk from ../shared/data/tracks (running_page GPX_OUT, MIT; see its
// MANIFEST.md) replayed fix by fix in the three forms real clients use: OsmAnd's GET query, the
// form-encoded POST of older Traccar Clients, and Traccar Client's JSON body.
import { readFileSync } from 'node:fs'
import * as turf from '@turf/turf'
import * as gcoordModule from 'gcoord'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveSweeper, sweepLivePatrols } from '../../server/routes/devices/live-patrol.js'
import { sharedFile } from '../support/paths.js'
import { snapshotDatabase } from './support/snapshot.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

const gcoord = gcoordModule.default as unknown as typeof gcoordModule.default.default

const IDLE_MS = 10 * 60 * 1000
let ctx: TestContext
let nextCounty = 1

interface Fix {
  lon: number
  lat: number
  /** epoch ms */
  t: number
  ele: number | undefined
  /** the coordinates as written in the file, sent as text the way a phone would */
  lonText: string
  latText: string
}

/** Every trkpt of a GPX file in document order, read here independently of the product's GPX parser. */
function gpxFixes(file: string): Fix[] {
  const gpx = readFileSync(sharedFile('tracks', file), 'utf8')
  return [...gpx.matchAll(/<trkpt\b([^>]*)>([\s\S]*?)<\/trkpt>/g)].map((m) => {
    const attrs = m[1] ?? ''
    const body = m[2] ?? ''
    const lonText = /lon="([^"]+)"/.exec(attrs)![1]!
    const latText = /lat="([^"]+)"/.exec(attrs)![1]!
    const ele = /<ele>([^<]+)<\/ele>/.exec(body)?.[1]
    return {
      lon: Number(lonText),
      lat: Number(latText),
      t: Date.parse(/<time>([^<]+)<\/time>/.exec(body)![1]!),
      ele: ele === undefined ? undefined : Number(ele),
      lonText,
      latText,
    }
  })
}

interface County {
  code: string
  admin: string
  unitId: string
  staff: string[]
}

async function api(token: string, method: 'POST' | 'GET' | 'DELETE', url: string, payload?: unknown) {
  return ctx.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  })
}

/** A throw-away county drawn around the points, with a station and two people. */
async function countyAround(points: { lon: number; lat: number }[]): Promise<County> {
  const code = `9101${String(nextCounty++).padStart(2, '0')}`
  const lons = points.map((p) => p.lon)
  const lats = points.map((p) => p.lat)
  const [x0, x1, y0, y1] = [
    Math.min(...lons) - 0.05,
    Math.max(...lons) + 0.05,
    Math.min(...lats) - 0.05,
    Math.max(...lats) + 0.05,
  ]
  const boundary = {
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
  const div = await api(ctx.rootToken, 'POST', '/api/v1/divisions', {
    code,
    name: `测试县${code}`,
    level: 'county',
    parent_code: '910100',
    boundary,
  })
  expect(div.statusCode, div.body).toBe(201)
  const admin = await ctx.token('admin', code)
  const unit = await api(admin, 'POST', '/api/v1/units', {
    name: '巡查所',
    kind: 'station',
    division_code: code,
  })
  expect(unit.statusCode, unit.body).toBe(201)
  const staff: string[] = []
  for (const name of ['甲', '乙']) {
    const person = await api(admin, 'POST', '/api/v1/people', { name, unit_id: unit.json().id })
    expect(person.statusCode, person.body).toBe(201)
    staff.push(person.json().id)
  }
  return { code, admin, unitId: unit.json().id, staff }
}

async function register(county: County, deviceId: string, extra: Record<string, unknown> = {}) {
  const res = await api(county.admin, 'POST', '/api/v1/devices', {
    device_id: deviceId,
    unit_id: county.unitId,
    staff: county.staff,
    kind: 'routine',
    ...extra,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

type Style = 'get' | 'form' | 'json'

/** One fix the way each client sends it: OsmAnd GET (epoch s), form POST (epoch ms), Traccar JSON (ISO). */
function sendFix(deviceId: string, f: Fix, style: Style, accuracy = 5) {
  if (style === 'get') {
    const q = new URLSearchParams({
      id: deviceId,
      lat: f.latText,
      lon: f.lonText,
      timestamp: String(f.t / 1000),
      hdop: String(accuracy),
      speed: '1.2',
      bearing: '90',
      ...(f.ele === undefined ? {} : { altitude: String(f.ele) }),
      batt: '87',
    })
    return ctx.app.inject({ method: 'GET', url: `/osmand?${q}` })
  }
  if (style === 'form') {
    return ctx.app.inject({
      method: 'POST',
      url: '/osmand',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        deviceid: deviceId,
        lat: f.latText,
        lon: f.lonText,
        timestamp: String(f.t),
        accuracy: String(accuracy),
      }).toString(),
    })
  }
  return ctx.app.inject({
    method: 'POST',
    url: '/osmand',
    headers: { 'content-type': 'application/json' },
    payload: {
      device_id: deviceId,
      location: {
        timestamp: new Date(f.t).toISOString(),
        coords: {
          latitude: f.lat,
          longitude: f.lon,
          accuracy,
          speed: -1,
          heading: -1,
          altitude: f.ele ?? 0,
        },
        is_moving: true,
        event: 'motionchange',
        battery: { level: 0.87, is_charging: false },
      },
    },
  })
}

async function replay(deviceId: string, fixes: Fix[]) {
  const styles: Style[] = ['get', 'form', 'json']
  for (let i = 0; i < fixes.length; i++) {
    const res = await sendFix(deviceId, fixes[i]!, styles[i % 3]!)
    expect(res.statusCode, `fix ${i}: ${res.body}`).toBe(200)
    expect(res.body).toBe('')
  }
}

async function live(county: County, deviceId: string) {
  const res = await api(county.admin, 'GET', `/api/v1/devices/${deviceId}/live`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

async function patrolsOf(county: County) {
  const res = await api(
    county.admin,
    'GET',
    `/api/v1/patrols?division=${county.code}&from=2026-01-01&to=2026-12-31`,
  )
  expect(res.statusCode, res.body).toBe(200)
  return res.json().items as { id: string; external_id: string; points_received: number }[]
}

/**
 * A sweep as if the sweeper ran `afterMs` after the last post; the outcomes for `deviceId` (the
 * sweep closes every idle device, including other tests' leftovers).
 */
async function sweepAfter(afterMs: number, deviceId: string) {
  const outcomes = await sweepLivePatrols(ctx.db, { now: Date.now() + afterMs, idleMs: IDLE_MS })
  return outcomes.filter((o) => o.deviceId === deviceId)
}

beforeAll(async () => {
  ctx = await createTestContext()
  for (const d of [
    { code: '910000', name: '测试省', level: 'province', parent_code: '000000' },
    { code: '910100', name: '测试市', level: 'city', parent_code: '910000' },
  ]) {
    const res = await api(ctx.rootToken, 'POST', '/api/v1/divisions', d)
    expect(res.statusCode, res.body).toBe(201)
  }
})
afterAll(async () => ctx?.close())

describe('a phone replaying a real walk becomes one patrol after the idle time', () => {
  const walk = gpxFixes('cn_hunan_longhui_walk_590051062.gpx')
  let county: County

  it('buffers every fix, whatever the client form, and closes only when idle', async () => {
    // precondition of "one patrol": no gap in the walk reaches the idle time
    for (let i = 1; i < walk.length; i++) expect(walk[i]!.t - walk[i - 1]!.t).toBeLessThan(IDLE_MS)
    county = await countyAround(walk)
    await register(county, 'walk-phone-01')
    await replay('walk-phone-01', walk)

    const open = await live(county, 'walk-phone-01')
    expect(open.open).toBe(true)
    expect(open.fixes).toBe(walk.length)
    expect(open.first_fix_at).toBe(new Date(Math.min(...walk.map((f) => f.t))).toISOString())
    expect(open.last_fix_at).toBe(new Date(Math.max(...walk.map((f) => f.t))).toISOString())

    // one minute later nothing is idle yet
    expect(await sweepAfter(60_000, 'walk-phone-01')).toEqual([])
    expect(await patrolsOf(county)).toHaveLength(0)

    const closed = await sweepAfter(IDLE_MS + 1000, 'walk-phone-01')
    expect(closed).toHaveLength(1)
    expect(closed[0]).toMatchObject({ deviceId: 'walk-phone-01', outcome: 'patrol', fixes: walk.length })
    // closing again finds nothing left
    expect(await sweepAfter(IDLE_MS + 2000, 'walk-phone-01')).toEqual([])
  })

  it('the patrol carries every fix and the same cleaning report as the file posted whole', async () => {
    const patrols = await patrolsOf(county)
    expect(patrols).toHaveLength(1)
    const patrol = patrols[0]!
    expect(patrol.external_id).toBe(`osmand:walk-phone-01:${new Date(walk[0]!.t).toISOString()}`)
    const detail = await api(county.admin, 'GET', `/api/v1/patrols/${patrol.id}`)
    expect(detail.statusCode, detail.body).toBe(200)
    const got = detail.json()
    expect(got.points_received).toBe(walk.length)
    const dropped = Object.values(got.dropped as Record<string, number>).reduce((a, b) => a + b, 0)
    expect(got.points_kept + dropped).toBe(walk.length)
    // the device's registration decides the patrol's metadata
    expect(got.unit_id).toBe(county.unitId)
    expect(got.staff).toEqual(county.staff)
    expect(got.division_code).toBe(county.code)
    expect(got.counts_for_frequency).toBe(true)

    // length against turf over the file's own points (the walk's one spike is under the limit)
    const turfM =
      turf.length(turf.lineString(walk.map((f) => [f.lon, f.lat])), { units: 'kilometers' }) * 1000
    expect(Math.abs(got.length_m - turfM) / turfM).toBeLessThan(0.02)

    // the same file posted whole as GPX is cleaned the same way: assembling loses nothing
    const gpx = readFileSync(sharedFile('tracks', 'cn_hunan_longhui_walk_590051062.gpx'), 'utf8')
    const whole = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/patrols?external_id=whole-walk&unit_id=${county.unitId}&staff=${county.staff.join(',')}&kind=routine`,
      headers: { ...bearer(county.admin), 'content-type': 'application/gpx+xml' },
      payload: gpx,
    })
    expect(whole.statusCode, whole.body).toBe(201)
    const w = whole.json()
    expect(got.points_kept).toBe(w.points_kept)
    expect(got.dropped).toEqual(w.dropped)
    expect(got.segments).toBe(w.segments)
    expect(got.length_m).toBeCloseTo(w.length_m, 3)

    const after = await live(county, 'walk-phone-01')
    expect(after.open).toBe(false)
    expect(after.fixes).toBe(0)
    expect(after.last_close_outcome).toBe('patrol')
    expect(after.last_patrol_id).toBe(patrol.id)
  })

  it('the same fixes sent again (a phone re-sending its queue) close into the same patrol', async () => {
    await replay('walk-phone-01', walk)
    const closed = await sweepAfter(IDLE_MS + 1000, 'walk-phone-01')
    expect(closed).toHaveLength(1)
    const first = (await patrolsOf(county)).find((p) => p.external_id.startsWith('osmand:'))!
    expect(closed[0]).toMatchObject({ outcome: 'patrol', patrolId: first.id, replay: true })
    expect((await patrolsOf(county)).filter((p) => p.external_id.startsWith('osmand:'))).toHaveLength(1)
  })
})

describe('closing when the next fix comes', () => {
  it('a fix after the idle time closes the open patrol first; a lone fix is refused with its reason', async () => {
    const ride = gpxFixes('cn_hunan_longhui_ride_590026363.gpx').slice(0, 30)
    const county = await countyAround(ride)
    await register(county, 'ride-phone-01')
    await replay('ride-phone-01', ride.slice(0, 20))
    // the phone comes back 15 minutes (in fix time) after its last fix
    const late = { ...ride[20]!, t: ride[19]!.t + 15 * 60_000 }
    expect((await sendFix('ride-phone-01', late, 'get')).statusCode).toBe(200)
    const patrols = await patrolsOf(county)
    expect(patrols).toHaveLength(1)
    expect(patrols[0]!.points_received).toBe(20)
    const state = await live(county, 'ride-phone-01')
    expect(state.fixes).toBe(1)
    expect(state.first_fix_at).toBe(new Date(late.t).toISOString())

    // that lone fix cannot make a patrol: refused, recorded, cleared (not retried forever)
    const closed = await sweepAfter(IDLE_MS + 1000, 'ride-phone-01')
    expect(closed).toHaveLength(1)
    expect(closed[0]!.outcome).toBe('refused')
    const after = await live(county, 'ride-phone-01')
    expect(after.fixes).toBe(0)
    expect(after.last_close_outcome).toBe('refused')
    expect(after.last_close_detail).toMatch(/1 fixes/)
    // the refused fix is kept aside with its reason, not dropped silently
    expect(after.refused_fixes).toBe(1)
    const kept = await ctx.db.query<{ refused_reason: string; fixed_at: Date }>(
      `SELECT refused_reason, fixed_at FROM live_fixes WHERE device_id = 'ride-phone-01'`,
    )
    expect(kept.rows).toHaveLength(1)
    expect(kept.rows[0]!.refused_reason).toBe('TRACK_SINGLE_POINT')
    expect(new Date(kept.rows[0]!.fixed_at).getTime()).toBe(late.t)
    // and a new fix starts a new open patrol without it
    expect((await sendFix('ride-phone-01', { ...late, t: late.t + 30 * 60_000 }, 'json')).statusCode).toBe(
      200,
    )
    expect((await live(county, 'ride-phone-01')).fixes).toBe(1)
    expect(await patrolsOf(county)).toHaveLength(1)
  })

  it('a fix of a new Beijing day closes the previous day', async () => {
    const ride = gpxFixes('cn_hunan_longhui_ride_590026363.gpx').slice(100, 110)
    const county = await countyAround(ride)
    await register(county, 'ride-phone-02')
    // shift the fixes to end just before Beijing midnight (16:00 UTC), the last one just after it
    const shift = Date.parse('2026-05-02T15:59:00Z') - ride[8]!.t
    const moved = ride.map((f) => ({ ...f, t: f.t + shift }))
    moved[9] = { ...moved[9]!, t: Date.parse('2026-05-02T16:00:05Z') }
    await replay('ride-phone-02', moved)
    const patrols = await patrolsOf(county)
    expect(patrols).toHaveLength(1)
    expect(patrols[0]!.points_received).toBe(9)
    expect((await live(county, 'ride-phone-02')).fixes).toBe(1)
  })
})

describe('GCJ-02 phones', () => {
  it('fixes of a device registered as gcj02 are stored in WGS84', async () => {
    const ride = gpxFixes('cn_hunan_longhui_ride_590026363.gpx').slice(200, 260)
    const county = await countyAround(ride)
    await register(county, 'gcj-phone-01', { crs: 'gcj02' })
    const shifted = ride.map((f) => {
      const [lon, lat] = gcoord.transform([f.lon, f.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number]
      return { ...f, lon, lat, lonText: String(lon), latText: String(lat) }
    })
    // the offset is large enough to matter
    expect(
      turf.distance([ride[0]!.lon, ride[0]!.lat], [shifted[0]!.lon, shifted[0]!.lat]) * 1000,
    ).toBeGreaterThan(100)
    await replay('gcj-phone-01', shifted)
    expect(await sweepAfter(IDLE_MS + 1000, 'gcj-phone-01')).toMatchObject([{ outcome: 'patrol' }])
    const [patrol] = await patrolsOf(county)
    const stored = await ctx.db.query<{ seq: number; lon: number; lat: number }>(
      `SELECT seq, lon, lat FROM patrol_points WHERE patrol_id = $1::uuid ORDER BY seq`,
      [patrol!.id],
    )
    expect(stored.rows).toHaveLength(ride.length)
    for (const row of stored.rows) {
      const original = ride[row.seq]!
      expect(turf.distance([original.lon, original.lat], [row.lon, row.lat]) * 1000).toBeLessThan(2)
    }
    const crs = await ctx.db.query<{ crs: string }>(`SELECT crs FROM patrols WHERE id = $1::uuid`, [
      patrol!.id,
    ])
    expect(crs.rows[0]!.crs).toBe('GCJ-02')
  })
})

describe('refused fixes store nothing', () => {
  let county: County
  const fix: Fix = {
    lon: 110.93,
    lat: 27.55,
    t: Date.parse('2026-05-01T07:30:27Z'),
    ele: 460,
    lonText: '110.93',
    latText: '27.55',
  }

  beforeAll(async () => {
    county = await countyAround([{ lon: 110.93, lat: 27.55 }])
    await register(county, 'strict-phone')
  })

  it('an unregistered device is refused with 403 problem+json', async () => {
    const before = await snapshotDatabase(ctx.db)
    for (const style of ['get', 'form', 'json'] as const) {
      const res = await sendFix('nobody-registered-me', fix, style)
      expect(res.statusCode).toBe(403)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.json().detail).toMatch(/not registered/)
    }
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
  })

  it('a bad latitude, a missing timestamp or a missing id is a 400 naming the parameter', async () => {
    const before = await snapshotDatabase(ctx.db)
    const cases: [string, string][] = [
      ['/osmand?id=strict-phone&lat=127.55&lon=110.93&timestamp=1777620627', 'lat'],
      ['/osmand?id=strict-phone&lat=abc&lon=110.93&timestamp=1777620627', 'lat'],
      ['/osmand?id=strict-phone&lon=110.93&timestamp=1777620627', 'lat'],
      ['/osmand?id=strict-phone&lat=27.55&lon=110.93', 'timestamp'],
      ['/osmand?id=strict-phone&lat=27.55&lon=110.93&timestamp=yesterday', 'timestamp'],
      ['/osmand?id=strict-phone&lat=27.55&lon=110.93&timestamp=2026-05-01T07:30:27', 'timestamp'],
      [
        `/osmand?id=strict-phone&lat=27.55&lon=110.93&timestamp=${Math.round(Date.now() / 1000) + 3 * 86400}`,
        'timestamp',
      ],
      ['/osmand?id=strict-phone&lat=27.55&lon=110.93&timestamp=0', 'timestamp'],
      ['/osmand?id=strict-phone&lat=27.55&lon=110.93&timestamp=1777620627&hdop=-3', 'hdop'],
      ['/osmand?id=strict-phone&lat=0&lon=0&timestamp=1777620627', 'lat'],
      ['/osmand?lat=27.55&lon=110.93&timestamp=1777620627', 'id'],
    ]
    for (const [url, param] of cases) {
      const res = await ctx.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(400)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(
        (res.json().errors as { path: string }[]).map((e) => e.path),
        url,
      ).toContain(param)
    }
    const json = await ctx.app.inject({
      method: 'POST',
      url: '/osmand',
      payload: {
        device_id: 'strict-phone',
        location: { timestamp: '2026-05-01T07:30:27Z', coords: { longitude: 110.93 } },
      },
    })
    expect(json.statusCode).toBe(400)
    expect(json.json().errors.map((e: { path: string }) => e.path)).toContain('/location/coords/latitude')
    expect(await snapshotDatabase(ctx.db)).toEqual(before)
    expect((await live(county, 'strict-phone')).fixes).toBe(0)
  })

  it('a deactivated device is refused', async () => {
    const off = await api(county.admin, 'POST', '/api/v1/devices', {
      device_id: 'strict-phone',
      unit_id: county.unitId,
      staff: county.staff,
      active: false,
    })
    expect(off.statusCode, off.body).toBe(200)
    expect((await sendFix('strict-phone', fix, 'get')).statusCode).toBe(403)
  })
})

describe('device registration and jurisdiction', () => {
  it('the sibling county can neither see, use nor take over a device, and changing a registration closes the open patrol', async () => {
    const ride = gpxFixes('cn_hunan_longhui_ride_590026363.gpx').slice(300, 320)
    const county = await countyAround(ride)
    const sibling = await countyAround(ride)
    await register(county, 'owned-phone')

    const list = await api(sibling.admin, 'GET', '/api/v1/devices')
    expect(list.statusCode).toBe(200)
    expect(list.json().items.map((d: { device_id: string }) => d.device_id)).not.toContain('owned-phone')
    expect((await api(sibling.admin, 'GET', '/api/v1/devices/owned-phone')).statusCode).toBe(404)
    expect((await api(sibling.admin, 'GET', '/api/v1/devices/owned-phone/live')).statusCode).toBe(404)
    expect((await api(sibling.admin, 'DELETE', '/api/v1/devices/owned-phone')).statusCode).toBe(404)
    // the sibling cannot register it with our unit (not in its jurisdiction) nor with its own (taken)
    const before = await snapshotDatabase(ctx.db)
    const theirs = await api(sibling.admin, 'POST', '/api/v1/devices', {
      device_id: 'owned-phone',
      unit_id: county.unitId,
      staff: county.staff,
    })
    expect(theirs.statusCode).toBe(404)
    const taken = await api(sibling.admin, 'POST', '/api/v1/devices', {
      device_id: 'owned-phone',
      unit_id: sibling.unitId,
      staff: sibling.staff,
    })
    expect(taken.statusCode).toBe(409)
    // staff of another county are refused by name
    const foreign = await api(county.admin, 'POST', '/api/v1/devices', {
      device_id: 'other-phone',
      unit_id: county.unitId,
      staff: [county.staff[0], sibling.staff[0]],
    })
    expect(foreign.statusCode).toBe(422)
    expect(foreign.json().errors[0].path).toBe('/staff/1')
    expect(await snapshotDatabase(ctx.db)).toEqual(before)

    // a device token has no business here
    const device = await ctx.token('device', county.code)
    expect((await api(device, 'GET', '/api/v1/devices')).statusCode).toBe(403)

    // re-registering with other staff closes the open patrol under the old staff first
    await replay('owned-phone', ride)
    const changed = await api(county.admin, 'POST', '/api/v1/devices', {
      device_id: 'owned-phone',
      unit_id: county.unitId,
      staff: [county.staff[0]],
    })
    expect(changed.statusCode, changed.body).toBe(200)
    expect(changed.json().closed_patrol).toMatchObject({ outcome: 'patrol', fixes: ride.length })
    const patrol = await api(county.admin, 'GET', `/api/v1/patrols/${changed.json().closed_patrol.patrol_id}`)
    expect(patrol.statusCode).toBe(200)
    expect(JSON.stringify(patrol.json())).toContain(county.staff[1])

    // unregistering closes what is open and removes the device
    await replay(
      'owned-phone',
      ride.slice(0, 5).map((f) => ({ ...f, t: f.t + 3600_000 })),
    )
    const gone = await api(county.admin, 'DELETE', '/api/v1/devices/owned-phone')
    expect(gone.statusCode, gone.body).toBe(200)
    expect(gone.json().closed_patrol).toMatchObject({ outcome: 'patrol', fixes: 5 })
    expect((await sendFix('owned-phone', ride[0]!, 'get')).statusCode).toBe(403)
  })
})

describe('the background sweeper', () => {
  it('closes an idle open patrol on its own, and stops', async () => {
    const ride = gpxFixes('cn_hunan_longhui_ride_590026363.gpx').slice(400, 420)
    const county = await countyAround(ride)
    await register(county, 'swept-phone')
    await replay('swept-phone', ride)
    // a short idle time so that the real timer, not a test call, does the closing
    const sweeper = startLiveSweeper(ctx.db, { intervalMs: 50, idleMs: 200 })
    try {
      for (let i = 0; i < 200 && (await live(county, 'swept-phone')).fixes > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } finally {
      await sweeper.stop()
    }
    const patrols = await patrolsOf(county)
    expect(patrols).toHaveLength(1)
    expect(patrols[0]!.points_received).toBe(ride.length)
    expect((await live(county, 'swept-phone')).last_patrol_id).toBe(patrols[0]!.id)
  })
})
