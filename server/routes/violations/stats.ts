import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { levelOfCode } from '../../domain/divisions/division-code.js'
import {
  addCalendarDays,
  endOfCalendarDay,
  startOfCalendarDay,
  toCalendarDate,
} from '../../domain/rules/calendar-date.js'
import { computeViolationRates, type ViolationRecord } from '../../domain/violations/rates.js'
import type { ClosingKind, ViolationEventType } from '../../domain/violations/workflow.js'
import { notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { isoRequired, loadWorkingDayOverrides } from './common.js'
import { RULES } from './present.js'
import { listEventsOf } from './queries.js'
import {
  CultivatedLandBody,
  CultivatedLandParams,
  CultivatedLandTaken,
  ListCultivatedLandQuery,
  StatsQuery,
} from './schemas.js'

// Who enters the cultivated land taken by new construction (from the land-use approvals).
const LAND_EDITORS = ['admin', 'supervisor', 'planner'] as const

interface TakenRow {
  division_code: string
  year: number
  mu: number
  note: string | null
  updated_at: Date
}

const presentTaken = (r: TakenRow) => ({ ...r, updated_at: isoRequired(r.updated_at) })

/** The violations a span's rates need: found in the span, or filed recently enough to close in it. */
export async function readViolationRecords(
  db: Queryable,
  division: string,
  from: string,
  to: string,
): Promise<ViolationRecord[]> {
  const spanStart = startOfCalendarDay(from).toISOString()
  const spanEnd = startOfCalendarDay(addCalendarDays(to, 1)).toISOString()
  // a case filed up to closure_limit_days (+1 for the filing day) before the span can close in it
  const filedSince = startOfCalendarDay(
    addCalendarDays(from, -(RULES.deadlines.closure_limit_days + 1)),
  ).toISOString()
  const res = await db.query<{
    id: string
    found_at: Date
    cultivated_mu: number | null
    needs_stopping: boolean
    report_required: boolean
    major: boolean
  }>(
    `SELECT id, found_at, cultivated_mu::float8 AS cultivated_mu, needs_stopping, report_required, major
       FROM violations
      WHERE (starts_with(division_code, lp_scope_prefix($1::text)) OR township_code = $1::text)
        AND ((found_at >= $2::timestamptz AND found_at < $3::timestamptz)
          OR (filed_at >= $4::timestamptz AND filed_at < $3::timestamptz))
      ORDER BY found_at, id`,
    [division, spanStart, spanEnd, filedSince],
  )
  const events = await listEventsOf(
    db,
    res.rows.map((r) => r.id),
  )
  const byViolation = new Map<string, ViolationRecord['events'][number][]>()
  for (const e of events) {
    const list = byViolation.get(e.violation_id) ?? []
    list.push({
      type: e.type as ViolationEventType,
      at: isoRequired(e.at),
      ...(e.closing_kind ? { kind: e.closing_kind as ClosingKind } : {}),
    })
    byViolation.set(e.violation_id, list)
  }
  return res.rows.map((r) => ({
    id: r.id,
    found_at: isoRequired(r.found_at),
    events: byViolation.get(r.id) ?? [],
    ...(r.cultivated_mu !== null ? { cultivated_mu: r.cultivated_mu } : {}),
    needs_stopping: r.needs_stopping,
    // a major event must be reported (第二十一条) whatever else is decided
    report_required: r.report_required || r.major,
  }))
}

const RateOut = Type.Object({
  numerator: Type.Number(),
  denominator: Type.Number(),
  rate: Type.Union([Type.Number(), Type.Null()]),
  ids_numerator: Type.Array(Type.String()),
  ids_missing: Type.Array(Type.String()),
  excluded: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })),
  definition: Type.String(),
})

const StatsOut = Type.Object({
  division: Type.String(),
  span: Type.Object({ from: Type.String(), to: Type.String() }),
  as_of: Type.String(),
  stop_rate: RateOut,
  filing_rate: RateOut,
  closure_rate: RateOut,
  report_forms_on_time: RateOut,
  illegal_cultivated_land: Type.Object({
    ...RateOut.properties,
    unit: Type.String(),
    taken: Type.Array(Type.Object({ division_code: Type.String(), year: Type.Integer(), mu: Type.Number() })),
    missing_taken: Type.Array(Type.Object({ division_code: Type.String(), year: Type.Integer() })),
    veto_ratio: Type.Number(),
    reaches_veto: Type.Union([Type.Boolean(), Type.Null()]),
  }),
  problems: Type.Array(Type.Unknown()),
  calendar_warnings: Type.Array(Type.Unknown()),
})

const DEFINITIONS = {
  stop_rate:
    'violations found in the span stopped, self-corrected or reported (with its stop order) ÷ those found that needed stopping',
  filing_rate:
    'reported violations filed ÷ reported ones, less those declined as below the filing standard and those escalated or transferred',
  closure_rate:
    'filed cases closed within the legal limit ÷ filed cases whose outcome day (closure, or the end of the limit) falls in the span',
  report_forms_on_time:
    'report forms filed by the end of the 2nd working day after discovery ÷ reports filed or owed and past due',
  illegal_cultivated_land:
    'cultivated land (mu) of violations found in the span ÷ cultivated land taken by new construction in the years of the span',
}

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/cultivated-land-taken/:division/:year',
    {
      config: { access: { roles: LAND_EDITORS } },
      // the county must be the caller's before the rest of the request is even looked at
      preValidation: async (request) => {
        const division = String((request.params as { division?: unknown }).division ?? '')
        const d = await request.db.query('SELECT 1 FROM divisions WHERE code = $1::text', [division])
        if (d.rowCount === 0) throw notFound(`division ${division} not found in your jurisdiction`)
      },
      schema: {
        tags: ['stats'],
        summary:
          "A county's cultivated land taken by new construction land in a year (mu), from the approvals",
        description:
          'The denominator of the illegally-occupied cultivated land ratio and its veto (第二十六条).',
        params: CultivatedLandParams,
        body: CultivatedLandBody,
        response: { 200: CultivatedLandTaken, ...problemResponses },
      },
    },
    async (request) => {
      const { division, year } = request.params
      return request.db.transaction(async (tx) => {
        const d = await tx.query<{ level: string }>('SELECT level FROM divisions WHERE code = $1::text', [
          division,
        ])
        const level = d.rows[0]?.level
        if (!level) throw notFound(`division ${division} not found in your jurisdiction`)
        if (level !== 'county')
          throw unprocessable('entered per county', [
            { path: '/params/division', message: `${division} is a ${level}, not a county` },
          ])
        const res = await tx.query<TakenRow>(
          `INSERT INTO cultivated_land_taken (division_code, year, mu, note, updated_by)
           VALUES ($1::text, $2::smallint, $3::numeric, $4::text, $5::uuid)
           ON CONFLICT (division_code, year) DO UPDATE
             SET mu = EXCLUDED.mu, note = EXCLUDED.note, updated_at = now(), updated_by = EXCLUDED.updated_by
           RETURNING division_code, year::integer AS year, mu::float8 AS mu, note, updated_at`,
          [division, year, request.body.mu, request.body.note ?? null, request.principal.tokenId],
        )
        return presentTaken(res.rows[0] as TakenRow)
      })
    },
  )

  app.get(
    '/cultivated-land-taken',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['stats'],
        summary: 'Cultivated land taken by new construction, per county and year',
        querystring: ListCultivatedLandQuery,
        response: { 200: Type.Object({ items: Type.Array(CultivatedLandTaken) }), ...problemResponses },
      },
    },
    async (request) => {
      const res = await request.db.query<TakenRow>(
        `SELECT division_code, year::integer AS year, mu::float8 AS mu, note, updated_at FROM cultivated_land_taken
          WHERE ($1::text IS NULL OR starts_with(division_code, lp_scope_prefix($1::text)))
            AND ($2::integer IS NULL OR year = $2::integer)
          ORDER BY division_code, year`,
        [request.query.division ?? null, request.query.year ?? null],
      )
      return { items: res.rows.map(presentTaken) }
    },
  )

  app.get(
    '/stats',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['stats'],
        summary:
          'Stop, filing and closure rates, report forms on time, illegally occupied cultivated land and its ratio',
        description:
          'Each rate gives its numerator, denominator and the violation ids behind them (and those left out, with ' +
          'the reason). from/to are Beijing calendar days (default: 1 January of this year to today); histories ' +
          'are read as of the end of `to` or now, whichever is earlier. The cultivated-land ratio divides by the ' +
          'cultivated land taken by new construction in the calendar years the span touches, summed over the ' +
          "division's counties.",
        querystring: StatsQuery,
        response: { 200: StatsOut, ...problemResponses },
      },
    },
    async (request) => {
      const now = new Date()
      const today = toCalendarDate(now)
      const division = request.query.division ?? request.principal.divisionCode
      const from = request.query.from ?? `${today.slice(0, 4)}-01-01`
      const to = request.query.to ?? today
      if (from > to)
        throw unprocessable('from is after to', [
          { path: '/querystring/from', message: `${from} is after ${to}` },
        ])
      const endOfSpan = endOfCalendarDay(to)
      const asOf = request.query.as_of
        ? new Date(request.query.as_of)
        : new Date(Math.min(endOfSpan.getTime(), now.getTime()))

      return request.db.transaction(async (tx) => {
        const d = await tx.query('SELECT 1 FROM divisions WHERE code = $1::text', [division])
        if (d.rowCount === 0) throw notFound(`division ${division} not found in your jurisdiction`)
        const records = await readViolationRecords(tx, division, from, to)
        const overrides = await loadWorkingDayOverrides(tx)

        // the denominator: every county of the division, every year the span touches
        const years: number[] = []
        for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) years.push(y)
        const counties = await tx.query<{ code: string }>(
          `SELECT code FROM divisions WHERE level = 'county' AND starts_with(code, lp_scope_prefix($1::text))
            ORDER BY code`,
          [
            levelOfCode(division) === 'township' || levelOfCode(division) === 'village'
              ? division.slice(0, 6)
              : division,
          ],
        )
        const taken = await tx.query<{ division_code: string; year: number; mu: number }>(
          `SELECT division_code, year::integer AS year, mu::float8 AS mu FROM cultivated_land_taken
            WHERE division_code = ANY($1::text[]) AND year = ANY($2::integer[])
            ORDER BY division_code, year`,
          [counties.rows.map((c) => c.code), years],
        )
        const have = new Set(taken.rows.map((t) => `${t.division_code}/${t.year}`))
        const missingTaken = counties.rows.flatMap((c) =>
          years.filter((y) => !have.has(`${c.code}/${y}`)).map((year) => ({ division_code: c.code, year })),
        )
        // summed in 0.0001 mu so the total is exact
        const takenMu = taken.rows.reduce((sum, t) => sum + Math.round(t.mu * 10000), 0) / 10000

        const rates = computeViolationRates(records, { from, to }, RULES, {
          as_of: asOf,
          overrides,
          new_construction_cultivated_mu: takenMu,
        })
        const land = rates.illegal_cultivated_land
        return {
          division,
          span: rates.span,
          as_of: rates.as_of,
          stop_rate: { ...rates.stop_rate, definition: DEFINITIONS.stop_rate },
          filing_rate: { ...rates.filing_rate, definition: DEFINITIONS.filing_rate },
          closure_rate: { ...rates.closure_rate, definition: DEFINITIONS.closure_rate },
          report_forms_on_time: {
            ...rates.report_forms_on_time,
            definition: DEFINITIONS.report_forms_on_time,
          },
          illegal_cultivated_land: {
            ...land,
            definition: DEFINITIONS.illegal_cultivated_land,
            unit: 'mu',
            taken: taken.rows,
            missing_taken: missingTaken,
            veto_ratio: RULES.assessment.veto_ratio,
            reaches_veto: land.rate === null ? null : land.rate >= RULES.assessment.veto_ratio,
          },
          problems: rates.problems,
          calendar_warnings: rates.calendar_warnings,
        }
      })
    },
  )
}

export default statsRoutes
