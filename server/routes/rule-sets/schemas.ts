import { Type } from 'typebox'
import { DivisionCode } from '../common-schemas.js'

export const RuleSetParams = Type.Object({ division: DivisionCode }, { additionalProperties: false })

export const RuleSetQuery = Type.Object(
  {
    date: Type.Optional(
      Type.String({
        format: 'date',
        description: 'the day the rules are read for (default: today, Beijing)',
      }),
    ),
  },
  { additionalProperties: false },
)

export const PutRuleSetBody = Type.Object(
  {
    effective_from: Type.String({ format: 'date', example: '2027-01-01' }),
    // checked leaf by leaf against the rule-set specification (unknown keys are errors), so the
    // schema only insists on an object here
    override: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'a partial rule set (same shape as `rules`); a province may set any value, a city or county may only tighten the rules it works under',
      example: { patrol: { frequency: { tier1: { visits: 3 } } }, assessment: { veto_ratio: 0.1 } },
    }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  {
    additionalProperties: false,
    example: {
      effective_from: '2027-01-01',
      override: { assessment: { veto_ratio: 0.1 } },
      note: '县局从严',
    },
  },
)

const RuleSetEntry = Type.Object({
  id: Type.String(),
  division_code: Type.String(),
  effective_from: Type.String(),
  override: Type.Unknown(),
  note: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
})

export const RuleSetOut = Type.Object({
  division: Type.String(),
  date: Type.String(),
  rules: Type.Unknown({ description: 'the full rule set in force that day' }),
  levels: Type.Array(RuleSetEntry, { description: 'the override of each level applied, top-down' }),
  superseded: Type.Array(Type.Unknown(), {
    description: 'settings of a lower level left out because a level above is now stricter',
  }),
  history: Type.Array(RuleSetEntry, { description: 'every override this division wrote, oldest first' }),
})
