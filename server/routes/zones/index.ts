import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import { badRequest, notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { requireDraft, requirePlan } from '../plans/queries.js'
import { ImportQuery, PlanZoneParams } from '../plans/schemas.js'
import { stageAndInsertZones } from '../plans/zone-import.js'
import { deletePlanZone, listPlanZones, listZonesInForce } from './queries.js'
import { readZoneUpload, type UploadBody } from './read-zone-upload.js'
import zoneEditRoutes from './edit.js'
import zoneSplitRoutes from './split.js'
import zoneVisitRoutes from './visits.js'

const EDITORS = ['admin', 'planner'] as const

const ZonesQuery = Type.Object(
  {
    division: Type.Optional(Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$' })),
    tier: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    bbox: Type.Optional(
      Type.String({
        pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$',
        description: 'minLon,minLat,maxLon,maxLat',
      }),
    ),
    at: Type.Optional(
      Type.String({ format: 'date', description: 'zones in force on this date (default today)' }),
    ),
  },
  { additionalProperties: false },
)

const FeatureCollection = Type.Object(
  { type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) },
  { additionalProperties: true },
)

const ImportResult = Type.Object({
  plan_id: Type.String(),
  crs: Type.Object({ code: Type.String(), source: Type.String() }),
  imported: Type.Integer(),
  zones: Type.Array(Type.Unknown()),
  rejected: Type.Array(Type.Unknown()),
  warnings: Type.Array(Type.Unknown()),
  repaired: Type.Array(Type.Unknown()),
})

export function todayInChina(): string {
  // Dates of plans are Beijing calendar dates.
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
}

const zoneRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Uploads: GeoJSON as text (parsed strictly here, so duplicate keys and bad JSON are reported
  // with their position), zipped Shapefiles as bytes, or either as a multipart file.
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(
    ['application/json', 'application/geo+json'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, { kind: 'json', text: body as string } satisfies UploadBody),
  )
  app.addContentTypeParser(
    ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, { kind: 'zip', bytes: body as Buffer } satisfies UploadBody),
  )
  await app.register(multipart, { limits: { files: 1, fileSize: 64 * 1024 * 1024, fields: 10 } })

  app.post(
    '/plans/:id/zones',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['zones'],
        summary:
          'Import zones into a draft plan: GeoJSON, or a zipped Shapefile (.shp/.shx/.dbf/.prj[/.cpg]), as the body or a multipart file. All-or-nothing unless partial=true.',
        params: IdParams,
        querystring: ImportQuery,
        consumes: ['application/geo+json', 'application/json', 'application/zip', 'multipart/form-data'],
        response: { 201: ImportResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      let body = request.body as UploadBody | undefined
      if (request.isMultipart()) {
        const file = await request.file()
        if (!file) throw badRequest('the multipart body has no file', [{ path: '/file', message: 'missing' }])
        const bytes = await file.toBuffer()
        body = /\.zip$/i.test(file.filename)
          ? { kind: 'zip', bytes }
          : { kind: 'json', text: bytes.toString('utf8') }
      }
      if (!body) throw badRequest('no body', [{ path: '/', message: 'send GeoJSON or a zipped Shapefile' }])
      // the plan must be the caller's before its upload is read
      await requirePlan(request.db, request.params.id)
      const upload = await readZoneUpload(body, request.query)
      const result = await request.db.transaction(async (tx) => {
        const plan = await requireDraft(tx, request.params.id)
        const staged = await stageAndInsertZones(tx, {
          planId: plan.id,
          countyCode: plan.division_code,
          features: upload.features,
          repair: request.query.repair ?? false,
          partial: request.query.partial ?? false,
        })
        const problems = [...upload.problems, ...staged.problems].sort(
          (a, b) => (a.index ?? -1) - (b.index ?? -1),
        )
        if (problems.length > 0 && !request.query.partial) {
          throw unprocessable(
            `${new Set(problems.map((p) => p.index)).size} of ${upload.featureCount} feature(s) refused; nothing was stored (partial=true stores the good ones)`,
            problems.map((p) => ({ ...p })),
            { warnings: [...upload.warnings, ...staged.warnings] },
          )
        }
        if (staged.zones.length === 0)
          throw unprocessable(
            'no zone could be imported',
            problems.map((p) => ({ ...p })),
          )
        return {
          plan_id: plan.id,
          crs: upload.crs,
          imported: staged.zones.length,
          zones: staged.zones,
          rejected: problems,
          warnings: [...upload.warnings, ...staged.warnings],
          repaired: staged.repaired,
        }
      })
      return reply.code(201).send(result)
    },
  )

  app.get(
    '/plans/:id/zones',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['zones'],
        summary: 'A plan’s zones as GeoJSON',
        params: IdParams,
        response: { 200: FeatureCollection, ...problemResponses },
      },
    },
    async (request, reply) => {
      const fc = await request.db.transaction(async (tx) => {
        await requirePlan(tx, request.params.id)
        return listPlanZones(tx, request.params.id)
      })
      return reply.type('application/geo+json').send(fc as { type: 'FeatureCollection'; features: unknown[] })
    },
  )

  app.delete(
    '/plans/:id/zones/:zoneId',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['zones'],
        summary: 'Delete a zone of a draft plan',
        params: PlanZoneParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await request.db.transaction(async (tx) => {
        await requireDraft(tx, request.params.id)
        if (!(await deletePlanZone(tx, request.params.id, request.params.zoneId)))
          throw notFound(`zone ${request.params.zoneId} not found in plan ${request.params.id}`)
      })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/zones',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['zones'],
        summary: 'Zones in force on a date (filed plans), GeoJSON',
        querystring: ZonesQuery,
        response: { 200: FeatureCollection, ...problemResponses },
      },
    },
    async (request, reply) => {
      const q = request.query
      let bbox: [number, number, number, number] | undefined
      if (q.bbox) {
        const parts = q.bbox.split(',').map(Number) as [number, number, number, number]
        if (
          parts.some((n) => !Number.isFinite(n)) ||
          parts[0] > parts[2] ||
          parts[1] > parts[3] ||
          Math.abs(parts[1]) > 90 ||
          Math.abs(parts[3]) > 90
        )
          throw badRequest('bbox must be minLon,minLat,maxLon,maxLat', [
            { path: '/querystring/bbox', message: 'invalid bbox' },
          ])
        bbox = parts
      }
      const fc = await listZonesInForce(request.db, {
        division: q.division,
        tier: q.tier,
        bbox,
        at: q.at ?? todayInChina(),
      })
      return reply.type('application/geo+json').send(fc as { type: 'FeatureCollection'; features: unknown[] })
    },
  )

  await app.register(zoneVisitRoutes)
  await app.register(zoneEditRoutes)
  await app.register(zoneSplitRoutes)
}

export default zoneRoutes
