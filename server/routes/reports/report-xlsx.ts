/**
 * 《动态巡查工作统计报表》 as a workbook: a merged title, the reporting unit and period, then one
 * indicator a row (序号, 指标名称, 计量单位, the figure) under the six parts of the form; a city's or
 * province's report adds one column per county (or city) after the total. Figures are values, not
 * formulas: a report sent up is a record, and its totals are the ones the API computed.
 */
import ExcelJS from 'exceljs'
import type { Report } from './report-data.js'
import { NUM_FMT, reportTable } from './report-table.js'

export const REPORT_SHEET = '统计报表'
export const SIGNATURE_LINE =
  '单位负责人：__________\u3000\u3000审核人：__________\u3000\u3000填表人：__________'

const THIN: Partial<ExcelJS.Border> = { style: 'thin' }
const BOX: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } }

/** Beijing time for the people reading the sheet. */
export function formatBeijing(iso: string): string {
  return `${new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')}（北京时间）`
}

export async function writeReportXlsx(report: Report): Promise<Buffer> {
  const { figures, parts } = report
  const wb = new ExcelJS.Workbook()
  wb.creator = 'LandPatrol'
  wb.created = new Date(report.generated_at)
  wb.title = `${figures.division.name}${report.title}（${report.period.label_zh}）`
  const ws = wb.addWorksheet(REPORT_SHEET, {
    pageSetup: {
      paperSize: 9,
      orientation: parts.length > 3 ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  })
  const last = 4 + parts.length
  ws.getColumn(1).width = 6
  ws.getColumn(2).width = 34
  ws.getColumn(3).width = 10
  for (let c = 4; c <= last; c++) ws.getColumn(c).width = 14

  const title = ws.addRow([report.title])
  ws.mergeCells(title.number, 1, title.number, last)
  title.getCell(1).font = { bold: true, size: 16 }
  title.getCell(1).alignment = { horizontal: 'center' }
  title.height = 26

  const subtitle = ws.addRow([`（${report.period.label_zh}${report.kind_zh}）`])
  ws.mergeCells(subtitle.number, 1, subtitle.number, last)
  subtitle.getCell(1).alignment = { horizontal: 'center' }

  const info = (text: string) => {
    const r = ws.addRow([text])
    ws.mergeCells(r.number, 1, r.number, last)
  }
  info(`填报单位：${figures.division.name}（${figures.division.code}）`)
  info(
    `统计期：${report.period.from} 至 ${report.period.to}\u3000数据截至：${formatBeijing(report.as_of)}\u3000` +
      '计量单位：次、公里、人次、个、宗、亩、件、份、%',
  )

  const header = ws.addRow([
    '序号',
    '指标名称',
    '计量单位',
    parts.length > 0 ? '合计' : '本期数',
    ...parts.map((p) => p.division.name),
  ])
  header.eachCell((cell) => {
    cell.font = { bold: true }
    cell.fill = HEADER_FILL
    cell.border = BOX
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  })
  ws.views = [{ state: 'frozen', ySplit: header.number, xSplit: 3 }]
  ws.pageSetup.printTitlesRow = `${header.number}:${header.number}`

  let serial = 0
  for (const section of reportTable()) {
    const s = ws.addRow([section.title])
    ws.mergeCells(s.number, 1, s.number, last)
    s.getCell(1).font = { bold: true }
    s.getCell(1).fill = SECTION_FILL
    s.getCell(1).border = BOX
    for (const def of section.rows) {
      serial++
      const r = ws.addRow([
        serial,
        def.label,
        def.unit,
        def.value(figures),
        ...parts.map((p) => def.value(p)),
      ])
      for (let c = 1; c <= last; c++) {
        const cell = r.getCell(c)
        cell.border = BOX
        if (c >= 4) {
          cell.numFmt = NUM_FMT[def.format]
          // nothing to measure: a dash, not 0 %
          if (cell.value === null) cell.value = '—'
          cell.alignment = { horizontal: 'right' }
        }
      }
    }
  }

  ws.addRow([])
  info(`${SIGNATURE_LINE}`)
  info(
    `填报日期：\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日\u3000\u3000（盖章）\u3000\u3000生成时间：${formatBeijing(report.generated_at)}`,
  )
  return Buffer.from(await wb.xlsx.writeBuffer())
}
