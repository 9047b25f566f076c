import { Type, type Static } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'

export const CreatePlanBody = Type.Object(
  {
    division_code: DivisionCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    effective_from: Type.String({ format: 'date' }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  {
    additionalProperties: false,
    example: { division_code: '510199', name: '2027 年度巡查区域划定方案', effective_from: '2027-01-01' },
  },
)
export type CreatePlanBody = Static<typeof CreatePlanBody>

export const Plan = Type.Object({
  id: Uuid,
  division_code: Type.String(),
  name: Type.String(),
  status: Type.String(),
  effective_from: Type.String(),
  effective_to: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  submitted_at: Type.Union([Type.String(), Type.Null()]),
  filed_at: Type.Union([Type.String(), Type.Null()]),
  filed_by_division: Type.Union([Type.String(), Type.Null()]),
  zone_count: Type.Integer(),
  area_m2: Type.Number(),
  area_mu: Type.Number(),
  by_tier: Type.Record(Type.String(), Type.Object({ zones: Type.Integer(), area_mu: Type.Number() })),
})

export const ListPlansQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    status: Type.Optional(Type.Enum(['draft', 'submitted', 'filed', 'superseded'])),
  },
  { additionalProperties: false },
)

export const ImportQuery = Type.Object(
  {
    crs: Type.Optional(
      Type.String({ maxLength: 200, description: 'EPSG:4326, EPSG:4490, EPSG:4513–4554, GCJ-02, BD-09' }),
    ),
    partial: Type.Optional(Type.Boolean({ default: false })),
    repair: Type.Optional(Type.Boolean({ default: false })),
    category: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'category for features that carry none (a layer of one category, e.g. basic_farmland)',
      }),
    ),
    tier_reason: Type.Optional(Type.String({ maxLength: 500 })),
    encoding: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'DBF attribute encoding when the zip has no .cpg, e.g. GBK',
      }),
    ),
  },
  { additionalProperties: false },
)
export type ImportQuery = Static<typeof ImportQuery>

export const RoadsQuery = Type.Object(
  {
    crs: Type.Optional(Type.String({ maxLength: 200 })),
    main_m: Type.Optional(
      Type.Number({ minimum: 1, maximum: 5000, description: 'main road buffer each side, m (default 200)' }),
    ),
    rural_m: Type.Optional(
      Type.Number({ minimum: 1, maximum: 5000, description: 'rural road buffer each side, m (default 50)' }),
    ),
  },
  { additionalProperties: false },
)

export const RoadsBody = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(Type.Unknown(), { minItems: 1 }),
    crs: Type.Optional(Type.Unknown()),
    name: Type.Optional(Type.String()),
    bbox: Type.Optional(Type.Array(Type.Number())),
  },
  {
    additionalProperties: false,
    example: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { road_class: 'main', name: 'G108' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [104.0, 29.95],
              [104.0, 30.05],
            ],
          },
        },
      ],
    },
  },
)

export const AssignBody = Type.Object(
  {
    township_code: Type.String({ pattern: '^[0-9]{9}$' }),
    unit_id: Type.Optional(Uuid),
    main_person_id: Type.Optional(Uuid),
    direct_person_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
    only_missing: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false, example: { township_code: '510199001', only_missing: true } },
)
export type AssignBody = Static<typeof AssignBody>

export const CheckQuery = Type.Object(
  {
    sliver_m2: Type.Optional(Type.Number({ minimum: 0, default: 100 })),
    hole_m2: Type.Optional(Type.Number({ minimum: 0, default: 10000 })),
    overlap_m2: Type.Optional(Type.Number({ minimum: 0, default: 1 })),
  },
  { additionalProperties: false },
)

export const ReturnBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false, example: { reason: '基本农田范围与年度变更调查不一致' } },
)

export const PlanZoneParams = Type.Object({ id: Uuid, zoneId: Uuid }, { additionalProperties: false })

export const PatchZoneBody = Type.Object(
  {
    category: Type.Optional(Type.String()),
    tier: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    tier_reason: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    unit_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
    main_person_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
    direct_person_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
    geometry: Type.Optional(Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) })),
  },
  { additionalProperties: false, example: { name: '城关镇基本农田 01' } },
)
