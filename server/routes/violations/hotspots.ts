import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { cellArea, cellToBoundary, latLngToCell } from 'h3-js'
import { Type } from 'typebox'
import { addCalendarDays, startOfCalendarDay, toCalendarDate } from '../../domain/rules/calendar-date.js'
import { unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { DivisionCode, problemResponses } from '../common-schemas.js'
import { patrolKmByHex, per100Km } from './hotspot-effort.js'
import { CalendarDay } from './schemas.js'

const HotspotQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    from: Type.Optional(CalendarDay),
    to: Type.Optional(CalendarDay),
    category: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    // H3 resolution 6 ≈ 36 km², 7 ≈ 5.2 km², 8 ≈ 0.74 km², 9 ≈ 0.11 km² (average hexagon areas)
    resolution: Type.Optional(Type.Integer({ minimum: 5, maximum: 10, default: 8 })),
  },
  { additionalProperties: false },
)

const HotspotCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  resolution: Type.Integer(),
  span: Type.Object({ from: Type.String(), to: Type.String() }),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Unknown()) }),
      properties: Type.Object({
        cell: Type.String(),
        count: Type.Integer(),
        per_km2: Type.Number(),
        area_km2: Type.Number(),
        by_category: Type.Record(Type.String(), Type.Integer()),
        patrol_km: Type.Number({ description: 'km patrolled in the cell over the span (stored heat cells)' }),
        per_100km: Type.Union([Type.Number(), Type.Null()], {
          description: 'violations per 100 km patrolled in the cell; null where no patrol went',
        }),
        violation_ids: Type.Array(Type.String()),
      }),
    }),
  ),
})

/**
 * Where violations cluster: counts per H3 hexagon (equal-area enough at county scale), by category,
 * each cell with the ids behind its count. PostGIS 3.3 has no H3, so points are binned here; a
 * county-year holds hundreds to a few thousand violations, read as points only.
 * Each cell is also normalised by patrol effort: the km patrolled in it over the same span
 * (hotspot-effort.ts) and violations per 100 km, so a cell full of findings because it is patrolled
 * every day can be told from one that is rarely seen.
 */
const hotspotRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/violations/hotspots',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['violations'],
        summary: 'Violation density per H3 cell (GeoJSON), by category, for a span of discovery days',
        querystring: HotspotQuery,
        response: { 200: HotspotCollection, ...problemResponses },
      },
    },
    async (request) => {
      const q = request.query
      const today = toCalendarDate(new Date())
      const from = q.from ?? `${today.slice(0, 4)}-01-01`
      const to = q.to ?? today
      if (from > to)
        throw unprocessable('from is after to', [
          { path: '/querystring/from', message: `${from} is after ${to}` },
        ])
      const resolution = q.resolution ?? 8
      const res = await request.db.query<{ id: string; category: number; lon: number; lat: number }>(
        `SELECT id, category, ST_X(location) AS lon, ST_Y(location) AS lat FROM violations
          WHERE ($1::text IS NULL OR starts_with(division_code, lp_scope_prefix($1::text)) OR township_code = $1::text)
            AND found_at >= $2::timestamptz AND found_at < $3::timestamptz
            AND ($4::smallint IS NULL OR category = $4::smallint)
          ORDER BY found_at, id`,
        [
          q.division ?? null,
          startOfCalendarDay(from).toISOString(),
          startOfCalendarDay(addCalendarDays(to, 1)).toISOString(),
          q.category ?? null,
        ],
      )
      const cells = new Map<string, { ids: string[]; byCategory: Record<string, number> }>()
      for (const v of res.rows) {
        const cell = latLngToCell(v.lat, v.lon, resolution)
        const entry = cells.get(cell) ?? { ids: [], byCategory: {} }
        entry.ids.push(v.id)
        entry.byCategory[String(v.category)] = (entry.byCategory[String(v.category)] ?? 0) + 1
        cells.set(cell, entry)
      }
      const patrolKm =
        cells.size > 0
          ? await patrolKmByHex(request.db, { division: q.division ?? null, from, to, resolution })
          : new Map<string, number>()
      const features = [...cells]
        .sort(([a, x], [b, y]) => y.ids.length - x.ids.length || a.localeCompare(b))
        .map(([cell, entry]) => {
          const areaKm2 = cellArea(cell, 'km2')
          return {
            type: 'Feature' as const,
            id: cell,
            // GeoJSON order (lon, lat), ring closed
            geometry: { type: 'Polygon' as const, coordinates: [cellToBoundary(cell, true)] },
            properties: {
              cell,
              count: entry.ids.length,
              per_km2: Math.round((entry.ids.length / areaKm2) * 1000) / 1000,
              area_km2: Math.round(areaKm2 * 10000) / 10000,
              by_category: entry.byCategory,
              patrol_km: Math.round((patrolKm.get(cell) ?? 0) * 1000) / 1000,
              per_100km: per100Km(entry.ids.length, patrolKm.get(cell) ?? 0),
              violation_ids: entry.ids,
            },
          }
        })
      return { type: 'FeatureCollection' as const, resolution, span: { from, to }, features }
    },
  )
}

export default hotspotRoutes
