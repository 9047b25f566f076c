import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { migrationLevel } from '../../db/migrate.js'
import { readDatabaseVersions, readJobStates } from './queries.js'

export const Health = Type.Object({
  status: Type.String(),
  database: Type.Object({ kind: Type.String(), postgres: Type.String(), postgis: Type.String() }),
  migration_level: Type.Integer(),
  jobs: Type.Record(Type.String(), Type.Unknown()),
})

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['health'],
        security: [],
        summary: 'Liveness, database kind and versions, migration level, background job progress',
        response: { 200: Health },
      },
    },
    async () => ({
      status: 'ok',
      database: { kind: app.systemDb.kind, ...(await readDatabaseVersions(app.systemDb)) },
      migration_level: await migrationLevel(app.systemDb),
      jobs: await readJobStates(app.systemDb),
    }),
  )
}

export default healthRoutes
