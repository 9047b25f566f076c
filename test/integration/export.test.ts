import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import ExcelJS from 'exceljs'
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { geodesicAreaM2 } from '../../server/domain/geo/areas.js'
import { findDoubleSignedArea } from '../../server/domain/geo/ring-orientation.js'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

const run = promisify(execFile)

let ctx: TestContext
let admin: string
let planner: string
let planId: string
let unitStation: string
const people: Record<string, string> = {}

const PLAN_NAME = '示范县2026年度巡查区域划定方案'
const EFFECTIVE_FROM = '2026-01-01'

type ZoneProps = {
  id: string
  name: string
  tier: number
  category: string
  township_code: string | null
  unit_id: string | null
  main_person_id: string | null
  direct_person_ids: string[]
  area_m2: number
  area_mu: number
  area_ha: number
}
type ApiZone = Feature<Polygon | MultiPolygon, ZoneProps>

const ring = (x: number, y: number, w: number, h = w): Position[] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
  [x, y],
]
const feature = (geometry: Polygon | MultiPolygon, properties: Record<string, unknown>) => ({
  type: 'Feature',
  geometry,
  properties,
})

// Five zones in 示范县 (103.9–104.1 E, 29.9–30.1 N), none overlapping: one with a hole, one in
// two parts, one in each tier, units and persons given by name or assigned afterwards.
const ZONES = [
  feature(
    { type: 'Polygon', coordinates: [ring(103.91, 29.91, 0.02), ring(103.915, 29.915, 0.006).reverse()] },
    {
      category: 'basic_farmland',
      name: '城关镇基本农田保护区（含村庄空洞）',
      township_code: '510199001',
      unit: '城关国土资源所',
      main_person: '张伟',
      direct_persons: ['李娜'],
    },
  ),
  feature(
    {
      type: 'MultiPolygon',
      coordinates: [[ring(103.95, 29.91, 0.01)], [ring(103.97, 29.915, 0.008, 0.012)]],
    },
    {
      category: 'mining_area',
      name: '石灰石矿区（东西两片）',
      unit: '县执法监察大队',
      main_person: '王强',
      direct_persons: '刘洋、李娜',
    },
  ),
  // no unit or persons here: POST /plans/{id}/assign fills them for the township
  feature(
    { type: 'Polygon', coordinates: [ring(103.91, 29.95, 0.015, 0.01)] },
    { category: 'other_farmland', name: '河西一般耕地', township_code: '510199001' },
  ),
  feature(
    { type: 'Polygon', coordinates: [ring(103.95, 29.95, 0.012)] },
    {
      category: 'village_surroundings',
      name: '李家村周边',
      unit: '城关国土资源所',
      main_person: '李娜',
      direct_persons: ['张伟'],
    },
  ),
  feature(
    { type: 'Polygon', coordinates: [ring(104.0, 30.0, 0.03, 0.02)] },
    {
      category: 'other',
      name: '其他区域·北部山地',
      unit: '县执法监察大队',
      main_person: '刘洋',
      direct_persons: ['王强', '刘洋'],
    },
  ),
]

async function post(url: string, token: string, payload: unknown) {
  const res = await ctx.app.inject({
    method: 'POST',
    url,
    headers: bearer(token),
    payload: payload as object,
  })
  expect(res.statusCode, res.body).toBeLessThan(300)
  return res.json()
}

async function newPlan(name: string, effectiveFrom: string): Promise<string> {
  const plan = await post('/api/v1/plans', planner, {
    division_code: '510199',
    name,
    effective_from: effectiveFrom,
  })
  return plan.id as string
}

async function importZones(id: string, features: unknown[]) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${id}/zones`,
    headers: { ...bearer(planner), 'content-type': 'application/geo+json' },
    payload: JSON.stringify({ type: 'FeatureCollection', features }),
  })
  expect(res.statusCode, res.body).toBe(201)
}

async function exportPlan(id: string, format?: string, token = planner) {
  return ctx.app.inject({
    method: 'GET',
    url: `/api/v1/plans/${id}/export${format ? `?format=${format}` : ''}`,
    headers: bearer(token),
  })
}

async function apiZones(id = planId): Promise<ApiZone[]> {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/plans/${id}/zones`,
    headers: bearer(planner),
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().features
}

async function apiPlan(id = planId) {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/plans/${id}`, headers: bearer(planner) })
  return res.json()
}

async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(bytes)
  const out = new Map<string, Buffer>()
  for (const name of Object.keys(zip.files)) out.set(name, await zip.file(name)!.async('nodebuffer'))
  return out
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

beforeAll(async () => {
  ctx = await createTestContext()
  admin = await ctx.token('admin', '510199')
  planner = await ctx.token('planner', '510199')
  unitStation = (
    await post('/api/v1/units', admin, { name: '城关国土资源所', kind: 'station', division_code: '510199' })
  ).id
  const unitTeam = (
    await post('/api/v1/units', admin, { name: '县执法监察大队', kind: 'team', division_code: '510199' })
  ).id
  for (const [name, unit] of [
    ['张伟', unitStation],
    ['李娜', unitStation],
    ['王强', unitTeam],
    ['刘洋', unitTeam],
  ] as const) {
    people[name] = (await post('/api/v1/people', admin, { name, unit_id: unit, roles: ['patroller'] })).id
  }
  planId = await newPlan(PLAN_NAME, EFFECTIVE_FROM)
  await importZones(planId, ZONES)
  await post(`/api/v1/plans/${planId}/assign`, planner, {
    township_code: '510199001',
    unit_id: unitStation,
    main_person_id: people['张伟'],
    direct_person_ids: [people['李娜'], people['张伟']],
    only_missing: true,
  })
})
afterAll(async () => ctx?.close())

describe('GET /plans/{id}/export — the filing package', () => {
  it('zip: the members, an RFC 5987 file name, plan.json with digests, a draft marked 草稿', async () => {
    const res = await exportPlan(planId)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('application/zip')
    const disposition = String(res.headers['content-disposition'])
    const expectedName = `510199_${PLAN_NAME}_${EFFECTIVE_FROM}.zip`
    expect(disposition).toMatch(/^attachment; /)
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(expectedName)}`)
    expect(disposition).toContain(`filename="510199_plan-${planId.slice(0, 8)}_${EFFECTIVE_FROM}.zip"`)
    expect(disposition).toMatch(/^[\x20-\x7e]*$/)

    const members = await unzip(res.rawPayload)
    expect([...members.keys()].sort()).toEqual(
      [
        'plan.json',
        'register.xlsx',
        'zones.cpg',
        'zones.dbf',
        'zones.geojson',
        'zones.prj',
        'zones.shp',
        'zones.shx',
      ].sort(),
    )
    expect(members.get('zones.cpg')!.toString()).toBe('UTF-8')
    expect(members.get('zones.prj')!.toString()).toContain('China_Geodetic_Coordinate_System_2000')

    const meta = JSON.parse(members.get('plan.json')!.toString('utf8'))
    const plan = await apiPlan()
    expect(meta).toMatchObject({
      id: planId,
      county_code: '510199',
      county_name: '示范县',
      name: PLAN_NAME,
      status: 'draft',
      draft: true,
      watermark: '草稿',
      effective_from: EFFECTIVE_FROM,
      effective_to: null,
      submitted_at: null,
      filed_at: null,
      zone_count: 5,
      area_mu: plan.area_mu,
      crs: { geojson: 'EPSG:4326', shapefile: 'EPSG:4490' },
      software: { name: 'LandPatrol' },
    })
    expect(meta.crs.statement).toMatch(/CGCS2000/)
    expect(meta.software.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(Date.parse(meta.generated_at)).toBeGreaterThan(Date.now() - 60_000)
    for (const tier of ['1', '2', '3']) {
      expect(meta.by_tier[tier].zones).toBe(plan.by_tier[tier].zones)
      expect(meta.by_tier[tier].area_mu).toBe(plan.by_tier[tier].area_mu)
    }
    // every other member is listed with its size and SHA-256
    expect(meta.members.map((m: { name: string }) => m.name).sort()).toEqual(
      [...members.keys()].filter((n) => n !== 'plan.json').sort(),
    )
    for (const m of meta.members as { name: string; bytes: number; sha256: string }[]) {
      const content = members.get(m.name)!
      expect(m.bytes).toBe(content.length)
      expect(m.sha256).toBe(createHash('sha256').update(content).digest('hex'))
    }
  })

  it('zones.geojson: RFC 7946 WGS84 features with every attribute and names resolved', async () => {
    const res = await exportPlan(planId, 'geojson')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/)
    expect(String(res.headers['content-disposition'])).toContain(
      `filename*=UTF-8''${encodeURIComponent(`510199_${PLAN_NAME}_${EFFECTIVE_FROM}.geojson`)}`,
    )
    const fc = res.json() as FeatureCollection<Polygon | MultiPolygon>
    expect(fc.type).toBe('FeatureCollection')
    expect(fc).not.toHaveProperty('crs') // RFC 7946: WGS84 by definition, no crs member

    // the same member as inside the zip
    const inZip = JSON.parse(
      (await unzip((await exportPlan(planId)).rawPayload)).get('zones.geojson')!.toString(),
    )
    expect(inZip).toEqual(fc)

    const api = new Map((await apiZones()).map((z) => [z.properties.id, z.properties]))
    expect(fc.features).toHaveLength(api.size)
    const byName = new Map(fc.features.map((f) => [f.properties!.name as string, f]))
    for (const f of fc.features) {
      const p = f.properties!
      const a = api.get(p.id)!
      expect(f.id).toBe(p.id)
      expect(p).toMatchObject({
        name: a.name,
        tier: a.tier,
        category: a.category,
        township_code: a.township_code,
        unit_id: a.unit_id,
        main_person_id: a.main_person_id,
        direct_person_ids: a.direct_person_ids,
        area_m2: a.area_m2,
        area_mu: a.area_mu,
        area_ha: a.area_ha,
      })
      expect(p.zone_code).toMatch(new RegExp(`^510199-${a.tier}-\\d{4}$`))
      // right-hand rule: exteriors counter-clockwise, holes clockwise
      const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
      for (const rings of polygons)
        rings.forEach((r, i) =>
          expect(Math.sign(findDoubleSignedArea(r as [number, number][]))).toBe(i === 0 ? 1 : -1),
        )
    }
    expect(byName.get('城关镇基本农田保护区（含村庄空洞）')!.properties).toMatchObject({
      tier: 1,
      category_zh: '基本农田保护区',
      township_name: '城关镇',
      unit_name: '城关国土资源所',
      main_person_name: '张伟',
      direct_person_names: ['李娜'],
    })
    expect((byName.get('城关镇基本农田保护区（含村庄空洞）')!.geometry as Polygon).coordinates).toHaveLength(
      2,
    )
    const mine = byName.get('石灰石矿区（东西两片）')!
    expect(mine.geometry.type).toBe('MultiPolygon')
    expect((mine.geometry as MultiPolygon).coordinates).toHaveLength(2)
    expect(mine.properties!.direct_person_names).toEqual(['刘洋', '李娜'])
    // filled by POST /assign for the township
    expect(byName.get('河西一般耕地')!.properties).toMatchObject({
      tier: 2,
      unit_name: '城关国土资源所',
      main_person_name: '张伟',
      direct_person_names: ['李娜', '张伟'],
    })
  })

  it('register.xlsx: header block, one row per zone, tier and overall totals in mu that match the API', async () => {
    const res = await exportPlan(planId, 'xlsx')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    expect(String(res.headers['content-disposition'])).toContain(
      `filename*=UTF-8''${encodeURIComponent(`510199_${PLAN_NAME}_${EFFECTIVE_FROM}.xlsx`)}`,
    )
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['巡查区域登记表', '分级分类汇总'])
    const ws = wb.getWorksheet('巡查区域登记表')!
    const text = (r: number, c: number) => String(ws.getRow(r).getCell(c).text ?? '')

    // header block
    let headerRow = 0
    ws.eachRow((row, n) => {
      if (row.getCell(1).text === '序号' && headerRow === 0) headerRow = n
    })
    expect(headerRow).toBeGreaterThan(1)
    const block = Array.from({ length: headerRow - 1 }, (_, i) => `${text(i + 1, 1)} ${text(i + 1, 7)}`).join(
      '\n',
    )
    expect(block).toContain('示范县')
    expect(block).toContain('510199')
    expect(block).toContain(PLAN_NAME)
    expect(block).toContain(EFFECTIVE_FROM)
    expect(block).toContain('草稿')
    expect(ws.getRow(headerRow).values).toEqual([
      undefined,
      '序号',
      '区域编号',
      '名称',
      '级别',
      '类别',
      '乡镇',
      '面积(亩)',
      '面积(公顷)',
      '责任单位',
      '主要责任人',
      '直接责任人',
    ])
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: headerRow })
    for (let c = 1; c <= 11; c++) expect(ws.getColumn(c).width).toBeGreaterThan(0)

    // zone rows and total rows
    const geojson = (await exportPlan(planId, 'geojson')).json() as FeatureCollection
    const codeOf = new Map(geojson.features.map((f) => [f.properties!.name, f.properties!.zone_code]))
    const api = await apiZones()
    const byName = new Map(api.map((z) => [z.properties.name, z.properties]))
    const zoneRows: {
      code: string
      name: string
      tier: string
      mu: number
      ha: number
      unit: string
      direct: string
    }[] = []
    const totals = new Map<string, number>()
    for (let r = headerRow + 1; r <= ws.rowCount; r++) {
      const first = ws.getRow(r).getCell(1).value
      if (typeof first === 'number') {
        expect(first).toBe(zoneRows.length + 1)
        const mu = ws.getRow(r).getCell(7)
        expect(mu.numFmt).toBe('0.00')
        expect(ws.getRow(r).getCell(8).numFmt).toBe('0.00')
        zoneRows.push({
          code: text(r, 2),
          name: text(r, 3),
          tier: text(r, 4),
          mu: mu.value as number,
          ha: ws.getRow(r).getCell(8).value as number,
          unit: text(r, 9),
          direct: text(r, 11),
        })
      } else if (typeof first === 'string' && /小计|合计/.test(first)) {
        totals.set(first.replace(/（.*$/, ''), ws.getRow(r).getCell(7).value as number)
      }
    }
    expect(zoneRows.map((z) => z.name).sort()).toEqual(api.map((z) => z.properties.name).sort())
    for (const row of zoneRows) {
      const z = byName.get(row.name)!
      expect(row.mu).toBe(z.area_mu)
      expect(row.ha).toBe(z.area_ha)
      expect(row.tier).toBe(['', '一级', '二级', '三级'][z.tier])
      expect(row.code).toBe(codeOf.get(row.name))
    }
    expect(zoneRows.find((z) => z.name === '河西一般耕地')).toMatchObject({
      unit: '城关国土资源所',
      direct: '李娜、张伟',
    })
    expect(zoneRows.find((z) => z.name === '石灰石矿区（东西两片）')).toMatchObject({ direct: '刘洋、李娜' })

    const plan = await apiPlan()
    const tierNames = { 1: '一级', 2: '二级', 3: '三级' } as const
    for (const tier of [1, 2, 3] as const) {
      const subtotal = totals.get(`${tierNames[tier]}区域小计`)!
      const rows = api.filter((z) => z.properties.tier === tier)
      // summed from unrounded m², so within the rounding of the rows it adds up
      expect(Math.abs(subtotal - sum(rows.map((z) => z.properties.area_mu)))).toBeLessThanOrEqual(
        0.005 * rows.length + 1e-9,
      )
      expect(subtotal).toBe(plan.by_tier[String(tier)].area_mu)
    }
    expect(totals.get('合计')).toBe(plan.area_mu)
    expect(Math.abs(totals.get('合计')! - sum(api.map((z) => z.properties.area_mu)))).toBeLessThanOrEqual(
      0.005 * api.length,
    )

    // sheet 2: by tier and category, closing with the same total
    const summary = wb.getWorksheet('分级分类汇总')!
    const lines: (string | number)[][] = []
    summary.eachRow((row) => lines.push((row.values as (string | number)[]).slice(1)))
    const categoryLines = lines.filter(
      (l) => ['一级', '二级', '三级'].includes(String(l[0])) && l[1] !== '小计',
    )
    expect(categoryLines.map((l) => l[1]).sort()).toEqual(
      ['基本农田保护区', '重点矿区', '基本农田以外农用地', '村庄周围', '其他区域'].sort(),
    )
    expect(sum(categoryLines.map((l) => Number(l[2])))).toBe(5)
    const total = lines.find((l) => l[0] === '合计')!
    expect(total[2]).toBe(5)
    expect(total[3]).toBe(plan.area_mu)
  })

  it('zones.shp: GDAL reads CGCS2000 (EPSG:4490), every zone, Chinese values, and areas within 0.1 %', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lp-export-'))
    try {
      const res = await exportPlan(planId)
      expect(res.statusCode, res.body).toBe(200)
      await writeFile(path.join(dir, 'package.zip'), res.rawPayload)
      for (const [name, content] of await unzip(await readFile(path.join(dir, 'package.zip'))))
        await writeFile(path.join(dir, name), content)

      const summary = (await run('ogrinfo', ['-ro', '-so', '-al', path.join(dir, 'zones.shp')])).stdout
      expect(summary).toMatch(/Feature Count: 5/)
      expect(summary).toMatch(/Geometry: Polygon/)
      expect(summary).toMatch(/China Geodetic Coordinate System 2000|CGCS2000/)
      expect(summary).toMatch(/ID\["EPSG",4490\]/)
      for (const field of [
        'ZONE_ID',
        'TIER',
        'CATEGORY',
        'CAT_ZH',
        'NAME',
        'TOWNSHIP',
        'UNIT',
        'MAIN_PERS',
        'DIRECT_PER',
        'AREA_MU',
        'AREA_HA',
        'AREA_M2',
      ])
        expect(summary).toMatch(new RegExp(`^${field}: `, 'm'))

      const listing = (await run('ogrinfo', ['-ro', '-al', '-q', path.join(dir, 'zones.shp')])).stdout
      const api = await apiZones()
      for (const z of api) expect(listing).toContain(`NAME (String) = ${z.properties.name}`)

      await run('ogr2ogr', ['-f', 'GeoJSON', path.join(dir, 'out.geojson'), path.join(dir, 'zones.shp')])
      const read = JSON.parse(await readFile(path.join(dir, 'out.geojson'), 'utf8')) as FeatureCollection<
        Polygon | MultiPolygon
      >
      expect(read.features).toHaveLength(api.length)
      const byId = new Map(api.map((z) => [z.properties.id, z.properties]))
      for (const f of read.features) {
        const p = f.properties!
        const a = byId.get(p.ZONE_ID)!
        expect(p.NAME).toBe(a.name)
        expect(p.TIER).toBe(a.tier)
        expect(p.CATEGORY).toBe(a.category)
        expect(p.AREA_MU).toBe(a.area_mu)
        // the area of what GDAL read, on the ellipsoid, without PostGIS
        const area = geodesicAreaM2(f.geometry)
        expect(Math.abs(area - a.area_m2) / a.area_m2).toBeLessThan(0.001)
      }
      const holed = read.features.find((f) => f.properties!.NAME === '城关镇基本农田保护区（含村庄空洞）')!
      expect(holed.geometry.type).toBe('Polygon')
      expect((holed.geometry as Polygon).coordinates).toHaveLength(2)
      expect(holed.properties).toMatchObject({
        CAT_ZH: '基本农田保护区',
        TOWNSHIP: '城关镇',
        UNIT: '城关国土资源所',
        MAIN_PERS: '张伟',
      })
      const mine = read.features.find((f) => f.properties!.NAME === '石灰石矿区（东西两片）')!
      expect(mine.geometry.type).toBe('MultiPolygon')
      expect((mine.geometry as MultiPolygon).coordinates).toHaveLength(2)
      expect(mine.properties!.DIRECT_PER).toBe('刘洋、李娜')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('shp alone: the zipped Shapefile set under a _shp.zip name', async () => {
    const res = await exportPlan(planId, 'shp')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('application/zip')
    expect(String(res.headers['content-disposition'])).toContain(
      encodeURIComponent(`510199_${PLAN_NAME}_${EFFECTIVE_FROM}_shp.zip`),
    )
    const members = await unzip(res.rawPayload)
    expect([...members.keys()].sort()).toEqual([
      'zones.cpg',
      'zones.dbf',
      'zones.prj',
      'zones.shp',
      'zones.shx',
    ])
  })

  it('a filed plan goes out without the draft mark, with who filed it', async () => {
    const id = await newPlan('Plan B', '2026-06-01')
    await importZones(id, [ZONES[3]])
    await post(`/api/v1/plans/${id}/submit`, planner, {})
    await post(`/api/v1/plans/${id}/file`, await ctx.token('supervisor', '510100'), {})

    const res = await exportPlan(id)
    expect(res.statusCode, res.body).toBe(200)
    // an ASCII plan name is its own fallback
    expect(String(res.headers['content-disposition'])).toContain('filename="510199_Plan_B_2026-06-01.zip"')
    expect(String(res.headers['content-disposition'])).toContain(
      "filename*=UTF-8''510199_Plan%20B_2026-06-01.zip",
    )
    const members = await unzip(res.rawPayload)
    const meta = JSON.parse(members.get('plan.json')!.toString())
    expect(meta).toMatchObject({
      status: 'filed',
      status_zh: '已备案',
      draft: false,
      watermark: null,
      zone_count: 1,
    })
    expect(meta.filed_by_division.code).toBe('510100')
    expect(meta.submitted_at).toMatch(/Z$/)
    expect(meta.filed_at).toMatch(/Z$/)

    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(members.get('register.xlsx')! as unknown as ArrayBuffer)
    const title = wb.getWorksheet('巡查区域登记表')!.getRow(1).getCell(1).text
    expect(title).toContain('示范县')
    expect(title).not.toContain('草稿')
  })

  it('a plan without zones still exports a well-formed, empty package', async () => {
    const id = await newPlan('空方案', '2026-09-01')
    const res = await exportPlan(id)
    expect(res.statusCode, res.body).toBe(200)
    const members = await unzip(res.rawPayload)
    expect(JSON.parse(members.get('zones.geojson')!.toString())).toEqual({
      type: 'FeatureCollection',
      features: [],
    })
    expect(JSON.parse(members.get('plan.json')!.toString())).toMatchObject({ zone_count: 0, area_mu: 0 })
    const dir = await mkdtemp(path.join(tmpdir(), 'lp-export-empty-'))
    try {
      for (const [name, content] of members) await writeFile(path.join(dir, name), content)
      const summary = (await run('ogrinfo', ['-ro', '-so', '-al', path.join(dir, 'zones.shp')])).stdout
      expect(summary).toMatch(/Feature Count: 0/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('GET /plans/{id}/export — access and bad input', () => {
  it("is 404 for a sibling county's token, 403 for a device token, 401 without one", async () => {
    const sibling = await exportPlan(planId, undefined, await ctx.token('planner', '510198'))
    expect(sibling.statusCode).toBe(404)
    expect(sibling.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(sibling.body).not.toContain(PLAN_NAME)
    expect((await exportPlan(planId, 'xlsx', await ctx.token('device', '510199'))).statusCode).toBe(403)
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/export` })).statusCode).toBe(
      401,
    )
  })

  it('the city above and a viewer of the county may export', async () => {
    expect((await exportPlan(planId, 'geojson', await ctx.token('supervisor', '510100'))).statusCode).toBe(
      200,
    )
    expect((await exportPlan(planId, 'geojson', await ctx.token('viewer', '510199'))).statusCode).toBe(200)
  })

  it('an unknown format or a stray parameter is a 400, an unknown plan a 404', async () => {
    const bad = await exportPlan(planId, 'kml')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors[0].path).toBe('/querystring/format')
    const stray = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/plans/${planId}/export?fromat=zip`,
      headers: bearer(planner),
    })
    expect(stray.statusCode).toBe(400)
    expect((await exportPlan('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    expect((await exportPlan('not-a-uuid')).statusCode).toBe(400)
  })
})
