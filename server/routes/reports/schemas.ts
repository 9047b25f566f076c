import { Type, type Static } from 'typebox'
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

export const reportResponses = {
  200: {
    description: 'The report as JSON, or the file as an attachment',
    content: {
      [MEDIA_TYPE.json]: { schema: { type: 'object' } },
      [MEDIA_TYPE.xlsx]: binary,
      [MEDIA_TYPE.docx]: binary,
    },
  },
}

export const xlsxResponses = {
  200: { description: 'The workbook, as an attachment', content: { [MEDIA_TYPE.xlsx]: binary } },
}
