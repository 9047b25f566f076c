import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { defaultSpan } from '../patrols/span.js'
import { listEffort, type EffortTotals } from './queries.js'
import { EffortQuery, EffortResponse } from './schemas.js'

const round3 = (v: number) => Math.round(v * 1000) / 1000

function figures(r: EffortTotals) {
  return {
    patrols: r.patrols,
    km: round3(Number(r.metres) / 1000),
    hours: round3(Number(r.seconds) / 3600),
    person_hours: round3(Number(r.person_seconds) / 3600),
  }
}

/**
 * Patrol effort (design.md, "Coverage definitions": effort) from the stored cleaned segments and
 * zone visits, never from raw points.
 */
const effortRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/effort',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['coverage'],
        summary:
          'Patrol effort (km, hours, person-hours) per zone, unit or person over [from, to] (Beijing days, default this month so far)',
        description:
          'by=unit (default) and by=person: the cleaned segments that started in the span (gaps a track was ' +
          'split at are not patrol time); a person is credited with the whole of each patrol they were on, ' +
          'so their person-hours equal their hours; `total` counts each patrol once (km, hours, person-hours ' +
          '= hours × staff). by=zone: the visits’ clipped length and time inside each zone; `total` sums the zones.',
        querystring: EffortQuery,
        response: { 200: EffortResponse, ...problemResponses },
      },
    },
    async (request) => {
      const span = defaultSpan(request.query.from, request.query.to)
      const division = request.query.division ?? request.principal.divisionCode
      const by = request.query.by ?? 'unit'
      const { rows, total } = await request.db.transaction((tx) =>
        listEffort(tx, { division, from: span.from, to: span.to, by }),
      )
      return {
        division,
        from: span.from,
        to: span.to,
        by,
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          ...(r.tier !== undefined ? { tier: r.tier } : {}),
          ...(r.unit_id !== undefined ? { unit_id: r.unit_id } : {}),
          ...figures(r),
        })),
        total: figures(total),
      }
    },
  )
}

export default effortRoutes
