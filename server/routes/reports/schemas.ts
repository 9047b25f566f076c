import { Type, type Static, type TSchema } from 'typebox'
import { REPORT_KINDS } from '../../domain/reports/report-period.js'
import { DivisionCode } from '../common-schemas.js'

export const REPORT_FORMATS = ['json', 'xlsx', 'docx'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export const MEDIA_TYPE: Record<ReportFormat, string> = {
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

const Format = Type.Enum(REPORT_FORMATS, {
  description:
    'json (default), xlsx (《动态巡查工作统计报表》) or docx (the report with the table); without it, the Accept header decides',
})

const Period = Type.String({
  minLength: 1,
  maxLength: 20,
  description: 'monthly: YYYY-MM; quarterly: YYYY-Qn; annual: YYYY',
  example: '2026-10',
})

export const ReportParams = Type.Object(
  {
    division: DivisionCode,
    kind: Type.Enum(REPORT_KINDS, { description: 'monthly, quarterly or annual' }),
    period: Period,
  },
  { additionalProperties: false },
)
export type ReportParams = Static<typeof ReportParams>

export const ReportQuery = Type.Object({ format: Type.Optional(Format) }, { additionalProperties: false })
export type ReportQuery = Static<typeof ReportQuery>

/** The form of design.md's API table: GET /reports/{kind}?division=&period=&format= */
export const ReportKindParams = Type.Object(
  { kind: Type.Enum(REPORT_KINDS, { description: 'monthly, quarterly or annual' }) },
  { additionalProperties: false },
)
export const ReportKindQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    period: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        description: 'monthly: YYYY-MM; quarterly: YYYY-Qn; annual: YYYY (default: the current one)',
      }),
    ),
    format: Type.Optional(Format),
  },
  { additionalProperties: false },
)
export type ReportKindQuery = Static<typeof ReportKindQuery>

export const LedgerQuery = Type.Object(
  {
    division: Type.Optional(DivisionCode),
    from: Type.Optional(
      Type.String({ format: 'date', description: 'first Beijing day (default: first of this month)' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date', description: 'last Beijing day, inclusive (default: today)' }),
    ),
  },
  { additionalProperties: false },
)
export type LedgerQuery = Static<typeof LedgerQuery>

const binary = { schema: { type: 'string', format: 'binary' } }

export const xlsxResponses = {
  200: { description: 'The workbook, as an attachment', content: { [MEDIA_TYPE.xlsx]: binary } },
}

// ---------------------------------------------------------------------------------------------------
// The JSON report, field by field (the XLSX and DOCX carry the same figures)

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Count = Type.Integer({ minimum: 0 })
const Closed = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) })

const Rate = Closed({ numerator: Type.Number(), denominator: Type.Number(), rate: Nullable(Type.Number()) })

const Tier = Closed({
  zones: Count,
  zone_periods: Count,
  closed: Count,
  compliant: Count,
  compliance_rate: Nullable(Type.Number()),
})

export const ReportFiguresSchema = Closed({
  division: Closed({ code: Type.String(), name: Type.String(), level: Type.String() }),
  patrols: Closed(
    {
      count: Count,
      counted_for_frequency: Count,
      not_counted: Count,
      routine: Count,
      supervision: Count,
      special: Count,
      length_km: Type.Number(),
      person_times: Count,
      person_hours: Type.Number(),
      zones_visited: Count,
    },
    'patrols that started in the period; person_times (人次): staff on each, summed',
  ),
  zones: Closed(
    {
      key_area_coverage_rate: Nullable(Type.Number()),
      key_area_standard: Type.Number(),
      by_tier: Closed({ '1': Tier, '2': Tier, '3': Tier }),
      supervision_compliance_rate: Nullable(Type.Number()),
    },
    'as GET /coverage for the period',
  ),
  violations: Closed(
    {
      found: Count,
      major: Count,
      stopped: Count,
      reported: Count,
      filed: Count,
      closed: Count,
      by_category: Type.Array(Closed({ category: Type.Integer(), label: Type.String(), count: Count })),
      area_mu: Type.Number(),
      cultivated_mu: Type.Number(),
      basic_farmland_mu: Type.Number(),
      stop_rate: Rate,
      report_forms_on_time: Rate,
      filing_rate: Rate,
      closure_rate: Rate,
    },
    'violations found in the period; rates as GET /stats',
  ),
  cultivated_land: Closed({
    illegal_mu: Type.Number(),
    taken_by_construction_mu: Type.Number(),
    ratio: Nullable(Type.Number()),
    veto_ratio: Type.Number(),
    reaches_veto: Nullable(Type.Boolean()),
    missing_taken: Type.Array(Closed({ division_code: Type.String(), year: Type.Integer() })),
  }),
  tips: Closed({
    received: Count,
    checked: Count,
    found_violation: Count,
    unfounded: Count,
    open: Count,
    checked_on_time: Count,
    by_channel: Closed({ hotline_12336: Count, info_officer: Count, letter: Count, visit: Count }),
  }),
  info_reports: Closed({
    villages_with_officer: Count,
    expected: Count,
    reports: Count,
    zero_reports: Count,
    missing: Count,
  }),
})

export const ReportSchema = Closed({
  title: Type.String(),
  kind: Type.Enum(REPORT_KINDS),
  kind_zh: Type.String(),
  period: Closed({ label: Type.String(), label_zh: Type.String(), from: Type.String(), to: Type.String() }),
  as_of: Type.String({ format: 'date-time' }),
  generated_at: Type.String({ format: 'date-time' }),
  level_zh: Type.String(),
  figures: ReportFiguresSchema,
  parts: Type.Array(ReportFiguresSchema, {
    description: "a city's counties (a province's cities), each with the same figures",
  }),
  definitions: Type.Record(Type.String(), Type.String()),
})

export const reportResponses = {
  200: {
    description: 'The report as JSON, or the file as an attachment',
    content: {
      [MEDIA_TYPE.json]: { schema: ReportSchema },
      [MEDIA_TYPE.xlsx]: binary,
      [MEDIA_TYPE.docx]: binary,
    },
  },
}
