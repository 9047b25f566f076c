import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ProblemError, problemFromPgError, type ProblemDetailItem } from '../errors.js'

interface AjvError {
  instancePath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

function jsonPointerOf(prefix: string, e: AjvError): string {
  let path = e.instancePath ?? ''
  if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string')
    path += `/${e.params.missingProperty}`
  if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string')
    path += `/${e.params.additionalProperty}`
  return `${prefix}${path}` || '/'
}

function messageOf(e: AjvError): string {
  if (e.keyword === 'additionalProperties') return `unknown field "${String(e.params?.additionalProperty)}"`
  if (e.keyword === 'required') return `is required`
  if (e.keyword === 'enum' && Array.isArray(e.params?.allowedValues))
    return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
  return e.message ?? 'is invalid'
}

export function sendProblem(reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      errors: problem.errors,
      ...problem.extra,
    })
}

/** The one error handler: 4xx pass their reason through, 5xx are logged and hidden. */
async function errorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ProblemError) return sendProblem(reply, err)

    if (err.validation) {
      const prefix = err.validationContext === 'body' ? '' : `/${err.validationContext ?? ''}`
      const errors: ProblemDetailItem[] = (err.validation as AjvError[]).map((e) => ({
        path: jsonPointerOf(err.validationContext === 'body' ? '' : `${prefix}`, e),
        message: messageOf(e),
      }))
      const where = err.validationContext ?? 'request'
      return sendProblem(
        reply,
        new ProblemError(
          400,
          'Bad Request',
          `the ${where} is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
          errors,
        ),
      )
    }

    const fromPg = problemFromPgError(err)
    if (fromPg) {
      if (fromPg.status >= 500) request.log.error({ err }, 'database error')
      return sendProblem(reply, fromPg)
    }

    const status = typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status >= 400 && status < 500) {
      const title =
        status === 413 ? 'Content Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request'
      return sendProblem(reply, new ProblemError(status, title, err.message))
    }

    request.log.error({ err }, 'unhandled error')
    return sendProblem(reply, new ProblemError(500, 'Internal Server Error', 'an unexpected error occurred'))
  })

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new ProblemError(404, 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  )
}

export default fp(errorHandler, { name: 'error-handler' })
