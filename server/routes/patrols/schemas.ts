import { Type, type Static } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'
import { PATROL_KINDS } from '../../domain/coverage/patrol-kinds.js'

export const PatrolKindSchema = Type.Enum(PATROL_KINDS)

/** POST /patrols with a JSON body: metadata and the track (GeoJSON) together. */
export const PostPatrolBody = Type.Object(
  {
    external_id: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'idempotency key, unique per county',
    }),
    unit_id: Uuid,
    staff: Type.Array(Uuid, { minItems: 1, maxItems: 50, uniqueItems: true }),
    kind: PatrolKindSchema,
    crs: Type.Optional(
      Type.String({ maxLength: 100, description: 'EPSG:4326 (default), EPSG:4490, GCJ-02, BD-09' }),
    ),
    track: Type.Unknown({
      description:
        'GeoJSON Feature with a LineString/MultiLineString and properties.coordTimes, or a FeatureCollection of Point features with properties.time',
    }),
  },
  {
    additionalProperties: false,
    example: {
      external_id: 'dev-17/2026-05-04T08:00',
      unit_id: '00000000-0000-4000-8000-000000000000',
      staff: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
      kind: 'routine',
      track: {
        type: 'Feature',
        geometry: {
          type: 'LineString',
          coordinates: [
            [104.0, 30.0],
            [104.001, 30.0],
          ],
        },
        properties: { coordTimes: ['2026-05-04T00:00:00Z', '2026-05-04T00:00:30Z'] },
      },
    },
  },
)
export type PostPatrolBody = Static<typeof PostPatrolBody>

/** Metadata in the query string, for GPX, CSV and bare GeoJSON bodies. */
export const PostPatrolQuery = Type.Object(
  {
    external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    unit_id: Type.Optional(Uuid),
    staff: Type.Optional(Type.String({ maxLength: 2000, description: 'people ids, comma-separated' })),
    kind: Type.Optional(PatrolKindSchema),
    crs: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
)
export type PostPatrolQuery = Static<typeof PostPatrolQuery>

const Iso = Type.String({ format: 'date-time' })

export const PatrolVisit = Type.Object({
  zone_id: Uuid,
  zone_name: Type.String(),
  tier: Type.Integer(),
  visit_date: Type.String({ format: 'date' }),
  entered_at: Iso,
  left_at: Iso,
  covered_share: Type.Number({
    description: 'share of the zone inside this patrol’s 50 m sight swath that day',
  }),
  clipped_length_m: Type.Number(),
  dwell_s: Type.Number(),
  counted: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
})

export const PatrolSummary = Type.Object({
  id: Uuid,
  external_id: Type.String(),
  points_received: Type.Integer(),
  points_kept: Type.Integer(),
  dropped: Type.Object({
    outliers: Type.Integer(),
    duplicates: Type.Integer(),
    inaccurate: Type.Integer(),
    invalid: Type.Integer(),
    isolated: Type.Integer(),
  }),
  reordered: Type.Integer(),
  segments: Type.Integer(),
  length_m: Type.Number(),
  duration_s: Type.Number(),
  started_at: Iso,
  ended_at: Iso,
  visits: Type.Array(PatrolVisit),
  counts_for_frequency: Type.Boolean(),
  flags: Type.Array(Type.String()),
  warnings: Type.Array(Type.String()),
})
export type PatrolSummary = Static<typeof PatrolSummary>

export const PatrolListItem = Type.Object({
  id: Uuid,
  external_id: Type.String(),
  division_code: Type.String(),
  unit_id: Uuid,
  unit_name: Type.String(),
  kind: Type.String(),
  staff: Type.Array(Uuid),
  staff_count: Type.Integer(),
  started_at: Iso,
  ended_at: Iso,
  points_received: Type.Integer(),
  points_kept: Type.Integer(),
  length_m: Type.Number(),
  duration_s: Type.Number(),
  person_hours: Type.Number(),
  visits: Type.Integer({ description: 'zones visited (visit rule met), counted or not' }),
  counted_visits: Type.Integer(),
  counts_for_frequency: Type.Boolean(),
  flags: Type.Array(Type.String()),
})

export const DateRangeQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    from: Type.Optional(
      Type.String({ format: 'date', description: 'first Beijing day (default: first of this month)' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date', description: 'last Beijing day, inclusive (default: today)' }),
    ),
  },
  { additionalProperties: false },
)
export type DateRangeQuery = Static<typeof DateRangeQuery>

export const ListPatrolsQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
    unit_id: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
)
export type ListPatrolsQuery = Static<typeof ListPatrolsQuery>
