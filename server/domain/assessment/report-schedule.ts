/**
 * The reports of 第二十条 a division owes in a year and their due dates (domain.md, "Reporting"):
 *
 * | who    | kind      | period    | due (default)                                   |
 * | county | monthly   | YYYY-MM   | the 5th of the following month                  |
 * | city   | quarterly | YYYY-Qn   | the last day of the quarter ("每季度末")          |
 * | city   | annual    | YYYY      | 19 December, i.e. before 20 December (每年12月20日前) |
 *
 * The text gives no day for the monthly report; the 5th of the next month is the project default
 * (time to close the month's figures), a setting like every other number here. A report counts as
 * sent on time when it is recorded as sent by the end of its due day (Beijing).
 */
import type { DivisionLevel } from '../divisions/division-code.js'
import { addCalendarDays, endOfCalendarDay, type CalendarDate } from '../rules/calendar-date.js'

export type ReportKind = 'monthly' | 'quarterly' | 'annual'
export const REPORT_KINDS: readonly ReportKind[] = ['monthly', 'quarterly', 'annual']

export interface ReportScheduleRules {
  /** Day of the following month the county's monthly report is due. */
  monthly_due_day: number
  /** The annual report is due on this day of December ("before 20 December" → 19). */
  annual_due_december_day: number
}

export const DEFAULT_REPORT_SCHEDULE_RULES: ReportScheduleRules = Object.freeze({
  monthly_due_day: 5,
  annual_due_december_day: 19,
})

export interface ScheduledReport {
  /** Stable id: `${division}-${kind}-${period}`, e.g. 510199-monthly-2026-03. */
  id: string
  division_code: string
  kind: ReportKind
  period: string
  due_date: CalendarDate
}

const pad2 = (n: number) => String(n).padStart(2, '0')

export function scheduledReportId(division: string, kind: ReportKind, period: string): string {
  return `${division}-${kind}-${period}`
}

/** Splits an id made by `scheduledReportId`; undefined when it is not one. */
export function parseScheduledReportId(
  id: string,
): { division_code: string; kind: ReportKind; period: string } | undefined {
  const m = /^([0-9]{6})-(monthly|quarterly|annual)-([0-9]{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?)$/.exec(id)
  if (!m) return undefined
  const [, division, kind, period] = m as unknown as [string, string, ReportKind, string]
  const shapeOk =
    (kind === 'monthly' && /^[0-9]{4}-[0-9]{2}$/.test(period)) ||
    (kind === 'quarterly' && /-Q[1-4]$/.test(period)) ||
    (kind === 'annual' && /^[0-9]{4}$/.test(period))
  return shapeOk ? { division_code: division, kind, period } : undefined
}

/** The due day of one report. */
export function reportDueDate(
  kind: ReportKind,
  period: string,
  rules: ReportScheduleRules = DEFAULT_REPORT_SCHEDULE_RULES,
): CalendarDate {
  const year = Number(period.slice(0, 4))
  if (kind === 'monthly') {
    const month = Number(period.slice(5, 7))
    const next = month === 12 ? `${year + 1}-01` : `${year}-${pad2(month + 1)}`
    return `${next}-${pad2(rules.monthly_due_day)}`
  }
  if (kind === 'quarterly') {
    const q = Number(period.slice(6))
    const firstOfNext = q === 4 ? `${year + 1}-01-01` : `${year}-${pad2(q * 3 + 1)}-01`
    return addCalendarDays(firstOfNext, -1)
  }
  return `${year}-12-${pad2(rules.annual_due_december_day)}`
}

/** Every report a division owes for the periods of `year` (a county its months, a city its quarters and year). */
export function reportsOwed(
  division: string,
  level: DivisionLevel,
  year: number,
  rules: ReportScheduleRules = DEFAULT_REPORT_SCHEDULE_RULES,
): ScheduledReport[] {
  const make = (kind: ReportKind, period: string): ScheduledReport => ({
    id: scheduledReportId(division, kind, period),
    division_code: division,
    kind,
    period,
    due_date: reportDueDate(kind, period, rules),
  })
  if (level === 'county')
    return Array.from({ length: 12 }, (_, i) => make('monthly', `${year}-${pad2(i + 1)}`))
  if (level === 'city')
    return [...[1, 2, 3, 4].map((q) => make('quarterly', `${year}-Q${q}`)), make('annual', String(year))]
  return []
}

export type ReportState = 'sent_on_time' | 'sent_late' | 'overdue' | 'not_yet_due'

/** Where a report stands at `asOf`: due and not sent by the end of its due day is overdue. */
export function reportState(due: CalendarDate, sentAt: Date | null, asOf: Date): ReportState {
  const deadline = endOfCalendarDay(due).getTime()
  if (sentAt) return sentAt.getTime() <= deadline ? 'sent_on_time' : 'sent_late'
  return asOf.getTime() > deadline ? 'overdue' : 'not_yet_due'
}
