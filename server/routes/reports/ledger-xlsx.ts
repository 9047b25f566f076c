/**
 * The ledger 台帐 (第十七条) and the tips register 登记簿 as workbooks: one row per patrol (staff,
 * time, route length, zones visited, findings, measures) and one row per tip (channel, content,
 * check due, outcome). Times are printed in Beijing time.
 */
import ExcelJS from 'exceljs'
import type { ViolationEventType } from '../../domain/violations/workflow.js'
import { CATEGORY_LABELS, EVENT_LABELS, STATUS_LABELS } from '../violations/labels.js'
import type { LedgerFindingRow, LedgerPatrolRow } from './queries.js'

export const LEDGER_SHEET = '动态巡查台帐'
export const TIPS_SHEET = '举报登记簿'

const THIN: Partial<ExcelJS.Border> = { style: 'thin' }
const BOX: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }

export const LEDGER_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '巡查日期', width: 12 },
  { header: '开始时间', width: 8 },
  { header: '结束时间', width: 8 },
  { header: '巡查单位', width: 16 },
  { header: '巡查类型', width: 10 },
  { header: '巡查人员', width: 18 },
  { header: '人数', width: 6 },
  { header: '巡查路线长度(公里)', width: 12 },
  { header: '时长(小时)', width: 10 },
  { header: '巡查区域', width: 30 },
  { header: '发现问题', width: 36 },
  { header: '处置措施', width: 40 },
  { header: '备注', width: 20 },
  { header: '轨迹编号', width: 38 },
] as const

const KIND_ZH: Record<string, string> = { routine: '日常巡查', supervision: '督查巡查', special: '专项巡查' }

const FLAG_ZH: Record<string, string> = {
  understaffed: '巡查人员少于规定人数，不计入巡查频次',
  outside_county: '部分轨迹点在本县范围之外',
}

const TIP_CHANNEL_ZH: Record<string, string> = {
  hotline_12336: '12336举报电话',
  info_officer: '信息员报告',
  letter: '来信',
  visit: '来访',
}

const TIP_STATUS_ZH: Record<string, string> = {
  open: '待核查',
  violation: '查实违法行为',
  unfounded: '不属实',
}

/** 'YYYY-MM-DD HH:MM' in Beijing time. */
function beijing(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

export interface LedgerEvent {
  violation_id: string
  type: string
  at: Date
}

export interface LedgerData {
  divisionName: string
  divisionCode: string
  from: string
  to: string
  patrols: LedgerPatrolRow[]
  findings: LedgerFindingRow[]
  events: LedgerEvent[]
  generatedAt: Date
}

function sheetWithTitle(
  wb: ExcelJS.Workbook,
  name: string,
  columns: readonly { header: string; width: number }[],
) {
  const ws = wb.addWorksheet(name, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  })
  columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width
  })
  return ws
}

function addHead(ws: ExcelJS.Worksheet, title: string, lines: string[], headers: readonly string[]) {
  const last = headers.length
  const t = ws.addRow([title])
  ws.mergeCells(t.number, 1, t.number, last)
  t.getCell(1).font = { bold: true, size: 16 }
  t.getCell(1).alignment = { horizontal: 'center' }
  t.height = 26
  for (const line of lines) {
    const r = ws.addRow([line])
    ws.mergeCells(r.number, 1, r.number, last)
  }
  const header = ws.addRow([...headers])
  header.eachCell((cell) => {
    cell.font = { bold: true }
    cell.fill = HEADER_FILL
    cell.border = BOX
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  })
  ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 0 }]
  ws.pageSetup.printTitlesRow = `${header.number}:${header.number}`
}

function boxRow(row: ExcelJS.Row, columns: number) {
  for (let c = 1; c <= columns; c++) {
    const cell = row.getCell(c)
    cell.border = BOX
    cell.alignment = { vertical: 'top', wrapText: true }
  }
}

export async function writeLedgerXlsx(d: LedgerData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'LandPatrol'
  wb.created = d.generatedAt
  const ws = sheetWithTitle(wb, LEDGER_SHEET, LEDGER_COLUMNS)
  addHead(
    ws,
    `${d.divisionName}动态巡查台帐`,
    [
      `单位：${d.divisionName}（${d.divisionCode}）\u3000期间：${d.from} 至 ${d.to}\u3000共 ${d.patrols.length} 次巡查`,
      `导出时间：${beijing(d.generatedAt)}（北京时间）`,
    ],
    LEDGER_COLUMNS.map((c) => c.header),
  )
  const findingsOf = new Map<string, LedgerFindingRow[]>()
  for (const f of d.findings) findingsOf.set(f.patrol_id, [...(findingsOf.get(f.patrol_id) ?? []), f])
  const eventsOf = new Map<string, LedgerEvent[]>()
  for (const e of d.events) eventsOf.set(e.violation_id, [...(eventsOf.get(e.violation_id) ?? []), e])

  d.patrols.forEach((p, i) => {
    const findings = findingsOf.get(p.id) ?? []
    const start = beijing(p.started_at)
    const found = findings.map(
      (f, n) =>
        `${n + 1}. ${CATEGORY_LABELS[f.category] ?? f.category}` +
        `${f.place ? `，${f.place}` : ''}${f.party ? `，当事人${f.party}` : ''}` +
        `${f.area_mu !== null ? `，${f.area_mu}亩` : ''}（${STATUS_LABELS[f.status as keyof typeof STATUS_LABELS] ?? f.status}）`,
    )
    const measures = findings.flatMap((f, n) =>
      (eventsOf.get(f.id) ?? []).map(
        (e) => `${n + 1}. ${beijing(e.at)} ${EVENT_LABELS[e.type as ViolationEventType] ?? e.type}`,
      ),
    )
    const row = ws.addRow([
      i + 1,
      start.slice(0, 10),
      start.slice(11),
      beijing(p.ended_at).slice(11),
      p.unit_name,
      KIND_ZH[p.kind] ?? p.kind,
      p.staff_names.join('、'),
      p.staff_count,
      Math.round(p.length_m) / 1000,
      Math.round((p.duration_s / 3600) * 100) / 100,
      p.zones.join('、'),
      found.length > 0 ? found.join('\n') : '未发现违法行为',
      measures.join('\n'),
      p.flags.map((f) => FLAG_ZH[f] ?? f).join('；'),
      p.id,
    ])
    boxRow(row, LEDGER_COLUMNS.length)
    row.getCell(9).numFmt = '0.000'
    row.getCell(10).numFmt = '0.00'
  })
  const total = ws.addRow([
    '合计',
    '',
    '',
    '',
    '',
    '',
    '',
    d.patrols.reduce((s, p) => s + p.staff_count, 0),
    d.patrols.reduce((s, p) => s + Math.round(p.length_m), 0) / 1000,
  ])
  ws.mergeCells(total.number, 1, total.number, 7)
  boxRow(total, LEDGER_COLUMNS.length)
  total.font = { bold: true }
  total.getCell(9).numFmt = '0.000'
  return Buffer.from(await wb.xlsx.writeBuffer())
}

export const TIP_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '受理时间', width: 17 },
  { header: '来源', width: 14 },
  { header: '乡镇', width: 12 },
  { header: '地点', width: 18 },
  { header: '举报内容', width: 40 },
  { header: '举报人', width: 10 },
  { header: '联系方式', width: 14 },
  { header: '核查期限', width: 12 },
  { header: '核查结果', width: 14 },
  { header: '核查时间', width: 17 },
  { header: '是否按期', width: 9 },
  { header: '处理情况', width: 30 },
  { header: '关联违法行为', width: 38 },
  { header: '登记编号', width: 38 },
] as const

export interface TipRegisterRow {
  id: string
  township_code: string | null
  channel: string
  received_at: string
  place: string | null
  content: string
  reporter: string | null
  reporter_contact: string | null
  status: string
  violation_id: string | null
  check_due_date: string
  closed_at: string | null
  checked_on_time: boolean | null
  note: string | null
}

export async function writeTipsXlsx(d: {
  divisionName: string
  divisionCode: string
  tips: readonly TipRegisterRow[]
  generatedAt: Date
}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'LandPatrol'
  wb.created = d.generatedAt
  const ws = sheetWithTitle(wb, TIPS_SHEET, TIP_COLUMNS)
  addHead(
    ws,
    `${d.divisionName}国土资源违法行为举报登记簿`,
    [
      `单位：${d.divisionName}（${d.divisionCode}）\u3000共 ${d.tips.length} 件\u3000导出时间：${beijing(d.generatedAt)}（北京时间）`,
    ],
    TIP_COLUMNS.map((c) => c.header),
  )
  d.tips.forEach((t, i) => {
    const row = ws.addRow([
      i + 1,
      beijing(new Date(t.received_at)),
      TIP_CHANNEL_ZH[t.channel] ?? t.channel,
      t.township_code ?? '',
      t.place ?? '',
      t.content,
      t.reporter ?? '',
      t.reporter_contact ?? '',
      t.check_due_date,
      TIP_STATUS_ZH[t.status] ?? t.status,
      t.closed_at ? beijing(new Date(t.closed_at)) : '',
      t.checked_on_time === null ? '' : t.checked_on_time ? '是' : '否',
      t.note ?? '',
      t.violation_id ?? '',
      t.id,
    ])
    boxRow(row, TIP_COLUMNS.length)
  })
  return Buffer.from(await wb.xlsx.writeBuffer())
}
