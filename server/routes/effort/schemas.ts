import { Type, type Static } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'

export const EFFORT_GROUPINGS = ['zone', 'unit', 'person'] as const

export const EffortQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    from: Type.Optional(
      Type.String({ format: 'date', description: 'first Beijing day (default: first of this month)' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date', description: 'last Beijing day, inclusive (default: today)' }),
    ),
    by: Type.Optional(Type.Enum([...EFFORT_GROUPINGS], { default: 'unit' })),
  },
  { additionalProperties: false },
)
export type EffortQuery = Static<typeof EffortQuery>

const Figures = {
  patrols: Type.Integer({
    description: 'distinct patrols (a team posting one patrol is one, not one per person)',
  }),
  km: Type.Number({ description: 'track length, km (by zone: the part inside the zone)' }),
  hours: Type.Number({ description: 'time moving along the cleaned segments, h (by zone: time inside)' }),
  person_hours: Type.Number({ description: 'hours × staff of each patrol' }),
}

export const EffortItem = Type.Object({
  id: Uuid,
  name: Type.String(),
  /** by zone: the zone's tier; by person: the person's unit */
  tier: Type.Optional(Type.Integer()),
  unit_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
  ...Figures,
})

export const EffortResponse = Type.Object({
  division: Type.String(),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  by: Type.Enum([...EFFORT_GROUPINGS]),
  items: Type.Array(EffortItem),
  total: Type.Object(Figures),
})
export type EffortResponse = Static<typeof EffortResponse>
