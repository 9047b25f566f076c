import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { notFound } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { divisionExists } from '../divisions/queries.js'
import { findUnit, insertUnit, listUnits } from './queries.js'
import { CreateUnitBody, ListUnitsQuery, Unit } from './schemas.js'

const unitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/units',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['units'],
        summary: 'Create a station (国土资源所) or enforcement team (执法监察大队)',
        body: CreateUnitBody,
        response: { 201: Unit, ...problemResponses },
      },
    },
    async (request, reply) => {
      const unit = await request.db.transaction(async (tx) => {
        if (!(await divisionExists(tx, request.body.division_code)))
          throw notFound(`division ${request.body.division_code} not found in your jurisdiction`)
        return insertUnit(tx, request.body)
      })
      return reply.code(201).send(unit)
    },
  )

  app.get(
    '/units',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['units'],
        querystring: ListUnitsQuery,
        response: { 200: Type.Object({ items: Type.Array(Unit) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await listUnits(request.db, request.query) }),
  )

  app.get(
    '/units/:id',
    {
      config: { access: { roles: READERS } },
      schema: { tags: ['units'], params: IdParams, response: { 200: Unit, ...problemResponses } },
    },
    async (request) => {
      const unit = await findUnit(request.db, request.params.id)
      if (!unit) throw notFound(`unit ${request.params.id} not found`)
      return unit
    },
  )
}

export default unitRoutes
