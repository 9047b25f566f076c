// The periodic reports of 第二十条 (JSON, XLSX, DOCX), the ledger 台帐 export and the tips register
// export, on a scenario built through the API and written out here.
//
// County 510199, October 2026 (ISO weeks W40 = 28 Sep–4 Oct … W44 = 26 Oct–1 Nov: five weeks,
// all ended by the time the test runs). Zones of a filed plan: K1 (tier 1, 400 m square),
// K2 (tier 1, 600 m square), G3 (tier 2, 500 m square).
//
//   patrols  K1 ×2 in W41, K1 ×2 in W42, K2 ×2 in W41, G3 ×2 routine, G3 ×1 by the team
//            (supervision), G3 ×1 by one person (understaffed: recorded, not counted)
//            → 10 patrols, 9 counted, 1 supervision, person-times 9 × 2 + 1 = 19,
//              km and person-hours = the sums of what POST /patrols answered
//   zones    tier 1: 2 zones × 5 weeks = 10 zone-periods, compliant K1/W41, K2/W41, K1/W42 = 3
//            tier 2: G3 × October = 1 zone-period, 3 counted visits < 5 → 0 compliant
//            key-area coverage: W41 all (1), W42 K1 only (400² / (400² + 600²)), others 0,
//            averaged over the 5 weeks → (1 + 16/52) / 5
//   violations (found in October)
//            V1 cat 3, Mon 10-12, 3 mu of which 2.5 cultivated, found by the first K1 patrol:
//               stopped 10-12, reported 10-13, filed 10-20, closed 10-28
//            V2 cat 3, 10-12: stopped, reported 10-13, filed 10-20
//            V3 cat 3, 10-14: stopped
//            V4 cat 1, 10-15: never stopped
//            V5 cat 3, 11-02 (November: not in October's report)
//            → found 4, stopped 3 (stop rate 3/4), reported 2 (both on time: 2/2), filed 2
//              (filing rate 2/2), closed 1 (closure: V1 closed in October on time, V2's limit
//              ends in December: 1/1); illegal cultivated land 2.5 mu of 50 mu taken → 5 %
//   tips     T1 hotline 10-13, checked 10-14 → V3; T2 letter 10-20, checked 10-21 unfounded;
//            T3 visit 10-25, open → received 3, checked 2 (both within 5 working days), open 1
//   info officers  villages 001 and 002 have officers since September; October: 001 sent a
//            zero-report, 002 nothing → owed 2, received 1 (1 zero), missing 1
//
// County 510198 (the sibling): one violation found 2026-11-05. City 510100, 2026-Q4: its two
// counties side by side; the city's counts are their sums.
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReportFigures } from '../../server/routes/reports/report-data.js'
import { ReportSchema } from '../../server/routes/reports/schemas.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let admin: string
let patroller: string
let reader: string
let station: string
let team: string
let stationStaff: string[]
let teamStaff: string[]
let loner: string
const patrolIds: Record<string, string> = {}
const posted: { length_m: number; duration_s: number; staff: number }[] = []
const V: Record<string, string> = {}

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.05 + x * M_LON, 29.92 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

async function api(method: string, url: string, token: string, payload?: unknown, type?: string) {
  const res = await ctx.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
    ...(payload === undefined ? {} : { payload: payload as string }),
  })
  return res
}

async function ok(method: string, url: string, token: string, payload?: unknown, type?: string) {
  const res = await api(method, url, token, payload, type)
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
  return res.json()
}

/** A walk due north across the zone column at x (metres), 680 m at 2 m/s, a fix every 20 s. */
async function postCrossing(id: string, start: string, x: number, who: 'station' | 'team' | 'loner') {
  const t0 = Date.parse(start)
  const coords: [number, number][] = []
  const times: string[] = []
  for (let i = 0; i <= 17; i++) {
    coords.push(at(x, -50 + i * 40))
    times.push(new Date(t0 + i * 20_000).toISOString())
  }
  const staff = who === 'team' ? teamStaff : who === 'loner' ? [loner] : stationStaff
  const body = await ok('POST', '/patrols', await ctx.token('device', '510199'), {
    external_id: id,
    unit_id: who === 'team' ? team : station,
    staff,
    kind: who === 'team' ? 'supervision' : 'routine',
    track: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { coordTimes: times },
    },
  })
  patrolIds[id] = body.id
  posted.push({ length_m: body.length_m, duration_s: body.duration_s, staff: staff.length })
}

async function violation(foundAt: string, extra: Record<string, unknown> = {}, token = patroller) {
  return (
    await ok('POST', '/violations', token, {
      category: 3,
      source: 'patrol',
      found_at: foundAt,
      location: { type: 'Point', coordinates: [104.0, 30.0] },
      ...extra,
    })
  ).id as string
}

async function event(id: string, type: string, when: string, closingKind?: string) {
  await ok('POST', `/violations/${id}/events`, patroller, {
    type,
    at: when,
    ...(closingKind ? { closing_kind: closingKind } : {}),
  })
}

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await ctx.token('admin', '510199')
  patroller = await ctx.token('patroller', '510199')
  reader = await ctx.token('viewer', '510199')
  const planner = await ctx.token('planner', '510199')
  station = (await ok('POST', '/units', admin, { name: '城关所', kind: 'station', division_code: '510199' }))
    .id
  team = (await ok('POST', '/units', admin, { name: '执法监察大队', kind: 'team', division_code: '510199' }))
    .id
  stationStaff = [
    (await ok('POST', '/people', admin, { name: '甲', unit_id: station })).id,
    (await ok('POST', '/people', admin, { name: '乙', unit_id: station })).id,
  ]
  teamStaff = [
    (await ok('POST', '/people', admin, { name: '丙', unit_id: team })).id,
    (await ok('POST', '/people', admin, { name: '丁', unit_id: team })).id,
  ]
  loner = (await ok('POST', '/people', admin, { name: '戊', unit_id: station })).id

  const plan = await ok('POST', '/plans', planner, {
    division_code: '510199',
    name: '方案',
    effective_from: '2026-01-01',
  })
  await ok(
    'POST',
    `/plans/${plan.id}/zones`,
    planner,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { name: 'K1', category: 'basic_farmland', geometry: square(0, 0, 400) },
        { name: 'K2', category: 'township_seat', geometry: square(1000, 0, 600) },
        { name: 'G3', category: 'village_surroundings', geometry: square(2000, 0, 500) },
      ].map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { name: f.name, category: f.category, unit_id: station },
      })),
    }),
    'application/geo+json',
  )
  await ok('POST', `/plans/${plan.id}/submit`, planner)
  await ok('POST', `/plans/${plan.id}/file`, await ctx.token('supervisor', '510100'))

  // W41 = 5–11 Oct, W42 = 12–18 Oct (Beijing days; 01:00Z is 09:00 in Beijing)
  const crossings: [string, string, number, 'station' | 'team' | 'loner'][] = [
    ['k1-a', '2026-10-05T01:00:00Z', 200, 'station'],
    ['k1-b', '2026-10-07T01:00:00Z', 200, 'station'],
    ['k1-c', '2026-10-12T01:00:00Z', 200, 'station'],
    ['k1-d', '2026-10-14T01:00:00Z', 200, 'station'],
    ['k2-a', '2026-10-06T01:00:00Z', 1300, 'station'],
    ['k2-b', '2026-10-08T01:00:00Z', 1300, 'station'],
    ['g3-a', '2026-10-09T01:00:00Z', 2250, 'station'],
    ['g3-b', '2026-10-21T01:00:00Z', 2250, 'station'],
    ['g3-team', '2026-10-22T01:00:00Z', 2250, 'team'],
    ['g3-alone', '2026-10-23T01:00:00Z', 2250, 'loner'],
  ]
  for (const [id, start, x, who] of crossings) await postCrossing(id, start, x, who)

  V.v1 = await violation('2026-10-12T09:30:00+08:00', {
    area_mu: 3,
    cultivated_mu: 2.5,
    patrol_id: patrolIds['k1-c'],
    place: '城关镇新华村三组',
    party: '赵某',
  })
  V.v2 = await violation('2026-10-12T10:00:00+08:00')
  V.v3 = await violation('2026-10-14T09:00:00+08:00')
  V.v4 = await violation('2026-10-15T09:00:00+08:00', { category: 1 })
  V.v5 = await violation('2026-11-02T09:00:00+08:00')
  await event(V.v1, 'stop', '2026-10-12T10:00:00+08:00')
  await event(V.v1, 'report', '2026-10-13T10:00:00+08:00')
  await event(V.v1, 'file', '2026-10-20T10:00:00+08:00')
  await event(V.v1, 'close', '2026-10-28T10:00:00+08:00', 'penalty_decided')
  await event(V.v2, 'stop', '2026-10-12T11:00:00+08:00')
  await event(V.v2, 'report', '2026-10-13T11:00:00+08:00')
  await event(V.v2, 'file', '2026-10-20T11:00:00+08:00')
  await event(V.v3, 'stop', '2026-10-14T10:00:00+08:00')
  await ok('PUT', '/cultivated-land-taken/510199/2026', await ctx.token('supervisor', '510199'), { mu: 50 })

  const tip = async (channel: string, receivedAt: string) =>
    (await ok('POST', '/tips', patroller, { channel, received_at: receivedAt, content: `${channel} 举报` }))
      .id
  const t1 = await tip('hotline_12336', '2026-10-13T09:00:00+08:00')
  const t2 = await tip('letter', '2026-10-20T09:00:00+08:00')
  await tip('visit', '2026-10-25T09:00:00+08:00')
  await ok('POST', `/tips/${t1}/check`, patroller, {
    outcome: 'violation',
    violation_id: V.v3,
    at: '2026-10-14T12:00:00+08:00',
  })
  await ok('POST', `/tips/${t2}/check`, patroller, {
    outcome: 'unfounded',
    note: '现场核实为合法用地',
    at: '2026-10-21T12:00:00+08:00',
  })

  for (const n of ['001', '002']) {
    await ok('POST', '/divisions', ctx.rootToken, {
      code: `510199001${n}`,
      name: `新华${n}村`,
      level: 'village',
      parent_code: '510199001',
    })
    const person = await ok('POST', '/people', admin, {
      name: `信息员${n}`,
      unit_id: station,
      roles: ['info_officer'],
    })
    await ok('POST', '/info-officers', admin, {
      person_id: person.id,
      village_code: `510199001${n}`,
      assigned_from: '2026-09-01',
    })
  }
  await ok('POST', '/info-reports', patroller, {
    village_code: '510199001001',
    month: '2026-10',
    zero_report: true,
    submitted_at: '2026-10-30T09:00:00+08:00',
  })

  // the sibling county: one case in November
  await violation(
    '2026-11-05T09:00:00+08:00',
    { location: { type: 'Point', coordinates: [104.2, 30.0] } },
    await ctx.token('patroller', '510198'),
  )
  // a scenario of some forty requests: on a busy shared machine PGlite needs more than the default
}, 600_000)
afterAll(async () => ctx?.close())

async function report(path: string, token = reader, accept?: string) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/reports/${path}`,
    headers: { ...bearer(token), ...(accept ? { accept } : {}) },
  })
  return res
}

async function readXlsx(bytes: Buffer) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  return wb
}

/** Column B label → the values of columns D onwards, from the statistical table sheet. */
function tableOf(ws: ExcelJS.Worksheet): Map<string, unknown[]> {
  const rows = new Map<string, unknown[]>()
  ws.eachRow((row) => {
    const label = row.getCell(2).value
    if (typeof label === 'string' && typeof row.getCell(1).value === 'number') {
      const values: unknown[] = []
      for (let c = 4; c <= ws.columnCount; c++) values.push(row.getCell(c).value)
      rows.set(label, values)
    }
  })
  return rows
}

/** The rows of the DOCX tables: each a list of cell texts. */
function docxRows(xml: string): string[][] {
  return [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((tr) =>
    [...tr[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((tc) => tc[0].replace(/<[^>]+>/g, '')),
  )
}

const pct = (rate: number) => `${(rate * 100).toFixed(2)}%`
const sum = (list: number[]) => list.reduce((s, v) => s + v, 0)

describe('the monthly report of a county (JSON)', () => {
  it("states the scenario's figures", async () => {
    const res = await report('510199/monthly/2026-10')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const r = res.json()
    expect(r.period).toEqual({
      label: '2026-10',
      label_zh: '2026年10月',
      from: '2026-10-01',
      to: '2026-10-31',
    })
    expect(r.as_of).toBe('2026-10-31T15:59:59.999Z')
    expect(r.parts).toEqual([])
    const f = r.figures
    expect(f.division).toEqual({ code: '510199', name: '示范县', level: 'county' })

    expect(f.patrols).toMatchObject({
      count: 10,
      counted_for_frequency: 9,
      not_counted: 1,
      routine: 9,
      supervision: 1,
      special: 0,
      person_times: 19,
      zones_visited: 3,
    })
    expect(f.patrols.length_km).toBeCloseTo(sum(posted.map((p) => p.length_m)) / 1000, 2)
    expect(f.patrols.person_hours).toBeCloseTo(sum(posted.map((p) => p.duration_s * p.staff)) / 3600, 1)

    expect(f.zones.by_tier['1']).toEqual({
      zones: 2,
      zone_periods: 10,
      closed: 10,
      compliant: 3,
      compliance_rate: 0.3,
    })
    expect(f.zones.by_tier['2']).toMatchObject({ zones: 1, zone_periods: 1, closed: 1, compliant: 0 })
    expect(f.zones.by_tier['3']).toMatchObject({ zones: 0 })
    const k1Share = 400 ** 2 / (400 ** 2 + 600 ** 2)
    expect(f.zones.key_area_coverage_rate).toBeCloseTo((1 + k1Share) / 5, 3)

    expect(f.violations).toMatchObject({
      found: 4,
      major: 0,
      stopped: 3,
      reported: 2,
      filed: 2,
      closed: 1,
      area_mu: 3,
      cultivated_mu: 2.5,
      stop_rate: { numerator: 3, denominator: 4, rate: 0.75 },
      report_forms_on_time: { numerator: 2, denominator: 2, rate: 1 },
      filing_rate: { numerator: 2, denominator: 2, rate: 1 },
      closure_rate: { numerator: 1, denominator: 1, rate: 1 },
    })
    const byCategory = Object.fromEntries(
      f.violations.by_category.map((c: { category: number; count: number }) => [c.category, c.count]),
    )
    expect(byCategory).toEqual({ 1: 1, 2: 0, 3: 3, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0 })
    expect(f.cultivated_land).toMatchObject({
      illegal_mu: 2.5,
      taken_by_construction_mu: 50,
      ratio: 0.05,
      reaches_veto: false,
    })
    expect(f.tips).toEqual({
      received: 3,
      checked: 2,
      found_violation: 1,
      unfounded: 1,
      open: 1,
      checked_on_time: 2,
      by_channel: { hotline_12336: 1, info_officer: 0, letter: 1, visit: 1 },
    })
    expect(f.info_reports).toEqual({
      villages_with_officer: 2,
      expected: 2,
      reports: 1,
      zero_reports: 1,
      missing: 1,
    })
  })

  it('the JSON is what the OpenAPI schema says, field by field (no field more or less)', async () => {
    // ajv-formats is CommonJS: at run time the default import is the plugin function itself
    const ajv = (addFormatsModule as unknown as (a: Ajv) => Ajv)(new Ajv({ allErrors: true, strict: false }))
    const validate = ajv.compile(ReportSchema)
    for (const path of ['510199/monthly/2026-10', '510100/quarterly/2026-Q4']) {
      const body = (await report(path, await ctx.token('viewer', '510100'))).json()
      expect(validate(body), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }
  })

  it('its rates and zone figures are those of GET /stats and GET /coverage for the same span', async () => {
    const f = (await report('510199/monthly/2026-10')).json().figures
    const q = 'division=510199&from=2026-10-01&to=2026-10-31'
    const stats = await ok('GET', `/stats?${q}`, reader)
    expect(f.violations.stop_rate.rate).toBe(stats.stop_rate.rate)
    expect(f.violations.filing_rate.rate).toBe(stats.filing_rate.rate)
    expect(f.violations.closure_rate.rate).toBe(stats.closure_rate.rate)
    expect(f.cultivated_land.ratio).toBe(stats.illegal_cultivated_land.rate)
    const coverage = await ok('GET', `/coverage?${q}`, reader)
    expect(f.zones.key_area_coverage_rate).toBe(coverage.summary.key_area_coverage_rate)
    const ledger = await ok('GET', `/patrols?${q}`, reader)
    expect(ledger.total).toBe(f.patrols.count)
  })

  it('the Accept header chooses the format when ?format= is absent', async () => {
    const res = await report(
      '510199/monthly/2026-10',
      reader,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
  })

  it("the design's address GET /reports/{kind}?division=&period= gives the same report", async () => {
    const a = (await report('510199/monthly/2026-10')).json()
    const b = (await report('monthly?division=510199&period=2026-10')).json()
    expect(b.figures).toEqual(a.figures)
    // without a period: the current one (Beijing time)
    const thisYear = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4)
    expect((await report('annual?division=510199')).json().period).toMatchObject({
      label: thisYear,
      from: `${thisYear}-01-01`,
    })
  })
})

describe('the same figures in XLSX and DOCX', () => {
  // label in the statistical table → the JSON figure it must show
  const expectations = (f: ReportFigures): [string, number | null, 'int' | 'rate' | 'dec'][] => [
    ['巡查次数', f.patrols.count, 'int'],
    ['其中：计入巡查频次', f.patrols.counted_for_frequency, 'int'],
    ['其中：执法队督查巡查', f.patrols.supervision, 'int'],
    ['巡查里程', f.patrols.length_km, 'dec'],
    ['出动人次', f.patrols.person_times, 'int'],
    ['一级巡查区域', f.zones.by_tier['1'].zones, 'int'],
    ['一级区域达到巡查频次的周期', f.zones.by_tier['1'].compliant, 'int'],
    ['重点区域巡查覆盖率', f.zones.key_area_coverage_rate, 'rate'],
    ['发现违法行为', f.violations.found, 'int'],
    ['制止', f.violations.stopped, 'int'],
    ['填报违法行为报告表', f.violations.reported, 'int'],
    ['立案', f.violations.filed, 'int'],
    ['结案', f.violations.closed, 'int'],
    ['制止率', f.violations.stop_rate.rate, 'rate'],
    ['立案率', f.violations.filing_rate.rate, 'rate'],
    ['法定期限内结案率', f.violations.closure_rate.rate, 'rate'],
    ['违法占用耕地面积', f.cultivated_land.illegal_mu, 'dec'],
    ['违法占用耕地比例', f.cultivated_land.ratio, 'rate'],
    ['受理举报', f.tips.received, 'int'],
    ['已核查', f.tips.checked, 'int'],
    ['收到月报', f.info_reports.reports, 'int'],
    ['其中：零报告', f.info_reports.zero_reports, 'int'],
    ['缺报', f.info_reports.missing, 'int'],
  ]

  it('XLSX: the statistical table with a merged title, units, and the JSON figures', async () => {
    const f = (await report('510199/monthly/2026-10')).json().figures
    const res = await report('510199/monthly/2026-10?format=xlsx')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="report_510199_monthly_2026-10\.xlsx"/,
    )
    const wb = await readXlsx(res.rawPayload)
    const ws = wb.getWorksheet('统计报表')!
    expect(ws.getCell('A1').value).toBe('动态巡查工作统计报表')
    expect(ws.model.merges).toContain('A1:D1')
    expect(String(ws.getCell('A3').value)).toContain('示范县（510199）')
    const header = ws.getRow(5).values as unknown[]
    expect(header.slice(1)).toEqual(['序号', '指标名称', '计量单位', '本期数'])
    const table = tableOf(ws)
    for (const [label, value, kind] of expectations(f)) {
      const cell = table.get(label)
      expect(cell, label).toBeDefined()
      if (kind === 'int') expect(cell![0], label).toBe(value)
      else expect(cell![0], label).toBeCloseTo(value as number, 10)
    }
    // units beside the figures
    const unitOf = (label: string) => {
      let unit: unknown
      ws.eachRow((row) => {
        if (row.getCell(2).value === label) unit = row.getCell(3).value
      })
      return unit
    }
    expect(unitOf('巡查里程')).toBe('公里')
    expect(unitOf('出动人次')).toBe('人次')
    expect(unitOf('违法占用耕地面积')).toBe('亩')
    expect(unitOf('制止率')).toBe('%')
  })

  it('DOCX: title, period, division, the table with the JSON figures, signature lines', async () => {
    const f = (await report('510199/monthly/2026-10')).json().figures
    const res = await report('510199/monthly/2026-10?format=docx')
    expect(res.statusCode).toBe(200)
    const zip = await JSZip.loadAsync(res.rawPayload)
    const xml = await zip.file('word/document.xml')!.async('string')
    const text = xml.replace(/<[^>]+>/g, '')
    expect(text).toContain('示范县动态巡查工作月报')
    expect(text).toContain('（2026年10月）')
    expect(text).toContain('填报单位：示范县（510199）')
    expect(text).toContain('统计期：2026-10-01 至 2026-10-31')
    expect(text).toContain('单位负责人：')
    expect(text).toContain('填表人：')
    expect(text).toContain(`发现违法行为${f.violations.found}宗，制止${f.violations.stopped}宗`)
    const rows = new Map(docxRows(xml).map((cells) => [cells[1], cells]))
    for (const [label, value, kind] of expectations(f)) {
      const cells = rows.get(label)
      expect(cells, label).toBeDefined()
      const shown = cells![3]
      if (kind === 'int') expect(shown, label).toBe(String(value))
      else if (kind === 'rate') expect(shown, label).toBe(pct(value as number))
      else expect(Number(shown), label).toBeCloseTo(value as number, 3)
    }
  })
})

describe('the quarterly report of a city', () => {
  it('puts its counties side by side; the counts of the city are their sums', async () => {
    const res = await report('510100/quarterly/2026-Q4', await ctx.token('viewer', '510100'))
    expect(res.statusCode, res.body).toBe(200)
    const r = res.json() as { period: unknown; figures: ReportFigures; parts: ReportFigures[] }
    expect(r.period).toMatchObject({ from: '2026-10-01', to: '2026-12-31', label_zh: '2026年第四季度' })
    expect(r.parts.map((p: { division: { code: string } }) => p.division.code)).toEqual(['510198', '510199'])
    const [sibling, county] = r.parts
    // 510199: V1…V5 found in Q4; 510198: its one November case
    expect(county!.violations.found).toBe(5)
    expect(sibling!.violations.found).toBe(1)
    expect(r.figures.violations.found).toBe(6)
    for (const key of ['found', 'stopped', 'reported', 'filed', 'closed'] as const)
      expect(r.figures.violations[key], key).toBe(sum(r.parts.map((p) => p.violations[key])))
    expect(r.figures.patrols.count).toBe(10)
    expect(r.figures.patrols.person_times).toBe(sum(r.parts.map((p) => p.patrols.person_times)))
    expect(r.figures.tips.received).toBe(3)

    const xlsx = await report('510100/quarterly/2026-Q4?format=xlsx', await ctx.token('viewer', '510100'))
    const ws = (await readXlsx(xlsx.rawPayload)).getWorksheet('统计报表')!
    expect((ws.getRow(5).values as unknown[]).slice(1)).toEqual([
      '序号',
      '指标名称',
      '计量单位',
      '合计',
      '邻县',
      '示范县',
    ])
    expect(ws.model.merges).toContain('A1:F1')
    expect(tableOf(ws).get('发现违法行为')).toEqual([6, 1, 5])
  })

  it('a county cannot read another county, nor its city', async () => {
    const sibling = await ctx.token('viewer', '510198')
    expect((await report('510199/monthly/2026-10', sibling)).statusCode).toBe(404)
    expect((await report('510199/monthly/2026-10?format=xlsx', sibling)).statusCode).toBe(404)
    expect((await report('510100/quarterly/2026-Q4', sibling)).statusCode).toBe(404)
    const own = (await report('510198/monthly/2026-10', sibling)).json()
    expect(own.figures.patrols.count).toBe(0)
    expect(own.figures.violations.found).toBe(0)
  })
})

describe('bad input', () => {
  it.each([
    ['510199/monthly/2026-13', '/params/period'],
    ['510199/monthly/2026-Q4', '/params/period'],
    ['510199/quarterly/2026-10', '/params/period'],
    ['510199/quarterly/2026-Q5', '/params/period'],
    ['510199/annual/26', '/params/period'],
    ['510199/weekly/2026-10', '/params/kind'],
    ['510199/monthly/2026-10?format=pdf', '/querystring/format'],
    ['5101/monthly/2026-10', '/params/division'],
    ['monthly?division=510199&period=2026-1', '/querystring/period'],
  ])('%s → 400 naming %s', async (path, param) => {
    const res = await report(path)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(param)
  })
})

describe('a period that has not begun', () => {
  it('is refused with 422 naming the period', async () => {
    const later = String(new Date().getUTCFullYear() + 2)
    const res = await report(`510199/annual/${later}`)
    expect(res.statusCode, res.body).toBe(422)
    expect(res.json().errors[0].path).toBe('/params/period')
  })
})

describe('the ledger and the tips register as XLSX', () => {
  it('the ledger: one row per patrol with staff, time, route length, zones, findings and measures', async () => {
    const res = await api('GET', '/patrols/ledger.xlsx?division=510199&from=2026-10-01&to=2026-10-31', reader)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const ws = (await readXlsx(res.rawPayload)).getWorksheet('动态巡查台帐')!
    expect(ws.getCell('A1').value).toBe('示范县动态巡查台帐')
    const header = (ws.getRow(4).values as unknown[]).slice(1)
    expect(header.slice(0, 14)).toEqual([
      '序号',
      '巡查日期',
      '开始时间',
      '结束时间',
      '巡查单位',
      '巡查类型',
      '巡查人员',
      '人数',
      '巡查路线长度(公里)',
      '时长(小时)',
      '巡查区域',
      '发现问题',
      '处置措施',
      '备注',
    ])
    const rows: ExcelJS.Row[] = []
    ws.eachRow((row, n) => {
      if (n > 4 && typeof row.getCell(1).value === 'number') rows.push(row)
    })
    expect(rows).toHaveLength(10)
    const byId = new Map(rows.map((r) => [r.getCell(15).value as string, r]))
    const k1c = byId.get(patrolIds['k1-c']!)!
    expect(k1c.getCell(2).value).toBe('2026-10-12')
    expect(k1c.getCell(3).value).toBe('09:00')
    expect(k1c.getCell(7).value).toBe('甲、乙')
    expect(k1c.getCell(8).value).toBe(2)
    expect(k1c.getCell(11).value).toBe('K1')
    expect(k1c.getCell(12).value).toContain('占用耕地建房、挖沙、采石、采矿、取土')
    expect(k1c.getCell(12).value).toContain('城关镇新华村三组')
    const measures = String(k1c.getCell(13).value)
    for (const m of ['责令停止违法行为', '填报《动态巡查违法行为报告表》', '立案', '结案'])
      expect(measures).toContain(m)
    expect(byId.get(patrolIds['k1-a']!)!.getCell(12).value).toBe('未发现违法行为')
    expect(byId.get(patrolIds['g3-alone']!)!.getCell(14).value).toContain('不计入巡查频次')
    const km = sum(rows.map((r) => r.getCell(9).value as number))
    expect(km).toBeCloseTo(sum(posted.map((p) => p.length_m)) / 1000, 2)
  })

  it('the tips register: every tip of the county with its channel, due date and outcome', async () => {
    const res = await api('GET', '/tips/register.xlsx?division=510199', reader)
    expect(res.statusCode, res.body).toBe(200)
    const ws = (await readXlsx(res.rawPayload)).getWorksheet('举报登记簿')!
    const rows: unknown[][] = []
    ws.eachRow((row, n) => {
      if (n > 3 && typeof row.getCell(1).value === 'number') rows.push((row.values as unknown[]).slice(1))
    })
    expect(rows.map((r) => [r[2], r[9]])).toEqual([
      ['12336举报电话', '查实违法行为'],
      ['来信', '不属实'],
      ['来访', '待核查'],
    ])
    expect(rows[0]![13]).toBe(V.v3)
    expect(rows[1]![12]).toBe('现场核实为合法用地')
    const sibling = await api(
      'GET',
      '/tips/register.xlsx?division=510199',
      await ctx.token('viewer', '510198'),
    )
    expect(sibling.statusCode).toBe(404)
  })
})
