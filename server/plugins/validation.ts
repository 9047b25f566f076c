import { Ajv, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'

// ajv-formats is CommonJS: at run time the default import is the plugin function itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

const common: Options = {
  allErrors: true,
  // never strip: a mistyped key must be an error, not a silently different result
  removeAdditional: false,
  useDefaults: true,
  strict: false,
}

/**
 * Bodies are validated as sent (a number where a string is expected is an error, not coerced);
 * query strings and path parameters arrive as text, so there scalars are coerced.
 */
async function validation(app: FastifyInstance) {
  const bodyAjv = new Ajv({ ...common, coerceTypes: false })
  const textAjv = new Ajv({ ...common, coerceTypes: 'array' })
  addFormats(bodyAjv)
  addFormats(textAjv)
  for (const ajv of [bodyAjv, textAjv]) {
    ajv.addKeyword({ keyword: 'example' })
  }
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv
    return ajv.compile(schema as object)
  })
}

export default fp(validation, { name: 'validation' })
