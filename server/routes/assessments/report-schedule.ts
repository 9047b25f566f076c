import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  parseScheduledReportId,
  reportDueDate,
  reportsOwed,
} from '../../domain/assessment/report-schedule.js'
import type { DivisionLevel } from '../../domain/divisions/division-code.js'
import { conflict, notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { presentScheduled } from './compute.js'
import { insertSubmission, listSubmissions, readDivision } from './queries.js'
import { ScheduledReportOut, ScheduleIdParams, ScheduleQuery, SentBody } from './schemas.js'

const SENDERS = ['admin', 'supervisor', 'planner'] as const

/**
 * The register of the reports of 第二十条 (item 八): which reports a county (monthly) or city
 * (quarterly, annual) owes in a year, their due dates, and which were sent, when and to whom. The
 * documents themselves are written elsewhere; this only records that one went out.
 */
const reportScheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/report-schedule',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['assessment'],
        summary:
          'Reports owed in a year, with due dates and whether each was sent (on time, late) or is overdue',
        querystring: ScheduleQuery,
        response: {
          200: Type.Object({
            division: Type.String(),
            year: Type.Integer(),
            items: Type.Array(ScheduledReportOut),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const division = request.query.division ?? request.principal.divisionCode
      const { year } = request.query
      return request.db.transaction(async (tx) => {
        const d = await readDivision(tx, division)
        if (!d) throw notFound(`division ${division} not found in your jurisdiction`)
        const sent = new Map(
          (await listSubmissions(tx, { divisions: [division], year })).map((s) => [
            `${s.kind}/${s.period}`,
            s,
          ]),
        )
        const now = new Date()
        return {
          division,
          year,
          items: reportsOwed(division, d.level as DivisionLevel, year).map((r) =>
            presentScheduled(r, sent.get(`${r.kind}/${r.period}`), now),
          ),
        }
      })
    },
  )

  app.get(
    '/report-schedule/:id',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['assessment'],
        summary: 'One report of the schedule (id: division-kind-period, e.g. 510199-monthly-2026-03)',
        params: ScheduleIdParams,
        response: { 200: ScheduledReportOut, ...problemResponses },
      },
    },
    async (request) => {
      const key = parseScheduledReportId(request.params.id)
      if (!key) throw notFound(`no scheduled report ${request.params.id}`)
      return request.db.transaction(async (tx) => {
        const d = await readDivision(tx, key.division_code)
        const year = Number(key.period.slice(0, 4))
        const owed = d
          ? reportsOwed(d.code, d.level as DivisionLevel, year).find((r) => r.id === request.params.id)
          : undefined
        if (!owed) throw notFound(`no scheduled report ${request.params.id} in your jurisdiction`)
        const sub = (await listSubmissions(tx, { divisions: [d!.code], year })).find(
          (s) => s.kind === key.kind && s.period === key.period,
        )
        return presentScheduled(owed, sub, new Date())
      })
    },
  )

  app.post(
    '/report-schedule/:id/sent',
    {
      config: { access: { roles: SENDERS } },
      schema: {
        tags: ['assessment'],
        summary: 'Record a report as sent: when, to whom, by whom (once; a second record is a conflict)',
        params: ScheduleIdParams,
        body: SentBody,
        response: { 201: ScheduledReportOut, ...problemResponses },
      },
    },
    async (request, reply) => {
      const key = parseScheduledReportId(request.params.id)
      if (!key) throw notFound(`no scheduled report ${request.params.id}`)
      const sentAt = request.body.sent_at ? new Date(request.body.sent_at) : new Date()
      if (sentAt.getTime() > Date.now() + 5 * 60_000)
        throw unprocessable('a report cannot be sent in the future', [
          { path: '/sent_at', message: `${request.body.sent_at} is later than now` },
        ])
      const out = await request.db.transaction(async (tx) => {
        const d = await readDivision(tx, key.division_code)
        const year = Number(key.period.slice(0, 4))
        const owed = d
          ? reportsOwed(d.code, d.level as DivisionLevel, year).find((r) => r.id === request.params.id)
          : undefined
        if (!owed) throw notFound(`no scheduled report ${request.params.id} in your jurisdiction`)
        const existing = (await listSubmissions(tx, { divisions: [owed.division_code], year })).find(
          (s) => s.kind === key.kind && s.period === key.period,
        )
        if (existing)
          throw conflict(`report ${request.params.id} was already recorded as sent`, [], {
            sent_at: existing.sent_at.toISOString(),
          })
        const row = await insertSubmission(tx, {
          division_code: owed.division_code,
          kind: owed.kind,
          period: owed.period,
          due_date: reportDueDate(owed.kind, owed.period),
          sent_at: sentAt,
          recipient: request.body.recipient,
          sent_by: request.body.sent_by,
          note: request.body.note ?? null,
          created_by: request.principal.tokenId,
        })
        return presentScheduled(owed, row, new Date(Math.max(Date.now(), sentAt.getTime())))
      })
      return reply.code(201).send(out)
    },
  )
}

export default reportScheduleRoutes
