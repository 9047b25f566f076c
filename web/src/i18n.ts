/** Interface strings: Chinese by default, English on request (kept in localStorage). */
const ZH = {
  title: 'LandPatrol 国土资源执法监察动态巡查',
  'view.supervisor': '巡查监管',
  'view.planner': '区域划定',
  'view.patrol': '轨迹上传',
  signin: '登录',
  signout: '退出',
  'signin.prompt': '请输入 API 令牌登录',
  token: 'API 令牌 token',
  period: '时段',
  'period.week': '周',
  'period.month': '月',
  'period.custom': '自定义',
  apply: '查询',
  layers: '图层',
  'layer.zones': '巡查区域(按级别)',
  'layer.gaps': '未达标区域(按缺少次数)',
  'layer.coverage': '巡查覆盖热度(网格)',
  'layer.tracks': '本期巡查轨迹',
  'layer.hotspots': '违法行为热点',
  figures: '指标',
  'fig.keyArea': '重点区域巡查覆盖率',
  'fig.tier': '级区域达标率',
  'fig.stop': '制止率',
  'fig.filing': '立案率',
  'fig.closure': '结案率',
  'fig.gaps': '未达标区域',
  assessment: '年度考核预览',
  'assessment.total': '总分',
  'assessment.grade': '等次',
  'assessment.veto': '一票否决',
  'grade.excellent': '优秀',
  'grade.qualified': '合格',
  'grade.unqualified': '不合格',
  tier: '级',
  visits: '巡查次数',
  required: '应巡次数',
  compliant: '达标',
  notCompliant: '未达标',
  lastVisit: '最近巡查',
  patrols: '巡查记录',
  staff: '人员',
  timeline: '处置经过',
  deadline: '报告期限',
  closureDeadline: '结案期限',
  overdue: '已逾期',
  plan: '划定方案',
  'plan.new': '新建方案',
  'plan.name': '方案名称',
  'plan.effective': '生效日期',
  draw: '绘制多边形',
  select: '选择/编辑',
  stop: '停止绘制',
  category: '类别',
  unit: '责任单位',
  mainPerson: '主要责任人',
  zoneName: '区域名称',
  save: '保存区域',
  deleteZone: '删除所选区域',
  editZone: '编辑所选区域',
  saveEdit: '保存修改',
  splitZone: '切分所选区域',
  'split.hint': '画一条横穿所选区域的线,双击结束',
  importFile: '导入文件(GeoJSON / Shapefile zip)',
  check: '方案检查',
  submit: '提交备案',
  exportPkg: '下载备案材料',
  invalid: '图形无效',
  saved: '已保存',
  noProblems: '未发现问题',
  uploadTrack: '上传轨迹(GPX / GeoJSON / CSV)',
  kind: '巡查类型',
  pointsKept: '保留点数',
  dropped: '剔除的点',
  visited: '巡查到的区域',
  length: '里程',
  divisions: '个行政区',
  zonesCount: '个区域',
  multipart: '多部分区域不能在图上编辑',
  none: '无',
} as const

export type TextKey = keyof typeof ZH

const EN: Record<TextKey, string> = {
  title: 'LandPatrol land-enforcement patrol',
  'view.supervisor': 'Supervise',
  'view.planner': 'Plan zones',
  'view.patrol': 'Upload track',
  signin: 'Sign in',
  signout: 'Sign out',
  'signin.prompt': 'Enter an API token to sign in',
  token: 'API token',
  period: 'Period',
  'period.week': 'Week',
  'period.month': 'Month',
  'period.custom': 'Custom',
  apply: 'Show',
  layers: 'Layers',
  'layer.zones': 'Zones by tier',
  'layer.gaps': 'Gaps (by shortfall)',
  'layer.coverage': 'Coverage heat (cells)',
  'layer.tracks': 'Patrol tracks of the period',
  'layer.hotspots': 'Violation hotspots',
  figures: 'Figures',
  'fig.keyArea': 'Key-area coverage rate',
  'fig.tier': 'compliance, tier',
  'fig.stop': 'Stop rate',
  'fig.filing': 'Filing rate',
  'fig.closure': 'Closure rate',
  'fig.gaps': 'Zones short of visits',
  assessment: 'Assessment preview',
  'assessment.total': 'Total',
  'assessment.grade': 'Grade',
  'assessment.veto': 'Veto',
  'grade.excellent': 'excellent',
  'grade.qualified': 'qualified',
  'grade.unqualified': 'unqualified',
  tier: 'tier',
  visits: 'Visits',
  required: 'Required',
  compliant: 'compliant',
  notCompliant: 'short',
  lastVisit: 'Last visit',
  patrols: 'Patrols',
  staff: 'Staff',
  timeline: 'Timeline',
  deadline: 'Report due',
  closureDeadline: 'Closure due',
  overdue: 'overdue',
  plan: 'Zone plan',
  'plan.new': 'New plan',
  'plan.name': 'Plan name',
  'plan.effective': 'Effective from',
  draw: 'Draw polygon',
  select: 'Select / edit',
  stop: 'Stop drawing',
  category: 'Category',
  unit: 'Unit',
  mainPerson: 'Main person',
  zoneName: 'Zone name',
  save: 'Save zones',
  deleteZone: 'Delete selected zone',
  editZone: 'Edit selected zone',
  saveEdit: 'Save changes',
  splitZone: 'Split selected zone',
  'split.hint': 'Draw a line across the selected zone; double-click to finish',
  importFile: 'Import file (GeoJSON / zipped Shapefile)',
  check: 'Check plan',
  submit: 'Submit for filing',
  exportPkg: 'Download filing package',
  invalid: 'Invalid shape',
  saved: 'Saved',
  noProblems: 'No problems found',
  uploadTrack: 'Upload a track (GPX / GeoJSON / CSV)',
  kind: 'Patrol kind',
  pointsKept: 'Points kept',
  dropped: 'Dropped points',
  visited: 'Zones visited',
  length: 'Length',
  divisions: 'divisions',
  zonesCount: 'zones',
  multipart: 'a multi-part zone cannot be edited on the map',
  none: 'none',
}

const LANG_KEY = 'landpatrol.lang'
export type Lang = 'zh' | 'en'

export function currentLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'
}

export function t(key: TextKey): string {
  return currentLang() === 'en' ? EN[key] : ZH[key]
}

/** Fill every element marked `data-i18n` (text) or `data-i18n-placeholder`. */
export function translatePage(): void {
  document.documentElement.lang = currentLang() === 'en' ? 'en' : 'zh-CN'
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    el.textContent = t(el.dataset.i18n as TextKey)
  for (const el of document.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]'))
    el.placeholder = t(el.dataset.i18nPlaceholder as TextKey)
}

export function setLang(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang)
  translatePage()
}

/** Zone categories (domain codes) with their Chinese names, as the server knows them. */
export const CATEGORY_LABELS: Record<string, string> = {
  basic_farmland: '基本农田保护区',
  urban_planning: '城区/城乡建设规划区',
  urban_fringe: '城乡结合部',
  township_seat: '乡镇政府所在地/集镇',
  main_road: '公路干线两侧',
  development_zone: '开发区(园区)',
  mining_area: '重点矿区',
  hotspot: '违法行为易发区',
  other_farmland: '基本农田以外农用地',
  village_fringe: '乡村结合部',
  village_planning: '村庄规划范围内',
  village_surroundings: '村庄周围',
  rural_road: '乡村道路两侧',
  other: '其他区域',
}

/** English names of the assessment items 一–八 (the server gives the Chinese titles). */
const ITEM_TITLES_EN: Record<string, string> = {
  一: 'Responsibility system',
  二: 'Staff, funds and equipment',
  三: 'Plan and key-area coverage',
  四: 'Patrol records',
  五: 'Finding, stopping and reporting violations',
  六: 'Filing and closing within the legal term',
  七: 'Rewards, penalties and inspection',
  八: 'Filings and reports',
}

export const assessmentItemTitle = (item: string, chinese: string): string =>
  currentLang() === 'en' ? (ITEM_TITLES_EN[item] ?? chinese) : chinese

export const categoryLabel = (code: string): string =>
  currentLang() === 'en' ? code.replace(/_/g, ' ') : (CATEGORY_LABELS[code] ?? code)
