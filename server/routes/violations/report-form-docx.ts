/**
 * 《动态巡查违法行为报告表》 as a Word document (A4, one table per part), the twin of the HTML form.
 */
import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import type { ReportFormData, ReportFormRow } from './report-form-data.js'
import { measuresLine } from './report-form-html.js'

// A4 in twentieths of a point (twips): 210 mm × 297 mm; margins 12 mm ≈ 680 twips.
const A4 = { width: 11906, height: 16838 }
const MARGIN = 680
const FONT = 'SimSun'
const BODY_SIZE = 19 // half-points: 9.5 pt

function text(value: string, opts: { bold?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({
    children: [
      new TextRun({ text: value, bold: opts.bold ?? false, size: opts.size ?? BODY_SIZE, font: FONT }),
    ],
  })
}

function cell(value: string, opts: { bold?: boolean; span?: number; widthPct?: number } = {}): TableCell {
  return new TableCell({
    children: [text(value, { bold: opts.bold ?? false })],
    ...(opts.span ? { columnSpan: opts.span } : {}),
    ...(opts.widthPct ? { width: { size: opts.widthPct, type: WidthType.PERCENTAGE } } : {}),
  })
}

function table(rows: TableRow[]): Table {
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows })
}

const key = (label: string) => cell(label, { bold: true, widthPct: 14 })

function eventTable(header: string, list: ReportFormRow[], empty: string): Table {
  const head = new TableRow({
    tableHeader: true,
    children: [
      cell('时间', { bold: true }),
      cell(header, { bold: true }),
      cell('说明', { bold: true }),
      cell('经办人', { bold: true }),
    ],
  })
  const body =
    list.length === 0
      ? [new TableRow({ children: [cell(empty, { span: 4 })] })]
      : list.map((r) => new TableRow({ children: [cell(r.at), cell(r.what), cell(r.note), cell(r.by)] }))
  return table([head, ...body])
}

export async function renderReportFormDocx(d: ReportFormData): Promise<Buffer> {
  const facts = table([
    new TableRow({ children: [key('发现时间'), cell(d.found_at), key('发现方式'), cell(d.source)] }),
    new TableRow({ children: [key('违法类型'), cell(d.category, { span: 3 })] }),
    new TableRow({ children: [key('当事人'), cell(d.party), key('当前状态'), cell(d.status)] }),
    new TableRow({ children: [key('所在地'), cell(`${d.county} ${d.township} ${d.place}`, { span: 3 })] }),
    new TableRow({
      children: [
        key('坐标'),
        cell(`经度 ${d.longitude}，纬度 ${d.latitude}（${d.coordinate_system}）`, { span: 3 }),
      ],
    }),
    new TableRow({
      children: [
        key('占地面积'),
        cell(d.area_mu),
        key('其中耕地'),
        cell(`${d.cultivated_mu}（基本农田 ${d.basic_farmland_mu}）`),
      ],
    }),
    new TableRow({ children: [key('面积依据'), cell(d.area_basis, { span: 3 })] }),
    new TableRow({ children: [key('违法事实'), cell(d.description, { span: 3 })] }),
    new TableRow({ children: [key('重大违法'), cell(d.major, { span: 3 })] }),
    new TableRow({ children: [key('已采取措施'), cell(measuresLine(d.measures), { span: 3 })] }),
  ])
  const responsible = table([
    new TableRow({
      tableHeader: true,
      children: [
        cell('巡查区域', { bold: true }),
        cell('责任单位', { bold: true }),
        cell('主要责任人', { bold: true }),
        cell('直接责任人', { bold: true }),
      ],
    }),
    ...(d.responsible.length === 0
      ? [new TableRow({ children: [cell('位置不在现行巡查区域内或区域未落实责任人', { span: 4 })] })]
      : d.responsible.map(
          (r) =>
            new TableRow({
              children: [cell(r.zone), cell(r.unit), cell(r.main_person), cell(r.direct_persons)],
            }),
        )),
  ])
  const reporting = table([
    new TableRow({ children: [key('报告期限'), cell(d.report_due, { span: 3 })] }),
    new TableRow({ children: [key('报告时间'), cell(d.reported_at), key('是否按时'), cell(d.on_time)] }),
    new TableRow({ children: [key('记录人员'), cell(d.recorded_by, { span: 3 })] }),
  ])

  const doc = new Document({
    creator: 'LandPatrol',
    title: `${d.title} ${d.case_no}`,
    styles: { default: { document: { run: { font: FONT, size: BODY_SIZE } } } },
    sections: [
      {
        properties: {
          page: { size: A4, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } },
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [new TextRun({ text: d.title, bold: true, size: 32, font: FONT })],
          }),
          text(`填报单位：${d.reporting_body}    编号：${d.case_no}    填报日期：${d.generated_at}`),
          facts,
          text('处理经过', { bold: true }),
          eventTable('事项', d.timeline, '—'),
          text('巡查责任', { bold: true }),
          responsible,
          text(''),
          reporting,
          ...(d.clipped ? [text('注：标“…”处为节录，全文见案卷。', { size: 16 })] : []),
          text(''),
          text('填报人（签字）：                审核人（签字）：                单位（盖章）'),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}
