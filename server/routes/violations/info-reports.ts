import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import type { Principal } from '../../db/scoped-db.js'
import { addCalendarDays, toCalendarDate } from '../../domain/rules/calendar-date.js'
import { conflict, notFound, type ProblemDetailItem } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { checkNotFuture, isoRequired, resolveCounty, throwIfAny } from './common.js'
import {
  AssignInfoOfficerBody,
  CreateInfoReportBody,
  DivisionFilterQuery,
  InfoOfficerAssignment,
  InfoReport,
  ListInfoReportsQuery,
  MonthQuery,
} from './schemas.js'
import { CASE_WRITERS } from './violations.js'

/** First and last calendar day of 'YYYY-MM'. */
function monthDays(month: string): { first: string; last: string } {
  const first = `${month}-01`
  const [y, m] = month.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
  return { first, last: addCalendarDays(next, -1) }
}

/** The county a village belongs to (its first 6 digits), which must be the caller's to see. */
async function villageOf(
  tx: Queryable,
  principal: Principal,
  villageCode: string,
): Promise<{ county: string; problem?: ProblemDetailItem }> {
  const county = await resolveCounty(tx, principal, villageCode.slice(0, 6), '/village_code')
  const res = await tx.query<{ level: string }>('SELECT level FROM divisions WHERE code = $1::text', [
    villageCode,
  ])
  const level = res.rows[0]?.level
  if (level !== 'village')
    return {
      county: county.code,
      problem: {
        path: '/village_code',
        message: level
          ? `${villageCode} is a ${level}, not a village`
          : `no village ${villageCode} on record`,
      },
    }
  return { county: county.code }
}

interface InfoReportRow {
  id: string
  division_code: string
  village_code: string
  person_id: string
  month: string
  zero_report: boolean
  content: string | null
  submitted_at: Date
}

const presentReport = (r: InfoReportRow) => ({ ...r, submitted_at: isoRequired(r.submitted_at) })

interface AssignmentRow {
  id: string
  division_code: string
  village_code: string
  village_name: string
  person_id: string
  person_name: string
  assigned_from: string
  assigned_to: string | null
}

const ASSIGNMENT_SELECT = `SELECT a.id, a.division_code, a.village_code, d.name AS village_name, a.person_id,
       p.name AS person_name, a.assigned_from::text AS assigned_from, a.assigned_to::text AS assigned_to
  FROM info_officer_assignments a JOIN divisions d ON d.code = a.village_code JOIN people p ON p.id = a.person_id`

/** Assignments that overlap [first, last] (both calendar days). */
const IN_MONTH = `a.assigned_from <= $2::date AND (a.assigned_to IS NULL OR a.assigned_to > $1::date)`

/**
 * Village information officers 信息员 (one per administrative village, 篇三 七(1)) and their monthly
 * report or zero-report 零报告.
 */
const infoReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/info-officers',
    {
      config: { access: { roles: CASE_WRITERS } },
      schema: {
        tags: ['info-officers'],
        summary: "Make a person with the role info_officer the village's information officer",
        description:
          'One officer per village at a time: a new assignment ends the current one the day before it starts.',
        body: AssignInfoOfficerBody,
        response: { 201: InfoOfficerAssignment, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const principal = request.principal
      const row = await request.db.transaction(async (tx) => {
        const village = await villageOf(tx, principal, body.village_code)
        const errors: ProblemDetailItem[] = village.problem ? [village.problem] : []
        const person = await tx.query<{ roles: string[]; division_code: string }>(
          'SELECT roles, division_code FROM people WHERE id = $1::uuid',
          [body.person_id],
        )
        const p = person.rows[0]
        if (!p || !p.division_code.startsWith(village.county))
          errors.push({
            path: '/person_id',
            message: `no person ${body.person_id} in county ${village.county}`,
          })
        else if (!p.roles.includes('info_officer'))
          errors.push({ path: '/person_id', message: 'the person does not have the role info_officer' })
        throwIfAny(errors)
        const from = body.assigned_from ?? toCalendarDate(new Date())
        const current = await tx.query<{ id: string; assigned_from: string; person_id: string }>(
          `SELECT id, assigned_from::text AS assigned_from, person_id FROM info_officer_assignments
            WHERE village_code = $1::text AND assigned_to IS NULL FOR UPDATE`,
          [body.village_code],
        )
        const open = current.rows[0]
        if (open) {
          if (open.person_id === body.person_id)
            throw conflict('the person is already the officer of this village', [], {
              assignment_id: open.id,
            })
          if (open.assigned_from >= from)
            throwIfAny([
              {
                path: '/assigned_from',
                message: `must be after ${open.assigned_from}, when the current officer started`,
              },
            ])
          await tx.query('UPDATE info_officer_assignments SET assigned_to = $2::date WHERE id = $1::uuid', [
            open.id,
            from,
          ])
        }
        const ins = await tx.query<{ id: string }>(
          `INSERT INTO info_officer_assignments (division_code, village_code, person_id, assigned_from)
           VALUES ($1::text, $2::text, $3::uuid, $4::date) RETURNING id`,
          [village.county, body.village_code, body.person_id, from],
        )
        const res = await tx.query<AssignmentRow>(`${ASSIGNMENT_SELECT} WHERE a.id = $1::uuid`, [
          ins.rows[0]?.id,
        ])
        return res.rows[0] as AssignmentRow
      })
      return reply.code(201).send(row)
    },
  )

  app.get(
    '/info-officers',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['info-officers'],
        summary: 'Information officers in office, by village',
        querystring: DivisionFilterQuery,
        response: { 200: Type.Object({ items: Type.Array(InfoOfficerAssignment) }), ...problemResponses },
      },
    },
    async (request) => {
      const res = await request.db.query<AssignmentRow>(
        `${ASSIGNMENT_SELECT}
          WHERE a.assigned_to IS NULL
            AND ($1::text IS NULL OR starts_with(a.village_code, lp_scope_prefix($1::text)))
          ORDER BY a.village_code`,
        [request.query.division ?? null],
      )
      return { items: res.rows }
    },
  )

  app.post(
    '/info-reports',
    {
      config: { access: { roles: CASE_WRITERS } },
      schema: {
        tags: ['info-officers'],
        summary: "A village information officer's monthly report, or zero-report (零报告)",
        description:
          'One per village and month (a second one answers 409). The person defaults to the officer in ' +
          'office in that month; a report that is not a zero-report needs its content.',
        body: CreateInfoReportBody,
        response: { 201: InfoReport, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const principal = request.principal
      const report = await request.db.transaction(async (tx) => {
        const village = await villageOf(tx, principal, body.village_code)
        const errors: ProblemDetailItem[] = village.problem ? [village.problem] : []
        const now = new Date()
        const { first, last } = monthDays(body.month)
        if (first > toCalendarDate(now)) errors.push({ path: '/month', message: 'lies in the future' })
        const submittedAt = body.submitted_at ?? now.toISOString()
        checkNotFuture(submittedAt, '/submitted_at', now, errors)
        if (!body.zero_report && !body.content?.trim())
          errors.push({ path: '/content', message: 'is required unless zero_report is true' })
        throwIfAny(errors)
        const officers = await tx.query<{ person_id: string }>(
          `SELECT a.person_id FROM info_officer_assignments a
            WHERE a.village_code = $3::text AND ${IN_MONTH} ORDER BY a.assigned_from DESC`,
          [first, last, body.village_code],
        )
        const ids = officers.rows.map((r) => r.person_id)
        const personId = body.person_id ?? ids[0]
        if (personId === undefined)
          throwIfAny([
            { path: '/village_code', message: `the village had no information officer in ${body.month}` },
          ])
        else if (!ids.includes(personId))
          throwIfAny([
            { path: '/person_id', message: `was not the officer of ${body.village_code} in ${body.month}` },
          ])
        const res = await tx.query<InfoReportRow>(
          `INSERT INTO info_reports (division_code, village_code, person_id, month, zero_report, content, submitted_at,
             recorded_by)
           VALUES ($1::text, $2::text, $3::uuid, $4::text, $5::boolean, $6::text, $7::timestamptz, $8::uuid)
           RETURNING id, division_code, village_code, person_id, month, zero_report, content, submitted_at`,
          [
            village.county,
            body.village_code,
            personId,
            body.month,
            body.zero_report,
            body.content ?? null,
            submittedAt,
            principal.tokenId,
          ],
        )
        return presentReport(res.rows[0] as InfoReportRow)
      })
      return reply.code(201).send(report)
    },
  )

  app.get(
    '/info-reports',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['info-officers'],
        summary: "Information officers' monthly reports",
        querystring: ListInfoReportsQuery,
        response: { 200: Type.Object({ items: Type.Array(InfoReport) }), ...problemResponses },
      },
    },
    async (request) => {
      const res = await request.db.query<InfoReportRow>(
        `SELECT id, division_code, village_code, person_id, month, zero_report, content, submitted_at
           FROM info_reports
          WHERE ($1::text IS NULL OR month = $1::text)
            AND ($2::text IS NULL OR starts_with(village_code, lp_scope_prefix($2::text)))
          ORDER BY month DESC, village_code`,
        [request.query.month ?? null, request.query.division ?? null],
      )
      return {
        items: res.rows.map(presentReport),
      }
    },
  )

  app.get(
    '/info-reports/missing',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['info-officers'],
        summary: 'Villages that had an information officer in the month but no report or zero-report for it',
        querystring: MonthQuery,
        response: {
          200: Type.Object({
            month: Type.String(),
            division: Type.Union([Type.String(), Type.Null()]),
            villages_with_officer: Type.Integer(),
            reported: Type.Integer(),
            missing: Type.Array(
              Type.Object({
                village_code: Type.String(),
                village_name: Type.String(),
                township_code: Type.Union([Type.String(), Type.Null()]),
                person_id: Type.String(),
                person_name: Type.String(),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { month, division } = request.query
      const { first, last } = monthDays(month)
      if (division !== undefined) {
        const d = await request.db.query('SELECT 1 FROM divisions WHERE code = $1::text', [division])
        if (d.rowCount === 0) throw notFound(`division ${division} not found in your jurisdiction`)
      }
      const res = await request.db.query<{
        village_code: string
        village_name: string
        township_code: string | null
        person_id: string
        person_name: string
        reported: boolean
      }>(
        `WITH
         -- the officer of each village in the month (the latest assignment if it changed hands)
         officers AS (
           SELECT DISTINCT ON (a.village_code) a.village_code, a.person_id
             FROM info_officer_assignments a
            WHERE ${IN_MONTH}
              AND ($3::text IS NULL OR starts_with(a.village_code, lp_scope_prefix($3::text)))
            ORDER BY a.village_code, a.assigned_from DESC)
         SELECT o.village_code, d.name AS village_name, d.parent_code AS township_code, o.person_id,
                p.name AS person_name,
                EXISTS (SELECT 1 FROM info_reports r WHERE r.village_code = o.village_code AND r.month = $4::text) AS reported
           FROM officers o JOIN divisions d ON d.code = o.village_code JOIN people p ON p.id = o.person_id
          ORDER BY o.village_code`,
        [first, last, division ?? null, month],
      )
      const missing = res.rows.filter((r) => !r.reported).map(({ reported: _r, ...rest }) => rest)
      return {
        month,
        division: division ?? null,
        villages_with_officer: res.rows.length,
        reported: res.rows.length - missing.length,
        missing,
      }
    },
  )
}

export default infoReportRoutes
