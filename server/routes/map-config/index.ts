import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { readBasemapSetting } from '../../config.js'

const MapConfig = Type.Object({
  basemap: Type.Union([
    Type.Object({ tiles: Type.Array(Type.String()), attribution: Type.String() }),
    Type.Null(),
  ]),
})

/** What the map page needs before sign-in: the optional online basemap (null = offline). */
const mapConfigRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // read once at boot: a bad setting stops the server with its reason
  const basemap = readBasemapSetting()
  app.get(
    '/map-config',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['map'],
        security: [],
        summary: 'Map page settings: the online raster basemap if LANDPATROL_BASEMAP_URL is set, else null',
        response: { 200: MapConfig },
      },
    },
    async () => ({ basemap }),
  )
}

export default mapConfigRoutes
