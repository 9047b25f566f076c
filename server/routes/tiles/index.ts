import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { toCalendarDate } from '../../domain/rules/calendar-date.js'
import { badRequest, notFound } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import type { EncodedTile } from '../../tiles/encode-mvt.js'
import { etagOf, ifNoneMatchHits } from '../../tiles/tile-etag.js'
import { findTileAddressIssues } from '../../tiles/tile-grid.js'
import { problemResponses } from '../common-schemas.js'
import {
  PLAN_VISIBLE_SQL,
  PLAN_ZONES_TILE_SOURCE,
  TRACKS_TILE_SOURCE,
  VIOLATIONS_TILE_SOURCE,
  ZONES_IN_FORCE_TILE_SOURCE,
} from './queries.js'
import { defaultSpan } from '../patrols/span.js'
import { COVERAGE_TILE_SOURCE, GAPS_TILE_SOURCE, listGapZones } from './coverage-layers.js'
import { renderLayerTile } from './render-layer-tile.js'
import { renderViolationRateTile } from './violation-rates.js'
import {
  CoverageTileQuery,
  MVT_MEDIA_TYPE,
  TileParams,
  tileResponses,
  ViolationTileQuery,
  ZoneTileQuery,
} from './schemas.js'

// Tiles are computed per caller (row-level security), so only the caller's own cache may keep them;
// a minute is short enough for an edited plan to show up on the next pan.
const TILE_CACHE_CONTROL = 'private, max-age=60'

/**
 * Vector tiles. Every layer goes through `renderLayerTile` (tile-space SQL + MVT encoding in
 * TypeScript); an empty tile is answered 204 No Content, which MapLibre and OpenLayers draw as empty.
 */
const tileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tiles/zones/:z/:x/:y.mvt',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tiles'],
        summary: 'Zones as a Mapbox vector tile (layer `zones`)',
        description:
          'Zones in force on `at` (default today), or one plan as drawn with `plan_id`. ' +
          'Cache-Control private, max-age=60; ETag honoured in If-None-Match (304). ' +
          'An empty tile is 204 with no body. Use `promoteId: "id"` in MapLibre for feature state.',
        params: TileParams,
        querystring: ZoneTileQuery,
        response: { ...tileResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params
      requireTileAddress({ z, x, y })
      const { at, plan_id: planId } = request.query
      if (at !== undefined && planId !== undefined)
        throw badRequest('give either at (zones in force) or plan_id (one plan as drawn), not both', [
          { path: '/querystring/plan_id', message: 'cannot be combined with at' },
        ])

      const tile = await request.db.transaction(async (tx) => {
        if (planId !== undefined) {
          if ((await tx.query(PLAN_VISIBLE_SQL, [planId])).rowCount === 0)
            throw notFound(`plan ${planId} not found in your jurisdiction`)
          return renderLayerTile(tx, {
            sql: PLAN_ZONES_TILE_SOURCE,
            params: [planId],
            layerName: 'zones',
            z,
            x,
            y,
          })
        }
        const day = at ?? toCalendarDate(new Date())
        return renderLayerTile(tx, {
          sql: ZONES_IN_FORCE_TILE_SOURCE,
          params: [day],
          layerName: 'zones',
          z,
          x,
          y,
        })
      })

      return sendTile(request, reply, tile)
    },
  )

  app.get(
    '/tiles/violations/:z/:x/:y.mvt',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tiles'],
        summary: 'Violations as a Mapbox vector tile (layer `violations`, points)',
        description:
          "Filtered by the date found (from, to) and category; `per=100km` adds each point's H3 cell " +
          '(`resolution`, default 8) with cell_count, patrol_km and per_100km (violations per 100 km ' +
          'patrolled there). Same caching as the zone tiles; empty → 204.',
        params: TileParams,
        querystring: ViolationTileQuery,
        response: { ...tileResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params
      requireTileAddress({ z, x, y })
      const q = request.query
      const tile = await request.db.transaction((tx) =>
        q.per === '100km'
          ? renderViolationRateTile(tx, {
              z,
              x,
              y,
              from: q.from ?? null,
              to: q.to ?? null,
              category: q.category ?? null,
              resolution: q.resolution ?? 8,
            })
          : renderLayerTile(tx, {
              sql: VIOLATIONS_TILE_SOURCE,
              params: [q.from ?? null, q.to ?? null, q.category ?? null],
              layerName: 'violations',
              z,
              x,
              y,
            }),
      )
      return sendTile(request, reply, tile)
    },
  )

  app.get(
    '/tiles/gaps/:z/:x/:y.mvt',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tiles'],
        summary: 'Zones short of their patrol visits as a Mapbox vector tile (layer `gaps`)',
        description:
          'Zones not compliant in some period (ISO week for tier 1, month for tiers 2–3) overlapping ' +
          '[from, to] (default: this month so far), as GET /gaps computes them. Properties: zone_id, ' +
          'code (register number), name, tier, category, and of the worst period required, visits, ' +
          'shortfall; last_visit (ISO) over the span. Same caching as the zone tiles; empty → 204.',
        params: TileParams,
        querystring: CoverageTileQuery,
        response: { ...tileResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params
      requireTileAddress({ z, x, y })
      const span = defaultSpan(request.query.from, request.query.to)
      const division = request.query.division ?? request.principal.divisionCode
      const tile = await request.db.transaction(async (tx) => {
        const gaps = await listGapZones(tx, { ...span, division })
        return renderLayerTile(tx, {
          sql: GAPS_TILE_SOURCE,
          params: [JSON.stringify(gaps)],
          layerName: 'gaps',
          z,
          x,
          y,
        })
      })
      return sendTile(request, reply, tile)
    },
  )

  app.get(
    '/tiles/coverage/:z/:x/:y.mvt',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tiles'],
        summary: 'Patrol coverage cells as a Mapbox vector tile (layer `coverage`, 100 m squares)',
        description:
          'The 100 m grid cells within sight of a patrol on a day of [from, to] (default: this month so ' +
          'far). Properties: visits (distinct patrols), days (distinct days), weight_m (track metres ' +
          'inside), weight_s (seconds inside), days_since (days from the last visit to `to`). Same ' +
          'caching as the zone tiles; empty → 204.',
        params: TileParams,
        querystring: CoverageTileQuery,
        response: { ...tileResponses, ...problemResponses },
      },
    },
    (request, reply) =>
      sendSpanLayerTile(
        request,
        reply,
        { ...request.params, ...request.query },
        COVERAGE_TILE_SOURCE,
        'coverage',
      ),
  )

  app.get(
    '/tiles/tracks/:z/:x/:y.mvt',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tiles'],
        summary: 'Patrol tracks of a span as a Mapbox vector tile (layer `tracks`, lines)',
        description:
          'The cleaned segments of the patrols on a Beijing day of [from, to] (default: this month so ' +
          'far); a gap in a track is never bridged. Properties: patrol_id, kind, unit (name), unit_id, ' +
          'day. Same caching as the zone tiles; empty → 204.',
        params: TileParams,
        querystring: CoverageTileQuery,
        response: { ...tileResponses, ...problemResponses },
      },
    },
    (request, reply) =>
      sendSpanLayerTile(
        request,
        reply,
        { ...request.params, ...request.query },
        TRACKS_TILE_SOURCE,
        'tracks',
      ),
  )
}

/** A layer of one span's rows of the caller's (or the asked) division: coverage cells, tracks. */
async function sendSpanLayerTile(
  request: FastifyRequest,
  reply: FastifyReply,
  asked: { z: number; x: number; y: number; from?: string; to?: string; division?: string },
  sql: string,
  layerName: string,
): Promise<FastifyReply> {
  const { z, x, y } = asked
  requireTileAddress({ z, x, y })
  const span = defaultSpan(asked.from, asked.to)
  const division = asked.division ?? request.principal.divisionCode
  const tile = await request.db.transaction((tx) =>
    renderLayerTile(tx, { sql, params: [span.from, span.to, division], layerName, z, x, y }),
  )
  return sendTile(request, reply, tile)
}

/** 400 naming the coordinate when z/x/y is not a tile of the grid. */
function requireTileAddress(address: { z: number; x: number; y: number }): void {
  const issues = findTileAddressIssues(address)
  if (issues.length > 0)
    throw badRequest(
      `${address.z}/${address.x}/${address.y} is not a tile: ${issues.map((i) => i.message).join('; ')}`,
      issues.map((i) => ({ ...i })),
    )
}

/** The one way a tile is answered: 204 when empty, ETag/304, private caching. */
function sendTile(request: FastifyRequest, reply: FastifyReply, tile: EncodedTile): FastifyReply {
  reply.header('cache-control', TILE_CACHE_CONTROL).header('vary', 'authorization')
  if (tile.featureCount === 0) return reply.code(204).send()
  const etag = etagOf(tile.bytes)
  reply.header('etag', etag)
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send()
  return reply
    .code(200)
    .type(MVT_MEDIA_TYPE)
    .send(Buffer.from(tile.bytes.buffer, tile.bytes.byteOffset, tile.bytes.byteLength))
}

export default tileRoutes
