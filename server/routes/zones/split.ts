import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Geometry } from 'geojson'
import { Type } from 'typebox'
import type { Queryable } from '../../db/port.js'
import { notFound, unprocessable } from '../../errors.js'
import { IdParams, problemResponses } from '../common-schemas.js'
import { requireDraft } from '../plans/queries.js'
import { insertZoneFromStage, stageZones, updateZoneFromStage } from '../plans/zone-import.js'
import { findEditableZone, patchedProperties } from './edit.js'
import { findPlanZone } from './queries.js'
import { readZoneUpload } from './read-zone-upload.js'

const EDITORS = ['admin', 'planner'] as const

const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 })

export const SplitZoneBody = Type.Object(
  {
    line: Type.Object(
      {
        type: Type.Enum(['LineString']),
        coordinates: Type.Array(Position, { minItems: 2, maxItems: 10_000 }),
      },
      { additionalProperties: false },
    ),
    name: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'name of the new part (default: the zone’s name and “(2)”)',
      }),
    ),
  },
  {
    additionalProperties: false,
    example: {
      line: {
        type: 'LineString',
        coordinates: [
          [104.0, 29.9],
          [104.0, 30.1],
        ],
      },
    },
  },
)

interface Part {
  geometry: Geometry
  area_m2: number
}

/**
 * The zone cut by the line in PostGIS (ST_Split), larger part first; `null` when the line cannot be
 * read as a geometry.
 */
async function splitZone(db: Queryable, zoneId: string, line: unknown): Promise<Part[] | null> {
  const res = await db.query<{ readable: boolean; geometry: Geometry | null; area_m2: number | null }>(
    `WITH l AS (SELECT lp_try_geojson($2::text) AS g),
          z AS (SELECT geom FROM zones WHERE id = $1::uuid)
     SELECT l.g IS NOT NULL AS readable, ST_AsGeoJSON(d.geom, 9)::json AS geometry,
            ST_Area(d.geom::geography) AS area_m2
       FROM l CROSS JOIN z
       LEFT JOIN LATERAL (SELECT (ST_Dump(ST_Split(z.geom, l.g))).geom WHERE l.g IS NOT NULL) d ON true
      ORDER BY area_m2 DESC NULLS LAST`,
    [zoneId, JSON.stringify(line)],
  )
  if (!res.rows[0]?.readable) return null
  return res.rows
    .filter((r) => r.geometry !== null)
    .map((r) => ({ geometry: r.geometry as Geometry, area_m2: r.area_m2 ?? 0 }))
}

const zoneSplitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The parent plugin reads JSON bodies as upload text; this body is ordinary JSON.
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  )

  app.post(
    '/zones/:id/split',
    {
      config: { access: { roles: EDITORS } },
      schema: {
        tags: ['zones'],
        summary:
          'Cut a zone of a draft plan in two along a line: the zone keeps the larger part, a new zone gets the other; both checked as an import is (422 with the reason, nothing changed; 409 once the plan is submitted)',
        params: IdParams,
        body: SplitZoneBody,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => {
      const { line, name } = request.body
      const id = request.params.id
      return request.db.transaction(async (tx) => {
        const zone = await findEditableZone(tx, id)
        if (!zone) throw notFound(`zone ${id} not found`)
        const plan = await requireDraft(tx, zone.plan_id)
        const parts = await splitZone(tx, id, line)
        if (!parts)
          throw unprocessable('the line is not a readable LineString', [
            { path: '/line', message: 'not a readable LineString', reason: 'line_unreadable' },
          ])
        if (parts.length !== 2)
          throw unprocessable(
            parts.length < 2
              ? 'the line does not cut the zone in two: it must cross the zone from one edge to another'
              : `the line cuts the zone into ${parts.length} parts, not two`,
            [
              {
                path: '/line',
                message:
                  parts.length < 2
                    ? 'does not cross the zone from edge to edge'
                    : `makes ${parts.length} parts`,
                reason: parts.length < 2 ? 'line_does_not_cut' : 'line_cuts_more_than_two',
              },
            ],
          )
        const features = parts.map((p, i) => ({
          type: 'Feature',
          geometry: p.geometry,
          properties: patchedProperties(
            zone,
            i === 0 ? { geometry: p.geometry } : { geometry: p.geometry, name: name ?? `${zone.name} (2)` },
          ),
        }))
        // the same checks as PATCH /zones/{id} and an upload, on each part
        const upload = await readZoneUpload(
          { kind: 'json', text: JSON.stringify({ type: 'FeatureCollection', features }) },
          {},
        )
        const partPaths = (problems: { path: string; message: string; reason: string }[]) =>
          problems.map((p) => ({ ...p, path: p.path.replace(/^\/features\//, '/parts/') }))
        if (upload.problems.length > 0 || upload.features.length !== 2)
          throw unprocessable('the zone was not split', partPaths(upload.problems))
        const staged = await stageZones(tx, {
          countyCode: plan.division_code,
          features: upload.features,
          repair: false,
        })
        if (staged.problems.length > 0)
          throw unprocessable(
            `the zone was not split: part ${staged.problems[0]?.index}: ${staged.problems[0]?.message}`,
            partPaths(staged.problems),
          )
        await updateZoneFromStage(tx, id, 0)
        const created = await insertZoneFromStage(tx, {
          planId: zone.plan_id,
          countyCode: plan.division_code,
          index: 1,
          source: 'drawn',
        })
        if (!created) throw unprocessable('the zone was not split: its second part was not accepted')
        return {
          zones: [await findPlanZone(tx, zone.plan_id, id), await findPlanZone(tx, zone.plan_id, created)],
          warnings: [...upload.warnings, ...staged.warnings].map((w) => w.message),
        }
      })
    },
  )
}

export default zoneSplitRoutes
