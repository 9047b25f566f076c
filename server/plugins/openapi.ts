import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** OpenAPI 3 document at /docs/json and its UI at /docs (assets bundled, no CDN). */
async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'LandPatrol API',
        description: '国土资源执法监察动态巡查 — zones, patrols, coverage, violations, assessment',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', logLevel: 'warn' })
}

export default fp(openapi, { name: 'openapi' })
