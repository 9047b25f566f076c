import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Role } from '../../auth/tokens.js'
import { notFound } from '../../errors.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { divisionExists } from '../divisions/queries.js'
import { findPerson } from '../people/queries.js'
import { insertToken, listTokens, revokeToken } from './queries.js'
import { CreatedToken, CreateTokenBody, TokenInfo } from './schemas.js'

const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/tokens',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['tokens'],
        summary: 'Issue an API token for a device or user; the secret is returned once',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const token = await request.db.transaction(async (tx) => {
        if (!(await divisionExists(tx, body.division_code)))
          throw notFound(`division ${body.division_code} not found in your jurisdiction`)
        if (body.person_id && !(await findPerson(tx, body.person_id)))
          throw notFound(`person ${body.person_id} not found in your jurisdiction`)
        return insertToken(tx, { ...body, role: body.role as Role })
      })
      return reply.code(201).header('cache-control', 'no-store').send(token)
    },
  )

  app.get(
    '/tokens',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['tokens'],
        response: { 200: Type.Object({ items: Type.Array(TokenInfo) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await listTokens(request.db) }),
  )

  app.delete(
    '/tokens/:id',
    {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token',
        params: IdParams,
        response: { 200: TokenInfo, ...problemResponses },
      },
    },
    async (request) => {
      const token = await request.db.transaction((tx) => revokeToken(tx, request.params.id))
      if (!token) throw notFound(`token ${request.params.id} not found`)
      return token
    },
  )
}

export default tokenRoutes
