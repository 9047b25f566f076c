import { Type, type Static, type TSchema } from 'typebox'
import { DivisionCode, Uuid } from '../common-schemas.js'
import { PatrolKindSchema } from '../patrols/schemas.js'

/** What OsmAnd / Traccar Client send as the device id (digits by default; any identifier set by hand). */
export const DEVICE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$'
export const DeviceId = Type.String({ pattern: DEVICE_ID_PATTERN, example: '358240051111110' })
export const DeviceIdParams = Type.Object({ id: DeviceId }, { additionalProperties: false })

const Iso = Type.String({ format: 'date-time' })
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

export const PostDeviceBody = Type.Object(
  {
    device_id: DeviceId,
    unit_id: Uuid,
    staff: Type.Array(Uuid, { minItems: 1, maxItems: 50, uniqueItems: true }),
    kind: Type.Optional(PatrolKindSchema),
    crs: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          'what the app reports in: EPSG:4326 (default), EPSG:4490, GCJ-02 (apps on AMap/Tencent SDKs), BD-09',
      }),
    ),
    active: Type.Optional(Type.Boolean({ default: true })),
    label: Type.Optional(Type.String({ maxLength: 200 })),
  },
  {
    additionalProperties: false,
    example: {
      device_id: '358240051111110',
      unit_id: '00000000-0000-4000-8000-000000000000',
      staff: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
      kind: 'routine',
      crs: 'gcj02',
      label: '城关所 巡查手机 1',
    },
  },
)
export type PostDeviceBody = Static<typeof PostDeviceBody>

export const Device = Type.Object({
  device_id: Type.String(),
  division_code: Type.String({ description: 'the county of the unit: its patrols are filed there' }),
  unit_id: Uuid,
  staff: Type.Array(Uuid),
  kind: Type.String(),
  crs: Type.String(),
  active: Type.Boolean(),
  label: Nullable(Type.String()),
  last_closed_at: Nullable(Iso),
  last_close_outcome: Nullable(Type.String()),
  last_close_detail: Nullable(Type.String()),
  last_patrol_id: Nullable(Uuid),
  created_at: Iso,
  updated_at: Iso,
})

export const ListDevicesQuery = Type.Object(
  { division: Type.Optional(DivisionCode), unit_id: Type.Optional(Uuid) },
  { additionalProperties: false },
)
export type ListDevicesQuery = Static<typeof ListDevicesQuery>

export const ClosedPatrol = Nullable(
  Type.Object({
    outcome: Type.String({ description: "'patrol' (stored) or 'refused' (the fixes could not make one)" }),
    fixes: Type.Integer(),
    external_id: Type.String(),
    patrol_id: Nullable(Uuid),
    detail: Nullable(Type.String()),
  }),
)

export const DeviceWriteResult = Type.Object({
  device: Device,
  /** the open patrol closed first because the registration changed, if there was one */
  closed_patrol: ClosedPatrol,
})

export const DeleteDeviceResult = Type.Object({
  device_id: Type.String(),
  closed_patrol: ClosedPatrol,
})

export const LiveState = Type.Object({
  device_id: Type.String(),
  active: Type.Boolean(),
  open: Type.Boolean({ description: 'fixes are waiting to become a patrol' }),
  fixes: Type.Integer(),
  first_fix_at: Nullable(Iso),
  last_fix_at: Nullable(Iso),
  last_received_at: Nullable(Iso),
  closes_at: Nullable(
    Type.String({ format: 'date-time', description: 'when the sweeper closes it if nothing more arrives' }),
  ),
  external_id: Nullable(Type.String({ description: 'the patrol it will become' })),
  refused_fixes: Type.Integer({
    description: 'fixes kept aside because a close could not make a patrol of them (with the reason)',
  }),
  last_closed_at: Nullable(Iso),
  last_close_outcome: Nullable(Type.String()),
  last_close_detail: Nullable(Type.String()),
  last_patrol_id: Nullable(Uuid),
})
