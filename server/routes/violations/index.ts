import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import attachmentRoutes from './attachments.js'
import calendarRoutes from './calendar.js'
import hotspotRoutes from './hotspots.js'
import infoReportRoutes from './info-reports.js'
import reportFormRoutes from './report-form.js'
import statsRoutes from './stats.js'
import tipRoutes from './tips.js'
import violationCoreRoutes from './violations.js'

/**
 * Violations from discovery to closure (issue 5): the cases and their workflow, attachments, the
 * report form, the tips register, information officers' reports, the working-day calendar overrides,
 * the enforcement rates and violation hotspots. Each part is its own plugin; attachments keep their raw-body parser
 * inside their own encapsulation context.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(violationCoreRoutes)
  await app.register(attachmentRoutes)
  await app.register(reportFormRoutes)
  await app.register(tipRoutes)
  await app.register(infoReportRoutes)
  await app.register(calendarRoutes)
  await app.register(statsRoutes)
  await app.register(hotspotRoutes)
}

export default routes
