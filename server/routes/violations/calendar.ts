import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { addCalendarDays, startOfCalendarDay } from '../../domain/rules/calendar-date.js'
import { computeTipCheckDue } from '../../domain/violations/deadlines.js'
import { forbidden } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { isoRequired, loadWorkingDayOverrides } from './common.js'
import { computeStoredDeadlines, RULES } from './present.js'
import {
  CalendarOverride,
  CalendarOverrideBody,
  CalendarOverrideParams,
  ListCalendarOverridesQuery,
} from './schemas.js'

/**
 * How far back a changed day can move a deadline: a deadline of n working days starting this long
 * before the day cannot reach it, even across the Spring Festival (the longest break, 8–9 days).
 */
const RECOMPUTE_WINDOW_DAYS = 60

/**
 * Stored due dates of violations and tips whose count could pass over `date`, recomputed with the
 * overrides now in force. Runs in the caller's transaction (the whole country: only a root admin
 * changes the calendar). Closed records are recomputed too: their deadlines are history that the
 * corrected calendar now tells truly.
 */
async function recomputeDueDates(tx: Queryable, date: string): Promise<{ violations: number; tips: number }> {
  const overrides = await loadWorkingDayOverrides(tx)
  const from = startOfCalendarDay(addCalendarDays(date, -RECOMPUTE_WINDOW_DAYS)).toISOString()
  const to = startOfCalendarDay(addCalendarDays(date, 1)).toISOString()
  const violations = await tx.query<{ id: string; found_at: Date; major: boolean }>(
    `SELECT id, found_at, major FROM violations WHERE found_at >= $1::timestamptz AND found_at < $2::timestamptz`,
    [from, to],
  )
  for (const v of violations.rows) {
    const due = computeStoredDeadlines(isoRequired(v.found_at), v.major, overrides)
    await tx.query(
      `UPDATE violations SET report_due = $2::timestamptz, report_due_date = $3::date, major_report_due = $4::timestamptz
        WHERE id = $1::uuid`,
      [v.id, due.report_due, due.report_due_date, due.major_report_due],
    )
  }
  const tips = await tx.query<{ id: string; received_at: Date }>(
    `SELECT id, received_at FROM tips WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz`,
    [from, to],
  )
  for (const t of tips.rows) {
    const due = computeTipCheckDue(isoRequired(t.received_at), RULES, overrides)
    await tx.query(
      `UPDATE tips SET check_due = $2::timestamptz, check_due_date = $3::date WHERE id = $1::uuid`,
      [t.id, due.due_at.toISOString(), due.due_date],
    )
  }
  return { violations: violations.rows.length, tips: tips.rows.length }
}

interface OverrideRow {
  date: string
  kind: string
  note: string
  updated_at: Date
}

const present = (r: OverrideRow) => ({ ...r, updated_at: isoRequired(r.updated_at) })

const Recomputed = Type.Object({ violations: Type.Integer(), tips: Type.Integer() })

/**
 * Local corrections to the State Council working-day calendar (a year the package does not know yet,
 * or a correction). The calendar is national, so only an admin of the whole country changes it; the
 * check runs before the request is validated so that no one else learns anything from the answer.
 */
const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const requireNationalAdmin = async (request: { principal: { scope: string } }) => {
    if (request.principal.scope !== '')
      throw forbidden(
        'the working-day calendar is national: only an admin of the whole country (000000) changes it',
      )
  }

  app.get(
    '/calendar-overrides',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['calendar'],
        summary: 'Working-day overrides that win over the State Council schedule of the calendar package',
        querystring: ListCalendarOverridesQuery,
        response: { 200: Type.Object({ items: Type.Array(CalendarOverride) }), ...problemResponses },
      },
    },
    async (request) => {
      const res = await request.db.query<OverrideRow>(
        `SELECT date::text AS date, kind, note, updated_at FROM working_day_overrides
          WHERE ($1::date IS NULL OR date >= $1::date) AND ($2::date IS NULL OR date <= $2::date)
          ORDER BY date`,
        [request.query.from ?? null, request.query.to ?? null],
      )
      return { items: res.rows.map(present) }
    },
  )

  app.post(
    '/calendar-overrides',
    {
      config: { access: { roles: ['admin'] } },
      preValidation: requireNationalAdmin,
      schema: {
        tags: ['calendar'],
        summary: 'Set a day to work or off (national admin); due dates that count over it are recomputed',
        body: CalendarOverrideBody,
        response: {
          200: Type.Object({ override: CalendarOverride, recomputed: Recomputed }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { date, kind, note } = request.body
      return request.db.transaction(async (tx) => {
        const res = await tx.query<OverrideRow>(
          `INSERT INTO working_day_overrides (date, kind, note, updated_by)
           VALUES ($1::date, $2::text, $3::text, $4::uuid)
           ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, note = EXCLUDED.note,
                                            updated_at = now(), updated_by = EXCLUDED.updated_by
           RETURNING date::text AS date, kind, note, updated_at`,
          [date, kind, note ?? '', request.principal.tokenId],
        )
        const recomputed = await recomputeDueDates(tx, date)
        return { override: present(res.rows[0] as OverrideRow), recomputed }
      })
    },
  )

  app.delete(
    '/calendar-overrides/:date',
    {
      config: { access: { roles: ['admin'] } },
      preValidation: requireNationalAdmin,
      schema: {
        tags: ['calendar'],
        summary: 'Remove an override (national admin); the day follows the State Council schedule again',
        params: CalendarOverrideParams,
        response: {
          200: Type.Object({ deleted: Type.Boolean(), recomputed: Recomputed }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      return request.db.transaction(async (tx) => {
        const res = await tx.query('DELETE FROM working_day_overrides WHERE date = $1::date', [
          request.params.date,
        ])
        const recomputed = await recomputeDueDates(tx, request.params.date)
        return { deleted: res.rowCount > 0, recomputed }
      })
    },
  )
}

export default calendarRoutes
