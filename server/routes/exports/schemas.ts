import { Type, type Static } from 'typebox'

export const EXPORT_FORMATS = ['zip', 'geojson', 'shp', 'xlsx'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const ExportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(EXPORT_FORMATS, {
        description:
          'zip (default): the whole filing package; geojson: zones.geojson (WGS84); ' +
          'shp: the zipped Shapefile set (CGCS2000); xlsx: register.xlsx (巡查区域登记表)',
      }),
    ),
  },
  { additionalProperties: false },
)
export type ExportQuery = Static<typeof ExportQuery>

export const MEDIA_TYPE: Record<ExportFormat, string> = {
  zip: 'application/zip',
  geojson: 'application/geo+json',
  shp: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

const binary = { schema: { type: 'string', format: 'binary' } }

export const exportResponses = {
  200: {
    description:
      'The file, as an attachment named `<county>_<plan name>_<effective_from>.<ext>` ' +
      "(Content-Disposition with an RFC 5987 `filename*=UTF-8''…` and an ASCII `filename`).",
    content: {
      [MEDIA_TYPE.zip]: binary,
      [MEDIA_TYPE.geojson]: binary,
      [MEDIA_TYPE.xlsx]: binary,
    },
  },
}
