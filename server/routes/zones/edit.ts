import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Geometry } from 'geojson'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { notFound, unprocessable } from '../../errors.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { requireDraft } from '../plans/queries.js'
import { PatchZoneBody } from '../plans/schemas.js'
import { stageZones, updateZoneFromStage, type FeatureProblem } from '../plans/zone-import.js'
import { findPlanZone } from './queries.js'
import { readZoneUpload } from './read-zone-upload.js'

const EDITORS = ['admin', 'planner'] as const

export interface EditableZone {
  plan_id: string
  geometry: Geometry
  category: string
  tier: number
  tier_reason: string | null
  name: string
  township_code: string | null
  unit_id: string | null
  main_person_id: string | null
  direct_person_ids: string[]
}

export async function findEditableZone(db: Queryable, id: string): Promise<EditableZone | undefined> {
  const res = await db.query<EditableZone>(
    `SELECT plan_id, ST_AsGeoJSON(geom, 9)::json AS geometry, category, tier, tier_reason, name, township_code,
            unit_id, main_person_id, direct_person_ids
       FROM zones WHERE id = $1::uuid`,
    [id],
  )
  return res.rows[0]
}

type ZonePatch = Record<string, unknown> & { geometry?: unknown }

/**
 * The zone's properties after a patch, as an import feature would carry them: a new category
 * without a tier takes its default tier, and a new geometry without a township is placed again.
 */
export function patchedProperties(zone: EditableZone, patch: ZonePatch): Record<string, unknown> {
  const { geometry, ...changes } = patch
  const props: Record<string, unknown> = {
    category: zone.category,
    tier: zone.tier,
    tier_reason: zone.tier_reason,
    name: zone.name,
    township_code: zone.township_code,
    unit_id: zone.unit_id,
    main_person_id: zone.main_person_id,
    direct_person_ids: zone.direct_person_ids,
  }
  if ('category' in changes && !('tier' in changes)) {
    delete props.tier
    delete props.tier_reason
  }
  if (geometry !== undefined && !('township_code' in changes)) delete props.township_code
  return { ...props, ...changes }
}

/** Problems of the one patched feature, with paths into the PATCH body rather than a collection. */
export function bodyPaths(problems: FeatureProblem[]): { path: string; message: string; reason: string }[] {
  return problems.map((p) => ({
    path: p.path.replace(/^\/features\/0/, '') || '/',
    message: p.message,
    reason: p.reason,
  }))
}

const zoneEditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The parent plugin reads JSON bodies as upload text; a patch is ordinary JSON.
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  )

  app.patch(
    '/zones/:id',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['zones'],
        summary:
          'Change the geometry and/or properties of a zone of a draft plan, checked as an import is (422 with the reason, nothing changed; 409 once the plan is submitted)',
        params: IdParams,
        body: PatchZoneBody,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => {
      const patch = request.body as ZonePatch
      return request.db.transaction(async (tx) => {
        const zone = await findEditableZone(tx, request.params.id)
        if (!zone) throw notFound(`zone ${request.params.id} not found`)
        const plan = await requireDraft(tx, zone.plan_id)
        const feature = {
          type: 'Feature',
          geometry: patch.geometry ?? zone.geometry,
          properties: patchedProperties(zone, patch),
        }
        // the same structural, coordinate and attribute checks as an uploaded file …
        const upload = await readZoneUpload(
          { kind: 'json', text: JSON.stringify({ type: 'FeatureCollection', features: [feature] }) },
          {},
        )
        if (upload.problems.length > 0 || upload.features.length === 0)
          throw unprocessable('the zone was not changed', bodyPaths(upload.problems))
        // … and the same PostGIS checks (validity, area, county, township, unit, persons)
        const staged = await stageZones(tx, {
          countyCode: plan.division_code,
          features: upload.features,
          repair: false,
        })
        if (staged.problems.length > 0)
          throw unprocessable(
            `the zone was not changed: ${staged.problems[0]?.message}`,
            bodyPaths(staged.problems),
          )
        await updateZoneFromStage(tx, request.params.id)
        const updated = (await findPlanZone(tx, zone.plan_id, request.params.id)) as Record<string, unknown>
        return { ...updated, warnings: [...upload.warnings, ...staged.warnings].map((w) => w.message) }
      })
    },
  )
}

export default zoneEditRoutes
