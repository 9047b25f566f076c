import { Type, type Static } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'

export const RoleSchema = Type.Enum(['admin', 'planner', 'supervisor', 'patroller', 'device', 'viewer'])

export const CreateTokenBody = Type.Object(
  {
    role: RoleSchema,
    division_code: DivisionCode,
    label: Type.String({ minLength: 1, maxLength: 100 }),
    person_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false, example: { role: 'device', division_code: '510199', label: 'GPS 终端 01' } },
)
export type CreateTokenBody = Static<typeof CreateTokenBody>

export const TokenInfo = Type.Object({
  id: Uuid,
  role: Type.String(),
  division_code: Type.String(),
  label: Type.String(),
  person_id: Type.Union([Uuid, Type.Null()]),
  created_at: Type.String(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
})

export const CreatedToken = Type.Object({
  ...TokenInfo.properties,
  secret: Type.String({ description: 'shown once; only its hash is stored' }),
})
