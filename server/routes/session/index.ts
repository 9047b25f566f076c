import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { hashTokenSecret } from '../../auth/tokens.js'
import { unauthorized } from '../../errors.js'
import { ALL_ROLES, READERS } from '../../plugins/auth.js'
import { findPrincipalByTokenHash } from '../../plugins/auth-queries.js'
import { problemResponses } from '../common-schemas.js'
import { findDivision } from '../divisions/queries.js'

const Me = Type.Object({
  token_id: Type.String(),
  role: Type.String(),
  division_code: Type.String(),
  division_name: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
})

const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['session'],
        summary: 'Who the token belongs to',
        response: { 200: Me, ...problemResponses },
      },
    },
    async (request) => {
      const p = request.principal
      const division = READERS.includes(p.role)
        ? await findDivision(request.db, p.divisionCode, false)
        : undefined
      return {
        token_id: p.tokenId,
        role: p.role,
        division_code: p.divisionCode,
        division_name: division?.name ?? null,
        label: p.label,
      }
    },
  )

  // Sign-in for the web page: checks a token without needing one in the header.
  app.post(
    '/login',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['session'],
        security: [],
        summary: 'Check a token and return whom it belongs to',
        body: Type.Object(
          { token: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: Me, ...problemResponses },
      },
    },
    async (request) => {
      const p = await findPrincipalByTokenHash(app.systemDb, hashTokenSecret(request.body.token))
      if (!p) throw unauthorized('the token is unknown or revoked')
      return {
        token_id: p.tokenId,
        role: p.role,
        division_code: p.divisionCode,
        division_name: null,
        label: p.label,
      }
    },
  )
}

export default sessionRoutes
