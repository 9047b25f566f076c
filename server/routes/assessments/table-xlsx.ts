/**
 * The side-by-side table of an upper level (a city's counties, a province's cities) as XLSX: one row
 * per division with its eight item scores, bonus, total, grade, veto and rank. The figures are the
 * JSON answer's, written as values.
 */
import ExcelJS from 'exceljs'
import { ASSESSMENT_ITEM_KEYS } from '../../domain/rules/rule-set.js'

export const TABLE_SHEET = '考核汇总'

export const GRADE_ZH = { excellent: '优秀', qualified: '合格', unqualified: '不合格' } as const

export interface TableRow {
  rank: number
  division: string
  name: string
  items: Record<string, number>
  bonus: number
  total: number
  grade: keyof typeof GRADE_ZH
  veto: boolean
}

export const TABLE_HEADER = [
  '排名',
  '行政区划代码',
  '名称',
  ...ASSESSMENT_ITEM_KEYS.map((k) => `(${k})`),
  '加分',
  '总分',
  '等级',
  '一票否决',
]

export async function buildAssessmentTableXlsx(title: string, rows: readonly TableRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'LandPatrol'
  const ws = wb.addWorksheet(TABLE_SHEET)
  ws.addRow([title])
  ws.addRow(TABLE_HEADER).font = { bold: true }
  for (const r of rows) {
    ws.addRow([
      r.rank,
      r.division,
      r.name,
      ...ASSESSMENT_ITEM_KEYS.map((k) => r.items[k] ?? null),
      r.bonus,
      r.total,
      GRADE_ZH[r.grade],
      r.veto ? '是' : '否',
    ])
  }
  ws.getColumn(3).width = 16
  return Buffer.from(await wb.xlsx.writeBuffer())
}
