/**
 * The periods of the reports of 第二十条: a month (station and county, monthly), a quarter (city,
 * at the end of each quarter) and a year (the annual summary with the statistical table, sent to
 * the province before 20 December). A period names a span of Beijing calendar days, both ends
 * included.
 */
import { addCalendarDays, type CalendarDate } from '../rules/calendar-date.js'

export const REPORT_KINDS = ['monthly', 'quarterly', 'annual'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

export interface ReportPeriod {
  kind: ReportKind
  /** '2026-10', '2026-Q4' or '2026' */
  label: string
  from: CalendarDate
  to: CalendarDate
  /** '2026年10月', '2026年第四季度', '2026年度' */
  label_zh: string
}

export const REPORT_PERIOD_FORMAT: Record<ReportKind, string> = {
  monthly: 'YYYY-MM (e.g. 2026-10)',
  quarterly: 'YYYY-Qn, n = 1…4 (e.g. 2026-Q4)',
  annual: 'YYYY (e.g. 2026)',
}

const PATTERN: Record<ReportKind, RegExp> = {
  monthly: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarterly: /^(\d{4})-Q([1-4])$/,
  annual: /^(\d{4})$/,
}

const QUARTER_ZH = ['一', '二', '三', '四'] as const

/** Years the system keeps figures for (the same bounds as cultivated_land_taken.year). */
const MIN_YEAR = 2000
const MAX_YEAR = 2100

const pad2 = (n: number) => String(n).padStart(2, '0')

/** The first day of the month after `year`-`month` (month 1…12), minus one day. */
function lastDayOfMonth(year: number, month: number): CalendarDate {
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${pad2(month + 1)}-01`
  return addCalendarDays(next, -1)
}

/**
 * The period a kind and label name, or the reason the label is not one. The reason is a sentence
 * for the problem detail of the parameter `period`.
 */
export function parseReportPeriod(
  kind: ReportKind,
  label: string,
): { ok: true; period: ReportPeriod } | { ok: false; reason: string } {
  const m = PATTERN[kind].exec(label)
  if (!m) return { ok: false, reason: `a ${kind} report's period is ${REPORT_PERIOD_FORMAT[kind]}` }
  const year = Number(m[1])
  if (year < MIN_YEAR || year > MAX_YEAR)
    return { ok: false, reason: `the year must be between ${MIN_YEAR} and ${MAX_YEAR}` }
  if (kind === 'monthly') {
    const month = Number(m[2])
    return {
      ok: true,
      period: {
        kind,
        label,
        from: `${year}-${pad2(month)}-01`,
        to: lastDayOfMonth(year, month),
        label_zh: `${year}年${month}月`,
      },
    }
  }
  if (kind === 'quarterly') {
    const q = Number(m[2])
    const firstMonth = (q - 1) * 3 + 1
    return {
      ok: true,
      period: {
        kind,
        label,
        from: `${year}-${pad2(firstMonth)}-01`,
        to: lastDayOfMonth(year, firstMonth + 2),
        label_zh: `${year}年第${QUARTER_ZH[q - 1]}季度`,
      },
    }
  }
  return {
    ok: true,
    period: { kind, label, from: `${year}-01-01`, to: `${year}-12-31`, label_zh: `${year}年度` },
  }
}

/** The months of a period, 'YYYY-MM', in order. */
export function monthsOf(period: Pick<ReportPeriod, 'from' | 'to'>): string[] {
  const months: string[] = []
  let y = Number(period.from.slice(0, 4))
  let m = Number(period.from.slice(5, 7))
  const last = period.to.slice(0, 7)
  for (;;) {
    const label = `${y}-${pad2(m)}`
    months.push(label)
    if (label >= last) break
    m = m === 12 ? 1 : m + 1
    if (m === 1) y++
  }
  return months
}

/** The period of the kind that contains the day (the current one, for today). */
export function periodLabelContaining(kind: ReportKind, day: CalendarDate): string {
  const year = day.slice(0, 4)
  if (kind === 'annual') return year
  if (kind === 'monthly') return day.slice(0, 7)
  return `${year}-Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`
}
