import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'
import { snapshotDatabase } from './support/snapshot.js'

let ctx: TestContext
let patroller: string
let admin: string

beforeAll(async () => {
  ctx = await createTestContext()
  patroller = await ctx.token('patroller', '510199')
  admin = await ctx.token('admin', '510199')
})
afterAll(async () => ctx?.close())

const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, token = patroller) =>
  ctx.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: bearer(token),
    ...(payload ? { payload: payload as object } : {}),
  })

async function newTip(extra: Record<string, unknown> = {}) {
  const res = await api('POST', '/tips', {
    channel: 'hotline_12336',
    received_at: '2026-09-30T10:00:00+08:00',
    place: '城关镇新华村',
    content: '有人在耕地上堆土建房',
    ...extra,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

describe('tips register', () => {
  it('a tip received on Wed 2026-09-30 is due for checking on Tue 2026-10-13 (5 working days)', async () => {
    // Oct 1–7 National Day off; Thu 8 = 1, Fri 9 = 2, Sat 10 (make-up working day) = 3,
    // Sun 11 off, Mon 12 = 4, Tue 13 = 5.
    const tip = await newTip()
    expect(tip.status).toBe('open')
    expect(tip.check_due_date).toBe('2026-10-13')
    expect(tip.check_due).toBe('2026-10-13T15:59:59.999Z')
    expect(tip.overdue).toBe(true) // still open, long past its due date
    const overdue = await api('GET', '/tips?overdue=true')
    expect(overdue.json().items.map((t: { id: string }) => t.id)).toContain(tip.id)
  })

  it('closes as unfounded only with the reason, once', async () => {
    const tip = await newTip()
    const noReason = await api('POST', `/tips/${tip.id}/check`, {
      outcome: 'unfounded',
      at: '2026-10-12T15:00:00+08:00',
    })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.json().errors[0].path).toBe('/note')
    const closed = await api('POST', `/tips/${tip.id}/check`, {
      outcome: 'unfounded',
      at: '2026-10-12T15:00:00+08:00',
      note: '现场核查为农户晾晒场',
    })
    expect(closed.statusCode, closed.body).toBe(200)
    expect(closed.json()).toMatchObject({
      status: 'unfounded',
      checked_on_time: true,
      overdue: false,
      note: '现场核查为农户晾晒场',
    })
    const again = await api('POST', `/tips/${tip.id}/check`, { outcome: 'unfounded', note: '重复' })
    expect(again.statusCode).toBe(409)
    expect(again.json().tip_status).toBe('unfounded')
    const beforeReceipt = await api('POST', `/tips/${(await newTip()).id}/check`, {
      outcome: 'unfounded',
      note: 'x',
      at: '2026-09-29T10:00:00+08:00',
    })
    expect(beforeReceipt.statusCode).toBe(422)
    expect(beforeReceipt.json().errors[0].path).toBe('/at')
  })

  it('closes as a violation linked both ways, after its due date (late)', async () => {
    const tip = await newTip({ location: { type: 'Point', coordinates: [104.01, 30.01] } })
    const v = await api('POST', '/violations', {
      category: 1,
      source: 'public_tip',
      found_at: '2026-10-14T09:00:00+08:00',
      location: { type: 'Point', coordinates: [104.01, 30.01] },
    })
    expect(v.statusCode).toBe(201)
    const missing = await api('POST', `/tips/${tip.id}/check`, { outcome: 'violation' })
    expect(missing.statusCode).toBe(422)
    expect(missing.json().errors[0].path).toBe('/violation_id')
    const unknown = await api('POST', `/tips/${tip.id}/check`, {
      outcome: 'violation',
      violation_id: '00000000-0000-4000-8000-000000000000',
    })
    expect(unknown.statusCode).toBe(422)
    const linked = await api('POST', `/tips/${tip.id}/check`, {
      outcome: 'violation',
      violation_id: v.json().id,
      at: '2026-10-14T09:00:00+08:00',
    })
    expect(linked.statusCode, linked.body).toBe(200)
    expect(linked.json()).toMatchObject({
      status: 'violation',
      violation_id: v.json().id,
      checked_on_time: false,
    })
    expect((await api('GET', `/violations/${v.json().id}`)).json().tip_id).toBe(tip.id)
    // a second tip cannot claim the same violation
    const other = await newTip()
    const taken = await api('POST', `/tips/${other.id}/check`, {
      outcome: 'violation',
      violation_id: v.json().id,
    })
    expect(taken.statusCode).toBe(409)
  })

  it('refuses a tip outside the county or in the future, storing nothing; the sibling sees none', async () => {
    const before = await snapshotDatabase(ctx.db)
    const outside = await api('POST', '/tips', {
      channel: 'visit',
      received_at: '2026-10-01T10:00:00+08:00',
      content: 'x',
      location: { type: 'Point', coordinates: [104.2, 30.0] },
    })
    expect(outside.statusCode).toBe(422)
    expect(outside.json().errors[0].path).toBe('/location')
    const future = await api('POST', '/tips', {
      channel: 'letter',
      received_at: new Date(Date.now() + 86_400_000).toISOString(),
      content: 'x',
    })
    expect(future.statusCode).toBe(422)
    expect(future.json().errors[0].path).toBe('/received_at')
    const channel = await api('POST', '/tips', {
      channel: 'wechat',
      received_at: '2026-10-01T10:00:00+08:00',
      content: 'x',
    })
    expect(channel.statusCode).toBe(400)
    expect(channel.json().errors[0].path).toBe('/channel')
    expect(await snapshotDatabase(ctx.db)).toEqual(before)

    const tip = await newTip()
    const sibling = await ctx.token('admin', '510198')
    expect((await api('GET', '/tips', undefined, sibling)).json().items).toEqual([])
    expect((await api('GET', `/tips/${tip.id}`, undefined, sibling)).statusCode).toBe(404)
    expect(
      (await api('POST', `/tips/${tip.id}/check`, { outcome: 'unfounded', note: 'x' }, sibling)).statusCode,
    ).toBe(404)
  })
})

describe('information officers and their monthly (zero) reports', () => {
  const officers: Record<string, string> = {}
  let notAnOfficer: string

  beforeAll(async () => {
    for (const n of ['001', '002', '003', '004']) {
      const res = await api(
        'POST',
        '/divisions',
        { code: `510199001${n}`, name: `新华${n}村`, level: 'village', parent_code: '510199001' },
        ctx.rootToken,
      )
      expect(res.statusCode, res.body).toBe(201)
    }
    const unit = await api(
      'POST',
      '/units',
      { name: '城关国土资源所', kind: 'station', division_code: '510199' },
      admin,
    )
    for (const name of ['甲', '乙', '丙', '丁']) {
      const p = await api(
        'POST',
        '/people',
        { name: `信息员${name}`, unit_id: unit.json().id, roles: ['info_officer'] },
        admin,
      )
      expect(p.statusCode, p.body).toBe(201)
      officers[name] = p.json().id
    }
    notAnOfficer = (
      await api('POST', '/people', { name: '巡查员', unit_id: unit.json().id, roles: ['patroller'] }, admin)
    ).json().id
    // villages 001 and 002 have officers all year; 003 only from November; 004 none
    for (const [village, person, from] of [
      ['510199001001', officers['甲'], '2026-01-01'],
      ['510199001002', officers['乙'], '2026-01-01'],
      ['510199001003', officers['丙'], '2026-11-01'],
    ]) {
      const res = await api('POST', '/info-officers', {
        person_id: person,
        village_code: village,
        assigned_from: from,
      })
      expect(res.statusCode, res.body).toBe(201)
    }
  })

  const missing = async (month: string, token = patroller, division = '') =>
    api(
      'GET',
      `/info-reports/missing?month=${month}${division ? `&division=${division}` : ''}`,
      undefined,
      token,
    )

  it('only a person with the role info_officer can be a village officer, and only of a village', async () => {
    const wrong = await api('POST', '/info-officers', {
      person_id: notAnOfficer,
      village_code: '510199001004',
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().errors[0].path).toBe('/person_id')
    const notVillage = await api('POST', '/info-officers', {
      person_id: officers['丁'],
      village_code: '510199001999',
    })
    expect(notVillage.statusCode).toBe(422)
    expect(notVillage.json().errors[0].path).toBe('/village_code')
  })

  it('lists the villages with an officer and no report for the month', async () => {
    const zero = await api('POST', '/info-reports', {
      village_code: '510199001001',
      month: '2026-10',
      zero_report: true,
    })
    expect(zero.statusCode, zero.body).toBe(201)
    expect(zero.json()).toMatchObject({ person_id: officers['甲'], zero_report: true })

    // October: officers in 001 and 002 (003 starts in November, 004 has none); 001 sent a zero-report.
    const oct = (await missing('2026-10')).json()
    expect(oct).toMatchObject({ month: '2026-10', villages_with_officer: 2, reported: 1 })
    expect(oct.missing).toEqual([
      {
        village_code: '510199001002',
        village_name: '新华002村',
        township_code: '510199001',
        person_id: officers['乙'],
        person_name: '信息员乙',
      },
    ])
    // November: three villages with officers, none reported yet.
    const nov = (await missing('2026-11')).json()
    expect(nov.missing.map((m: { village_code: string }) => m.village_code)).toEqual([
      '510199001001',
      '510199001002',
      '510199001003',
    ])
  })

  it('one report per village and month; a report that is not a zero-report says what was seen', async () => {
    const noContent = await api('POST', '/info-reports', {
      village_code: '510199001002',
      month: '2026-10',
      zero_report: false,
    })
    expect(noContent.statusCode).toBe(422)
    expect(noContent.json().errors[0].path).toBe('/content')
    const report = await api('POST', '/info-reports', {
      village_code: '510199001002',
      month: '2026-10',
      zero_report: false,
      content: '三组有农户在承包地内堆放建材',
    })
    expect(report.statusCode).toBe(201)
    const twice = await api('POST', '/info-reports', {
      village_code: '510199001002',
      month: '2026-10',
      zero_report: true,
    })
    expect(twice.statusCode).toBe(409)
    expect((await missing('2026-10')).json().missing).toEqual([])
    const future = await api('POST', '/info-reports', {
      village_code: '510199001001',
      month: '2027-01',
      zero_report: true,
    })
    expect(future.statusCode).toBe(422)
    expect(future.json().errors[0].path).toBe('/month')
    const noOfficer = await api('POST', '/info-reports', {
      village_code: '510199001004',
      month: '2026-10',
      zero_report: true,
    })
    expect(noOfficer.statusCode).toBe(422)
  })

  it('a new officer takes over the village; the missing list names the officer of the month', async () => {
    const handover = await api('POST', '/info-officers', {
      person_id: officers['丁'],
      village_code: '510199001001',
      assigned_from: '2026-11-15',
    })
    expect(handover.statusCode, handover.body).toBe(201)
    const current = (await api('GET', '/info-officers')).json().items
    expect(current.find((a: { village_code: string }) => a.village_code === '510199001001').person_id).toBe(
      officers['丁'],
    )
    const nov = (await missing('2026-11')).json()
    expect(
      nov.missing.find((m: { village_code: string }) => m.village_code === '510199001001').person_id,
    ).toBe(officers['丁'])
    // October still belongs to the first officer
    const octReports = (await api('GET', '/info-reports?month=2026-10')).json().items
    expect(
      octReports.find((r: { village_code: string }) => r.village_code === '510199001001').person_id,
    ).toBe(officers['甲'])
  })

  it('the sibling county sees no villages of this county', async () => {
    const sibling = await ctx.token('viewer', '510198')
    const own = (await missing('2026-10', sibling)).json()
    expect(own).toMatchObject({ villages_with_officer: 0, missing: [] })
    expect((await missing('2026-10', sibling, '510199')).statusCode).toBe(404)
  })
})
