import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { checkGeoJsonGeometry } from '../../db/geometry-checks.js'
import type { Queryable } from '../../db/port.js'
import type { Principal } from '../../db/scoped-db.js'
import { addCalendarDays, startOfCalendarDay, toCalendarDate } from '../../domain/rules/calendar-date.js'
import { computeClosureDeadline } from '../../domain/violations/deadlines.js'
import {
  applyEvent,
  WORKFLOW_REASON_BEFORE_FOUND,
  WORKFLOW_REASON_BEFORE_PREVIOUS,
  WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED,
  WORKFLOW_REASON_CLOSING_KIND_REQUIRED,
  WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED,
  WORKFLOW_REASON_EVENT_NOT_ALLOWED,
  type ViolationStatus,
} from '../../domain/violations/workflow.js'
import { conflict, notFound, unprocessable, type ProblemDetailItem } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { listAttachments } from './attachment-queries.js'
import {
  checkNotFuture,
  checkPointCoordinates,
  isoRequired,
  isPointInDivision,
  loadWorkingDayOverrides,
  resolveCounty,
  resolveTownship,
  throwIfAny,
} from './common.js'
import {
  findViolation,
  insertEvent,
  insertViolation,
  listEvents,
  listViolations,
  measureExtent,
  updateViolationState,
} from './queries.js'
import {
  computeStoredDeadlines,
  presentDeadlines,
  presentEvent,
  presentViolation,
  warningsOf,
} from './present.js'
import { rulesInForce } from '../rule-sets/queries.js'
import {
  CreateViolationBody,
  ListViolationsQuery,
  Violation,
  ViolationDetail,
  ViolationEventBody,
  ViolationIdParams,
} from './schemas.js'

/**
 * Who records violations and their events: the county bureau's admin, supervisors of the
 * enforcement team and the patrolling staff. Planners draw zones and only read cases here; device
 * tokens post tracks and nothing else.
 */
export const CASE_WRITERS = ['admin', 'supervisor', 'patroller'] as const

const M2_PER_MU = 10000 / 15

function round4(x: number): number {
  return Math.round(x * 10000) / 10000
}

/** The full record with its history, deadlines and attachments. */
export async function readViolationDetail(db: Queryable, id: string) {
  const row = await findViolation(db, id)
  if (!row) throw notFound(`violation ${id} not found`)
  // one after the other: a transaction is one connection
  const events = await listEvents(db, id)
  const attachments = await listAttachments(db, id)
  const overrides = await loadWorkingDayOverrides(db)
  return {
    ...presentViolation(row),
    events: events.map(presentEvent),
    deadlines: presentDeadlines(row, overrides),
    attachments,
    warnings: warningsOf(row, overrides),
  }
}

async function createViolation(tx: Queryable, principal: Principal, body: CreateViolationBody) {
  const now = new Date()
  const county = await resolveCounty(tx, principal, body.division_code)

  const errors: ProblemDetailItem[] = []
  checkNotFuture(body.found_at, '/found_at', now, errors)
  checkPointCoordinates(body.location, '/location', errors)
  if (body.cultivated_mu !== undefined && body.area_mu !== undefined && body.cultivated_mu > body.area_mu)
    errors.push({
      path: '/cultivated_mu',
      message: `${body.cultivated_mu} mu exceeds area_mu ${body.area_mu}`,
    })
  if (body.basic_farmland_mu !== undefined) {
    const cap = body.cultivated_mu ?? body.area_mu
    if (cap !== undefined && body.basic_farmland_mu > cap)
      errors.push({
        path: '/basic_farmland_mu',
        message: `${body.basic_farmland_mu} mu exceeds ${body.cultivated_mu !== undefined ? 'cultivated_mu' : 'area_mu'} ${cap} (basic farmland is cultivated land)`,
      })
  }
  throwIfAny(errors)

  if (!(await isPointInDivision(tx, county.code, body.location)))
    errors.push({
      path: '/location',
      message: `lies outside the boundary of county ${county.code} ${county.name}`,
    })
  const township = await resolveTownship(tx, county.code, body.township_code, body.location)
  if (township.problem) errors.push(township.problem)
  if (body.tip_id !== undefined) {
    const tip = await tx.query('SELECT 1 FROM tips WHERE id = $1::uuid AND division_code = $2::text', [
      body.tip_id,
      county.code,
    ])
    if (tip.rowCount === 0)
      errors.push({ path: '/tip_id', message: `no tip ${body.tip_id} in county ${county.code}` })
  }
  if (body.unit_id !== undefined) {
    const unit = await tx.query(
      'SELECT 1 FROM units WHERE id = $1::uuid AND starts_with(division_code, $2::text)',
      [body.unit_id, county.code],
    )
    if (unit.rowCount === 0)
      errors.push({ path: '/unit_id', message: `no unit ${body.unit_id} in county ${county.code}` })
  }
  throwIfAny(errors)

  // Areas: measured on the extent and overlaid on the farmland zones in force on the day of
  // discovery; a figure entered explicitly (a field survey) wins over the overlay.
  const foundDay = toCalendarDate(body.found_at)
  let areaMu = body.area_mu ?? null
  let cultivatedMu = body.cultivated_mu ?? null
  let basicMu = body.basic_farmland_mu ?? null
  let areaSource = areaMu !== null ? 'entered' : 'none'
  let farmlandSource = cultivatedMu !== null || basicMu !== null ? 'entered' : 'none'
  let extentText: string | null = null
  if (body.extent !== undefined) {
    const verdict = await checkGeoJsonGeometry(tx, body.extent, '/extent')
    if (verdict.isEmpty)
      throw unprocessable('/extent is empty', [{ path: '/extent', message: 'empty geometry' }])
    if (!verdict.valid)
      throw unprocessable(`/extent is not a valid polygon: ${verdict.reason}`, [
        { path: '/extent', message: `invalid polygon: ${verdict.reason}`, reason: 'INVALID_GEOMETRY' },
      ])
    extentText = JSON.stringify(body.extent)
    const measured = await measureExtent(tx, county.code, extentText, foundDay)
    if (measured.intersects_county === false)
      throw unprocessable('/extent lies outside the county', [
        { path: '/extent', message: `does not touch county ${county.code} ${county.name}` },
      ])
    if (areaMu === null) {
      areaMu = round4(measured.area_m2 / M2_PER_MU)
      areaSource = 'extent'
    }
    if (cultivatedMu === null && basicMu === null && measured.plan_in_force) {
      cultivatedMu = round4(measured.cultivated_m2 / M2_PER_MU)
      basicMu = round4(measured.basic_farmland_m2 / M2_PER_MU)
      farmlandSource = 'zones'
    }
  }

  const overrides = await loadWorkingDayOverrides(tx)
  const major = body.major ?? false
  const due = computeStoredDeadlines(
    body.found_at,
    major,
    overrides,
    await rulesInForce(tx, county.code, body.found_at),
  )
  const id = await insertViolation(tx, {
    division_code: county.code,
    township_code: township.code,
    category: body.category,
    source: body.source,
    found_at: body.found_at,
    lon: body.location.coordinates[0] as number,
    lat: body.location.coordinates[1] as number,
    extent: extentText,
    place: body.place ?? null,
    area_mu: areaMu,
    cultivated_mu: cultivatedMu,
    basic_farmland_mu: basicMu,
    area_source: areaSource,
    farmland_source: farmlandSource,
    party: body.party ?? null,
    description: body.description ?? null,
    patrol_id: body.patrol_id ?? null,
    tip_id: body.tip_id ?? null,
    unit_id: body.unit_id ?? null,
    major,
    // category 8 "其他情况" is a matter to check, not necessarily an act in progress to stop
    needs_stopping: body.needs_stopping ?? body.category !== 8,
    report_required: body.report_required ?? major,
    ...due,
    created_by: principal.tokenId,
    created_by_person: principal.personId,
  })
  return readViolationDetail(tx, id)
}

const violationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/violations',
    {
      config: { access: { roles: CASE_WRITERS } },
      schema: {
        tags: ['violations'],
        summary: 'Record a violation found by patrol, tip, satellite image or higher authority',
        description:
          'The location must lie in the county (its boundary, when on record). With an extent polygon, ' +
          'area_mu is measured on the ellipsoid and cultivated/basic farmland mu are its overlap with the ' +
          'basic_farmland and other_farmland zones in force on the day of discovery; figures entered in the ' +
          'body win. The report form falls due 2 working days after discovery (State Council calendar ' +
          'with make-up working days, plus the calendar overrides).',
        body: CreateViolationBody,
        response: { 201: ViolationDetail, ...problemResponses },
      },
    },
    async (request, reply) => {
      const detail = await request.db.transaction((tx) =>
        createViolation(tx, request.principal, request.body),
      )
      return reply.code(201).send(detail)
    },
  )

  app.get(
    '/violations',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['violations'],
        summary: 'Violations with their due dates and overdue flags',
        description:
          'from/to are Beijing calendar days of discovery, both included. overdue=true lists cases with a ' +
          'report form, major-event report or closure past its due time.',
        querystring: ListViolationsQuery,
        response: { 200: Type.Object({ items: Type.Array(Violation) }), ...problemResponses },
      },
    },
    async (request) => {
      const q = request.query
      const rows = await listViolations(request.db, {
        status: q.status,
        overdue: q.overdue,
        division: q.division,
        fromMs: q.from ? startOfCalendarDay(q.from).toISOString() : undefined,
        toMs: q.to ? startOfCalendarDay(addCalendarDays(q.to, 1)).toISOString() : undefined,
        category: q.category,
        major: q.major,
        limit: q.limit ?? 500,
        offset: q.offset ?? 0,
      })
      return { items: rows.map(presentViolation) }
    },
  )

  app.get(
    '/violations/:id',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['violations'],
        summary: 'One violation with its event history, deadlines and attachments',
        params: ViolationIdParams,
        response: { 200: ViolationDetail, ...problemResponses },
      },
    },
    async (request) => request.db.transaction((tx) => readViolationDetail(tx, request.params.id)),
  )

  app.post(
    '/violations/:id/events',
    {
      config: { access: { roles: CASE_WRITERS } },
      schema: {
        tags: ['violations'],
        summary:
          'Append a workflow event (stop, self_correct, report, file, decline_filing, close, escalate, transfer)',
        description:
          'Only transitions of the workflow are accepted; any other answers 409 with the events the case ' +
          'allows now. Events are append-only: a closed, escalated or transferred case takes no more.',
        params: ViolationIdParams,
        body: ViolationEventBody,
        response: { 201: ViolationDetail, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const body = request.body
      const principal = request.principal
      const detail = await request.db.transaction(async (tx) => {
        const row = await findViolation(tx, id, { forUpdate: true })
        if (!row) throw notFound(`violation ${id} not found`)
        const errors: ProblemDetailItem[] = []
        checkNotFuture(body.at, '/at', new Date(), errors)
        throwIfAny(errors)

        const status = row.status as ViolationStatus
        const result = applyEvent(
          { status, found_at: isoRequired(row.found_at), last_event_at: isoRequired(row.last_event_at) },
          {
            type: body.type,
            at: body.at,
            ...(body.closing_kind !== undefined ? { kind: body.closing_kind } : {}),
          },
        )
        if (!result.ok) {
          const extra = {
            case_status: status,
            allowed: result.allowed,
            allowed_closing_kinds: result.allowed_closing_kinds,
            reason: result.reason,
          }
          switch (result.reason) {
            case WORKFLOW_REASON_EVENT_NOT_ALLOWED:
              throw conflict(
                `a ${status} case does not take "${body.type}"; allowed: ${result.allowed.join(', ') || 'nothing (the case is over)'}`,
                [{ path: '/type', message: `not allowed in state ${status}` }],
                extra,
              )
            case WORKFLOW_REASON_CLOSING_KIND_NOT_ALLOWED:
              throw conflict(
                `a ${status} case closes only as ${result.allowed_closing_kinds.join(', ')}`,
                [{ path: '/closing_kind', message: `not allowed in state ${status}` }],
                extra,
              )
            case WORKFLOW_REASON_CLOSING_KIND_REQUIRED:
              throw unprocessable(
                'closing a case needs its closing_kind',
                [{ path: '/closing_kind', message: 'is required with type "close"' }],
                extra,
              )
            case WORKFLOW_REASON_CLOSING_KIND_UNEXPECTED:
              throw unprocessable(
                'closing_kind belongs to "close" events only',
                [{ path: '/closing_kind', message: `is not allowed with type "${body.type}"` }],
                extra,
              )
            case WORKFLOW_REASON_BEFORE_FOUND:
              throw unprocessable(
                'the event is dated before the violation was found',
                [{ path: '/at', message: `is before found_at ${isoRequired(row.found_at)}` }],
                extra,
              )
            case WORKFLOW_REASON_BEFORE_PREVIOUS:
              throw unprocessable(
                'the event is dated before the previous event',
                [
                  {
                    path: '/at',
                    message: `is before the previous event at ${isoRequired(row.last_event_at)}`,
                  },
                ],
                extra,
              )
            default:
              throw unprocessable(
                'the event time cannot be read',
                [{ path: '/at', message: 'is not a date-time' }],
                extra,
              )
          }
        }
        const next = result.state
        await insertEvent(tx, {
          violation_id: id,
          division_code: row.division_code,
          type: body.type,
          at: body.at,
          from_status: status,
          to_status: next.status,
          closing_kind: body.closing_kind ?? null,
          note: body.note ?? null,
          actor_token_id: principal.tokenId,
          actor_person_id: principal.personId,
          actor_label: principal.label,
        })
        await updateViolationState(tx, id, {
          status: next.status,
          last_event_at: body.at,
          ...(next.status === 'reported' ? { reported_at: body.at } : {}),
          ...(next.status === 'filed'
            ? {
                filed_at: body.at,
                closure_due: computeClosureDeadline(
                  body.at,
                  await rulesInForce(tx, row.division_code, body.at),
                ).due_at.toISOString(),
              }
            : {}),
          ...(next.status === 'closed' ? { closed_at: body.at, closing_kind: body.closing_kind } : {}),
        })
        return readViolationDetail(tx, id)
      })
      return reply.code(201).send(detail)
    },
  )
}

export default violationRoutes
