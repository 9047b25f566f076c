import { Type, type Static } from 'typebox'
import { MAX_TILE_ZOOM } from '../../tiles/tile-grid.js'
import { DivisionCode } from '../common-schemas.js'

/** z/x/y of the XYZ grid; x and y are checked against 2^z in the handler (a 400 with the reason). */
export const TileParams = Type.Object(
  {
    z: Type.Integer({ minimum: 0, maximum: MAX_TILE_ZOOM, example: 14 }),
    x: Type.Integer({ minimum: 0, maximum: 2 ** MAX_TILE_ZOOM - 1, example: 13116 }),
    y: Type.Integer({ minimum: 0, maximum: 2 ** MAX_TILE_ZOOM - 1, example: 6904 }),
  },
  { additionalProperties: false },
)
export type TileParams = Static<typeof TileParams>

export const ZoneTileQuery = Type.Object(
  {
    at: Type.Optional(
      Type.String({
        format: 'date',
        description: 'zones in force on this day (Beijing calendar); default today',
        example: '2026-05-01',
      }),
    ),
    plan_id: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'show this plan as drawn (a draft, say) instead of the zones in force; not with `at`',
      }),
    ),
  },
  { additionalProperties: false },
)
export type ZoneTileQuery = Static<typeof ZoneTileQuery>

export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile'

/** The tile's own responses (problem+json for the 4xx comes from `problemResponses`). */
export const tileResponses = {
  200: {
    description: `an MVT 2.1 tile, layer \`zones\` (features: id, tier, category, name, area_mu, unit_id)`,
    content: { [MVT_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } },
  },
  204: { description: 'no zone in this tile (an empty body; renderers draw nothing)', type: 'null' },
  304: { description: 'the tile has not changed since the ETag sent in If-None-Match', type: 'null' },
}

export const ViolationTileQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date', description: 'found on or after (Beijing date)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'found on or before (Beijing date)' })),
    category: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
    per: Type.Optional(
      Type.Enum(['100km'], {
        description:
          'add to each point its H3 cell, the violations found there (cell_count), the km patrolled there (patrol_km) and violations per 100 km patrolled (per_100km; left out where no patrol went)',
      }),
    ),
    resolution: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 10,
        default: 8,
        description: 'H3 resolution of the cells for per=100km',
      }),
    ),
  },
  { additionalProperties: false },
)

/** The patrol coverage layers (`gaps`, `coverage`): a span of Beijing days and a division. */
export const CoverageTileQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date', description: 'first Beijing day (default: first of this month)' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date', description: 'last Beijing day, inclusive (default: today)' }),
    ),
    division: Type.Optional(DivisionCode),
  },
  { additionalProperties: false },
)
export type CoverageTileQuery = Static<typeof CoverageTileQuery>
