import { Type, type Static } from 'typebox'
import { DivisionCode, GeoJsonGeometryOut, PolygonalGeometry } from '../common-schemas.js'

export const DivisionLevelSchema = Type.Enum(['province', 'city', 'county', 'township', 'village'])

export const CreateDivisionBody = Type.Object(
  {
    code: DivisionCode,
    name: Type.String({ minLength: 1, maxLength: 100, example: '城关镇' }),
    level: DivisionLevelSchema,
    parent_code: DivisionCode,
    boundary: Type.Optional(Type.Union([PolygonalGeometry, Type.Null()])),
  },
  {
    additionalProperties: false,
    example: { code: '510199001', name: '城关镇', level: 'township', parent_code: '510199', boundary: null },
  },
)
export type CreateDivisionBody = Static<typeof CreateDivisionBody>

export const Division = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  parent_code: Type.Union([Type.String(), Type.Null()]),
  area_m2: Type.Union([Type.Number(), Type.Null()]),
  boundary: Type.Optional(Type.Union([GeoJsonGeometryOut, Type.Null()])),
})

export const DivisionParams = Type.Object({ code: DivisionCode }, { additionalProperties: false })

export const ListDivisionsQuery = Type.Object(
  {
    parent: Type.Optional(DivisionCode),
    level: Type.Optional(DivisionLevelSchema),
    boundary: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
)
