import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { addCalendarDays, startOfCalendarDay } from '../../domain/rules/calendar-date.js'
import { computeTipCheckDue } from '../../domain/violations/deadlines.js'
import { conflict, notFound, type ProblemDetailItem } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import {
  checkNotFuture,
  checkPointCoordinates,
  isPointInDivision,
  loadWorkingDayOverrides,
  resolveCounty,
  resolveTownship,
  throwIfAny,
} from './common.js'
import { RULES } from './present.js'
import { CheckTipBody, CreateTipBody, ListTipsQuery, Tip, ViolationIdParams } from './schemas.js'
import { closeTip, findTip, insertTip, listTips } from './tip-queries.js'
import { CASE_WRITERS } from './violations.js'

/**
 * The tips register 登记簿 (第十七条第二款): every tip from the 12336 hotline, an information officer,
 * a letter or a visit is registered, checked by its due date (working days after receipt) and closed
 * either as a violation (linked to its record) or as unfounded with the reason.
 */
const tipRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/tips',
    {
      config: { access: { roles: CASE_WRITERS } },
      schema: {
        tags: ['tips'],
        summary: 'Register a tip (12336 hotline, information officer, letter, visit)',
        description: `Due for checking ${RULES.deadlines.tip_check_working_days} working days after receipt (day of receipt not counted).`,
        body: CreateTipBody,
        response: { 201: Tip, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const principal = request.principal
      const tip = await request.db.transaction(async (tx) => {
        const county = await resolveCounty(tx, principal, body.division_code)
        const errors: ProblemDetailItem[] = []
        checkNotFuture(body.received_at, '/received_at', new Date(), errors)
        if (body.location) checkPointCoordinates(body.location, '/location', errors)
        throwIfAny(errors)
        let townshipCode: string | null = body.township_code ?? null
        if (body.location) {
          if (!(await isPointInDivision(tx, county.code, body.location)))
            errors.push({
              path: '/location',
              message: `lies outside the boundary of county ${county.code} ${county.name}`,
            })
          const township = await resolveTownship(tx, county.code, body.township_code, body.location)
          if (township.problem) errors.push(township.problem)
          townshipCode = township.code
        } else if (body.township_code !== undefined) {
          const t = await tx.query(
            `SELECT 1 FROM divisions WHERE code = $1::text AND level = 'township' AND parent_code = $2::text`,
            [body.township_code, county.code],
          )
          if (t.rowCount === 0)
            errors.push({
              path: '/township_code',
              message: `${body.township_code} is not a township of county ${county.code}`,
            })
        }
        if (body.info_officer_id !== undefined) {
          const officer = await tx.query(
            `SELECT 1 FROM people WHERE id = $1::uuid AND 'info_officer' = ANY(roles) AND starts_with(division_code, $2::text)`,
            [body.info_officer_id, county.code],
          )
          if (officer.rowCount === 0)
            errors.push({
              path: '/info_officer_id',
              message: `no information officer ${body.info_officer_id} in county ${county.code}`,
            })
        }
        throwIfAny(errors)
        const overrides = await loadWorkingDayOverrides(tx)
        const due = computeTipCheckDue(body.received_at, RULES, overrides)
        const id = await insertTip(tx, {
          division_code: county.code,
          township_code: townshipCode,
          channel: body.channel,
          received_at: body.received_at,
          lon: body.location?.coordinates[0] ?? null,
          lat: body.location?.coordinates[1] ?? null,
          place: body.place ?? null,
          content: body.content,
          reporter: body.reporter ?? null,
          reporter_contact: body.reporter_contact ?? null,
          info_officer_id: body.info_officer_id ?? null,
          check_due: due.due_at.toISOString(),
          check_due_date: due.due_date,
          note: body.note ?? null,
          created_by: principal.tokenId,
        })
        return (await findTip(tx, id))!
      })
      return reply.code(201).send(tip)
    },
  )

  app.get(
    '/tips',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tips'],
        summary: 'The tips register, with check due dates and overdue flags',
        querystring: ListTipsQuery,
        response: { 200: Type.Object({ items: Type.Array(Tip) }), ...problemResponses },
      },
    },
    async (request) => {
      const q = request.query
      const items = await listTips(request.db, {
        status: q.status,
        overdue: q.overdue,
        division: q.division,
        from: q.from ? startOfCalendarDay(q.from).toISOString() : undefined,
        to: q.to ? startOfCalendarDay(addCalendarDays(q.to, 1)).toISOString() : undefined,
      })
      return { items }
    },
  )

  app.get(
    '/tips/:id',
    {
      config: { access: { roles: READERS } },
      schema: { tags: ['tips'], params: ViolationIdParams, response: { 200: Tip, ...problemResponses } },
    },
    async (request) => {
      const tip = await findTip(request.db, request.params.id)
      if (!tip) throw notFound(`tip ${request.params.id} not found`)
      return tip
    },
  )

  app.post(
    '/tips/:id/check',
    {
      config: { access: { roles: CASE_WRITERS } },
      schema: {
        tags: ['tips'],
        summary: 'Close a checked tip: a violation (linked to its record) or unfounded (with the reason)',
        params: ViolationIdParams,
        body: CheckTipBody,
        response: { 200: Tip, ...problemResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const body = request.body
      const principal = request.principal
      return request.db.transaction(async (tx) => {
        const tip = await findTip(tx, id, true)
        if (!tip) throw notFound(`tip ${id} not found`)
        if (tip.status !== 'open')
          throw conflict(`the tip was already closed as ${tip.status}`, [], { tip_status: tip.status })
        const now = new Date()
        const at = body.at ?? now.toISOString()
        const errors: ProblemDetailItem[] = []
        checkNotFuture(at, '/at', now, errors)
        if (Date.parse(at) < Date.parse(tip.received_at))
          errors.push({ path: '/at', message: `is before the tip was received (${tip.received_at})` })
        if (body.outcome === 'unfounded') {
          if (!body.note?.trim()) errors.push({ path: '/note', message: 'an unfounded tip needs the reason' })
          if (body.violation_id !== undefined)
            errors.push({ path: '/violation_id', message: 'only a tip found to be a violation links one' })
        } else if (body.violation_id === undefined) {
          errors.push({ path: '/violation_id', message: 'is required when the outcome is a violation' })
        }
        throwIfAny(errors)
        if (body.outcome === 'violation' && body.violation_id !== undefined) {
          const v = await tx.query<{ tip_id: string | null }>(
            `SELECT tip_id FROM violations WHERE id = $1::uuid AND division_code = $2::text FOR UPDATE`,
            [body.violation_id, tip.division_code],
          )
          const violation = v.rows[0]
          if (!violation)
            throwIfAny([
              {
                path: '/violation_id',
                message: `no violation ${body.violation_id} in county ${tip.division_code}`,
              },
            ])
          else if (violation.tip_id !== null && violation.tip_id !== id)
            throw conflict(
              'the violation is already linked to another tip',
              [{ path: '/violation_id', message: 'linked to another tip' }],
              {
                tip_id: violation.tip_id,
              },
            )
          else if (violation.tip_id === null)
            await tx.query('UPDATE violations SET tip_id = $2::uuid WHERE id = $1::uuid', [
              body.violation_id,
              id,
            ])
        }
        await closeTip(tx, id, {
          status: body.outcome,
          violation_id: body.violation_id ?? null,
          closed_at: at,
          note: body.note ?? null,
          by: principal.tokenId,
        })
        return (await findTip(tx, id))!
      })
    },
  )
}

export default tipRoutes
