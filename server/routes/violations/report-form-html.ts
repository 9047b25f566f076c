/**
 * 《动态巡查违法行为报告表》 as one printable A4 page: inline CSS only, no scripts, fonts, images or
 * links to fetch (it must print the same offline and on an intranet).
 */
import type { ReportFormData, ReportFormRow } from './report-form-data.js'

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

const e = escapeHtml

/** The measures in one line: when and what (their notes are in the timeline below). */
export function measuresLine(list: ReportFormRow[]): string {
  return list.length === 0 ? '尚未采取制止措施' : list.map((r) => `${r.at} ${r.what}`).join('；')
}

function rows(list: ReportFormRow[], empty: string): string {
  if (list.length === 0) return `<tr><td colspan="4" class="empty">${e(empty)}</td></tr>`
  return list
    .map(
      (r) =>
        `<tr><td class="t">${e(r.at)}</td><td>${e(r.what)}</td><td>${e(r.note)}</td><td>${e(r.by)}</td></tr>`,
    )
    .join('\n')
}

// A4 is 210 × 297 mm; with 12 mm margins the content box is 186 × 273 mm. Everything is sized in
// mm/pt so the browser's print layout matches the screen, and `.page` keeps the box on screen too.
const STYLE = `
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 9.5pt; line-height: 1.35; color: #000; }
.page { width: 186mm; max-height: 273mm; margin: 0 auto; overflow: hidden; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; letter-spacing: 1pt; }
.meta { display: flex; justify-content: space-between; font-size: 9pt; margin-bottom: 1.5mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin-bottom: 1.5mm; }
th, td { border: 0.6pt solid #000; padding: 0.8mm 1.2mm; vertical-align: top; word-break: break-all; }
th { font-weight: bold; background: #f2f2f2; text-align: center; }
td.k { width: 22mm; font-weight: bold; text-align: center; background: #f7f7f7; }
td.t { white-space: nowrap; }
td.empty { text-align: center; color: #444; }
.section { font-weight: bold; margin: 1.5mm 0 0.8mm; }
.note { font-size: 8pt; }
.sign { display: flex; justify-content: space-between; margin-top: 3mm; }
.sign span { width: 30%; }
@media screen { body { background: #ddd; } .page { background: #fff; padding: 6mm; margin: 6mm auto; } }
`

export function renderReportFormHtml(d: ReportFormData): string {
  const responsible =
    d.responsible.length === 0
      ? `<tr><td colspan="4" class="empty">位置不在现行巡查区域内或区域未落实责任人</td></tr>`
      : d.responsible
          .map(
            (r) =>
              `<tr><td>${e(r.zone)}</td><td>${e(r.unit)}</td><td>${e(r.main_person)}</td><td>${e(r.direct_persons)}</td></tr>`,
          )
          .join('\n')
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(d.title)} ${e(d.case_no)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="page">
<h1>${e(d.title)}</h1>
<div class="meta"><span>填报单位：${e(d.reporting_body)}</span><span>编号：${e(d.case_no)}</span><span>填报日期：${e(d.generated_at)}</span></div>
<table>
<tr><td class="k">发现时间</td><td>${e(d.found_at)}</td><td class="k">发现方式</td><td>${e(d.source)}</td></tr>
<tr><td class="k">违法类型</td><td colspan="3">${e(d.category)}</td></tr>
<tr><td class="k">当事人</td><td>${e(d.party)}</td><td class="k">当前状态</td><td>${e(d.status)}</td></tr>
<tr><td class="k">所在地</td><td colspan="3">${e(d.county)} ${e(d.township)} ${e(d.place)}</td></tr>
<tr><td class="k">坐标</td><td colspan="3">经度 ${e(d.longitude)}，纬度 ${e(d.latitude)}（${e(d.coordinate_system)}）</td></tr>
<tr><td class="k">占地面积</td><td>${e(d.area_mu)}</td><td class="k">其中耕地</td><td>${e(d.cultivated_mu)}（基本农田 ${e(d.basic_farmland_mu)}）</td></tr>
<tr><td class="k">面积依据</td><td colspan="3">${e(d.area_basis)}</td></tr>
<tr><td class="k">违法事实</td><td colspan="3">${e(d.description)}</td></tr>
<tr><td class="k">重大违法</td><td colspan="3">${e(d.major)}</td></tr>
<tr><td class="k">已采取措施</td><td colspan="3">${e(measuresLine(d.measures))}</td></tr>
</table>
<div class="section">处理经过</div>
<table>
<tr><th style="width:28mm">时间</th><th style="width:46mm">事项</th><th>说明</th><th style="width:22mm">经办人</th></tr>
${rows(d.timeline, '—')}
</table>
<div class="section">巡查责任</div>
<table>
<tr><th>巡查区域</th><th>责任单位</th><th>主要责任人</th><th>直接责任人</th></tr>
${responsible}
</table>
<table>
<tr><td class="k">报告期限</td><td colspan="3">${e(d.report_due)}</td></tr>
<tr><td class="k">报告时间</td><td>${e(d.reported_at)}</td><td class="k">是否按时</td><td>${e(d.on_time)}</td></tr>
<tr><td class="k">记录人员</td><td colspan="3">${e(d.recorded_by)}</td></tr>
</table>
${d.clipped ? '<div class="note">注：标“…”处为节录，全文见案卷。</div>\n' : ''}<div class="sign"><span>填报人（签字）：</span><span>审核人（签字）：</span><span>单位（盖章）</span></div>
</div>
</body>
</html>
`
}
