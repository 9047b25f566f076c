import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PROJECT_ROOT } from '../../paths.js'
import { READERS } from '../../plugins/auth.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { requirePlan } from '../plans/queries.js'
import { attachmentDisposition } from './content-disposition.js'
import { buildExport } from './filing-package.js'
import { findPlanParties, listExportZones, lockPlanForExport, summarisePlanAreas } from './queries.js'
import { exportResponses, ExportQuery, MEDIA_TYPE } from './schemas.js'

const SOFTWARE_VERSION =
  (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string })
    .version ?? 'unknown'

/** The filing package (备案材料) of a zone plan, whole or one member at a time. */
const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/plans/:id/export',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['plans'],
        summary:
          'The filing package of a plan: zones as GeoJSON and Shapefile, the register (xlsx), plan.json',
        description:
          'format=zip (default) holds zones.geojson (RFC 7946, WGS84), zones.shp/.shx/.dbf/.prj/.cpg ' +
          '(CGCS2000 EPSG:4490, UTF-8 attributes), register.xlsx (巡查区域登记表 and a summary by tier ' +
          'and category) and plan.json (metadata, CRS statement, SHA-256 of each member). ' +
          'format=geojson, shp or xlsx returns that member alone. Any status may be exported; a draft ' +
          'is marked 草稿 in plan.json and the register.',
        params: IdParams,
        querystring: ExportQuery,
        produces: [MEDIA_TYPE.zip, MEDIA_TYPE.geojson, MEDIA_TYPE.xlsx],
        response: { ...exportResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'zip'
      const started = performance.now()
      // One transaction, the plan held still (lockPlanForExport), so every member of the package
      // describes the same state of the plan; the files are built after it has ended.
      const data = await request.db.transaction(async (tx) => {
        await lockPlanForExport(tx, request.params.id)
        const plan = await requirePlan(tx, request.params.id)
        const parties = await findPlanParties(tx, plan.id)
        if (!parties) throw new Error(`plan ${plan.id} vanished inside its own transaction`)
        const zones = await listExportZones(tx, plan.id)
        const summary = await summarisePlanAreas(tx, plan.id)
        return { plan, parties, zones, summary }
      })
      const read = performance.now()
      const built = await buildExport(format, data, {
        generatedAt: new Date(),
        softwareVersion: SOFTWARE_VERSION,
      })
      const done = performance.now()
      if (built.warnings.length > 0)
        request.log.warn({ plan: data.plan.id, warnings: built.warnings }, 'export warnings')
      return reply
        .code(200)
        .type(format === 'geojson' ? `${MEDIA_TYPE.geojson}; charset=utf-8` : MEDIA_TYPE[format])
        .header('content-disposition', attachmentDisposition(built.fileName, built.asciiFileName))
        .header('cache-control', 'private, no-store')
        .header(
          'server-timing',
          `db;dur=${(read - started).toFixed(1)}, build;dur=${(done - read).toFixed(1)}`,
        )
        .send(built.bytes)
    },
  )
}

export default exportRoutes
