import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requireValidPolygon } from '../../db/geometry-checks.js'
import { checkDivisionCode, type DivisionLevel } from '../../domain/divisions/division-code.js'
import { notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { divisionExists, findDivision, insertDivision, listDivisions } from './queries.js'
import { CreateDivisionBody, Division, DivisionParams, ListDivisionsQuery } from './schemas.js'

const divisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/divisions',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['divisions'],
        summary: 'Create an administrative division (GB/T 2260 code) inside your jurisdiction',
        body: CreateDivisionBody,
        response: { 201: Division, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const check = checkDivisionCode(body.code, body.level as DivisionLevel, body.parent_code)
      if (!check.ok) {
        const path = check.reason === 'PARENT_MISMATCH' ? '/parent_code' : '/code'
        throw unprocessable(check.message, [{ path, message: check.message, reason: check.reason }])
      }
      const created = await request.db.transaction(async (tx) => {
        if (!(await divisionExists(tx, body.parent_code)))
          throw notFound(`parent division ${body.parent_code} not found in your jurisdiction`)
        if (body.boundary) await requireValidPolygon(tx, body.boundary, '/boundary')
        return insertDivision(tx, body)
      })
      return reply.code(201).send(created)
    },
  )

  app.get(
    '/divisions',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['divisions'],
        summary: 'Divisions in your jurisdiction',
        querystring: ListDivisionsQuery,
        response: { 200: Type.Object({ items: Type.Array(Division) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await listDivisions(request.db, request.query) }),
  )

  app.get(
    '/divisions/:code',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['divisions'],
        summary: 'One division with its boundary',
        params: DivisionParams,
        response: { 200: Division, ...problemResponses },
      },
    },
    async (request) => {
      const division = await findDivision(request.db, request.params.code)
      if (!division) throw notFound(`division ${request.params.code} not found`)
      return division
    },
  )
}

export default divisionRoutes
