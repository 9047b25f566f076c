/**
 * register.xlsx — 巡查区域登记表: one row per zone under a header block (county, plan, effective
 * date, status), a subtotal per tier and a total in mu and hectares; sheet 2 sums by tier and
 * category. Totals are values, not formulas: a filed register is a record, and its totals are the
 * ones the API reports for the plan (summed from unrounded m², rounded once).
 */
import ExcelJS from 'exceljs'
import {
  categoryLabel,
  CRS_STATEMENT_ZH,
  findPlanTotals,
  findTierTotals,
  STATUS_ZH,
  TIER_ZH,
  totalsOf,
  type AreaTotals,
  type FilingContext,
  type FilingData,
  type FilingZone,
} from './filing-data.js'

export const REGISTER_SHEET = '巡查区域登记表'
export const SUMMARY_SHEET = '分级分类汇总'

export const REGISTER_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '区域编号', width: 16 },
  { header: '名称', width: 28 },
  { header: '级别', width: 7 },
  { header: '类别', width: 22 },
  { header: '乡镇', width: 14 },
  { header: '面积(亩)', width: 14 },
  { header: '面积(公顷)', width: 14 },
  { header: '责任单位', width: 22 },
  { header: '主要责任人', width: 12 },
  { header: '直接责任人', width: 24 },
] as const

const AREA_FORMAT = '0.00'
const LAST_COLUMN = REGISTER_COLUMNS.length
const MU_COLUMN = 7
const HA_COLUMN = 8

const THIN: Partial<ExcelJS.Border> = { style: 'thin' }
const BOX: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
const TOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } }

/** Beijing time for people reading the sheet (plan.json keeps UTC). */
function formatBeijing(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')}（北京时间）`
}

function statusLine(data: FilingData): string {
  const status = STATUS_ZH[data.plan.status]
  if (data.plan.status === 'draft') return `状态：${status}（未报送备案，仅供核对，不作为备案材料）`
  if (data.plan.status === 'filed' && data.plan.filed_at)
    return `状态：${status}（${data.plan.filed_at.slice(0, 10)}，${data.plan.filed_by_division ?? ''}）`
  return `状态：${status}`
}

function styleRow(row: ExcelJS.Row, opts: { bold?: boolean; fill?: ExcelJS.Fill; areas?: boolean }): void {
  for (let c = 1; c <= LAST_COLUMN; c++) {
    const cell = row.getCell(c)
    cell.border = BOX
    if (opts.bold) cell.font = { bold: true }
    if (opts.fill) cell.fill = opts.fill
  }
  if (opts.areas) {
    row.getCell(MU_COLUMN).numFmt = AREA_FORMAT
    row.getCell(HA_COLUMN).numFmt = AREA_FORMAT
  }
}

/** A labelled line of the header block, split in two halves of the sheet's width. */
function addInfoLine(ws: ExcelJS.Worksheet, left: string, right: string): void {
  const row = ws.addRow([])
  const split = 6
  row.getCell(1).value = left
  row.getCell(split + 1).value = right
  ws.mergeCells(row.number, 1, row.number, split)
  ws.mergeCells(row.number, split + 1, row.number, LAST_COLUMN)
}

function addTotalRow(ws: ExcelJS.Worksheet, label: string, totals: AreaTotals): ExcelJS.Row {
  const row = ws.addRow([])
  row.getCell(1).value = `${label}（${totals.zones} 个区域）`
  row.getCell(MU_COLUMN).value = totals.area_mu
  row.getCell(HA_COLUMN).value = totals.area_ha
  ws.mergeCells(row.number, 1, row.number, MU_COLUMN - 1)
  styleRow(row, { bold: true, fill: TOTAL_FILL, areas: true })
  return row
}

function addRegisterSheet(
  wb: ExcelJS.Workbook,
  data: FilingData,
  zones: readonly FilingZone[],
  ctx: FilingContext,
) {
  const { plan, parties, summary } = data
  const draft = plan.status === 'draft'
  const ws = wb.addWorksheet(REGISTER_SHEET, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    headerFooter: {
      // Excel has no watermark; a draft says so at the top of every printed page instead.
      oddHeader: draft ? '&C&"-,Bold"&16草稿 — 未备案' : '',
      oddFooter: '&C第 &P 页，共 &N 页',
    },
  })
  REGISTER_COLUMNS.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width
  })

  const title = ws.addRow([
    `${parties.county_name ?? plan.division_code}巡查区域登记表${draft ? '（草稿）' : ''}`,
  ])
  ws.mergeCells(title.number, 1, title.number, LAST_COLUMN)
  title.getCell(1).font = { bold: true, size: 16, ...(draft ? { color: { argb: 'FFC00000' } } : {}) }
  title.getCell(1).alignment = { horizontal: 'center' }
  title.height = 26

  addInfoLine(ws, `县（市、区）：${parties.county_name ?? ''}（${plan.division_code}）`, `方案：${plan.name}`)
  addInfoLine(
    ws,
    `生效日期：${plan.effective_from}${plan.effective_to ? ` 至 ${plan.effective_to}` : ''}`,
    statusLine(data),
  )
  addInfoLine(
    ws,
    `导出时间：${formatBeijing(ctx.generatedAt)}`,
    '坐标系：CGCS2000（EPSG:4490）；面积按椭球面计算，1 亩 = 10000/15 m²',
  )

  const header = ws.addRow(REGISTER_COLUMNS.map((c) => c.header))
  styleRow(header, { bold: true, fill: HEADER_FILL })
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }]
  ws.pageSetup.printTitlesRow = `${header.number}:${header.number}`

  let serial = 0
  for (const tier of [1, 2, 3]) {
    const ofTier = zones.filter((z) => z.tier === tier)
    if (ofTier.length === 0) continue
    for (const z of ofTier) {
      serial++
      const row = ws.addRow([
        serial,
        z.code,
        z.name,
        TIER_ZH[z.tier] ?? String(z.tier),
        z.category_zh,
        z.township_name ?? z.township_code ?? '',
        z.area_mu,
        z.area_ha,
        z.unit_name ?? '',
        z.main_person_name ?? '',
        z.direct_person_names.join('、'),
      ])
      styleRow(row, { areas: true })
    }
    addTotalRow(ws, `${TIER_ZH[tier]}区域小计`, findTierTotals(summary, tier))
  }
  addTotalRow(ws, '合计', findPlanTotals(summary))

  const note = ws.addRow([CRS_STATEMENT_ZH])
  ws.mergeCells(note.number, 1, note.number, LAST_COLUMN)
  note.getCell(1).font = { size: 9, italic: true }
  note.getCell(1).alignment = { wrapText: true }
  note.height = 30
}

const SUMMARY_COLUMNS = [
  { header: '级别', width: 8 },
  { header: '类别', width: 24 },
  { header: '区域数', width: 10 },
  { header: '面积(亩)', width: 16 },
  { header: '面积(公顷)', width: 16 },
  { header: '占总面积(%)', width: 14 },
] as const

function addSummarySheet(wb: ExcelJS.Workbook, data: FilingData) {
  const { plan, parties, summary } = data
  const ws = wb.addWorksheet(SUMMARY_SHEET, {
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  })
  SUMMARY_COLUMNS.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width
  })
  const last = SUMMARY_COLUMNS.length
  const title = ws.addRow([
    `${parties.county_name ?? plan.division_code} ${plan.name} 分级分类汇总${plan.status === 'draft' ? '（草稿）' : ''}`,
  ])
  ws.mergeCells(title.number, 1, title.number, last)
  title.getCell(1).font = { bold: true, size: 14 }
  title.getCell(1).alignment = { horizontal: 'center' }

  const header = ws.addRow(SUMMARY_COLUMNS.map((c) => c.header))
  header.eachCell((cell) => {
    cell.font = { bold: true }
    cell.fill = HEADER_FILL
    cell.border = BOX
    cell.alignment = { horizontal: 'center' }
  })
  ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }]

  const total = findPlanTotals(summary)
  const share = (m2: number) => (total.area_m2 > 0 ? Math.round((m2 / total.area_m2) * 10000) / 100 : 0)
  const add = (values: (string | number)[], bold: boolean) => {
    const row = ws.addRow(values)
    for (let c = 1; c <= last; c++) {
      const cell = row.getCell(c)
      cell.border = BOX
      if (c >= 4) cell.numFmt = AREA_FORMAT
      if (bold) {
        cell.font = { bold: true }
        cell.fill = TOTAL_FILL
      }
    }
  }
  for (const tier of [1, 2, 3]) {
    const rows = summary.filter((r) => r.tier === tier && r.category !== null)
    if (rows.length === 0) continue
    for (const r of rows) {
      const t = totalsOf(r)
      add(
        [
          TIER_ZH[tier] ?? '',
          categoryLabel(r.category ?? ''),
          t.zones,
          t.area_mu,
          t.area_ha,
          share(t.area_m2),
        ],
        false,
      )
    }
    const t = findTierTotals(summary, tier)
    add([TIER_ZH[tier] ?? '', '小计', t.zones, t.area_mu, t.area_ha, share(t.area_m2)], true)
  }
  add(['合计', '', total.zones, total.area_mu, total.area_ha, total.area_m2 > 0 ? 100 : 0], true)
}

export async function writeRegisterXlsx(
  data: FilingData,
  zones: readonly FilingZone[],
  ctx: FilingContext,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = `LandPatrol ${ctx.softwareVersion}`
  wb.created = ctx.generatedAt
  wb.modified = ctx.generatedAt
  wb.title = `${data.plan.name} 巡查区域登记表`
  addRegisterSheet(wb, data, zones, ctx)
  addSummarySheet(wb, data)
  return Buffer.from(await wb.xlsx.writeBuffer())
}
