/**
 * The rows of 《动态巡查工作统计报表》, in the order the form lists them: one indicator a row, with
 * its unit, under the six parts of 第二十条's reports (patrols, zones, violations, cultivated land,
 * tips, information officers). The XLSX and DOCX files are both laid out from this list, so they
 * carry the same figures as the JSON they are read from.
 */
import type { ReportFigures } from './report-data.js'

export type CellFormat = 'int' | 'km' | 'hours' | 'mu' | 'percent'

export interface TableRowDef {
  label: string
  unit: string
  format: CellFormat
  value: (f: ReportFigures) => number | null
}

export interface TableSection {
  title: string
  rows: TableRowDef[]
}

const row = (
  label: string,
  unit: string,
  format: CellFormat,
  value: (f: ReportFigures) => number | null,
): TableRowDef => ({ label, unit, format, value })

const TIER_ZH = { '1': '一级', '2': '二级', '3': '三级' } as const

export function reportTable(): TableSection[] {
  return [
    {
      title: '一、巡查情况',
      rows: [
        row('巡查次数', '次', 'int', (f) => f.patrols.count),
        row('其中：计入巡查频次', '次', 'int', (f) => f.patrols.counted_for_frequency),
        row('其中：执法队督查巡查', '次', 'int', (f) => f.patrols.supervision),
        row('巡查里程', '公里', 'km', (f) => f.patrols.length_km),
        row('出动人次', '人次', 'int', (f) => f.patrols.person_times),
        row('巡查工时', '人·小时', 'hours', (f) => f.patrols.person_hours),
        row('巡查到达区域', '个', 'int', (f) => f.patrols.zones_visited),
      ],
    },
    {
      title: '二、巡查区域及频次',
      rows: [
        ...(['1', '2', '3'] as const).flatMap((t) => [
          row(`${TIER_ZH[t]}巡查区域`, '个', 'int', (f) => f.zones.by_tier[t].zones),
          row(`${TIER_ZH[t]}区域已结束考核周期`, '个', 'int', (f) => f.zones.by_tier[t].closed),
          row(`${TIER_ZH[t]}区域达到巡查频次的周期`, '个', 'int', (f) => f.zones.by_tier[t].compliant),
        ]),
        row('重点区域巡查覆盖率', '%', 'percent', (f) => f.zones.key_area_coverage_rate),
        row('执法队督查达标率', '%', 'percent', (f) => f.zones.supervision_compliance_rate),
      ],
    },
    {
      title: '三、违法行为发现及处置',
      rows: [
        row('发现违法行为', '宗', 'int', (f) => f.violations.found),
        ...[1, 2, 3, 4, 5, 6, 7, 8].map((c) =>
          row(
            `其中：${categoryShort(c)}`,
            '宗',
            'int',
            (f) => f.violations.by_category.find((b) => b.category === c)?.count ?? 0,
          ),
        ),
        row('其中：重大违法行为', '宗', 'int', (f) => f.violations.major),
        row('制止', '宗', 'int', (f) => f.violations.stopped),
        row('填报违法行为报告表', '宗', 'int', (f) => f.violations.reported),
        row('立案', '宗', 'int', (f) => f.violations.filed),
        row('结案', '宗', 'int', (f) => f.violations.closed),
        row('制止率', '%', 'percent', (f) => f.violations.stop_rate.rate),
        row('报告表按时填报率', '%', 'percent', (f) => f.violations.report_forms_on_time.rate),
        row('立案率', '%', 'percent', (f) => f.violations.filing_rate.rate),
        row('法定期限内结案率', '%', 'percent', (f) => f.violations.closure_rate.rate),
        row('违法占地面积', '亩', 'mu', (f) => f.violations.area_mu),
        row('其中：耕地', '亩', 'mu', (f) => f.violations.cultivated_mu),
        row('其中：基本农田', '亩', 'mu', (f) => f.violations.basic_farmland_mu),
      ],
    },
    {
      title: '四、违法占用耕地',
      rows: [
        row('违法占用耕地面积', '亩', 'mu', (f) => f.cultivated_land.illegal_mu),
        row('新增建设用地占用耕地面积', '亩', 'mu', (f) => f.cultivated_land.taken_by_construction_mu),
        row('违法占用耕地比例', '%', 'percent', (f) => f.cultivated_land.ratio),
      ],
    },
    {
      title: '五、举报受理及核查',
      rows: [
        row('受理举报', '件', 'int', (f) => f.tips.received),
        row('其中：12336举报电话', '件', 'int', (f) => f.tips.by_channel.hotline_12336),
        row('其中：信息员报告', '件', 'int', (f) => f.tips.by_channel.info_officer),
        row('其中：来信', '件', 'int', (f) => f.tips.by_channel.letter),
        row('其中：来访', '件', 'int', (f) => f.tips.by_channel.visit),
        row('已核查', '件', 'int', (f) => f.tips.checked),
        row('其中：查实违法行为', '件', 'int', (f) => f.tips.found_violation),
        row('其中：不属实', '件', 'int', (f) => f.tips.unfounded),
        row('按期核查', '件', 'int', (f) => f.tips.checked_on_time),
        row('尚未核查', '件', 'int', (f) => f.tips.open),
      ],
    },
    {
      title: '六、信息员报告',
      rows: [
        row('配备信息员的行政村', '个', 'int', (f) => f.info_reports.villages_with_officer),
        row('应报月报', '份', 'int', (f) => f.info_reports.expected),
        row('收到月报', '份', 'int', (f) => f.info_reports.reports),
        row('其中：零报告', '份', 'int', (f) => f.info_reports.zero_reports),
        row('缺报', '份', 'int', (f) => f.info_reports.missing),
      ],
    },
  ]
}

/** The category's name, short enough for a table row (the full one is in the JSON). */
function categoryShort(category: number): string {
  const short: Record<number, string> = {
    1: '未经批准非法占用土地',
    2: '临时用地上建永久性建筑',
    3: '占用耕地建房挖沙采石取土',
    4: '破坏基本农田',
    5: '非法占用土地',
    6: '无证勘查开采矿产资源',
    7: '其它违法行为',
    8: '其他需核查情况',
  }
  return short[category] ?? String(category)
}

/** A figure as the DOCX prints it: percentages with two decimals, areas with four, km with three. */
export function formatFigure(value: number | null, format: CellFormat): string {
  if (value === null) return '—'
  switch (format) {
    case 'int':
      return String(value)
    case 'km':
      return value.toFixed(3)
    case 'hours':
      return value.toFixed(2)
    case 'mu':
      return value.toFixed(4)
    case 'percent':
      return `${(value * 100).toFixed(2)}%`
  }
}

/** Excel number formats for the same. */
export const NUM_FMT: Record<CellFormat, string> = {
  int: '0',
  km: '0.000',
  hours: '0.00',
  mu: '0.0000',
  percent: '0.00%',
}
