import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Routes of this area (filled in by its capability). */
const routes: FastifyPluginAsyncTypebox = async () => {}

export default routes
