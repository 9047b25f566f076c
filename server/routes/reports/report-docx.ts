/**
 * The periodic report (第二十条) as a Word document: title, reporting unit and period, a short
 * summary of the period in words, the statistical table (the same rows as the workbook), and the
 * signature lines.
 */
import {
  AlignmentType,
  Document,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import type { Report, ReportFigures } from './report-data.js'
import { formatFigure, reportTable } from './report-table.js'
import { formatBeijing, SIGNATURE_LINE } from './report-xlsx.js'

const FONT = 'SimSun'
const BODY_SIZE = 21 // half-points: 10.5 pt (五号)
const TABLE_SIZE = 18

function text(value: string, opts: { bold?: boolean; size?: number; center?: boolean } = {}): Paragraph {
  return new Paragraph({
    ...(opts.center ? { alignment: AlignmentType.CENTER } : {}),
    children: [
      new TextRun({ text: value, bold: opts.bold ?? false, size: opts.size ?? BODY_SIZE, font: FONT }),
    ],
  })
}

function cell(value: string, opts: { bold?: boolean; span?: number; right?: boolean } = {}): TableCell {
  return new TableCell({
    children: [
      new Paragraph({
        ...(opts.right ? { alignment: AlignmentType.RIGHT } : {}),
        children: [new TextRun({ text: value, bold: opts.bold ?? false, size: TABLE_SIZE, font: FONT })],
      }),
    ],
    ...(opts.span ? { columnSpan: opts.span } : {}),
  })
}

const pct = (rate: number | null) => formatFigure(rate, 'percent')

/** The period in words, as the monthly and quarterly reports open (第二十条). */
function summaryOf(f: ReportFigures): string {
  const v = f.violations
  return (
    `本期共开展动态巡查${f.patrols.count}次，巡查里程${formatFigure(f.patrols.length_km, 'km')}公里，` +
    `出动${f.patrols.person_times}人次；重点区域巡查覆盖率${pct(f.zones.key_area_coverage_rate)}。` +
    `发现违法行为${v.found}宗，制止${v.stopped}宗，填报违法行为报告表${v.reported}宗，立案${v.filed}宗，` +
    `结案${v.closed}宗；制止率${pct(v.stop_rate.rate)}，立案率${pct(v.filing_rate.rate)}，` +
    `法定期限内结案率${pct(v.closure_rate.rate)}。违法占用耕地${formatFigure(f.cultivated_land.illegal_mu, 'mu')}亩，` +
    `占新增建设用地占用耕地的${pct(f.cultivated_land.ratio)}。受理举报${f.tips.received}件，` +
    `已核查${f.tips.checked}件；收到信息员月报${f.info_reports.reports}份（其中零报告` +
    `${f.info_reports.zero_reports}份），缺报${f.info_reports.missing}份。`
  )
}

export async function writeReportDocx(report: Report): Promise<Buffer> {
  const { figures, parts } = report
  const columns = 4 + parts.length
  const head = new TableRow({
    tableHeader: true,
    children: [
      cell('序号', { bold: true }),
      cell('指标名称', { bold: true }),
      cell('计量单位', { bold: true }),
      cell(parts.length > 0 ? '合计' : '本期数', { bold: true }),
      ...parts.map((p) => cell(p.division.name, { bold: true })),
    ],
  })
  const body: TableRow[] = []
  let serial = 0
  for (const section of reportTable()) {
    body.push(new TableRow({ children: [cell(section.title, { bold: true, span: columns })] }))
    for (const def of section.rows) {
      serial++
      body.push(
        new TableRow({
          children: [
            cell(String(serial)),
            cell(def.label),
            cell(def.unit),
            cell(formatFigure(def.value(figures), def.format), { right: true }),
            ...parts.map((p) => cell(formatFigure(def.value(p), def.format), { right: true })),
          ],
        }),
      )
    }
  }
  const table = new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [head, ...body] })

  const doc = new Document({
    creator: 'LandPatrol',
    title: `${figures.division.name}${report.title}（${report.period.label_zh}）`,
    sections: [
      {
        properties: {
          page: {
            size: {
              orientation: parts.length > 3 ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
            },
            margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 },
          },
        },
        children: [
          text(`${figures.division.name}动态巡查工作${report.kind_zh}`, {
            bold: true,
            size: 32,
            center: true,
          }),
          text(`（${report.period.label_zh}）`, { center: true }),
          text(`填报单位：${figures.division.name}（${figures.division.code}）`),
          text(
            `统计期：${report.period.from} 至 ${report.period.to}\u3000数据截至：${formatBeijing(report.as_of)}`,
          ),
          text('一、基本情况', { bold: true }),
          text(summaryOf(figures)),
          text(`二、${report.title}`, { bold: true }),
          table,
          text(''),
          text(SIGNATURE_LINE),
          text('填报日期：\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日\u3000\u3000（盖章）'),
        ],
      },
    ],
  })
  return Buffer.from(await Packer.toBuffer(doc))
}
