import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { parseAssumptions } from '../../domain/assessment/assume.js'
import { findAssessmentInputProblems, scoreAssessment } from '../../domain/assessment/score.js'
import { evaluateVeto } from '../../domain/assessment/veto.js'
import { isWithin, levelOfCode } from '../../domain/divisions/division-code.js'
import { toCalendarDate } from '../../domain/rules/calendar-date.js'
import { computeViolationRates } from '../../domain/violations/rates.js'
import { forbidden, notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { attachmentDisposition } from '../exports/content-disposition.js'
import { rulesInForce } from '../rule-sets/queries.js'
import { loadWorkingDayOverrides } from '../violations/common.js'
import { readViolationRecords } from '../violations/stats.js'
import {
  applyAssumptions,
  compareScores,
  gatherFigures,
  inputsOf,
  presentFigures,
  presentScore,
  projectToYearEnd,
  scoreFigures,
  type AssessmentFigures,
} from './compute.js'
import {
  insertManualEntries,
  listChildDivisions,
  listManualEntries,
  readCultivatedLandTaken,
  readDivision,
  type ManualEntries,
} from './queries.js'
import reportScheduleRoutes from './report-schedule.js'
import { AssessmentListQuery, AssessmentParams, AssessmentQuery, ManualBody } from './schemas.js'
import { buildAssessmentTableXlsx, TABLE_SHEET, type TableRow } from './table-xlsx.js'

const ASSESSORS = ['admin', 'supervisor'] as const

/** Units of a city's or province's table assessed at once, each on its own pooled connection. */
const TABLE_CONCURRENCY = 4

async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

async function requireAssessed(db: Queryable, division: string, year: number, now: Date) {
  const d = await readDivision(db, division)
  if (!d) throw notFound(`division ${division} not found in your jurisdiction`)
  if (d.level !== 'county' && d.level !== 'city')
    throw unprocessable('counties are assessed (and cities, for a province’s ranking)', [
      { path: '/params/division', message: `${division} is a ${d.level}` },
    ])
  if (year > Number(toCalendarDate(now).slice(0, 4)))
    throw unprocessable('a year that has not begun cannot be assessed', [
      { path: '/params/year', message: `${year} is in the future` },
    ])
  return d
}

/**
 * 第二十七条: a vetoed unit loses next year's awards too. The previous year's veto is read from its
 * cultivated-land ratio and the veto grounds its assessor entered (no coverage needed for that).
 */
async function previousYearVeto(db: Queryable, division: string, year: number) {
  const prev = year - 1
  const from = `${prev}-01-01`
  const to = `${prev}-12-31`
  const rules = await rulesInForce(db, division, to)
  const records = await readViolationRecords(db, division, from, to)
  const taken = await readCultivatedLandTaken(db, division, prev)
  const rates = computeViolationRates(records, { from, to }, rules, {
    overrides: await loadWorkingDayOverrides(db),
    new_construction_cultivated_mu: taken,
  })
  const manual = (await listManualEntries(db, division, prev)).at(-1)
  const veto = evaluateVeto(
    {
      illegal_cultivated_mu: rates.illegal_cultivated_land.numerator,
      new_construction_cultivated_mu: taken,
      evidence_ids: rates.illegal_cultivated_land.ids_numerator,
      grounds: (manual?.entries.veto_grounds ?? []).map((g) => ({
        ground: g.ground as 'serious_consequences',
        reason: g.reason,
        assessor: manual?.assessor ?? '',
      })),
    },
    rules,
  )
  return { year: prev, vetoed: veto.triggered, reason: veto.reason }
}

function presentAssessment(f: AssessmentFigures, assume: string | undefined) {
  const score = scoreFigures(f)
  const out: Record<string, unknown> = {
    division: f.division,
    name: f.name,
    level: f.level,
    year: f.year,
    span: { from: f.from, to: f.to },
    as_of: f.as_of.toISOString(),
    live: f.live,
    rules_in_force_on: f.rules_day,
    ...presentScore(f, score),
    figures: presentFigures(f),
    manual: f.manual
      ? {
          assessor: f.manual.assessor,
          entered_at: f.manual.created_at.toISOString(),
          entries: f.manual.entries,
          history: f.manual_history.map((m) => ({
            assessor: m.assessor,
            entered_at: m.created_at.toISOString(),
            entries: m.entries,
          })),
        }
      : null,
  }
  if (f.live && f.to < `${f.year}-12-31`) {
    const projected = projectToYearEnd(f)
    const projectedScore = scoreAssessment(projected.inputs, f.rules)
    out.projection = {
      to: `${f.year}-12-31`,
      method: projected.method,
      ...compareScores(score, projectedScore),
      items: projectedScore.items.map((i) => ({ item: i.item, score: i.score })),
    }
  }
  if (assume !== undefined) {
    const parsed = parseAssumptions(assume)
    if (!parsed.ok)
      throw unprocessable(
        'assume is not understood',
        parsed.problems.map((p) => ({ path: '/querystring/assume', message: `${p.clause}: ${p.message}` })),
      )
    const whatIf = scoreAssessment(applyAssumptions(f, parsed.assume, inputsOf(f)), f.rules)
    out.what_if = { assume: parsed.assume, ...compareScores(score, whatIf) }
  }
  return out
}

const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(reportScheduleRoutes)

  app.get(
    '/assessments/:division/:year',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['assessment'],
        summary:
          'The yearly 100-point assessment (第二十四条): items 一–八, deductions with evidence, total, grade, veto',
        description:
          'Computed from the records under the rules in force at the end of the span (31 December, or today for ' +
          'the current year, which also gets a projection to year end at the present pace). Each deduction lists ' +
          'its evidence with the API address of each record. `assume` adds a what-if (see its description).',
        params: AssessmentParams,
        querystring: AssessmentQuery,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => {
      const now = new Date()
      const { division, year } = request.params
      return request.db.transaction(async (tx) => {
        const d = await requireAssessed(tx, division, year, now)
        const figures = await gatherFigures(tx, d, year, now)
        const out = presentAssessment(figures, request.query.assume)
        out.previous_year = await previousYearVeto(tx, division, year)
        out.awards_ineligible =
          (out.this_year_awards_ineligible as boolean) || (out.previous_year as { vetoed: boolean }).vetoed
        return out
      })
    },
  )

  app.put(
    '/assessments/:division/:year/manual',
    {
      config: { access: { roles: ASSESSORS } },
      schema: {
        tags: ['assessment'],
        summary:
          'The assessor’s entries: deductions for any item (二 and 七 only this way), bonus 1–5, veto grounds',
        description:
          'Replaces the entries in force with a new version; every version is kept (see `manual.history` of the ' +
          'assessment). Entered by the level above the assessed division.',
        params: AssessmentParams,
        body: ManualBody,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => {
      const now = new Date()
      const { division, year } = request.params
      const principal = request.principal
      if (division === principal.divisionCode || !isWithin(division, principal.divisionCode))
        throw forbidden(`${division} is assessed by the level above it, not by ${principal.divisionCode}`)
      const body = request.body
      return request.db.transaction(async (tx) => {
        const d = await requireAssessed(tx, division, year, now)
        const rules = await rulesInForce(tx, division, `${year}-12-31`)
        const entries: ManualEntries = {
          deductions: body.deductions.map((x) => ({
            item: x.item,
            points: x.points,
            reason: x.reason,
            evidence_ids: x.evidence_ids ?? [],
          })),
          bonus: body.bonus ?? null,
          veto_grounds: (body.veto_grounds ?? []).map((g) => ({ ...g, evidence_ids: g.evidence_ids ?? [] })),
        }
        // the rubric's own checks: points with one decimal, at most the item's points, bonus in range
        const problems = findAssessmentInputProblems(
          {
            key_area_coverage: { rate: null, evidence_ids: [] },
            stop_rate: { rate: null, evidence_ids: [] },
            filing_rate: { rate: null, evidence_ids: [] },
            closure_rate: { rate: null, evidence_ids: [] },
            cases_without_report_form: [],
            reports_not_sent: [],
            ledger_incomplete_entries: [],
            missing_responsibility_elements: [],
            cultivated_land: { illegal_mu: 0, new_construction_mu: 0, evidence_ids: [] },
            manual_deductions: entries.deductions.map((x) => ({
              ...x,
              item: x.item as never,
              assessor: body.assessor,
            })),
            bonus: entries.bonus ? { ...entries.bonus, assessor: body.assessor } : null,
            veto_grounds: entries.veto_grounds.map((g) => ({
              ...g,
              ground: g.ground as never,
              assessor: body.assessor,
            })),
          },
          rules,
        )
        if (problems.length > 0)
          throw unprocessable(
            'the entries cannot be scored',
            problems.map((p) => ({
              path: `/${p.path
                .replace(/^manual_deductions/, 'deductions')
                .replace(/\[(\d+)\]/g, '/$1')
                .replaceAll('.', '/')}`,
              message: p.reason,
            })),
          )
        await insertManualEntries(tx, {
          division_code: division,
          year,
          entries,
          assessor: body.assessor,
          created_by: principal.tokenId,
        })
        const out = presentAssessment(await gatherFigures(tx, d, year, now), undefined)
        return out
      })
    },
  )

  app.get(
    '/assessments',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['assessment'],
        summary: 'Upper levels: a city’s counties (or a province’s cities) side by side, ranked by total',
        description: '`format=xlsx` gives the same table as a workbook (sheet 考核汇总).',
        querystring: AssessmentListQuery,
        produces: ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request, reply) => {
      const now = new Date()
      const { parent, year } = request.query
      const level = levelOfCode(parent)
      if (level !== 'city' && level !== 'province')
        throw unprocessable('a city lists its counties, a province its cities', [
          { path: '/querystring/parent', message: `${parent} is a ${level ?? 'bad code'}` },
        ])
      const { p, children } = await request.db.transaction(async (tx) => {
        const p = await readDivision(tx, parent)
        if (!p) throw notFound(`division ${parent} not found in your jurisdiction`)
        if (year > Number(toCalendarDate(now).slice(0, 4)))
          throw unprocessable('a year that has not begun cannot be assessed', [
            { path: '/querystring/year', message: `${year} is in the future` },
          ])
        const children = (await listChildDivisions(tx, parent)).filter((c) =>
          level === 'city' ? c.level === 'county' : c.level === 'city',
        )
        return { p, children }
      })
      // each unit in its own read-only transaction, a few at once on the pool (PGlite queues them)
      const rows = await mapConcurrently(children, TABLE_CONCURRENCY, (c) =>
        request.db.transaction(async (tx) => {
          const f = await gatherFigures(tx, c, year, now)
          const s = scoreFigures(f)
          return {
            division: c.code,
            name: c.name,
            items: Object.fromEntries(s.items.map((i) => [i.item, i.score])) as Record<string, number>,
            deductions: Object.fromEntries(s.items.map((i) => [i.item, i.deducted])) as Record<
              string,
              number
            >,
            bonus: s.bonus?.points ?? 0,
            total: s.total,
            grade: s.grade,
            veto: s.veto.triggered,
            live: f.live,
          }
        }),
      )
      // ties share a rank; a vetoed unit ranks below every unit that was not
      const sorted = [...rows].sort((a, b) => Number(a.veto) - Number(b.veto) || b.total - a.total)
      const ranked = sorted.map((r) => ({
        rank: 1 + sorted.findIndex((o) => o.veto === r.veto && o.total === r.total),
        ...r,
      }))
      const result = { parent: p, rows: ranked }
      if (request.query.format === 'xlsx') {
        const title = `${result.parent.name} ${year} 年度动态巡查工作考核汇总`
        const body = await buildAssessmentTableXlsx(title, result.rows as TableRow[])
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header(
            'content-disposition',
            attachmentDisposition(`${title}.xlsx`, `assessments-${parent}-${year}.xlsx`),
          )
          .send(body)
      }
      return {
        parent: result.parent.code,
        name: result.parent.name,
        year,
        sheet: TABLE_SHEET,
        items: result.rows,
      }
    },
  )
}

export default assessmentRoutes
