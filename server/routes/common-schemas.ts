import { Type } from 'typebox'
import { DIVISION_CODE_PATTERN } from '../domain/divisions/division-code.js'

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Array(
      Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: true }),
    ),
  },
  { additionalProperties: true, $id: 'Problem' },
)

/** The 4xx answers every authenticated route can give. */
export const problemResponses = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  413: ProblemSchema,
  415: ProblemSchema,
  422: ProblemSchema,
}

export const Uuid = Type.String({ format: 'uuid' })
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false })

export const DivisionCode = Type.String({ pattern: DIVISION_CODE_PATTERN, example: '510199' })

/** A GeoJSON (Multi)Polygon; its coordinates are checked after the schema, with reasons. */
export const PolygonalGeometry = Type.Object(
  {
    type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
    coordinates: Type.Array(Type.Unknown()),
  },
  { additionalProperties: true },
)

export const GeoJsonGeometryOut = Type.Object(
  { type: Type.String(), coordinates: Type.Array(Type.Unknown()) },
  { additionalProperties: true },
)
