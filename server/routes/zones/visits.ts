import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { notFound } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { IdParams, problemResponses, Uuid } from '../common-schemas.js'
import { defaultSpan } from '../patrols/span.js'

const VisitsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date', description: 'first Beijing day (default: first of this month)' }),
    ),
    to: Type.Optional(Type.String({ format: 'date', description: 'last Beijing day (default: today)' })),
  },
  { additionalProperties: false },
)

const ZoneVisit = Type.Object({
  patrol_id: Uuid,
  visit_date: Type.String({ format: 'date' }),
  entered_at: Type.String({ format: 'date-time' }),
  left_at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  unit_id: Uuid,
  unit_name: Type.String(),
  staff_names: Type.Array(Type.String()),
  counted: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
})

interface VisitRow {
  patrol_id: string
  visit_date: string
  entered_at: Date
  left_at: Date
  kind: string
  unit_id: string
  unit_name: string
  staff_names: string[]
  counted: boolean
  reason: string | null
}

/** The visits (visit rule met) of one zone in [from, to], with the patrol's unit and staff names. */
export async function listZoneVisits(
  db: Queryable,
  zoneId: string,
  from: string,
  to: string,
): Promise<VisitRow[]> {
  const res = await db.query<VisitRow>(
    `SELECT v.patrol_id, v.visit_date::text AS visit_date, v.entered_at, v.left_at, p.kind, p.unit_id,
            u.name AS unit_name,
            -- staff in the order the patrol listed them
            ARRAY(SELECT pe.name FROM unnest(p.staff) WITH ORDINALITY AS s (id, n)
                    JOIN people pe ON pe.id = s.id ORDER BY s.n) AS staff_names,
            v.counted, v.reason
       FROM zone_visits v
       JOIN patrols p ON p.id = v.patrol_id
       JOIN units u ON u.id = p.unit_id
      WHERE v.zone_id = $1::uuid AND v.qualifies
        AND v.visit_date BETWEEN $2::date AND $3::date
      ORDER BY v.visit_date, v.entered_at`,
    [zoneId, from, to],
  )
  return res.rows
}

const zoneVisitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/zones/:id/visits',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['zones'],
        summary: 'The patrols that visited a zone in a span (Beijing days), with their unit and staff',
        params: IdParams,
        querystring: VisitsQuery,
        response: { 200: Type.Object({ zone_id: Uuid, items: Type.Array(ZoneVisit) }), ...problemResponses },
      },
    },
    async (request) => {
      const span = defaultSpan(request.query.from, request.query.to)
      return request.db.transaction(async (tx) => {
        const zone = await tx.query('SELECT 1 FROM zones WHERE id = $1::uuid', [request.params.id])
        if (zone.rowCount === 0) throw notFound(`zone ${request.params.id} not found in your jurisdiction`)
        const rows = await listZoneVisits(tx, request.params.id, span.from, span.to)
        return {
          zone_id: request.params.id,
          items: rows.map((r) => ({
            ...r,
            entered_at: r.entered_at.toISOString(),
            left_at: r.left_at.toISOString(),
          })),
        }
      })
    },
  )
}

export default zoneVisitRoutes
