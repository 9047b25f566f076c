import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Db } from '../db/port.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Unscoped database: system work only (auth look-ups, migrations, background loads). */
    systemDb: Db
  }
}

async function database(app: FastifyInstance, opts: { db: Db; closeDb: boolean }) {
  app.decorate('systemDb', opts.db)
  if (opts.closeDb) app.addHook('onClose', async () => opts.db.close())
}

export default fp(database, { name: 'database' })
