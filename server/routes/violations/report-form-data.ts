/**
 * The content of 《动态巡查违法行为报告表》 (第十八条) for one violation, gathered once and rendered
 * twice (printable HTML, DOCX) so the two can never say different things.
 */
import type { Queryable } from '../../db/port.js'
import { toCalendarDate } from '../../domain/rules/calendar-date.js'
import { isOnTime } from '../../domain/violations/deadlines.js'
import type { ClosingKind, ViolationEventType, ViolationStatus } from '../../domain/violations/workflow.js'
import { notFound } from '../../errors.js'
import { iso, isoRequired, loadWorkingDayOverrides } from './common.js'
import { CATEGORY_LABELS, CLOSING_KIND_LABELS, EVENT_LABELS, SOURCE_LABELS, STATUS_LABELS } from './labels.js'
import { presentDeadlines } from './present.js'
import {
  findDivisionName,
  findPersonNames,
  findResponsibleZones,
  findUnitName,
  findViolation,
  listEvents,
} from './queries.js'

export const REPORT_FORM_TITLE = '动态巡查违法行为报告表'

/** Longest texts printed on the form: it must fit one A4 page; the full text stays in the case file. */
const MAX_DESCRIPTION_CHARS = 300
const MAX_NOTE_CHARS = 40
const MAX_NAME_CHARS = 60
const MAX_ACTOR_CHARS = 12
/** A point lies in one zone per tier at most in a clean plan; more rows would only be overlaps. */
const MAX_RESPONSIBLE_ROWS = 3

export interface ReportFormRow {
  at: string
  what: string
  note: string
  by: string
}

export interface ReportFormData {
  title: string
  violation_id: string
  case_no: string
  reporting_body: string
  county: string
  township: string
  place: string
  generated_at: string
  found_at: string
  source: string
  category: string
  major: string
  status: string
  party: string
  description: string
  /** true when a text was shortened to fit the page (the full text is in the case record) */
  clipped: boolean
  longitude: string
  latitude: string
  coordinate_system: string
  area_mu: string
  cultivated_mu: string
  basic_farmland_mu: string
  area_basis: string
  measures: ReportFormRow[]
  timeline: ReportFormRow[]
  responsible: { zone: string; unit: string; main_person: string; direct_persons: string }[]
  recorded_by: string
  report_due: string
  reported_at: string
  on_time: string
}

const BEIJING = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** 'YYYY-MM-DD HH:mm' Beijing time. */
export function beijingTime(isoText: string): string {
  const parts: Record<string, string> = {}
  for (const p of BEIJING.formatToParts(new Date(isoText))) parts[p.type] = p.value
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

function clip(text: string | null | undefined, max: number): string {
  if (!text) return ''
  return text.length <= max ? text : `${text.slice(0, max)}…`
}

function mu(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)} 亩`
}

const MEASURE_EVENTS: ReadonlySet<string> = new Set(['stop', 'self_correct', 'escalate', 'transfer'])

export async function gatherReportForm(db: Queryable, id: string, now = new Date()): Promise<ReportFormData> {
  const row = await findViolation(db, id)
  if (!row) throw notFound(`violation ${id} not found`)
  const events = await listEvents(db, id)
  const overrides = await loadWorkingDayOverrides(db)
  const foundAt = isoRequired(row.found_at)
  const foundDay = toCalendarDate(foundAt)
  const zones = await findResponsibleZones(db, id, foundDay)
  const county = (await findDivisionName(db, row.division_code)) ?? row.division_code
  const township = await findDivisionName(db, row.township_code)
  const unit = await findUnitName(db, row.unit_id)
  const actorIds = [...new Set(events.map((e) => e.actor_person_id).filter((p): p is string => p !== null))]
  const persons = await findPersonNames(db, actorIds)
  const deadlines = presentDeadlines(row, overrides)

  const rowOf = (e: (typeof events)[number]): ReportFormRow => {
    const kind = e.closing_kind
      ? `（${CLOSING_KIND_LABELS[e.closing_kind as ClosingKind] ?? e.closing_kind}）`
      : ''
    return {
      at: beijingTime(isoRequired(e.at)),
      what: `${EVENT_LABELS[e.type as ViolationEventType] ?? e.type}${kind}`,
      note: clip(e.note, MAX_NOTE_CHARS),
      by: clip(
        (e.actor_person_id ? persons.get(e.actor_person_id) : undefined) ?? e.actor_label,
        MAX_ACTOR_CHARS,
      ),
    }
  }

  const reportedAt = iso(row.reported_at)
  const dueAt = new Date(deadlines.report.due_at)
  let onTime: string
  if (reportedAt) onTime = isOnTime(reportedAt, dueAt) ? '按时报告' : '逾期报告'
  else if (now.getTime() <= dueAt.getTime()) onTime = '尚未报告，未到期'
  else if (row.report_overdue) onTime = '未报告，已逾期'
  else onTime = `未报告（${STATUS_LABELS[row.status as ViolationStatus] ?? row.status}，未作报告）`

  const [lon, lat] = row.location.coordinates as number[]
  const areaBasis =
    row.area_source === 'extent'
      ? row.farmland_source === 'zones'
        ? '按违法用地范围实测，耕地、基本农田按现行巡查区域图叠加计算'
        : '按违法用地范围实测'
      : row.area_source === 'entered'
        ? '现场测量填报'
        : '未测量'
  const recordedBy = [...new Set(events.map((e) => rowOf(e).by).filter((b) => b.length > 0))].join('、')

  return {
    title: REPORT_FORM_TITLE,
    violation_id: row.id,
    case_no: `${row.division_code}-${foundDay.replaceAll('-', '')}-${row.id.slice(0, 8).toUpperCase()}`,
    reporting_body: unit ? `${county} ${unit}` : `${county}国土资源局`,
    county,
    township: township ?? '—',
    place: clip(row.place, MAX_NAME_CHARS) || '—',
    generated_at: beijingTime(now.toISOString()),
    found_at: beijingTime(foundAt),
    source: SOURCE_LABELS[row.source as keyof typeof SOURCE_LABELS] ?? row.source,
    category: `${row.category}. ${CATEGORY_LABELS[row.category] ?? ''}`,
    major: row.major ? '是（第二十一条，须于2个工作日内报同级政府和上一级主管部门）' : '否',
    status: STATUS_LABELS[row.status as ViolationStatus] ?? row.status,
    party: clip(row.party, MAX_NAME_CHARS) || '—',
    description: clip(row.description, MAX_DESCRIPTION_CHARS) || '—',
    clipped:
      (row.description?.length ?? 0) > MAX_DESCRIPTION_CHARS ||
      (row.place?.length ?? 0) > MAX_NAME_CHARS ||
      (row.party?.length ?? 0) > MAX_NAME_CHARS ||
      events.some((e) => (e.note?.length ?? 0) > MAX_NOTE_CHARS),
    longitude: lon === undefined ? '—' : `${lon.toFixed(6)}°E`,
    latitude: lat === undefined ? '—' : `${lat.toFixed(6)}°N`,
    coordinate_system: 'CGCS2000 / WGS84 经纬度',
    area_mu: mu(row.area_mu),
    cultivated_mu: mu(row.cultivated_mu),
    basic_farmland_mu: mu(row.basic_farmland_mu),
    area_basis: areaBasis,
    measures: events.filter((e) => MEASURE_EVENTS.has(e.type)).map(rowOf),
    timeline: [
      {
        at: beijingTime(foundAt),
        what: '发现',
        note: SOURCE_LABELS[row.source as keyof typeof SOURCE_LABELS] ?? '',
        by: '',
      },
      ...events.map(rowOf),
    ],
    responsible: zones.slice(0, MAX_RESPONSIBLE_ROWS).map((z) => ({
      zone: `${z.zone_name || z.category}（${z.tier}级）`,
      unit: z.unit_name ?? '—',
      main_person: z.main_person ?? '—',
      direct_persons: z.direct_persons.length > 0 ? z.direct_persons.join('、') : '—',
    })),
    recorded_by: recordedBy || '—',
    report_due: `${deadlines.report.due_date} 当日24时止（发现后第${deadlines.report.counted.length}个工作日，发现当日不计）`,
    reported_at: reportedAt ? beijingTime(reportedAt) : '—',
    on_time: onTime,
  }
}
