import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError } from 'fastify'
import { Type } from 'typebox'
import { conflict, notFound, ProblemError, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { findAttachmentContent, insertAttachment } from './attachment-queries.js'
import {
  ATTACHMENT_MEDIA_TYPES,
  ATTACHMENT_REASON_CONTENT_MISMATCH,
  ATTACHMENT_REASON_EMPTY,
  ATTACHMENT_REASON_TOO_LARGE,
  ATTACHMENT_REASON_TYPE_REFUSED,
  defaultKindOf,
  isAttachmentMediaType,
  MAX_ATTACHMENT_BYTES,
  mediaTypeOf,
  sniffMediaType,
} from './attachment-types.js'
import { checkNotFuture, throwIfAny } from './common.js'
import { findViolation } from './queries.js'
import { AttachmentOut, AttachmentParams, AttachmentQuery, ViolationIdParams } from './schemas.js'
import { CASE_WRITERS } from './violations.js'

const TERMINAL = new Set(['closed', 'escalated', 'transferred'])

/**
 * Photos and documents of a case, sent as the raw request body with its Content-Type. This plugin
 * has its own body parser (any type → bytes, at most 10 MB), kept inside its encapsulation context
 * so the JSON routes elsewhere are untouched.
 */
const attachmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES }, (_req, body, done) =>
    done(null, body),
  )
  // Fastify refuses an oversized body before the handler runs; say which limit, then let the
  // application's error handler render everything else.
  app.setErrorHandler((err: FastifyError) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      throw new ProblemError(
        413,
        'Content Too Large',
        `an attachment is at most ${MAX_ATTACHMENT_BYTES} bytes (10 MB)`,
        [
          {
            path: '/body',
            message: `larger than ${MAX_ATTACHMENT_BYTES} bytes`,
            reason: ATTACHMENT_REASON_TOO_LARGE,
          },
        ],
      )
    throw err
  })

  app.post(
    '/violations/:id/attachments',
    {
      config: { access: { roles: CASE_WRITERS } },
      bodyLimit: MAX_ATTACHMENT_BYTES,
      schema: {
        tags: ['violations'],
        summary: 'Attach a photo (image/jpeg, image/png) or document (application/pdf), at most 10 MB',
        description:
          'The raw file is the request body, its type the Content-Type header; the first bytes must match ' +
          'that type. The SHA-256 of the bytes, the device time (query device_time) and the server time are ' +
          'stored with it. A case that is closed, escalated or transferred takes no more attachments.',
        params: ViolationIdParams,
        querystring: AttachmentQuery,
        response: { 201: AttachmentOut, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const declared = mediaTypeOf(request.headers['content-type'])
      const bytes = Buffer.isBuffer(request.body) ? request.body : undefined
      const principal = request.principal
      const attachment = await request.db.transaction(async (tx) => {
        const row = await findViolation(tx, id, { forUpdate: true })
        if (!row) throw notFound(`violation ${id} not found`)
        if (TERMINAL.has(row.status))
          throw conflict(`the case is ${row.status}: its record is closed`, [], { case_status: row.status })
        if (!isAttachmentMediaType(declared))
          throw new ProblemError(
            415,
            'Unsupported Media Type',
            `attachments are ${ATTACHMENT_MEDIA_TYPES.join(', ')}; got "${declared || 'no Content-Type'}"`,
            [
              {
                path: '/headers/content-type',
                message: 'refused media type',
                reason: ATTACHMENT_REASON_TYPE_REFUSED,
              },
            ],
          )
        if (!bytes || bytes.length === 0)
          throw unprocessable('the attachment is empty', [
            { path: '/body', message: 'no bytes', reason: ATTACHMENT_REASON_EMPTY },
          ])
        if (bytes.length > MAX_ATTACHMENT_BYTES)
          throw new ProblemError(
            413,
            'Content Too Large',
            `an attachment is at most ${MAX_ATTACHMENT_BYTES} bytes`,
            [
              {
                path: '/body',
                message: `larger than ${MAX_ATTACHMENT_BYTES} bytes`,
                reason: ATTACHMENT_REASON_TOO_LARGE,
              },
            ],
          )
        const sniffed = sniffMediaType(bytes)
        if (sniffed !== declared)
          throw unprocessable(`the content is not ${declared}`, [
            {
              path: '/body',
              message: `declared ${declared}, but the bytes are ${sniffed ?? 'none of the accepted types'}`,
              reason: ATTACHMENT_REASON_CONTENT_MISMATCH,
            },
          ])
        const errors: { path: string; message: string }[] = []
        if (request.query.device_time)
          checkNotFuture(request.query.device_time, '/querystring/device_time', new Date(), errors)
        throwIfAny(errors)
        return insertAttachment(tx, {
          violation_id: id,
          division_code: row.division_code,
          kind: request.query.kind ?? defaultKindOf(sniffed),
          media_type: sniffed,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          file_name: request.query.file_name ?? null,
          device_time: request.query.device_time ?? null,
          uploaded_by: principal.tokenId,
          bytes,
        })
      })
      return reply.code(201).send(attachment)
    },
  )

  app.get(
    '/violations/:id/attachments/:aid',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['violations'],
        summary: 'The bytes of one attachment, with its media type and SHA-256 (header x-content-sha256)',
        params: AttachmentParams,
        response: {
          200: Type.Unknown({ description: 'the stored bytes, with their media type' }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { id, aid } = request.params
      const found = await request.db.transaction((tx) => findAttachmentContent(tx, id, aid))
      if (!found) throw notFound(`attachment ${aid} of violation ${id} not found`)
      const name =
        found.file_name ??
        `${aid}.${found.media_type === 'application/pdf' ? 'pdf' : found.media_type.slice(6)}`
      return reply
        .header('content-type', found.media_type)
        .header('x-content-sha256', found.sha256)
        .header('etag', `"${found.sha256}"`)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(found.bytes)
    },
  )
}

export default attachmentRoutes
