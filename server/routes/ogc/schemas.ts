import { Type, type Static } from 'typebox'

/**
 * Schemas of the OGC API – Features (Part 1: Core) documents this service returns, and of the query
 * parameters it accepts. Unknown parameters are refused (400), as the standard requires
 * (/req/core/query-param-unknown).
 */

export const DEFAULT_ITEMS_LIMIT = 100
export const MAX_ITEMS_LIMIT = 10_000

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'

export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
]

/** `f=json` (and `f=geojson` for features) is what this service speaks; no HTML. */
const Format = Type.Optional(
  Type.Union([Type.Literal('json'), Type.Literal('geojson')], { description: 'response format' }),
)

export const FormatQuery = Type.Object({ f: Format }, { additionalProperties: false })

export const ItemsQuery = Type.Object(
  {
    f: Format,
    bbox: Type.Optional(
      Type.String({
        description: 'minx,miny,maxx,maxy in CRS84 (lon/lat); minx > maxx crosses the antimeridian',
        example: '103.9,29.9,104.1,30.1',
      }),
    ),
    // Above the maximum the page is cut to it, as the standard permits (/per/core/limit-response);
    // numberReturned and the next link tell the client.
    limit: Type.Integer({
      minimum: 1,
      default: DEFAULT_ITEMS_LIMIT,
      description: `features per page, at most ${MAX_ITEMS_LIMIT}`,
    }),
    offset: Type.Integer({ minimum: 0, default: 0, description: 'features to skip (the next link sets it)' }),
    datetime: Type.Optional(
      Type.String({
        description:
          'zones in force on this day (a date, or a date-time read in Beijing time); default today',
        example: '2026-05-01',
      }),
    ),
  },
  { additionalProperties: false },
)
export type ItemsQuery = Static<typeof ItemsQuery>

export const CollectionParams = Type.Object({ collectionId: Type.String() }, { additionalProperties: false })
export const ItemParams = Type.Object(
  { collectionId: Type.String(), featureId: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
)

export const Link = Type.Object({
  href: Type.String(),
  rel: Type.String(),
  type: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
})
export type Link = Static<typeof Link>

export const LandingPage = Type.Object({
  title: Type.String(),
  description: Type.String(),
  links: Type.Array(Link),
})

export const Conformance = Type.Object({ conformsTo: Type.Array(Type.String()) })

export const Collection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  links: Type.Array(Link),
  extent: Type.Optional(
    Type.Object({
      spatial: Type.Object({ bbox: Type.Array(Type.Array(Type.Number())), crs: Type.String() }),
    }),
  ),
  itemType: Type.String(),
  crs: Type.Array(Type.String()),
  storageCrs: Type.String(),
})
export type Collection = Static<typeof Collection>

export const Collections = Type.Object({ links: Type.Array(Link), collections: Type.Array(Collection) })

export const ZoneFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Unknown(),
  properties: Type.Object({
    tier: Type.Integer(),
    category: Type.String(),
    name: Type.String(),
    township_code: Type.Union([Type.String(), Type.Null()]),
    unit_id: Type.Union([Type.String(), Type.Null()]),
    area_m2: Type.Number(),
    area_mu: Type.Number(),
    area_ha: Type.Number(),
    plan_id: Type.String(),
  }),
  links: Type.Optional(Type.Array(Link)),
})
export type ZoneFeature = Static<typeof ZoneFeature>

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(ZoneFeature),
  numberMatched: Type.Integer(),
  numberReturned: Type.Integer(),
  timeStamp: Type.String(),
  links: Type.Array(Link),
})
