import { Type, type Static } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'

export const PERSON_ROLES = ['leader', 'patroller', 'supervisor', 'planner', 'info_officer'] as const

export const CreatePersonBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50 }),
    unit_id: Uuid,
    certificate_no: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    roles: Type.Optional(Type.Array(Type.Enum(PERSON_ROLES), { uniqueItems: true })),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+ -]{5,20}$' }), Type.Null()])),
  },
  {
    additionalProperties: false,
    example: {
      name: '张伟',
      unit_id: '00000000-0000-4000-8000-000000000000',
      certificate_no: '川国土执法 510199-0001',
      roles: ['patroller'],
    },
  },
)
export type CreatePersonBody = Static<typeof CreatePersonBody>

export const Person = Type.Object({
  id: Uuid,
  name: Type.String(),
  unit_id: Uuid,
  unit_name: Type.String(),
  division_code: Type.String(),
  certificate_no: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  phone: Type.Union([Type.String(), Type.Null()]),
})

export const ListPeopleQuery = Type.Object(
  { unit_id: Type.Optional(Uuid), division: Type.Optional(DivisionCode) },
  { additionalProperties: false },
)
