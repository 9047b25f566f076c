import { Type, type Static } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'

export const CreateUnitBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('station'), Type.Literal('team')]),
    division_code: DivisionCode,
  },
  {
    additionalProperties: false,
    example: { name: '城关国土资源所', kind: 'station', division_code: '510199' },
  },
)
export type CreateUnitBody = Static<typeof CreateUnitBody>

export const Unit = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  division_code: Type.String(),
  people_count: Type.Integer(),
})

export const ListUnitsQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    kind: Type.Optional(Type.Union([Type.Literal('station'), Type.Literal('team')])),
  },
  { additionalProperties: false },
)
