import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Db } from './db/port.js'
import authPlugin, { API_PREFIX } from './plugins/auth.js'
import databasePlugin from './plugins/database.js'
import errorHandlerPlugin from './plugins/error-handler.js'
import openapiPlugin from './plugins/openapi.js'
import staticWebPlugin from './plugins/static-web.js'
import validationPlugin from './plugins/validation.js'
import divisionRoutes from './routes/divisions/index.js'
import exportRoutes from './routes/exports/index.js'
import healthRoutes from './routes/health/index.js'
import mapConfigRoutes from './routes/map-config/index.js'
import ogcRoutes from './routes/ogc/index.js'
import patrolRoutes from './routes/patrols/index.js'
import peopleRoutes from './routes/people/index.js'
import planRoutes from './routes/plans/index.js'
import sessionRoutes from './routes/session/index.js'
import tileRoutes from './routes/tiles/index.js'
import tokenRoutes from './routes/tokens/index.js'
import unitRoutes from './routes/units/index.js'
import violationRoutes from './routes/violations/index.js'
import zoneRoutes from './routes/zones/index.js'
import assessmentRoutes from './routes/assessments/index.js'
import ruleSetRoutes from './routes/rule-sets/index.js'

export interface AppOptions {
  db: Db
  /** close the database when the app closes (the server does; tests share theirs) */
  closeDb?: boolean
  bodyLimitBytes?: number
  logger?: FastifyServerOptions['logger']
  webDir?: string
}

/** Builds the whole application as a plugin tree; never listens (server.ts does). */
export async function buildApp(opts: AppOptions) {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimitBytes ?? 32 * 1024 * 1024,
    // Request ids in logs; never the Authorization header (the default serializers omit headers).
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(validationPlugin)
  await app.register(errorHandlerPlugin)
  await app.register(databasePlugin, { db: opts.db, closeDb: opts.closeDb ?? false })
  await app.register(openapiPlugin)
  await app.register(authPlugin)

  await app.register(healthRoutes)
  await app.register(
    async (api) => {
      await api.register(healthRoutes)
      await api.register(sessionRoutes)
      await api.register(divisionRoutes)
      await api.register(unitRoutes)
      await api.register(peopleRoutes)
      await api.register(tokenRoutes)
      await api.register(planRoutes)
      await api.register(zoneRoutes)
      await api.register(exportRoutes)
      await api.register(patrolRoutes)
      await api.register(violationRoutes)
      await api.register(tileRoutes)
      await api.register(mapConfigRoutes)
      await api.register(ogcRoutes, { prefix: '/ogc' })
      await api.register(ruleSetRoutes)
      await api.register(assessmentRoutes)
    },
    { prefix: API_PREFIX },
  )
  // OGC API – Features also at the root path that GIS clients are usually given
  await app.register(ogcRoutes, { prefix: '/ogc' })
  await app.register(staticWebPlugin, { dir: opts.webDir })
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
