// The yearly assessment end to end (GET /assessments/{division}/{year}): a county-year built through
// the API with the figures of issue 6, scored with the arithmetic written out below; every
// deduction's evidence read back through the API; the report register, the manual entries and
// their history, the what-if, the live projection and a city's side-by-side table (JSON and XLSX).
import area from '@turf/area'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/**
 * County 510199, year 2025 (read as of the end of 31 December 2025):
 *
 *   Zones: a plan filed with effective_from Mon 2025-12-22, two tier-1 zones, both assigned to the
 *   station with a main responsible person: K-big (≈ 1000 m square) and K-small (≈ 193 m square).
 *   Weeks in force: W52 (12-22…12-28) and W1 (12-29…2026-01-04), both closed. K-big gets its 2
 *   patrols in each week, K-small none. Per week the area-weighted share compliant is
 *   big / (big + small) ≈ 0.9640 (the test computes it from the polygons with turf) → key-area
 *   coverage 96.4 %.
 *   Violations: V1…V50 found Mon 2025-03-03; V1…V49 stopped that day (V50 never) → stop rate 49/50
 *   = 98 %. V1…V20 reported Tue 03-04 (on time), filed 03-10 (filing 20/20 = 100 %); V1…V19 closed
 *   04-10 (penalty decided, within 60 days); V20's limit ends 2025-05-09 unclosed → closure 19/20
 *   = 95 %.
 *   Reports: monthly reports for January…November are due by 31 December (December's on
 *   2026-01-05); ten are recorded as sent on time, June's is not → one report missing.
 *   Manual (the city's assessor): 二 −2 (执法车辆不足), 七 −3 (未开展年度考核), bonus 2.
 *
 *   一 10 − 0                                   = 10   (zones filed and assigned; no village registered)
 *   二 10 − 2                                   =  8
 *   三 10 − min(10, 3 × (100 − 96.4) = 10.8)    =  0   (capped)
 *   四 10 − 0                                   = 10   (4 patrols, 2 staff, time, route)
 *   五 25 − 5 × (100 − 98) = 25 − 10            = 15
 *   六 15 − 5 × 0 − 3 × (100 − 95) = 15 − 15    =  0
 *   七 10 − 3                                   =  7
 *   八 10 − 3 × 1                               =  7
 *   items 10 + 8 + 0 + 10 + 15 + 0 + 7 + 7 = 57; + bonus 2 = 59 → < 70: unqualified (no veto).
 */

let ctx: TestContext
let county: string // supervisor of 510199
let city: string // supervisor of 510100
let device: string
let station: string
let staff: string[]
const zone: Record<string, string> = {}
const V: string[] = []
let expectedCoverage: number

const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
const at = (x: number, y: number): [number, number] => [104.02 + x * M_LON, 29.92 + y * M_LAT]
const square = (x: number, y: number, side: number) => ({
  type: 'Polygon' as const,
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

async function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  token: string,
  payload?: unknown,
  type?: string,
) {
  return ctx.app.inject({
    method,
    url,
    headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
    ...(payload === undefined ? {} : { payload: payload as string }),
  })
}

async function ok(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  token: string,
  payload?: unknown,
  type?: string,
) {
  const res = await call(method, url, token, payload, type)
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
  return res.json()
}

/** A walk due north across K-big's column at x (metres), 1100 m at 2 m/s, a fix every 20 s. */
async function crossBig(id: string, start: string) {
  const t0 = Date.parse(start)
  const coords: [number, number][] = []
  const times: string[] = []
  for (let i = 0; i <= 27; i++) {
    coords.push(at(500, -50 + i * 40))
    times.push(new Date(t0 + i * 20_000).toISOString())
  }
  await ok('POST', '/api/v1/patrols', device, {
    external_id: id,
    unit_id: station,
    staff,
    kind: 'routine',
    track: {
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { coordTimes: times },
    },
  })
}

async function violation(foundAt: string) {
  return (
    await ok('POST', '/api/v1/violations', county, {
      category: 3,
      source: 'patrol',
      found_at: foundAt,
      location: { type: 'Point', coordinates: [104.0, 30.0] },
    })
  ).id as string
}

async function event(id: string, type: string, atTime: string, closingKind?: string) {
  await ok('POST', `/api/v1/violations/${id}/events`, county, {
    type,
    at: atTime,
    ...(closingKind ? { closing_kind: closingKind } : {}),
  })
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

beforeAll(async () => {
  ctx = await createTestContext()
  const admin = await ctx.token('admin', '510199')
  const planner = await ctx.token('planner', '510199')
  county = await ctx.token('supervisor', '510199')
  city = await ctx.token('supervisor', '510100')
  device = await ctx.token('device', '510199')
  station = (
    await ok('POST', '/api/v1/units', admin, { name: '城关所', kind: 'station', division_code: '510199' })
  ).id
  staff = [
    (await ok('POST', '/api/v1/people', admin, { name: '甲', unit_id: station })).id,
    (await ok('POST', '/api/v1/people', admin, { name: '乙', unit_id: station })).id,
  ]

  const plan = await ok('POST', '/api/v1/plans', planner, {
    division_code: '510199',
    name: '2025年巡查区域',
    effective_from: '2025-12-22',
  })
  const big = square(0, 0, 1000)
  const small = square(1500, 0, 193.25)
  const imported = await ok(
    'POST',
    `/api/v1/plans/${plan.id}/zones`,
    planner,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { name: 'K-big', category: 'basic_farmland', geometry: big },
        { name: 'K-small', category: 'township_seat', geometry: small },
      ].map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { name: f.name, category: f.category, unit_id: station, main_person_id: staff[0] },
      })),
    }),
    'application/geo+json',
  )
  for (const z of imported.zones as { id: string; name: string }[]) zone[z.name] = z.id
  await ok('POST', `/api/v1/plans/${plan.id}/submit`, planner)
  await ok('POST', `/api/v1/plans/${plan.id}/file`, city)
  const bigArea = area({ type: 'Feature', geometry: big, properties: {} })
  const smallArea = area({ type: 'Feature', geometry: small, properties: {} })
  expectedCoverage = bigArea / (bigArea + smallArea) // the same in both weeks, so also their mean

  for (const [id, start] of [
    ['w52-a', '2025-12-22T01:00:00Z'],
    ['w52-b', '2025-12-24T01:00:00Z'],
    ['w1-a', '2025-12-29T01:00:00Z'],
    ['w1-b', '2025-12-31T01:00:00Z'],
  ] as const)
    await crossBig(id, start)

  for (const n of range(1, 50)) V[n] = await violation(`2025-03-03T09:${String(n).padStart(2, '0')}:00+08:00`)
  for (const n of range(1, 49)) await event(V[n]!, 'stop', '2025-03-03T11:00:00+08:00')
  for (const n of range(1, 20)) await event(V[n]!, 'report', '2025-03-04T10:00:00+08:00')
  for (const n of range(1, 20)) await event(V[n]!, 'file', '2025-03-10T10:00:00+08:00')
  for (const n of range(1, 19)) await event(V[n]!, 'close', '2025-04-10T10:00:00+08:00', 'penalty_decided')

  for (const month of range(1, 11).filter((m) => m !== 6)) {
    const mm = String(month).padStart(2, '0')
    const next = String(month + 1).padStart(2, '0')
    await ok('POST', `/api/v1/report-schedule/510199-monthly-2025-${mm}/sent`, county, {
      sent_at: `2025-${next}-03T09:00:00+08:00`,
      recipient: '成都市自然资源局',
      sent_by: '张三',
    })
  }
  await ok('PUT', '/api/v1/assessments/510199/2025/manual', city, {
    assessor: '成都市局 李四',
    deductions: [
      { item: '二', points: 2, reason: '执法车辆不足' },
      { item: '七', points: 3, reason: '未开展年度考核' },
    ],
    bonus: { points: 2, reason: '查处重大违法案件成效显著' },
  })
}, 900_000)
afterAll(async () => ctx?.close())

const assessment = async (url = '/api/v1/assessments/510199/2025', token = county) => ok('GET', url, token)
const itemOf = (a: { items: { item: string }[] }, key: string) =>
  a.items.find((i) => i.item === key) as unknown as {
    score: number
    deducted: number
    capped: boolean
    deductions: {
      points: number
      rule: string
      explanation: string
      evidence: { id: string; kind: string; href: string | null }[]
    }[]
  }

describe('the 2025 assessment of county 510199', () => {
  it('measures the figures of the scenario (coverage against an independent turf computation)', async () => {
    const a = await assessment()
    expect(a.live).toBe(false)
    expect(a.as_of).toBe('2025-12-31T15:59:59.999Z')
    expect(expectedCoverage).toBeGreaterThan(0.9635)
    expect(expectedCoverage).toBeLessThan(0.9645)
    expect(a.figures.key_area_coverage.rate).toBeCloseTo(expectedCoverage, 3)
    // the same figure as the coverage read of the year
    const coverage = await ok('GET', '/api/v1/coverage?division=510199&from=2025-01-01&to=2025-12-31', county)
    expect(a.figures.key_area_coverage.rate).toBe(coverage.summary.key_area_coverage_rate)
    expect(a.figures.key_area_coverage.closed_zone_periods).toBe(4)
    expect(a.figures.key_area_coverage.short_zones).toEqual([zone['K-small']])
    expect(a.figures.stop_rate).toMatchObject({
      numerator: 49,
      denominator: 50,
      rate: 0.98,
      ids_missing: [V[50]],
    })
    expect(a.figures.filing_rate).toMatchObject({ numerator: 20, denominator: 20, rate: 1 })
    expect(a.figures.closure_rate).toMatchObject({
      numerator: 19,
      denominator: 20,
      rate: 0.95,
      ids_missing: [V[20]],
    })
    const states = a.figures.reports.map((r: { period: string; state: string }) => `${r.period}:${r.state}`)
    expect(states).toContain('2025-06:overdue')
    expect(states).toContain('2025-12:not_yet_due')
    expect(states.filter((s: string) => s.endsWith(':sent_on_time'))).toHaveLength(10)
  })

  it('scores 57 + bonus 2 = 59, unqualified, with the arithmetic of the rubric', async () => {
    const a = await assessment()
    const scores = Object.fromEntries(a.items.map((i: { item: string; score: number }) => [i.item, i.score]))
    expect(scores).toEqual({ 一: 10, 二: 8, 三: 0, 四: 10, 五: 15, 六: 0, 七: 7, 八: 7 })
    expect(itemOf(a, '三').deductions[0]!.points).toBe(10.8) // 3 × 3.6
    expect(itemOf(a, '三').capped).toBe(true)
    expect(itemOf(a, '五').deductions[0]!.points).toBe(10) // 5 × 2
    expect(itemOf(a, '六').deductions.map((d) => d.points)).toEqual([15]) // 3 × 5; filing at 100 %
    expect(itemOf(a, '八').deductions[0]!.points).toBe(3)
    expect(a.items_total).toBe(10 + 8 + 0 + 10 + 15 + 0 + 7 + 7)
    expect(a.bonus.points).toBe(2)
    expect(a.total).toBe(57 + 2)
    expect(a.grade).toBe('unqualified')
    expect(a.veto.triggered).toBe(false)
    expect(a.next_year_awards_ineligible).toBe(false)
  })

  it('every computed deduction names its records, and each one reads back through the API', async () => {
    const a = await assessment()
    const computed = a.items.flatMap((i: { deductions: { rule: string }[] }) =>
      i.deductions.filter((d) => d.rule !== 'manual'),
    ) as { rule: string; evidence: { id: string; kind: string; href: string }[] }[]
    expect(computed.map((d) => d.rule).sort()).toEqual([
      'closure_rate_below_standard',
      'key_area_coverage_below_standard',
      'report_not_sent',
      'stop_rate_below_standard',
    ])
    const evidence = computed.flatMap((d) => d.evidence)
    expect(evidence.map((e) => e.id).sort()).toEqual(
      [zone['K-small'], V[50], V[20], '510199-monthly-2025-06'].sort(),
    )
    for (const e of evidence) {
      expect(e.href, e.id).toBeTruthy()
      const res = await call('GET', e.href, county)
      expect(res.statusCode, `${e.href}: ${res.body}`).toBe(200)
      const body = res.json()
      // a zone is read in its plan's zones; every other record is read by its own id
      if (e.kind === 'zone') expect(body.features.map((f: { id: string }) => f.id)).toContain(e.id)
      else expect(body.id).toBe(e.id)
    }
    const report = await ok('GET', '/api/v1/report-schedule/510199-monthly-2025-06', county)
    expect(report).toMatchObject({ due_date: '2025-07-05', sent_at: null })
  })

  it('what-if: two more patrols a week in the gap zones lifts 三, sending the missing report lifts 八', async () => {
    const a = await assessment('/api/v1/assessments/510199/2025?assume=gap-patrols:2/week,reports-sent:all')
    expect(a.what_if.changed_items).toEqual([
      { item: '三', title: expect.any(String), score: 0, new_score: 10 },
      { item: '八', title: expect.any(String), score: 7, new_score: 10 },
    ])
    expect(a.what_if.total).toBe(59 + 10 + 3)
    expect(a.what_if.grade).toBe('qualified')
  })

  it('refuses an assumption it does not understand, naming the clause', async () => {
    const res = await call('GET', '/api/v1/assessments/510199/2025?assume=more-coffee:2', county)
    expect(res.statusCode).toBe(422)
    expect(res.json().errors[0].message).toContain('more-coffee')
  })

  it('manual entries: only the level above enters them, the rubric checks them, and history is kept', async () => {
    const own = await call('PUT', '/api/v1/assessments/510199/2025/manual', county, {
      assessor: '县局',
      deductions: [],
      bonus: { points: 5, reason: '自评' },
    })
    expect(own.statusCode).toBe(403)
    const bad = await call('PUT', '/api/v1/assessments/510199/2025/manual', city, {
      assessor: '李四',
      deductions: [{ item: '二', points: 11, reason: '超过分值' }],
      bonus: { points: 6, reason: '过多' },
    })
    expect(bad.statusCode).toBe(422)
    const paths = bad.json().errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/deductions/0/points', '/bonus/points']))
    const a = await assessment()
    expect(a.manual.history).toHaveLength(1)
    expect(a.manual.assessor).toBe('成都市局 李四')
  })

  it('a city sees its counties side by side, ranked, and the XLSX carries the same figures', async () => {
    const table = await ok('GET', '/api/v1/assessments?parent=510100&year=2025', city)
    expect(table.items.map((r: { division: string }) => r.division)).toEqual(['510198', '510199'])
    const ours = table.items.find((r: { division: string }) => r.division === '510199')
    expect(ours).toMatchObject({ total: 59, grade: 'unqualified', rank: 2 })
    expect(ours.items).toEqual({ 一: 10, 二: 8, 三: 0, 四: 10, 五: 15, 六: 0, 七: 7, 八: 7 })

    const res = await call('GET', '/api/v1/assessments?parent=510100&year=2025&format=xlsx', city)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('考核汇总')!
    const header = (ws.getRow(2).values as unknown[]).slice(1)
    const rows = [3, 4].map((n) => {
      const values = (ws.getRow(n).values as unknown[]).slice(1)
      return Object.fromEntries(header.map((h, i) => [String(h), values[i]]))
    })
    const sheetRow = rows.find((r) => r['行政区划代码'] === '510199')!
    expect(sheetRow).toMatchObject({
      排名: 2,
      '(三)': 0,
      '(五)': 15,
      '(八)': 7,
      加分: 2,
      总分: 59,
      等级: '不合格',
      一票否决: '否',
    })
    for (const r of rows) {
      const json = table.items.find((i: { division: string }) => i.division === r['行政区划代码'])
      expect(r['总分']).toBe(json.total)
    }
  })

  it('a province ranks its cities, each scored on its own records (a city owes quarterly and annual reports)', async () => {
    const province = await ctx.token('viewer', '510000')
    const table = await ok('GET', '/api/v1/assessments?parent=510000&year=2025', province)
    expect(table.items).toHaveLength(1)
    const row = table.items[0]
    expect(row).toMatchObject({ division: '510100', rank: 1 })
    // none of the city's 4 quarterly reports nor its annual one was recorded: 5 × 3 = 15, capped at 10
    expect(row.items['八']).toBe(0)
    const cityAssessment = await ok('GET', '/api/v1/assessments/510100/2025', province)
    expect(cityAssessment.total).toBe(row.total)
    expect(cityAssessment.figures.reports.map((r: { period: string }) => r.period)).toEqual([
      '2025-Q1',
      '2025-Q2',
      '2025-Q3',
      '2025-Q4',
      '2025',
    ])
  })

  it('a county cannot read its neighbour’s assessment', async () => {
    const res = await call('GET', '/api/v1/assessments/510198/2025', county)
    expect(res.statusCode).toBe(404)
  })
})

describe('the current year, live', () => {
  it('scores so far, projects to year end at the present pace, and says which items a what-if changes', async () => {
    const year = new Date().getUTCFullYear()
    const a = await assessment(`/api/v1/assessments/510198/${year}?assume=reports-sent:all`, city)
    expect(a.live).toBe(true)
    const due = a.figures.reports.filter((r: { state: string }) => r.state !== 'not_yet_due').length
    const item8 = itemOf(a, '八')
    expect(item8.deductions[0]?.points ?? 0).toBe(3 * due)
    if (a.span.to < `${year}-12-31`) {
      expect(a.projection.to).toBe(`${year}-12-31`)
      expect(a.projection.items).toHaveLength(8)
    }
    if (due > 0) expect(a.what_if.changed_items.map((c: { item: string }) => c.item)).toContain('八')
  })
})
