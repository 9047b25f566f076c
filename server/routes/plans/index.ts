import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { forbidden, notFound, unprocessable } from '../../errors.js'
import { API_PREFIX, READERS } from '../../plugins/auth.js'
import { prepareFiledCountyZones } from '../patrols/match.js'
import { recomputeWorker, recordRecomputeForFiledPlan } from '../patrols/recompute.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { checkPlan } from './check.js'
import { DEFAULT_ROAD_BUFFER_M, deriveOtherZones, deriveRoadZones } from './derive.js'
import { assignByTownship } from './assign.js'
import {
  findPlan,
  insertPlan,
  listPlans,
  markFiled,
  markReturned,
  markSubmitted,
  requireDraft,
  requirePlan,
} from './queries.js'
import { readRoadUpload } from './read-upload.js'
import {
  AssignBody,
  CheckQuery,
  CreatePlanBody,
  ListPlansQuery,
  Plan,
  ReturnBody,
  RoadsBody,
  RoadsQuery,
} from './schemas.js'

const EDITORS = ['admin', 'planner'] as const
// Filing is done by a user of the next level up (报上一级备案).
const FILERS = ['admin', 'supervisor'] as const

const planRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/plans',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['plans'],
        summary: 'Start a draft zone plan for a county',
        body: CreatePlanBody,
        response: { 201: Plan, ...problemResponses },
      },
    },
    async (request, reply) => {
      const plan = await request.db.transaction(async (tx) => {
        const county = await tx.query<{ level: string }>(
          'SELECT level FROM divisions WHERE code = $1::text',
          [request.body.division_code],
        )
        if (county.rowCount === 0)
          throw notFound(`division ${request.body.division_code} not found in your jurisdiction`)
        if (county.rows[0]?.level !== 'county')
          throw unprocessable('zone plans are drawn per county', [
            {
              path: '/division_code',
              message: `${request.body.division_code} is a ${county.rows[0]?.level}, not a county`,
            },
          ])
        return insertPlan(tx, request.body, request.principal.personId)
      })
      return reply.code(201).send(plan)
    },
  )

  app.get(
    '/plans',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['plans'],
        querystring: ListPlansQuery,
        response: { 200: Type.Object({ items: Type.Array(Plan) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await listPlans(request.db, request.query) }),
  )

  app.get(
    '/plans/:id',
    {
      config: { access: { roles: READERS } },
      schema: { tags: ['plans'], params: IdParams, response: { 200: Plan, ...problemResponses } },
    },
    async (request) => {
      const plan = await findPlan(request.db, request.params.id)
      if (!plan) throw notFound(`plan ${request.params.id} not found`)
      return plan
    },
  )

  app.post(
    '/plans/:id/roads',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['plans'],
        summary:
          'Road centre lines (road_class main/rural) → corridor zones buffered each side, clipped to the county',
        params: IdParams,
        querystring: RoadsQuery,
        body: RoadsBody,
        response: {
          201: Type.Object({ roads: Type.Integer(), zones: Type.Integer(), plan: Plan }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      // the plan must be the caller's before its body is even looked at
      await requirePlan(request.db, request.params.id)
      const roads = readRoadUpload(request.body, request.query.crs)
      const result = await request.db.transaction(async (tx) => {
        const plan = await requireDraft(tx, request.params.id)
        const out = await deriveRoadZones(tx, {
          planId: plan.id,
          countyCode: plan.division_code,
          roads,
          mainM: request.query.main_m ?? DEFAULT_ROAD_BUFFER_M.main,
          ruralM: request.query.rural_m ?? DEFAULT_ROAD_BUFFER_M.rural,
        })
        return { ...out, plan: (await findPlan(tx, plan.id))! }
      })
      return reply.code(201).send(result)
    },
  )

  app.post(
    '/plans/:id/derive-other',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['plans'],
        summary: 'Tier 3 (other) = the county minus tiers 1 and 2, one zone per township',
        params: IdParams,
        response: {
          201: Type.Object({ zones: Type.Integer(), area_m2: Type.Number(), plan: Plan }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await request.db.transaction(async (tx) => {
        const plan = await requireDraft(tx, request.params.id)
        const out = await deriveOtherZones(tx, { planId: plan.id, countyCode: plan.division_code })
        return { ...out, plan: (await findPlan(tx, plan.id))! }
      })
      return reply.code(201).send(result)
    },
  )

  app.get(
    '/plans/:id/check',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['plans'],
        summary: 'Invalid, overlapping, sliver, outside and unassigned zones; holes and uncovered land',
        params: IdParams,
        querystring: CheckQuery,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) =>
      request.db.transaction(async (tx) => {
        const plan = await requirePlan(tx, request.params.id)
        return checkPlan(tx, {
          planId: plan.id,
          countyCode: plan.division_code,
          sliverM2: request.query.sliver_m2 ?? 100,
          holeM2: request.query.hole_m2 ?? 10000,
          overlapM2: request.query.overlap_m2 ?? 1,
        })
      }),
  )

  app.post(
    '/plans/:id/assign',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['plans'],
        summary: 'Assign the unit and responsible persons of all zones in a township',
        params: IdParams,
        body: AssignBody,
        response: { 200: Type.Object({ updated: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) =>
      request.db.transaction(async (tx) => {
        const plan = await requireDraft(tx, request.params.id)
        return { updated: await assignByTownship(tx, plan, request.body) }
      }),
  )

  app.post(
    '/plans/:id/submit',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['plans'],
        summary: 'Submit the draft for filing with the next level up',
        params: IdParams,
        response: { 200: Plan, ...problemResponses },
      },
    },
    async (request) =>
      request.db.transaction(async (tx) => {
        const plan = await requireDraft(tx, request.params.id)
        if (request.principal.divisionCode !== plan.division_code)
          throw forbidden(`a plan is submitted by its own county (${plan.division_code})`)
        if (plan.zone_count === 0)
          throw unprocessable('the plan has no zones', [
            { path: '/zones', message: 'import or draw zones first' },
          ])
        await markSubmitted(tx, plan.id, request.principal.personId)
        return (await findPlan(tx, plan.id))!
      }),
  )

  app.post(
    '/plans/:id/file',
    {
      config: { access: { roles: FILERS } },
      schema: {
        tags: ['plans'],
        summary:
          'File (备案) a submitted plan; by a user of the next level up. Supersedes the plan in force.',
        params: IdParams,
        response: { 200: Plan, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { filed, job } = await request.db.transaction(async (tx) => {
        const plan = await requirePlan(tx, request.params.id, true)
        if (request.principal.divisionCode === plan.division_code)
          throw forbidden('a county cannot file its own plan; the next level up files it')
        if (plan.status !== 'submitted')
          throw unprocessable(`plan is ${plan.status}; only a submitted plan can be filed`, [
            { path: '/status', message: `is ${plan.status}` },
          ])
        await markFiled(tx, plan, {
          personId: request.principal.personId,
          divisionCode: request.principal.divisionCode,
        })
        const filed = (await findPlan(tx, plan.id))!
        await prepareFiledCountyZones(tx, filed.division_code)
        // in force from a past date: the figures of the days since are recomputed in the background
        return { filed, job: await recordRecomputeForFiledPlan(tx, filed, request.principal.personId) }
      })
      if (job) {
        recomputeWorker(app.systemDb).enqueue(job.id)
        void reply.header('recompute-job', `${API_PREFIX}/jobs/${job.id}`)
      }
      return filed
    },
  )

  app.post(
    '/plans/:id/return',
    {
      config: { access: { roles: FILERS } },
      schema: {
        tags: ['plans'],
        summary: 'Return a submitted plan to the county as a draft, with the reason',
        params: IdParams,
        body: ReturnBody,
        response: { 200: Plan, ...problemResponses },
      },
    },
    async (request) =>
      request.db.transaction(async (tx) => {
        const plan = await requirePlan(tx, request.params.id, true)
        if (request.principal.divisionCode === plan.division_code)
          throw forbidden('the next level up returns a plan, not the county itself')
        if (plan.status !== 'submitted')
          throw unprocessable(`plan is ${plan.status}; only a submitted plan can be returned`, [
            { path: '/status', message: `is ${plan.status}` },
          ])
        await markReturned(tx, plan.id, request.body.reason)
        return (await findPlan(tx, plan.id))!
      }),
  )
}

export default planRoutes
