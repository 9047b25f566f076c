import { CONFORMANCE_CLASSES } from './schemas.js'

export const OAS30_MEDIA_TYPE = 'application/vnd.oai.openapi+json;version=3.0'

const jsonResponse = (description: string, mediaType = 'application/json') => ({
  description,
  content: { [mediaType]: { schema: { type: 'object' } } },
})
const problem = { description: 'problem+json (RFC 9457)' }
const formatParam = {
  name: 'f',
  in: 'query',
  required: false,
  schema: { type: 'string', enum: ['json', 'geojson'] },
}
const collectionIdParam = {
  name: 'collectionId',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: ['zones'] },
}

/**
 * The OpenAPI 3.0 description of this OGC API (`service-desc`; conformance class oas30). Written
 * out by hand because the application's own document at /docs is OpenAPI 3.1 and covers /api/v1.
 * Clients (GDAL among them) read the `limit` parameter's maximum from here.
 */
export function buildOgcOpenApi(rootUrl: string, maxLimit: number, defaultLimit: number) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'LandPatrol OGC API – Features',
      version: '1.0.0',
      description: '巡查区域 (patrol zones in force) for GIS clients such as QGIS and GDAL. Read-only.',
    },
    servers: [{ url: rootUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    'x-conformsTo': CONFORMANCE_CLASSES,
    paths: {
      '/': {
        get: {
          summary: 'landing page',
          parameters: [formatParam],
          responses: { 200: jsonResponse('links') },
        },
      },
      '/conformance': {
        get: {
          summary: 'conformance classes',
          parameters: [formatParam],
          responses: { 200: jsonResponse('conformsTo') },
        },
      },
      '/collections': {
        get: {
          summary: 'the collections',
          parameters: [formatParam],
          responses: { 200: jsonResponse('collections') },
        },
      },
      '/collections/{collectionId}': {
        get: {
          summary: 'one collection',
          parameters: [collectionIdParam, formatParam],
          responses: { 200: jsonResponse('collection'), 404: problem },
        },
      },
      '/collections/{collectionId}/items': {
        get: {
          summary: 'features of a collection',
          parameters: [
            collectionIdParam,
            formatParam,
            {
              name: 'limit',
              in: 'query',
              required: false,
              style: 'form',
              explode: false,
              schema: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit },
            },
            {
              name: 'offset',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 0, default: 0 },
            },
            {
              name: 'bbox',
              in: 'query',
              required: false,
              style: 'form',
              explode: false,
              schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
            },
            {
              name: 'datetime',
              in: 'query',
              required: false,
              style: 'form',
              explode: false,
              schema: { type: 'string' },
            },
          ],
          responses: {
            200: jsonResponse('a FeatureCollection', 'application/geo+json'),
            400: problem,
            404: problem,
          },
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          summary: 'one feature',
          parameters: [
            collectionIdParam,
            { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } },
            formatParam,
          ],
          responses: { 200: jsonResponse('a Feature', 'application/geo+json'), 404: problem },
        },
      },
    },
  }
}
