import { Type, type Static, type TSchema } from 'typebox'
import { CLOSING_KINDS, VIOLATION_EVENT_TYPES, VIOLATION_STATUSES } from '../../domain/violations/workflow.js'
import { DivisionCode, GeoJsonGeometryOut, PolygonalGeometry, Uuid } from '../common-schemas.js'
import { TIP_CHANNELS, TIP_STATUSES, VIOLATION_SOURCES } from './labels.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const DateTime = Type.String({ format: 'date-time', example: '2026-09-30T10:20:00+08:00' })
export const CalendarDay = Type.String({ format: 'date', example: '2026-10-09' })
export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', example: '2026-10' })
const Mu = Type.Number({ minimum: 0, maximum: 1e9 })

export const PointGeometry = Type.Object(
  {
    type: Type.Literal('Point'),
    coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 3 }),
  },
  { additionalProperties: false },
)

// ---------------------------------------------------------------------------------------------
// Violations

export const CreateViolationBody = Type.Object(
  {
    division_code: Type.Optional(DivisionCode),
    township_code: Type.Optional(DivisionCode),
    category: Type.Integer({ minimum: 1, maximum: 8, description: 'the eight categories of 篇一 二(二)' }),
    source: Type.Enum(VIOLATION_SOURCES),
    found_at: DateTime,
    location: PointGeometry,
    extent: Type.Optional(PolygonalGeometry),
    place: Type.Optional(Type.String({ maxLength: 200 })),
    area_mu: Type.Optional(Mu),
    cultivated_mu: Type.Optional(Mu),
    basic_farmland_mu: Type.Optional(Mu),
    party: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    patrol_id: Type.Optional(Uuid),
    tip_id: Type.Optional(Uuid),
    unit_id: Type.Optional(Uuid),
    major: Type.Optional(Type.Boolean({ description: 'major typical violation (第二十一条)' })),
    needs_stopping: Type.Optional(Type.Boolean()),
    report_required: Type.Optional(
      Type.Boolean({ description: 'liability must be pursued, so the report form is owed (第十八条第三款)' }),
    ),
  },
  {
    additionalProperties: false,
    example: {
      division_code: '510199',
      category: 3,
      source: 'patrol',
      found_at: '2026-09-30T10:20:00+08:00',
      location: { type: 'Point', coordinates: [104.0, 30.0] },
      place: '城关镇新华村三组',
      area_mu: 1.2,
      cultivated_mu: 1.2,
      basic_farmland_mu: 0,
      party: '王某',
      description: '在承包耕地上开挖地基，准备建房',
    },
  },
)
export type CreateViolationBody = Static<typeof CreateViolationBody>

export const ViolationEventBody = Type.Object(
  {
    type: Type.Enum(VIOLATION_EVENT_TYPES),
    at: DateTime,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    closing_kind: Type.Optional(Type.Enum(CLOSING_KINDS)),
  },
  {
    additionalProperties: false,
    example: { type: 'stop', at: '2026-09-30T11:00:00+08:00', note: '现场送达停工通知书' },
  },
)
export type ViolationEventBody = Static<typeof ViolationEventBody>

export const ListViolationsQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(VIOLATION_STATUSES)),
    overdue: Type.Optional(Type.Boolean()),
    division: Type.Optional(DivisionCode),
    from: Type.Optional(CalendarDay),
    to: Type.Optional(CalendarDay),
    category: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    major: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
)
export type ListViolationsQuery = Static<typeof ListViolationsQuery>

const ViolationEventOut = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  type: Type.String(),
  type_label: Type.String(),
  at: Type.String(),
  from_status: Type.String(),
  to_status: Type.String(),
  closing_kind: Nullable(Type.String()),
  note: Nullable(Type.String()),
  actor_token_id: Nullable(Type.String()),
  actor_person_id: Nullable(Type.String()),
  actor_label: Nullable(Type.String()),
  recorded_at: Type.String(),
})

const DayOut = Type.Object({
  date: Type.String(),
  working: Type.Boolean(),
  source: Type.String(),
  name: Type.Optional(Type.String()),
})

const WorkingDayDeadlineOut = Type.Object({
  start_date: Type.String(),
  due_date: Type.String(),
  due_at: Type.String(),
  counted: Type.Array(DayOut),
  calendar_complete: Type.Boolean(),
  warnings: Type.Array(Type.Unknown()),
  done_at: Nullable(Type.String()),
  on_time: Nullable(Type.Boolean()),
  overdue: Type.Boolean(),
  rule: Type.String(),
})

const ClosureDeadlineOut = Type.Object({
  filed_date: Type.String(),
  due_date: Type.String(),
  due_at: Type.String(),
  done_at: Nullable(Type.String()),
  on_time: Nullable(Type.Boolean()),
  overdue: Type.Boolean(),
  rule: Type.String(),
})

const AttachmentOut = Type.Object({
  id: Uuid,
  violation_id: Uuid,
  kind: Type.String(),
  media_type: Type.String(),
  size_bytes: Type.Integer(),
  sha256: Type.String(),
  file_name: Nullable(Type.String()),
  device_time: Nullable(Type.String()),
  server_time: Type.String(),
})
export { AttachmentOut }

const violationFields = {
  id: Uuid,
  division_code: Type.String(),
  township_code: Nullable(Type.String()),
  category: Type.Integer(),
  category_label: Type.String(),
  source: Type.String(),
  found_at: Type.String(),
  location: GeoJsonGeometryOut,
  extent: Nullable(GeoJsonGeometryOut),
  place: Nullable(Type.String()),
  area_mu: Nullable(Type.Number()),
  cultivated_mu: Nullable(Type.Number()),
  basic_farmland_mu: Nullable(Type.Number()),
  area_source: Type.String(),
  farmland_source: Type.String(),
  party: Nullable(Type.String()),
  description: Nullable(Type.String()),
  patrol_id: Nullable(Type.String()),
  tip_id: Nullable(Type.String()),
  unit_id: Nullable(Type.String()),
  major: Type.Boolean(),
  needs_stopping: Type.Boolean(),
  report_required: Type.Boolean(),
  status: Type.String(),
  status_label: Type.String(),
  allowed_events: Type.Array(Type.String()),
  last_event_at: Type.String(),
  report_due: Type.String(),
  report_due_date: Type.String(),
  major_report_due: Nullable(Type.String()),
  reported_at: Nullable(Type.String()),
  filed_at: Nullable(Type.String()),
  closure_due: Nullable(Type.String()),
  closed_at: Nullable(Type.String()),
  closing_kind: Nullable(Type.String()),
  overdue: Type.Boolean(),
  overdue_items: Type.Array(Type.String()),
  created_at: Type.String(),
}

export const Violation = Type.Object(violationFields)

export const ViolationDetail = Type.Object({
  ...violationFields,
  events: Type.Array(ViolationEventOut),
  deadlines: Type.Object({
    report: WorkingDayDeadlineOut,
    major_report: Nullable(WorkingDayDeadlineOut),
    closure: Nullable(ClosureDeadlineOut),
  }),
  attachments: Type.Array(AttachmentOut),
  warnings: Type.Array(Type.String()),
})

export const ViolationIdParams = Type.Object({ id: Uuid }, { additionalProperties: false })
export const AttachmentParams = Type.Object({ id: Uuid, aid: Uuid }, { additionalProperties: false })

export const AttachmentQuery = Type.Object(
  {
    device_time: Type.Optional(DateTime),
    kind: Type.Optional(Type.Union([Type.Literal('photo'), Type.Literal('document')])),
    file_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)

export const ReportFormQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('docx')], { default: 'html' })) },
  { additionalProperties: false },
)

// ---------------------------------------------------------------------------------------------
// Tips

export const CreateTipBody = Type.Object(
  {
    division_code: Type.Optional(DivisionCode),
    township_code: Type.Optional(DivisionCode),
    channel: Type.Enum(TIP_CHANNELS),
    received_at: DateTime,
    location: Type.Optional(PointGeometry),
    place: Type.Optional(Type.String({ maxLength: 200 })),
    content: Type.String({ minLength: 1, maxLength: 5000 }),
    reporter: Type.Optional(Type.String({ maxLength: 100 })),
    reporter_contact: Type.Optional(Type.String({ maxLength: 100 })),
    info_officer_id: Type.Optional(Uuid),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  {
    additionalProperties: false,
    example: {
      division_code: '510199',
      channel: 'hotline_12336',
      received_at: '2026-10-12T09:15:00+08:00',
      place: '城关镇新华村村委会东侧',
      content: '有人在耕地上堆土，疑似准备建房',
      reporter: '匿名',
    },
  },
)
export type CreateTipBody = Static<typeof CreateTipBody>

export const CheckTipBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('violation'), Type.Literal('unfounded')]),
    violation_id: Type.Optional(Uuid),
    at: Type.Optional(DateTime),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  {
    additionalProperties: false,
    example: {
      outcome: 'unfounded',
      at: '2026-10-13T15:00:00+08:00',
      note: '现场核查：系农户晾晒场，未发现违法用地',
    },
  },
)
export type CheckTipBody = Static<typeof CheckTipBody>

export const ListTipsQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(TIP_STATUSES)),
    overdue: Type.Optional(Type.Boolean()),
    division: Type.Optional(DivisionCode),
    from: Type.Optional(CalendarDay),
    to: Type.Optional(CalendarDay),
  },
  { additionalProperties: false },
)
export type ListTipsQuery = Static<typeof ListTipsQuery>

export const Tip = Type.Object({
  id: Uuid,
  division_code: Type.String(),
  township_code: Nullable(Type.String()),
  channel: Type.String(),
  received_at: Type.String(),
  location: Nullable(GeoJsonGeometryOut),
  place: Nullable(Type.String()),
  content: Type.String(),
  reporter: Nullable(Type.String()),
  reporter_contact: Nullable(Type.String()),
  info_officer_id: Nullable(Type.String()),
  status: Type.String(),
  violation_id: Nullable(Type.String()),
  check_due: Type.String(),
  check_due_date: Type.String(),
  closed_at: Nullable(Type.String()),
  checked_on_time: Nullable(Type.Boolean()),
  overdue: Type.Boolean(),
  note: Nullable(Type.String()),
  created_at: Type.String(),
})

// ---------------------------------------------------------------------------------------------
// Information officers and their monthly reports

export const AssignInfoOfficerBody = Type.Object(
  {
    person_id: Uuid,
    village_code: Type.String({ pattern: '^[0-9]{12}$' }),
    assigned_from: Type.Optional(CalendarDay),
  },
  {
    additionalProperties: false,
    example: {
      person_id: '00000000-0000-4000-8000-000000000000',
      village_code: '510199001001',
      assigned_from: '2026-01-01',
    },
  },
)
export type AssignInfoOfficerBody = Static<typeof AssignInfoOfficerBody>

export const InfoOfficerAssignment = Type.Object({
  id: Uuid,
  division_code: Type.String(),
  village_code: Type.String(),
  village_name: Type.String(),
  person_id: Uuid,
  person_name: Type.String(),
  assigned_from: Type.String(),
  assigned_to: Nullable(Type.String()),
})

export const CreateInfoReportBody = Type.Object(
  {
    village_code: Type.String({ pattern: '^[0-9]{12}$' }),
    month: Month,
    zero_report: Type.Boolean(),
    content: Type.Optional(Type.String({ maxLength: 5000 })),
    person_id: Type.Optional(Uuid),
    submitted_at: Type.Optional(DateTime),
  },
  {
    additionalProperties: false,
    example: { village_code: '510199001001', month: '2026-10', zero_report: true },
  },
)
export type CreateInfoReportBody = Static<typeof CreateInfoReportBody>

export const InfoReport = Type.Object({
  id: Uuid,
  division_code: Type.String(),
  village_code: Type.String(),
  person_id: Uuid,
  month: Type.String(),
  zero_report: Type.Boolean(),
  content: Nullable(Type.String()),
  submitted_at: Type.String(),
})

export const MonthQuery = Type.Object(
  { month: Month, division: Type.Optional(DivisionCode) },
  { additionalProperties: false },
)

export const ListInfoReportsQuery = Type.Object(
  { month: Type.Optional(Month), division: Type.Optional(DivisionCode) },
  { additionalProperties: false },
)

export const DivisionFilterQuery = Type.Object(
  { division: Type.Optional(DivisionCode) },
  { additionalProperties: false },
)

// ---------------------------------------------------------------------------------------------
// Cultivated land taken, calendar overrides, stats

export const CultivatedLandParams = Type.Object(
  { division: DivisionCode, year: Type.Integer({ minimum: 2000, maximum: 2100 }) },
  { additionalProperties: false },
)

export const CultivatedLandBody = Type.Object(
  { mu: Mu, note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false, example: { mu: 1250.5, note: '2026年度批准建设用地占用耕地' } },
)

export const CultivatedLandTaken = Type.Object({
  division_code: Type.String(),
  year: Type.Integer(),
  mu: Type.Number(),
  note: Nullable(Type.String()),
  updated_at: Type.String(),
})

export const ListCultivatedLandQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  },
  { additionalProperties: false },
)

export const CalendarOverrideBody = Type.Object(
  {
    date: CalendarDay,
    kind: Type.Union([Type.Literal('work'), Type.Literal('off')]),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  {
    additionalProperties: false,
    example: { date: '2027-10-09', kind: 'work', note: '2027年国庆节调休上班（国务院办公厅通知）' },
  },
)

export const CalendarOverride = Type.Object({
  date: Type.String(),
  kind: Type.String(),
  note: Type.String(),
  updated_at: Type.String(),
})

export const CalendarOverrideParams = Type.Object({ date: CalendarDay }, { additionalProperties: false })

export const ListCalendarOverridesQuery = Type.Object(
  { from: Type.Optional(CalendarDay), to: Type.Optional(CalendarDay) },
  { additionalProperties: false },
)

export const StatsQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    from: Type.Optional(CalendarDay),
    to: Type.Optional(CalendarDay),
    as_of: Type.Optional(DateTime),
  },
  { additionalProperties: false },
)
