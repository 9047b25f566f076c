import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { parseTrackCrs } from '../../domain/track/convert-crs.js'
import { conflict, notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { asProblem, STAFF_NOT_IN_COUNTY, UNIT_NOT_IN_COUNTY } from '../patrols/ingest.js'
import { findStaffOutsideCounty, findUnitForPatrol } from '../patrols/queries.js'
import { closeOpenPatrol, DEFAULT_LIVE_IDLE_MS, liveExternalId, type CloseOutcome } from './live-patrol.js'
import {
  countRefusedFixes,
  deleteDevice,
  findDevice,
  findDeviceForFix,
  insertDevice,
  listDevices,
  lockDevice,
  readBufferStats,
  updateDevice,
  type DeviceInput,
  type DeviceRow,
} from './queries.js'
import {
  DeleteDeviceResult,
  Device,
  DeviceIdParams,
  DeviceWriteResult,
  ListDevicesQuery,
  LiveState,
  PostDeviceBody,
} from './schemas.js'

/** Who registers phones: the county's admins and the supervising team (stations ask them). */
const REGISTRARS = ['admin', 'supervisor'] as const

/**
 * Registration of live-tracking phones (OsmAnd / Traccar Client), which post to /osmand without a
 * token: the device id decides the county, unit, staff and kind of the patrols its fixes become.
 */
const deviceRoutes: FastifyPluginAsyncTypebox<{ idleMs?: number }> = async (app, opts) => {
  const idleMs = opts.idleMs ?? DEFAULT_LIVE_IDLE_MS

  app.post(
    '/devices',
    {
      config: { access: { roles: REGISTRARS } },
      schema: {
        tags: ['devices'],
        summary:
          'Register a live-tracking phone (201), or change its registration (200; its open patrol is closed first under the old one)',
        body: PostDeviceBody,
        response: { 200: DeviceWriteResult, 201: DeviceWriteResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      let crs: string
      try {
        crs = parseTrackCrs(body.crs)
      } catch (error) {
        throw asProblem(error)
      }
      // Device ids are global (the apps send nothing else): one registered in another county is a conflict.
      // Looked up before the transaction (the embedded database runs one transaction at a time).
      const registered = await findDeviceForFix(app.systemDb, body.device_id)
      const result = await request.db.transaction(async (tx) => {
        const input = await checkRegistration(tx, body, crs)
        const existing = await lockDevice(tx, body.device_id)
        if (!existing) {
          if (registered) {
            throw conflict(`device ${body.device_id} is registered outside your jurisdiction`, [
              { path: '/device_id', message: 'already registered by another county' },
            ])
          }
          return { status: 201 as const, device: await insertDevice(tx, input), closed: null }
        }
        const closed = registrationChanged(existing, input)
          ? await closeOpenPatrol(tx, existing, { now: Date.now() })
          : null
        return { status: 200 as const, device: await updateDevice(tx, input), closed }
      })
      return reply
        .code(result.status)
        .send({ device: result.device, closed_patrol: closedView(result.closed) })
    },
  )

  app.get(
    '/devices',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['devices'],
        summary: 'Registered live-tracking phones',
        querystring: ListDevicesQuery,
        response: { 200: Type.Object({ items: Type.Array(Device) }), ...problemResponses },
      },
    },
    async (request) => ({
      items: await listDevices(request.db, {
        division: request.query.division,
        unitId: request.query.unit_id,
      }),
    }),
  )

  app.get(
    '/devices/:id',
    {
      config: { access: { roles: READERS } },
      schema: { tags: ['devices'], params: DeviceIdParams, response: { 200: Device, ...problemResponses } },
    },
    async (request) => {
      const device = await findDevice(request.db, request.params.id)
      if (!device) throw notFound(`device ${request.params.id} not found`)
      return device
    },
  )

  app.get(
    '/devices/:id/live',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['devices'],
        summary: "The device's open patrol (fixes waiting to become a patrol) and its last close",
        params: DeviceIdParams,
        response: { 200: LiveState, ...problemResponses },
      },
    },
    async (request) => {
      const { device, stats, refused } = await request.db.transaction(async (tx) => {
        const found = await findDevice(tx, request.params.id)
        if (!found) return { device: undefined, stats: undefined, refused: 0 }
        const stats = await readBufferStats(tx, found.device_id)
        return { device: found, stats, refused: await countRefusedFixes(tx, found.device_id) }
      })
      if (!device || !stats) throw notFound(`device ${request.params.id} not found`)
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
      return {
        device_id: device.device_id,
        active: device.active,
        open: stats.fixes > 0,
        fixes: stats.fixes,
        first_fix_at: iso(stats.first_fix),
        last_fix_at: iso(stats.last_fix),
        last_received_at: iso(stats.last_received),
        closes_at: iso(stats.last_received === null ? null : stats.last_received + idleMs),
        external_id: stats.first_fix === null ? null : liveExternalId(device.device_id, stats.first_fix),
        refused_fixes: refused,
        last_closed_at: device.last_closed_at,
        last_close_outcome: device.last_close_outcome,
        last_close_detail: device.last_close_detail,
        last_patrol_id: device.last_patrol_id,
      }
    },
  )

  app.delete(
    '/devices/:id',
    {
      config: { access: { roles: REGISTRARS } },
      schema: {
        tags: ['devices'],
        summary: 'Unregister a phone; its open patrol is closed (stored as a patrol) first',
        params: DeviceIdParams,
        response: { 200: DeleteDeviceResult, ...problemResponses },
      },
    },
    async (request) => {
      const closed = await request.db.transaction(async (tx) => {
        const device = await lockDevice(tx, request.params.id)
        if (!device) throw notFound(`device ${request.params.id} not found`)
        const outcome = await closeOpenPatrol(tx, device, { now: Date.now() })
        await deleteDevice(tx, device.device_id)
        return outcome
      })
      return { device_id: request.params.id, closed_patrol: closedView(closed) }
    },
  )
}

/** The unit must be of a county in the caller's jurisdiction and the staff people of that county. */
async function checkRegistration(tx: Queryable, body: PostDeviceBody, crs: string): Promise<DeviceInput> {
  const unit = await findUnitForPatrol(tx, body.unit_id)
  if (!unit) throw notFound(`unit ${body.unit_id} not found in your jurisdiction`)
  if (!unit.county_code || unit.county_level !== 'county') {
    throw unprocessable('a device must belong to a unit of a county in your jurisdiction', [
      {
        path: '/unit_id',
        reason: UNIT_NOT_IN_COUNTY,
        message: `unit ${unit.id} (${unit.division_code}) has no county in your jurisdiction`,
      },
    ])
  }
  const county = unit.county_code
  const outside = await findStaffOutsideCounty(tx, body.staff, county)
  if (outside.length > 0) {
    throw unprocessable(
      `${outside.length} staff member(s) are not people of county ${county}`,
      outside.map((i) => ({
        path: `/staff/${i}`,
        reason: STAFF_NOT_IN_COUNTY,
        message: `${body.staff[i]} is not a person of county ${county} in your jurisdiction`,
      })),
    )
  }
  return {
    deviceId: body.device_id,
    divisionCode: county,
    unitId: unit.id,
    staff: body.staff,
    kind: body.kind ?? 'routine',
    crs,
    active: body.active ?? true,
    label: body.label ?? null,
  }
}

/** Anything that the patrols of the open fixes would carry (a new label changes nothing). */
function registrationChanged(d: DeviceRow, input: DeviceInput): boolean {
  return (
    d.division_code !== input.divisionCode ||
    d.unit_id !== input.unitId ||
    d.kind !== input.kind ||
    d.crs !== input.crs ||
    d.active !== input.active ||
    d.staff.join(',') !== input.staff.join(',')
  )
}

function closedView(outcome: CloseOutcome | null) {
  if (!outcome || outcome.outcome === 'nothing') return null
  return {
    outcome: outcome.outcome,
    fixes: outcome.fixes,
    external_id: outcome.externalId,
    patrol_id: outcome.outcome === 'patrol' ? outcome.patrolId : null,
    detail: outcome.outcome === 'refused' ? outcome.problem.message : null,
  }
}

export default deviceRoutes
