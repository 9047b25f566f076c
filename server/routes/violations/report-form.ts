import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { gatherReportForm, REPORT_FORM_TITLE } from './report-form-data.js'
import { renderReportFormDocx } from './report-form-docx.js'
import { renderReportFormHtml } from './report-form-html.js'
import { ReportFormQuery, ViolationIdParams } from './schemas.js'

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

const reportFormRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/violations/:id/report-form',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['violations'],
        summary: '《动态巡查违法行为报告表》 as printable HTML (one A4 page) or DOCX',
        description:
          'Case facts, location with coordinates, areas, measures taken, timeline, responsible persons of the ' +
          'zones in force at the location, the report due date and whether the report was on time.',
        params: ViolationIdParams,
        querystring: ReportFormQuery,
        response: {
          200: Type.Unknown({ description: 'text/html (one A4 page) or the DOCX document' }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const data = await request.db.transaction((tx) => gatherReportForm(tx, request.params.id))
      const name = `${REPORT_FORM_TITLE}-${data.case_no}`
      if (request.query.format === 'docx') {
        const bytes = await renderReportFormDocx(data)
        return reply
          .header('content-type', DOCX_TYPE)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.docx`)}`)
          .send(bytes)
      }
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(`${name}.html`)}`)
        .send(renderReportFormHtml(data))
    },
  )
}

export default reportFormRoutes
