import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { notFound } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import coverageRoutes from './coverage.js'
import { ingestPatrol } from './ingest.js'
import { listPatrols, readPatrolDetail } from './ledger.js'
import recomputeRoutes from './recompute.js'
import { readSubmission, TRACK_MEDIA_TYPES, type TrackText } from './read-submission.js'
import {
  ListPatrolsQuery,
  PatrolListItem,
  PatrolSummary,
  PostPatrolBody,
  PostPatrolQuery,
} from './schemas.js'

/** Devices post tracks; so do the people who patrol and supervise (and admins, for imports). */
const POSTERS = ['device', 'patroller', 'supervisor', 'admin'] as const

/**
 * A day of 1 Hz fixes is 86 400 points, about 13 MB of GPX; more than 16 MB is not one patrol.
 * The server's own limit applies when it is lower.
 */
export const TRACK_BODY_LIMIT_BYTES = 16 * 1024 * 1024

const patrolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Track bodies arrive as text and are read by the track parsers, which name each bad point.
  app.addContentTypeParser(Object.keys(TRACK_MEDIA_TYPES), { parseAs: 'string' }, (_request, body, done) =>
    done(null, { trackText: body as string } satisfies TrackText),
  )
  const TrackTextBody = Type.Object({ trackText: Type.String() })
  const bodyLimit = Math.min(app.initialConfig.bodyLimit ?? TRACK_BODY_LIMIT_BYTES, TRACK_BODY_LIMIT_BYTES)

  app.post(
    '/patrols',
    {
      bodyLimit,
      config: { access: { roles: POSTERS } },
      schema: {
        tags: ['patrols'],
        summary:
          'Post one patrol: JSON {external_id, unit_id, staff, kind, crs?, track}, or a GPX / CSV / GeoJSON track body with the metadata in the query string. 201 new, 200 replay of the same content, 409 same external_id with different content.',
        querystring: PostPatrolQuery,
        body: {
          content: {
            'application/json': { schema: PostPatrolBody },
            ...Object.fromEntries(Object.keys(TRACK_MEDIA_TYPES).map((t) => [t, { schema: TrackTextBody }])),
          },
        } as never,
        response: { 200: PatrolSummary, 201: PatrolSummary, ...problemResponses },
      },
    },
    async (request, reply) => {
      const submission = readSubmission(request)
      const result = await ingestPatrol(request.db, submission, { postedBy: request.principal.tokenId })
      return reply.code(result.status).send(result.summary)
    },
  )

  app.get(
    '/patrols',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['patrols'],
        summary: 'The patrol ledger (台帐): patrols that started in [from, to] (Beijing days)',
        querystring: ListPatrolsQuery,
        response: {
          200: Type.Object({ items: Type.Array(PatrolListItem), total: Type.Integer() }),
          ...problemResponses,
        },
      },
    },
    async (request) => listPatrols(request.db, request.query, request.principal.divisionCode),
  )

  app.get(
    '/patrols/:id',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['patrols'],
        summary:
          'One patrol: its summary, cleaned segments (GeoJSON, with fix times) and every dropped point with its reason',
        params: IdParams,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => {
      const detail = await readPatrolDetail(request.db, request.params.id)
      if (!detail) throw notFound(`patrol ${request.params.id} not found`)
      return detail
    },
  )

  await app.register(coverageRoutes)
  await app.register(recomputeRoutes)
}

export default patrolRoutes
