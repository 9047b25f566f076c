import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { createScopedDb } from '../../db/scoped-db.js'
import { forbidden } from '../../errors.js'
import { ProblemSchema } from '../common-schemas.js'
import { closeOpenPatrol, closesBefore, DEFAULT_LIVE_IDLE_MS } from './live-patrol.js'
import { findDeviceForFix, insertFix, lockDevice, readBufferStats } from './queries.js'
import { readDeviceId, readFixSource, readLiveFix } from './read-fix.js'

/** One fix is a few hundred bytes; Traccar Client's JSON with all its extras under 2 kB. */
const FIX_BODY_LIMIT_BYTES = 64 * 1024

const Param = (description: string) => Type.Optional(Type.String({ description }))

/** The OsmAnd query form (documentation; read by read-fix.ts, which names each bad parameter). */
const OsmandQuery = Type.Object(
  {
    id: Param('device id as registered under /api/v1/devices (also `deviceid`)'),
    lat: Param('latitude, degrees'),
    lon: Param('longitude, degrees'),
    timestamp: Param('fix time: epoch seconds or milliseconds, or ISO 8601 with an offset'),
    hdop: Param('OsmAnd: horizontal accuracy in metres'),
    accuracy: Param('horizontal accuracy in metres (wins over hdop)'),
    speed: Param('as the app reports it (not used for cleaning)'),
    bearing: Param('degrees'),
    altitude: Param('metres'),
    batt: Param('battery level'),
  },
  { additionalProperties: true },
)

/**
 * GET/POST /osmand at the server root, where OsmAnd (online tracking) and Traccar Client post live
 * fixes: 200 with an empty body when the fix is buffered, 400 naming the bad parameter, 403 for a
 * device id nobody registered (or one deactivated). Nothing is stored for a refused fix.
 *
 * A fix that arrives after the idle time, or on another Beijing day, first closes the device's open
 * patrol (live-patrol.ts) in the same transaction that buffers it; the sweeper closes the rest.
 */
const osmandRoutes: FastifyPluginAsyncTypebox<{ idleMs?: number }> = async (app, opts) => {
  const idleMs = opts.idleMs ?? DEFAULT_LIVE_IDLE_MS
  // Old Traccar Clients post the form as a body; anything else without JSON is read the same way.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'text/plain'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )

  app.route({
    method: ['GET', 'POST'],
    url: '/osmand',
    bodyLimit: FIX_BODY_LIMIT_BYTES,
    config: { access: { public: true } },
    schema: {
      tags: ['live'],
      security: [],
      summary:
        'One live fix from OsmAnd / Traccar Client: query string, form body, or Traccar JSON {device_id, location: {timestamp, coords}}',
      querystring: OsmandQuery,
      response: {
        200: Type.String({ description: 'empty: the fix is buffered' }),
        400: ProblemSchema,
        403: ProblemSchema,
        413: ProblemSchema,
        415: ProblemSchema,
      },
    },
    handler: async (request, reply) => {
      const now = Date.now()
      const source = readFixSource(request.query, request.body)
      const deviceId = readDeviceId(source)
      const known = await findDeviceForFix(app.systemDb, deviceId)
      if (!known) {
        throw forbidden(
          `device ${JSON.stringify(deviceId)} is not registered: a station or admin registers it with POST /api/v1/devices`,
        )
      }
      if (!known.active) throw forbidden(`device ${JSON.stringify(deviceId)} is deactivated`)
      const fix = readLiveFix(source, now)

      await createScopedDb(app.systemDb, known.division_code).transaction(async (tx) => {
        const device = await lockDevice(tx, deviceId)
        if (!device?.active)
          throw forbidden(`device ${JSON.stringify(deviceId)} was unregistered or deactivated`)
        const stats = await readBufferStats(tx, deviceId)
        if (closesBefore(stats, fix.time, now, idleMs)) await closeOpenPatrol(tx, device, { now })
        await insertFix(tx, device, {
          fixedAt: fix.time,
          receivedAt: now,
          lon: fix.lon,
          lat: fix.lat,
          accuracy: fix.accuracy,
          altitude: fix.altitude,
          speed: fix.speed,
          bearing: fix.bearing,
          battery: fix.battery,
        })
      })
      return reply.code(200).type('text/plain; charset=utf-8').send('')
    },
  })
}

export default osmandRoutes
