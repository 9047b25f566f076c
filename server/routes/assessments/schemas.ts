import { Type } from 'typebox'
import { REPORT_KINDS } from '../../domain/assessment/report-schedule.js'
import { VETO_GROUNDS } from '../../domain/assessment/veto.js'
import { ASSESSMENT_ITEM_KEYS } from '../../domain/rules/rule-set.js'
import { DivisionCode } from '../common-schemas.js'

const Year = Type.Integer({ minimum: 2000, maximum: 2100 })

export const AssessmentParams = Type.Object(
  { division: DivisionCode, year: Year },
  { additionalProperties: false },
)

export const AssessmentQuery = Type.Object(
  {
    assume: Type.Optional(
      Type.String({
        maxLength: 300,
        description:
          'what-if clauses, comma separated: gap-patrols:N/week, stop-rate:P%, filing-rate:P%, closure-rate:P%, ' +
          'reports-sent:all|N, report-forms:all|N, ledger-fixed:all|N',
        example: 'gap-patrols:2/week,reports-sent:all',
      }),
    ),
  },
  { additionalProperties: false },
)

export const AssessmentListQuery = Type.Object(
  {
    parent: DivisionCode,
    year: Year,
    format: Type.Optional(Type.Enum(['json', 'xlsx'])),
  },
  { additionalProperties: false },
)

const Reason = Type.String({ minLength: 1, maxLength: 500 })
const EvidenceIds = Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 }))

export const ManualBody = Type.Object(
  {
    assessor: Type.String({ minLength: 1, maxLength: 100 }),
    deductions: Type.Array(
      Type.Object(
        {
          item: Type.Enum([...ASSESSMENT_ITEM_KEYS]),
          points: Type.Number({ exclusiveMinimum: 0, maximum: 25 }),
          reason: Reason,
          evidence_ids: EvidenceIds,
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    bonus: Type.Optional(
      Type.Union([
        Type.Object({ points: Type.Number(), reason: Reason }, { additionalProperties: false }),
        Type.Null(),
      ]),
    ),
    veto_grounds: Type.Optional(
      Type.Array(
        Type.Object(
          { ground: Type.Enum([...VETO_GROUNDS]), reason: Reason, evidence_ids: EvidenceIds },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
  },
  {
    additionalProperties: false,
    example: {
      assessor: '市局执法监察支队 李四',
      deductions: [{ item: '二', points: 2, reason: '执法车辆不足' }],
      bonus: { points: 2, reason: '查处重大违法案件成效显著' },
    },
  },
)

export const ScheduleQuery = Type.Object(
  { division: Type.Optional(DivisionCode), year: Year },
  { additionalProperties: false },
)

export const ScheduleIdParams = Type.Object(
  { id: Type.String({ maxLength: 40, example: '510199-monthly-2026-03' }) },
  { additionalProperties: false },
)

export const SentBody = Type.Object(
  {
    sent_at: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
    recipient: Type.String({ minLength: 1, maxLength: 200, example: '成都市自然资源局' }),
    sent_by: Type.String({ minLength: 1, maxLength: 100, example: '张三' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, example: { recipient: '成都市自然资源局', sent_by: '张三' } },
)

export const ScheduledReportOut = Type.Object({
  id: Type.String(),
  division_code: Type.String(),
  kind: Type.Enum([...REPORT_KINDS]),
  period: Type.String(),
  due_date: Type.String(),
  state: Type.Enum(['sent_on_time', 'sent_late', 'overdue', 'not_yet_due']),
  sent_at: Type.Union([Type.String(), Type.Null()]),
  recipient: Type.Union([Type.String(), Type.Null()]),
  sent_by: Type.Union([Type.String(), Type.Null()]),
})
