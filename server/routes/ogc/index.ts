import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { toCalendarDate } from '../../domain/rules/calendar-date.js'
import { badRequest, notFound, type ProblemDetailItem } from '../../errors.js'
import { API_PREFIX, READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { buildOgcOpenApi, OAS30_MEDIA_TYPE } from './openapi-document.js'
import { parseBbox, parseDatetime, type LonLatBox } from './params.js'
import {
  countZonesInForce,
  findZoneInForce,
  findZonesInForceExtent,
  listZonesInForce,
  type ZoneFeatureRow,
} from './queries.js'
import {
  Collection,
  CollectionParams,
  Collections,
  CONFORMANCE_CLASSES,
  Conformance,
  CRS84,
  DEFAULT_ITEMS_LIMIT,
  FeatureCollection,
  FormatQuery,
  ItemParams,
  ItemsQuery,
  LandingPage,
  type Link,
  MAX_ITEMS_LIMIT,
  ZoneFeature,
} from './schemas.js'

const GEOJSON = 'application/geo+json'
const JSON_TYPE = 'application/json'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ACCESS = { access: { roles: READERS } }

const ZONES_COLLECTION = {
  id: 'zones',
  title: '巡查区域',
  description:
    'Patrol zones (巡查区域) in force today in your jurisdiction: the zones of each county’s filed ' +
    'plan. Ask items for another day with datetime=YYYY-MM-DD.',
}

/**
 * OGC API – Features (Part 1: Core, read-only) over the zones in force, so that QGIS and GDAL open
 * them directly. Registered twice by server/app.ts: at /ogc (where GIS clients are pointed) and at
 * /api/v1/ogc. Links are absolute, from the request's protocol and Host (X-Forwarded-* only when
 * the server trusts its proxy).
 */
const ogcRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The OGC API describes itself (service-desc, OpenAPI 3.0 at {root}/api); /docs lists it once,
  // under /api/v1/ogc, so the routes are not listed twice (and the access test covers them).
  const HIDDEN = { hide: !app.prefix.startsWith(API_PREFIX) }
  const rootOf = (request: FastifyRequest) => `${originOf(request)}${app.prefix}`
  const today = () => toCalendarDate(new Date())

  const collectionOf = async (request: FastifyRequest): Promise<Collection> => {
    const root = rootOf(request)
    const extent = await findZonesInForceExtent(request.db, today())
    return {
      ...ZONES_COLLECTION,
      links: [
        { href: `${root}/collections/zones`, rel: 'self', type: JSON_TYPE, title: 'this collection' },
        { href: `${root}/collections/zones/items`, rel: 'items', type: GEOJSON, title: 'the zones' },
      ],
      ...(extent ? { extent: { spatial: { bbox: [extent], crs: CRS84 } } } : {}),
      itemType: 'feature',
      crs: [CRS84],
      storageCrs: CRS84,
    }
  }

  const requireCollection = (collectionId: string) => {
    if (collectionId !== ZONES_COLLECTION.id) throw notFound(`no collection "${collectionId}"`)
  }

  app.get(
    '/',
    {
      config: ACCESS,
      schema: { ...HIDDEN, querystring: FormatQuery, response: { 200: LandingPage, ...problemResponses } },
    },
    async (request, reply) => {
      const root = rootOf(request)
      reply.type(JSON_TYPE)
      return {
        title: 'LandPatrol — 巡查区域',
        description: 'Patrol zones of land-enforcement dynamic patrol, as OGC API – Features (read-only).',
        links: [
          { href: root, rel: 'self', type: JSON_TYPE, title: 'this document' },
          { href: `${root}/api`, rel: 'service-desc', type: OAS30_MEDIA_TYPE, title: 'the API definition' },
          { href: `${root}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'conformance classes' },
          {
            href: `${root}/conformance`,
            rel: 'http://www.opengis.net/def/rel/ogc/1.0/conformance',
            type: JSON_TYPE,
            title: 'conformance classes',
          },
          { href: `${root}/collections`, rel: 'data', type: JSON_TYPE, title: 'the collections' },
          {
            href: `${root}/collections`,
            rel: 'http://www.opengis.net/def/rel/ogc/1.0/data',
            type: JSON_TYPE,
            title: 'the collections',
          },
        ],
      }
    },
  )

  app.get(
    '/api',
    {
      config: ACCESS,
      schema: {
        ...HIDDEN,
        querystring: FormatQuery,
        response: { 200: Type.Object({}, { additionalProperties: true }), ...problemResponses },
      },
    },
    async (request, reply) => {
      reply.type(OAS30_MEDIA_TYPE)
      return buildOgcOpenApi(rootOf(request), MAX_ITEMS_LIMIT, DEFAULT_ITEMS_LIMIT)
    },
  )

  app.get(
    '/conformance',
    {
      config: ACCESS,
      schema: { ...HIDDEN, querystring: FormatQuery, response: { 200: Conformance, ...problemResponses } },
    },
    async (_request, reply) => {
      reply.type(JSON_TYPE)
      return { conformsTo: CONFORMANCE_CLASSES }
    },
  )

  app.get(
    '/collections',
    {
      config: ACCESS,
      schema: { ...HIDDEN, querystring: FormatQuery, response: { 200: Collections, ...problemResponses } },
    },
    async (request, reply) => {
      reply.type(JSON_TYPE)
      return {
        links: [
          { href: `${rootOf(request)}/collections`, rel: 'self', type: JSON_TYPE, title: 'this document' },
        ],
        collections: [await collectionOf(request)],
      }
    },
  )

  app.get(
    '/collections/:collectionId',
    {
      config: ACCESS,
      schema: {
        ...HIDDEN,
        params: CollectionParams,
        querystring: FormatQuery,
        response: { 200: Collection, ...problemResponses },
      },
    },
    async (request, reply) => {
      requireCollection(request.params.collectionId)
      reply.type(JSON_TYPE)
      return collectionOf(request)
    },
  )

  app.get(
    '/collections/:collectionId/items',
    {
      config: ACCESS,
      schema: {
        ...HIDDEN,
        params: CollectionParams,
        querystring: ItemsQuery,
        response: { 200: FeatureCollection, ...problemResponses },
      },
    },
    async (request, reply) => {
      requireCollection(request.params.collectionId)
      const q = request.query
      const issues: ProblemDetailItem[] = []
      let boxes: LonLatBox[] = []
      if (q.bbox !== undefined) {
        const parsed = parseBbox(q.bbox)
        if (parsed.ok) boxes = parsed.value
        else issues.push(parsed.issue)
      }
      let day = today()
      if (q.datetime !== undefined) {
        const parsed = parseDatetime(q.datetime)
        if (parsed.ok) day = parsed.value
        else issues.push(parsed.issue)
      }
      if (issues.length > 0) throw badRequest(issues.map((i) => i.message).join('; '), issues)
      const limit = Math.min(q.limit, MAX_ITEMS_LIMIT)
      const offset = q.offset

      const { matched, rows } = await request.db.transaction(async (tx) => ({
        matched: await countZonesInForce(tx, { day, boxes }),
        rows: await listZonesInForce(tx, { day, boxes, limit, offset }),
      }))

      const links: Link[] = [
        {
          href: pageUrl(request, { limit, offset }),
          rel: 'self',
          type: GEOJSON,
          title: 'this page',
        },
      ]
      if (offset + rows.length < matched)
        links.push({
          href: pageUrl(request, { limit, offset: offset + limit }),
          rel: 'next',
          type: GEOJSON,
          title: 'next page',
        })
      reply.type(GEOJSON)
      return {
        type: 'FeatureCollection' as const,
        features: rows.map(toFeature),
        numberMatched: matched,
        numberReturned: rows.length,
        timeStamp: new Date().toISOString(),
        links,
      }
    },
  )

  app.get(
    '/collections/:collectionId/items/:featureId',
    {
      config: ACCESS,
      schema: {
        ...HIDDEN,
        params: ItemParams,
        querystring: FormatQuery,
        response: { 200: ZoneFeature, ...problemResponses },
      },
    },
    async (request, reply) => {
      requireCollection(request.params.collectionId)
      const { featureId } = request.params
      const row = UUID.test(featureId) ? await findZoneInForce(request.db, today(), featureId) : undefined
      if (!row) throw notFound(`no zone ${featureId} in force today in your jurisdiction`)
      const root = rootOf(request)
      reply.type(GEOJSON)
      return {
        ...toFeature(row),
        links: [
          {
            href: `${root}/collections/zones/items/${row.id}`,
            rel: 'self',
            type: GEOJSON,
            title: 'this zone',
          },
          { href: `${root}/collections/zones`, rel: 'collection', type: JSON_TYPE, title: '巡查区域' },
        ],
      }
    },
  )
}

function toFeature(row: ZoneFeatureRow): ZoneFeature {
  const { id, geometry, ...properties } = row
  return { type: 'Feature', id, geometry, properties }
}

const originOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`

/** This request's URL, absolute, with `limit` and `offset` set and other parameters kept as sent. */
function pageUrl(request: FastifyRequest, page: { limit: number; offset: number }): string {
  const url = new URL(request.url, originOf(request))
  url.searchParams.set('limit', String(page.limit))
  url.searchParams.set('offset', String(page.offset))
  return url.href
}

export default ogcRoutes
