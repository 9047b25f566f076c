/**
 * The figures of a periodic report (第二十条) for one division and period, gathered in the caller's
 * transaction. Rates come from the enforcement statistics (GET /stats, computeStats) and the zone
 * figures from coverage (GET /coverage, computeCoverage): a report says what those say for the same
 * span. Counts of patrols, violations, tips and information officers' reports are read here.
 */
import type { Queryable } from '../../db/port.js'
import { monthsOf, type ReportPeriod } from '../../domain/reports/report-period.js'
import {
  addCalendarDays,
  endOfCalendarDay,
  startOfCalendarDay,
  toCalendarDate,
} from '../../domain/rules/calendar-date.js'
import { notFound } from '../../errors.js'
import { computeCoverage } from '../patrols/coverage.js'
import { CATEGORY_LABELS } from '../violations/labels.js'
import { computeStats } from '../violations/stats.js'
import {
  countViolationsByCategory,
  findDivision,
  listChildDivisions,
  sumInfoReports,
  sumPatrols,
  sumTips,
  sumViolations,
  type DivisionRow,
  type Span,
} from './queries.js'

const LEVEL_ZH: Record<string, string> = {
  country: '全国',
  province: '省',
  city: '市（州）',
  county: '县（市、区）',
  township: '乡（镇）',
  village: '村',
}

export const REPORT_TITLE_ZH = '动态巡查工作统计报表'

const KIND_ZH = { monthly: '月报', quarterly: '季报', annual: '年报' } as const

export interface RateFigure {
  numerator: number
  denominator: number
  /** null when there was nothing to measure */
  rate: number | null
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits

function rateOf(r: { numerator: number; denominator: number; rate: number | null }): RateFigure {
  return { numerator: r.numerator, denominator: r.denominator, rate: r.rate }
}

/** Everything a report states about one division. */
export async function gatherFigures(tx: Queryable, division: DivisionRow, period: ReportPeriod, asOf: Date) {
  const span: Span = {
    from: period.from,
    to: period.to,
    start: startOfCalendarDay(period.from).toISOString(),
    end: startOfCalendarDay(addCalendarDays(period.to, 1)).toISOString(),
    asOf: asOf.toISOString(),
  }
  const today = toCalendarDate(new Date())
  const stats = await computeStats(tx, { division: division.code, from: period.from, to: period.to, asOf })
  const coverage = await computeCoverage(tx, {
    division: division.code,
    from: period.from,
    to: period.to,
    today,
  })
  const patrols = await sumPatrols(tx, division.code, span)
  const violations = await sumViolations(tx, division.code, span)
  const byCategory = await countViolationsByCategory(tx, division.code, span)
  const tips = await sumTips(tx, division.code, span)
  const info = await sumInfoReports(tx, division.code, monthsOf(period))
  const land = stats.illegal_cultivated_land
  const tiers = coverage.summary.by_tier as Record<
    string,
    { zones: number; zone_periods: number; closed: number; compliant: number; compliance_rate: number | null }
  >
  return {
    division: { code: division.code, name: division.name, level: division.level },
    patrols: {
      count: patrols.count,
      counted_for_frequency: patrols.counted,
      not_counted: patrols.count - patrols.counted,
      routine: patrols.routine,
      supervision: patrols.supervision,
      special: patrols.special,
      length_km: round(patrols.length_m / 1000, 3),
      person_times: patrols.person_times,
      person_hours: round(patrols.person_seconds / 3600, 2),
      zones_visited: patrols.zones_visited,
    },
    zones: {
      key_area_coverage_rate: coverage.summary.key_area_coverage_rate,
      key_area_standard: coverage.summary.key_area_standard,
      by_tier: Object.fromEntries(
        ['1', '2', '3'].map((t) => {
          const b = tiers[t]!
          return [
            t,
            {
              zones: b.zones,
              zone_periods: b.zone_periods,
              closed: b.closed,
              compliant: b.compliant,
              compliance_rate: b.compliance_rate,
            },
          ]
        }),
      ) as Record<'1' | '2' | '3', TierFigures>,
      supervision_compliance_rate: coverage.summary.supervision.compliance_rate,
    },
    violations: {
      found: violations.found,
      major: violations.major,
      stopped: stats.stop_rate.numerator,
      reported: violations.reported,
      filed: violations.filed,
      closed: violations.closed,
      by_category: Object.keys(CATEGORY_LABELS).map((c) => ({
        category: Number(c),
        label: CATEGORY_LABELS[Number(c)] as string,
        count: byCategory.get(Number(c)) ?? 0,
      })),
      area_mu: round(violations.area_mu, 4),
      cultivated_mu: round(violations.cultivated_mu, 4),
      basic_farmland_mu: round(violations.basic_farmland_mu, 4),
      stop_rate: rateOf(stats.stop_rate),
      report_forms_on_time: rateOf(stats.report_forms_on_time),
      filing_rate: rateOf(stats.filing_rate),
      closure_rate: rateOf(stats.closure_rate),
    },
    cultivated_land: {
      illegal_mu: land.numerator,
      taken_by_construction_mu: land.denominator,
      ratio: land.rate,
      veto_ratio: land.veto_ratio,
      reaches_veto: land.reaches_veto,
      missing_taken: land.missing_taken,
    },
    tips: {
      received: tips.received,
      checked: tips.checked,
      found_violation: tips.violation,
      unfounded: tips.unfounded,
      open: tips.received - tips.checked,
      checked_on_time: tips.checked_on_time,
      by_channel: {
        hotline_12336: tips.hotline_12336,
        info_officer: tips.info_officer,
        letter: tips.letter,
        visit: tips.visit,
      },
    },
    info_reports: {
      villages_with_officer: info.villages_with_officer,
      expected: info.expected,
      reports: info.reports,
      zero_reports: info.zero_reports,
      missing: info.missing,
    },
  }
}

interface TierFigures {
  zones: number
  zone_periods: number
  closed: number
  compliant: number
  compliance_rate: number | null
}

export type ReportFigures = Awaited<ReturnType<typeof gatherFigures>>

export interface Report {
  title: string
  kind: ReportPeriod['kind']
  kind_zh: string
  period: { label: string; label_zh: string; from: string; to: string }
  as_of: string
  generated_at: string
  level_zh: string
  figures: ReportFigures
  /** a city's counties (or a province's cities), each with the same figures */
  parts: ReportFigures[]
  definitions: Record<string, string>
}

const DEFINITIONS: Record<string, string> = {
  patrols:
    'patrols that started in the period (the ledger, GET /patrols); person_times: staff on each, summed',
  zones:
    'GET /coverage for the period: compliance per zone-period (ISO week for tier 1, month for tiers 2–3); ' +
    'key-area coverage rate: area-weighted share of tier-1 zones compliant, averaged over the weeks',
  violations:
    'violations found in the period; reported/filed/closed: of those, the ones that had taken the step by as_of; ' +
    'stopped and the rates: GET /stats for the period',
  cultivated_land:
    'GET /stats: cultivated land (mu) of violations found ÷ cultivated land taken by new construction',
  tips: 'tips received in the period; checked: closed by as_of',
  info_reports: "information officers' monthly reports for the months of the period",
}

/**
 * The report of a division for a period: a division the caller cannot see is a 404 (row-level
 * security hides it). Figures are as of the end of the period, or now if that is earlier.
 */
export async function gatherReport(
  tx: Queryable,
  divisionCode: string,
  period: ReportPeriod,
  now = new Date(),
): Promise<Report> {
  const division = await findDivision(tx, divisionCode)
  if (!division) throw notFound(`division ${divisionCode} not found in your jurisdiction`)
  const asOf = new Date(Math.min(endOfCalendarDay(period.to).getTime(), now.getTime()))
  const figures = await gatherFigures(tx, division, period, asOf)
  const parts: ReportFigures[] = []
  if (division.level === 'city' || division.level === 'province') {
    for (const child of await listChildDivisions(tx, division.code))
      parts.push(await gatherFigures(tx, child, period, asOf))
  }
  return {
    title: REPORT_TITLE_ZH,
    kind: period.kind,
    kind_zh: KIND_ZH[period.kind],
    period: { label: period.label, label_zh: period.label_zh, from: period.from, to: period.to },
    as_of: asOf.toISOString(),
    generated_at: now.toISOString(),
    level_zh: LEVEL_ZH[division.level] ?? division.level,
    figures,
    parts,
    definitions: DEFINITIONS,
  }
}
