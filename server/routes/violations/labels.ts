/**
 * The domain's own words, as codes and as they are printed on forms (篇一 二(二), 第十八条–第二十二条).
 */
import type { ClosingKind, ViolationEventType, ViolationStatus } from '../../domain/violations/workflow.js'

/** The eight categories of 篇一 二(二), by number. */
export const CATEGORY_LABELS: Readonly<Record<number, string>> = Object.freeze({
  1: '未经批准非法占用土地',
  2: '临时用地上修建永久性建筑物、构筑物',
  3: '占用耕地建房、挖沙、采石、采矿、取土',
  4: '破坏基本农田',
  5: '非法占用土地',
  6: '无证勘查、开采矿产资源',
  7: '其它非法占用、破坏土地和矿产资源的行为',
  8: '其他需要核查的情况',
})

export const VIOLATION_SOURCES = [
  'patrol',
  'info_officer',
  'public_tip',
  'satellite',
  'higher_authority',
] as const
export type ViolationSource = (typeof VIOLATION_SOURCES)[number]

export const SOURCE_LABELS: Readonly<Record<ViolationSource, string>> = Object.freeze({
  patrol: '动态巡查发现',
  info_officer: '信息员报告',
  public_tip: '群众举报',
  satellite: '卫片核查',
  higher_authority: '上级交办',
})

export const STATUS_LABELS: Readonly<Record<ViolationStatus, string>> = Object.freeze({
  found: '已发现',
  stopped: '已制止',
  self_corrected: '已自行纠正',
  reported: '已报告',
  filed: '已立案',
  not_filed: '不予立案',
  closed: '已结案',
  escalated: '已报上级',
  transferred: '已移交',
})

export const EVENT_LABELS: Readonly<Record<ViolationEventType, string>> = Object.freeze({
  stop: '责令停止违法行为（停工通知书）',
  self_correct: '当事人自行纠正',
  report: '填报《动态巡查违法行为报告表》',
  file: '立案',
  decline_filing: '不予立案',
  close: '结案',
  escalate: '报上一级处理',
  transfer: '移交有关部门',
})

export const CLOSING_KIND_LABELS: Readonly<Record<ClosingKind, string>> = Object.freeze({
  penalty_decided: '作出行政处罚决定',
  complied: '当事人履行完毕',
  disciplinary_recommendation: '提出处分建议',
  transferred_judicial: '移送司法机关',
  enforcement_applied: '申请人民法院强制执行',
  no_penalty: '不予处罚，记入台帐',
})

export const TIP_CHANNELS = ['hotline_12336', 'info_officer', 'letter', 'visit'] as const
export type TipChannel = (typeof TIP_CHANNELS)[number]

export const TIP_STATUSES = ['open', 'violation', 'unfounded'] as const

/** Zone categories whose overlap with a violation's extent is its farmland (domain.md tiers). */
export const BASIC_FARMLAND_CATEGORY = 'basic_farmland'
export const CULTIVATED_CATEGORIES = ['basic_farmland', 'other_farmland'] as const
