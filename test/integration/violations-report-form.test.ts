import { existsSync } from 'node:fs'
import JSZip from 'jszip'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

let ctx: TestContext
let patroller: string
let violationId: string

const rect = (x0: number, y0: number, x1: number, y1: number) => ({
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
})

// The case facts the form must carry, in both renderings.
const FACTS = {
  party: '赵某某（城关镇新华村村民）',
  description: '在基本农田上开挖地基、浇筑圈梁，准备建房，现场有挖掘机一台',
  place: '城关镇新华村三组',
  stopNote: '现场送达停工通知书，责令停止施工',
  reportNote: '已填报报告表并报大队',
}

beforeAll(async () => {
  ctx = await createTestContext()
  const admin = await ctx.token('admin', '510199')
  patroller = await ctx.token('patroller', '510199')
  const planner = await ctx.token('planner', '510199')
  const unit = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/units',
    headers: bearer(admin),
    payload: { name: '城关国土资源所', kind: 'station', division_code: '510199' },
  })
  for (const [name, cert] of [
    ['李所长', 'RF-0001'],
    ['张巡查', 'RF-0002'],
    ['王巡查', 'RF-0003'],
  ]) {
    const person = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(admin),
      payload: { name, unit_id: unit.json().id, certificate_no: cert, roles: ['patroller'] },
    })
    expect(person.statusCode, person.body).toBe(201)
  }
  const plan = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/plans',
    headers: bearer(planner),
    payload: { division_code: '510199', name: '2026 方案', effective_from: '2026-01-01' },
  })
  const zones = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.json().id}/zones`,
    headers: { ...bearer(planner), 'content-type': 'application/geo+json' },
    payload: JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: rect(104.0, 30.0, 104.01, 30.01),
          properties: {
            category: 'basic_farmland',
            name: '新华村基本农田保护区',
            unit_name: '城关国土资源所',
            main_person: '李所长',
            direct_persons: ['张巡查', '王巡查'],
          },
        },
      ],
    }),
  })
  expect(zones.statusCode, zones.body).toBe(201)
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.json().id}/submit`,
    headers: bearer(planner),
  })
  const filed = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${plan.json().id}/file`,
    headers: bearer(await ctx.token('supervisor', '510100')),
  })
  expect(filed.statusCode, filed.body).toBe(200)

  const v = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/violations',
    headers: bearer(patroller),
    payload: {
      category: 4,
      source: 'patrol',
      found_at: '2026-10-12T09:30:00+08:00',
      location: { type: 'Point', coordinates: [104.005, 30.005] },
      place: FACTS.place,
      area_mu: 1.2,
      cultivated_mu: 1.2,
      basic_farmland_mu: 1.2,
      party: FACTS.party,
      description: FACTS.description,
    },
  })
  expect(v.statusCode, v.body).toBe(201)
  violationId = v.json().id
  for (const [type, at, note] of [
    ['stop', '2026-10-12T10:00:00+08:00', FACTS.stopNote],
    ['report', '2026-10-13T16:00:00+08:00', FACTS.reportNote],
  ]) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/violations/${violationId}/events`,
      headers: bearer(patroller),
      payload: { type, at, note },
    })
    expect(res.statusCode, res.body).toBe(201)
  }
})
afterAll(async () => ctx?.close())

/** What both renderings must say about the case. */
const EXPECTED_TEXT = [
  '动态巡查违法行为报告表',
  FACTS.party,
  FACTS.description,
  FACTS.place,
  FACTS.stopNote,
  '破坏基本农田', // category 4
  '104.005000°E',
  '30.005000°N',
  '1.20 亩',
  '2026-10-12 09:30', // found, Beijing time
  '2026-10-14', // report due: Tue 13 = 1, Wed 14 = 2
  '2026-10-13 16:00', // reported
  '按时报告',
  '新华村基本农田保护区',
  '城关国土资源所',
  '李所长',
  '张巡查、王巡查',
]

describe('《动态巡查违法行为报告表》', () => {
  it('DOCX: a Word document whose word/document.xml carries the case facts', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/${violationId}/report-form?format=docx`,
      headers: bearer(patroller),
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''.+\.docx$/)
    const zip = await JSZip.loadAsync(res.rawPayload)
    expect(Object.keys(zip.files)).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'word/document.xml']),
    )
    const xml = await zip.file('word/document.xml')!.async('string')
    // the page is A4 (twips)
    expect(xml).toMatch(/<w:pgSz[^>]*w:w="11906"[^>]*w:h="16838"/)
    const text = xml.replace(/<[^>]+>/g, '')
    for (const fact of EXPECTED_TEXT) expect(text, fact).toContain(fact)
  })

  it('HTML: the same facts, self-contained (no scripts, links, images or fonts to fetch), sized for A4', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/${violationId}/report-form?format=html`,
      headers: bearer(patroller),
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    const html = res.body
    expect(html).toContain('<html lang="zh-CN">')
    expect(html).toMatch(/@page \{ size: A4 portrait/)
    for (const fact of EXPECTED_TEXT) expect(html, fact).toContain(fact)
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import|https?:\/\//i)
    // default format is HTML
    const plain = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/violations/${violationId}/report-form`,
      headers: bearer(patroller),
    })
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8')
  })

  it('escapes what users typed', async () => {
    const v = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/violations',
      headers: bearer(patroller),
      payload: {
        category: 8,
        source: 'public_tip',
        found_at: '2026-10-12T09:30:00+08:00',
        location: { type: 'Point', coordinates: [104.02, 30.02] },
        party: '<script>alert(1)</script>',
      },
    })
    const html = (
      await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/violations/${v.json().id}/report-form`,
        headers: bearer(patroller),
      })
    ).body
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  // CI installs Debian's chromium (.ci/run); a machine without it skips the print check only.
  const CHROMIUM = '/usr/bin/chromium'
  it.skipIf(!existsSync(CHROMIUM))(
    'HTML prints on exactly one A4 page in Chromium, with the longest texts allowed',
    async () => {
      // The worst case the form can meet: the longest description, notes and party, a full history.
      const long = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n)
      const v = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/violations',
        headers: bearer(patroller),
        payload: {
          category: 2,
          source: 'patrol',
          found_at: '2026-10-12T09:30:00+08:00',
          location: { type: 'Point', coordinates: [104.005, 30.005] },
          place: long('城关镇新华村三组', 200),
          party: long('某某建设有限公司', 200),
          description: long('在临时用地上修建永久性建筑物，', 5000),
          major: true,
        },
      })
      const id = v.json().id
      for (const [type, at, kind] of [
        ['stop', '2026-10-12T10:00:00+08:00'],
        ['self_correct', '2026-10-12T11:00:00+08:00'],
        ['report', '2026-10-13T10:00:00+08:00'],
        ['file', '2026-10-14T10:00:00+08:00'],
        ['close', '2026-10-20T10:00:00+08:00', 'penalty_decided'],
      ] as const) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/violations/${id}/events`,
          headers: bearer(patroller),
          payload: {
            type,
            at,
            note: long('现场核查并送达相关文书，', 2000),
            ...(kind ? { closing_kind: kind } : {}),
          },
        })
        expect(res.statusCode, res.body).toBe(201)
      }
      const html = (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/violations/${id}/report-form`,
          headers: bearer(patroller),
        })
      ).body
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
      try {
        const page = await browser.newPage()
        // offline: any request the page made would fail here
        const requests: string[] = []
        page.on('request', (r) => requests.push(r.url()))
        await page.setContent(html, { waitUntil: 'load' })
        // nothing cut off: in print layout the page box holds all of its content
        await page.emulateMedia({ media: 'print' })
        const fit = await page.evaluate(() => {
          const box = document.querySelector('.page') as HTMLElement
          // the page box is at most 273 mm high (A4 less two 12 mm margins) and clips what overflows
          return { content: box.scrollHeight, max: parseFloat(getComputedStyle(box).maxHeight) }
        })
        expect(fit.max).toBeCloseTo((273 * 96) / 25.4, 0)
        expect(fit.content, JSON.stringify(fit)).toBeLessThanOrEqual(fit.max)
        if (process.env.LP_SHOT) await page.screenshot({ path: process.env.LP_SHOT, fullPage: true })
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
        const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []
        expect(pages.length).toBe(1)
        expect(requests).toEqual([])
        // A4 in PDF points: 595.28 × 841.89
        const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)/.exec(pdf.toString('latin1'))
        expect(Number(box?.[1])).toBeCloseTo(595.28, 0)
        expect(Number(box?.[2])).toBeCloseTo(841.89, 0)
      } finally {
        await browser.close()
      }
    },
  )
})
