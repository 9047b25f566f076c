import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hashTokenSecret, type Role } from '../auth/tokens.js'
import { createScopedDb, type Principal, type ScopedDb } from '../db/scoped-db.js'
import { forbidden, unauthorized } from '../errors.js'
import { findPrincipalByTokenHash, touchToken } from './auth-queries.js'

/** What a route declares about who may call it; every /api/v1 route must declare one. */
export type Access = { public: true } | { roles: readonly Role[] }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyRequest {
    principal: Principal
    /** The database under the caller's jurisdiction (row-level security). */
    db: ScopedDb
  }
}

export const API_PREFIX = '/api/v1'

export const ALL_ROLES: readonly Role[] = ['admin', 'planner', 'supervisor', 'patroller', 'device', 'viewer']
/** Everyone who reads the county's data; `device` tokens only post tracks. */
export const READERS: readonly Role[] = ['admin', 'planner', 'supervisor', 'patroller', 'viewer']

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * Access control in one place: routes declare `config.access`; this hook authenticates the bearer
 * token, checks the role, and hands the handler a database scoped to the token's jurisdiction.
 * Handlers never see an unscoped database, so a forgotten check cannot leak another county's rows.
 */
async function auth(app: FastifyInstance) {
  app.decorateRequest('principal', null as unknown as Principal)
  app.decorateRequest('db', null as unknown as ScopedDb)

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX) && !route.url.startsWith('/ogc')) return
    const access = route.config?.access
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access rule`)
  })

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access
    if (!access) return // routes outside /api/v1 that chose to be open (static files, docs)
    if ('public' in access) return
    const secret = bearerOf(request)
    if (!secret) throw unauthorized('an Authorization: Bearer token is required')
    const principal = await findPrincipalByTokenHash(app.systemDb, hashTokenSecret(secret))
    if (!principal) throw unauthorized('the token is unknown or revoked')
    if (!access.roles.includes(principal.role))
      throw forbidden(`role "${principal.role}" may not ${request.method} ${request.routeOptions.url}`)
    request.principal = principal
    request.db = createScopedDb(app.systemDb, principal.scope)
    touchToken(app.systemDb, principal.tokenId)
  })
}

export default fp(auth, { name: 'auth', dependencies: ['database'] })
