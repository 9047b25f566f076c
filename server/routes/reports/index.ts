import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Static } from 'typebox'
import {
  parseReportPeriod,
  periodLabelContaining,
  type ReportKind,
} from '../../domain/reports/report-period.js'
import { addCalendarDays, startOfCalendarDay, toCalendarDate } from '../../domain/rules/calendar-date.js'
import { badRequest, notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { attachmentDisposition } from '../exports/content-disposition.js'
import { defaultSpan } from '../patrols/span.js'
import { listEventsOf } from '../violations/queries.js'
import { ListTipsQuery } from '../violations/schemas.js'
import { listTips } from '../violations/tip-queries.js'

/** The row limit of listTips (tip-queries.ts). */
const TIPS_LIST_LIMIT = 5000
import { writeLedgerXlsx, writeTipsXlsx } from './ledger-xlsx.js'
import { findDivision, LEDGER_MAX_ROWS, listFindingsOfPatrols, listLedgerPatrols } from './queries.js'
import { gatherReport } from './report-data.js'
import { writeReportDocx } from './report-docx.js'
import { writeReportXlsx } from './report-xlsx.js'
import {
  LedgerQuery,
  MEDIA_TYPE,
  ReportKindParams,
  ReportKindQuery,
  ReportParams,
  ReportQuery,
  reportResponses,
  ReportSchema,
  xlsxResponses,
  type ReportFormat,
} from './schemas.js'

/** ?format= wins; otherwise the first of the Accept header's types we make; otherwise JSON. */
function chooseFormat(request: FastifyRequest, format: ReportFormat | undefined): ReportFormat {
  if (format) return format
  const accept = request.headers.accept ?? ''
  if (accept.includes(MEDIA_TYPE.xlsx)) return 'xlsx'
  if (accept.includes(MEDIA_TYPE.docx)) return 'docx'
  return 'json'
}

function sendFile(reply: FastifyReply, format: 'xlsx' | 'docx', name: string, ascii: string, bytes: Buffer) {
  return reply
    .code(200)
    .type(MEDIA_TYPE[format])
    .header('content-disposition', attachmentDisposition(`${name}.${format}`, `${ascii}.${format}`))
    .header('cache-control', 'private, no-store')
    .send(bytes)
}

async function answerReport(
  request: FastifyRequest,
  reply: FastifyReply,
  q: {
    division: string
    kind: ReportKind
    period: string
    format: ReportFormat | undefined
    periodPath: string
  },
) {
  const parsed = parseReportPeriod(q.kind, q.period)
  if (!parsed.ok)
    throw badRequest(`period "${q.period}" is not a ${q.kind} period`, [
      { path: q.periodPath, message: parsed.reason },
    ])
  const today = toCalendarDate(new Date())
  if (parsed.period.from > today)
    throw unprocessable(`period ${q.period} has not begun`, [
      { path: q.periodPath, message: `begins on ${parsed.period.from}, after today (${today})` },
    ])
  const format = chooseFormat(request, q.format)
  const report = await request.db.transaction((tx) => gatherReport(tx, q.division, parsed.period))
  if (format === 'json') {
    // sent as text: the schema documents the answer and the compiler holds the two together
    const body: Static<typeof ReportSchema> = report
    return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(body))
  }
  const bytes = format === 'xlsx' ? await writeReportXlsx(report) : await writeReportDocx(report)
  const d = report.figures.division
  return sendFile(
    reply,
    format,
    `${d.name}动态巡查工作${report.kind_zh}_${q.period}`,
    `report_${d.code}_${q.kind}_${q.period}`,
    bytes,
  )
}

/**
 * The periodic reports of 第二十条 (monthly, quarterly, annual with 《动态巡查工作统计报表》) as JSON,
 * XLSX or DOCX; the ledger 台帐 and the tips register 登记簿 as XLSX.
 */
const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/:division/:kind/:period',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['reports'],
        summary: 'A periodic report of 第二十条 with 《动态巡查工作统计报表》: JSON, XLSX or DOCX',
        description:
          'Monthly (station/county), quarterly (city: the total and each county) or annual. Patrols, km, ' +
          'person-times, zones compliant by tier, key-area coverage rate (as GET /coverage), violations found, ' +
          'stopped, reported, filed, closed and the rates (as GET /stats), illegally occupied cultivated land ' +
          "and its ratio, tips received and checked, information officers' reports. Figures as of the end of " +
          'the period (or now, if earlier).',
        params: ReportParams,
        querystring: ReportQuery,
        produces: [MEDIA_TYPE.json, MEDIA_TYPE.xlsx, MEDIA_TYPE.docx],
        response: { ...reportResponses, ...problemResponses },
      },
    },
    async (request, reply) =>
      answerReport(request, reply, {
        ...request.params,
        format: request.query.format,
        periodPath: '/params/period',
      }),
  )

  app.get(
    '/reports/:kind',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['reports'],
        summary: 'The same report, addressed as in the API table: ?division=&period=&format=',
        params: ReportKindParams,
        querystring: ReportKindQuery,
        produces: [MEDIA_TYPE.json, MEDIA_TYPE.xlsx, MEDIA_TYPE.docx],
        response: { ...reportResponses, ...problemResponses },
      },
    },
    async (request, reply) =>
      answerReport(request, reply, {
        division: request.query.division ?? request.principal.divisionCode,
        kind: request.params.kind,
        period:
          request.query.period ?? periodLabelContaining(request.params.kind, toCalendarDate(new Date())),
        format: request.query.format,
        periodPath: '/querystring/period',
      }),
  )

  app.get(
    '/patrols/ledger.xlsx',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['patrols'],
        summary:
          'The ledger 台帐 as XLSX: patrols started in [from, to] with staff, time, route length, zones visited, findings and measures',
        querystring: LedgerQuery,
        produces: [MEDIA_TYPE.xlsx],
        response: { ...xlsxResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const span = defaultSpan(request.query.from, request.query.to)
      const divisionCode = request.query.division ?? request.principal.divisionCode
      const data = await request.db.transaction(async (tx) => {
        const division = await findDivision(tx, divisionCode)
        if (!division) throw notFound(`division ${divisionCode} not found in your jurisdiction`)
        const patrols = await listLedgerPatrols(tx, division.code, {
          start: startOfCalendarDay(span.from).toISOString(),
          end: startOfCalendarDay(addCalendarDays(span.to, 1)).toISOString(),
        })
        if (patrols.length > LEDGER_MAX_ROWS)
          throw badRequest(`more than ${LEDGER_MAX_ROWS} patrols in the span; export a shorter one`, [
            { path: '/querystring/to', message: 'span holds too many patrols for one file' },
          ])
        const findings = await listFindingsOfPatrols(
          tx,
          patrols.map((p) => p.id),
        )
        const events = await listEventsOf(
          tx,
          findings.map((f) => f.id),
        )
        return { division, patrols, findings, events }
      })
      const bytes = await writeLedgerXlsx({
        divisionName: data.division.name,
        divisionCode: data.division.code,
        from: span.from,
        to: span.to,
        patrols: data.patrols,
        findings: data.findings,
        events: data.events,
        generatedAt: new Date(),
      })
      return sendFile(
        reply,
        'xlsx',
        `${data.division.name}动态巡查台帐_${span.from}_${span.to}`,
        `ledger_${data.division.code}_${span.from}_${span.to}`,
        bytes,
      )
    },
  )

  app.get(
    '/tips/register.xlsx',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['tips'],
        summary: 'The tips register 登记簿 as XLSX, with the same filters as GET /tips, oldest first',
        querystring: ListTipsQuery,
        produces: [MEDIA_TYPE.xlsx],
        response: { ...xlsxResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const q = request.query
      const divisionCode = q.division ?? request.principal.divisionCode
      const data = await request.db.transaction(async (tx) => {
        const division = await findDivision(tx, divisionCode)
        if (!division) throw notFound(`division ${divisionCode} not found in your jurisdiction`)
        const tips = await listTips(tx, {
          status: q.status,
          overdue: q.overdue,
          division: division.code,
          from: q.from ? startOfCalendarDay(q.from).toISOString() : undefined,
          to: q.to ? startOfCalendarDay(addCalendarDays(q.to, 1)).toISOString() : undefined,
        })
        // listTips answers at most TIPS_LIST_LIMIT rows: a register must be whole or not at all
        if (tips.length >= TIPS_LIST_LIMIT)
          throw badRequest(`${TIPS_LIST_LIMIT} tips or more match; export a shorter span`, [
            { path: '/querystring/from', message: 'narrow the span with from and to' },
          ])
        return { division, tips: tips.reverse() }
      })
      const bytes = await writeTipsXlsx({
        divisionName: data.division.name,
        divisionCode: data.division.code,
        tips: data.tips,
        generatedAt: new Date(),
      })
      return sendFile(reply, 'xlsx', `${data.division.name}举报登记簿`, `tips_${data.division.code}`, bytes)
    },
  )
}

export default reportRoutes
