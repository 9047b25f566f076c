import { existsSync } from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PROJECT_ROOT } from '../paths.js'

export const WEB_DIST = path.join(PROJECT_ROOT, 'web/dist')

/** The built map page (web/dist) at `/`; a plain note when it has not been built. */
async function staticWeb(app: FastifyInstance, opts: { dir?: string }) {
  const dir = opts.dir ?? WEB_DIST
  if (existsSync(path.join(dir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      // index.html must revalidate; Vite's hashed assets could be cached for long, but one
      // short policy keeps upgrades simple.
      maxAge: 0,
    })
    return
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><meta charset="utf-8"><title>LandPatrol</title><p>LandPatrol API — the web page is not built (npm run build). See <a href="/docs">/docs</a>.',
      ),
  )
}

export default fp(staticWeb, { name: 'static-web' })
