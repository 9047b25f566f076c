import type { Queryable } from '../../db/port.js'
import type { PatrolKind } from '../../domain/coverage/patrol-kinds.js'

export interface DeviceRow {
  device_id: string
  division_code: string
  unit_id: string
  staff: string[]
  kind: PatrolKind
  crs: string
  active: boolean
  label: string | null
  last_closed_at: string | null
  last_close_outcome: 'patrol' | 'refused' | null
  last_close_detail: string | null
  last_patrol_id: string | null
  created_at: string
  updated_at: string
}

const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`

const DEVICE_COLUMNS = `device_id, division_code, unit_id, staff, kind, crs, active, label,
  ${iso('last_closed_at')}, last_close_outcome, last_close_detail, last_patrol_id,
  ${iso('created_at')}, ${iso('updated_at')}`

export interface DeviceInput {
  deviceId: string
  divisionCode: string
  unitId: string
  staff: readonly string[]
  kind: PatrolKind
  crs: string
  active: boolean
  label: string | null
}

/** Any device by id, whatever its county: only for /osmand's look-up (the device id is its credential). */
export async function findDeviceForFix(system: Queryable, deviceId: string): Promise<DeviceRow | undefined> {
  const res = await system.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM live_devices WHERE device_id = $1::text`,
    [deviceId],
  )
  return res.rows[0]
}

/** The device in the caller's jurisdiction, locked until the transaction ends (fixes and closes queue). */
export async function lockDevice(tx: Queryable, deviceId: string): Promise<DeviceRow | undefined> {
  const res = await tx.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM live_devices WHERE device_id = $1::text FOR UPDATE`,
    [deviceId],
  )
  return res.rows[0]
}

export async function findDevice(db: Queryable, deviceId: string): Promise<DeviceRow | undefined> {
  const res = await db.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM live_devices WHERE device_id = $1::text`,
    [deviceId],
  )
  return res.rows[0]
}

export async function listDevices(
  db: Queryable,
  f: { division?: string | undefined; unitId?: string | undefined },
): Promise<DeviceRow[]> {
  const res = await db.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM live_devices
      WHERE ($1::text IS NULL OR starts_with(division_code, lp_scope_prefix($1::text)))
        AND ($2::uuid IS NULL OR unit_id = $2::uuid)
      ORDER BY division_code, device_id`,
    [f.division ?? null, f.unitId ?? null],
  )
  return res.rows
}

export async function insertDevice(tx: Queryable, d: DeviceInput): Promise<DeviceRow> {
  const res = await tx.query<DeviceRow>(
    `INSERT INTO live_devices (device_id, division_code, unit_id, staff, kind, crs, active, label)
     VALUES ($1::text, $2::text, $3::uuid, $4::uuid[], $5::text, $6::text, $7::boolean, $8::text)
     RETURNING ${DEVICE_COLUMNS}`,
    [d.deviceId, d.divisionCode, d.unitId, d.staff, d.kind, d.crs, d.active, d.label],
  )
  return res.rows[0] as DeviceRow
}

export async function updateDevice(tx: Queryable, d: DeviceInput): Promise<DeviceRow> {
  const res = await tx.query<DeviceRow>(
    `UPDATE live_devices
        SET division_code = $2::text, unit_id = $3::uuid, staff = $4::uuid[], kind = $5::text,
            crs = $6::text, active = $7::boolean, label = $8::text, updated_at = now()
      WHERE device_id = $1::text
      RETURNING ${DEVICE_COLUMNS}`,
    [d.deviceId, d.divisionCode, d.unitId, d.staff, d.kind, d.crs, d.active, d.label],
  )
  return res.rows[0] as DeviceRow
}

export async function deleteDevice(tx: Queryable, deviceId: string): Promise<void> {
  await tx.query(`DELETE FROM live_devices WHERE device_id = $1::text`, [deviceId])
}

export interface FixInput {
  fixedAt: number
  receivedAt: number
  lon: number
  lat: number
  accuracy: number | null
  altitude: number | null
  speed: number | null
  bearing: number | null
  battery: number | null
}

export async function insertFix(tx: Queryable, device: DeviceRow, f: FixInput): Promise<void> {
  await tx.query(
    `INSERT INTO live_fixes (device_id, division_code, fixed_at, received_at, lon, lat, accuracy, altitude,
                             speed, bearing, battery)
     VALUES ($1::text, $2::text, to_timestamp($3::double precision / 1000), to_timestamp($4::double precision / 1000),
             $5::double precision, $6::double precision, $7::real, $8::real, $9::real, $10::real, $11::real)`,
    [
      device.device_id,
      device.division_code,
      f.fixedAt,
      f.receivedAt,
      f.lon,
      f.lat,
      f.accuracy,
      f.altitude,
      f.speed,
      f.bearing,
      f.battery,
    ],
  )
}

export interface BufferedFix {
  id: string
  /** epoch ms */
  t: number
  lon: number
  lat: number
  accuracy: number | null
  altitude: number | null
}

/** The device's open patrol, in arrival order. */
export async function readBufferedFixes(tx: Queryable, deviceId: string): Promise<BufferedFix[]> {
  const res = await tx.query<BufferedFix>(
    `SELECT id::text AS id, (extract(epoch FROM fixed_at) * 1000)::double precision AS t, lon, lat,
            accuracy::double precision AS accuracy, altitude::double precision AS altitude
       FROM live_fixes WHERE device_id = $1::text AND refused_at IS NULL ORDER BY live_fixes.id`,
    [deviceId],
  )
  return res.rows.map((r) => ({ ...r, t: Number(r.t) }))
}

export interface BufferStats {
  fixes: number
  /** epoch ms; null when the buffer is empty */
  first_fix: number | null
  last_fix: number | null
  last_received: number | null
}

export async function readBufferStats(db: Queryable, deviceId: string): Promise<BufferStats> {
  const res = await db.query<BufferStats>(
    `SELECT count(*)::integer AS fixes,
            (extract(epoch FROM min(fixed_at)) * 1000)::double precision AS first_fix,
            (extract(epoch FROM max(fixed_at)) * 1000)::double precision AS last_fix,
            (extract(epoch FROM max(received_at)) * 1000)::double precision AS last_received
       FROM live_fixes WHERE device_id = $1::text AND refused_at IS NULL`,
    [deviceId],
  )
  const row = res.rows[0] as BufferStats
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return {
    fixes: row.fixes,
    first_fix: num(row.first_fix),
    last_fix: num(row.last_fix),
    last_received: num(row.last_received),
  }
}

/** Clears the fixes a close has stored as a patrol (never ones that arrived after it read the buffer). */
export async function deleteBufferedFixes(tx: Queryable, deviceId: string, upToId: string): Promise<void> {
  await tx.query(
    `DELETE FROM live_fixes WHERE device_id = $1::text AND id <= $2::bigint AND refused_at IS NULL`,
    [deviceId, upToId],
  )
}

/** Keeps the fixes a close could not make a patrol of, with the reason, out of the open patrol. */
export async function refuseBufferedFixes(
  tx: Queryable,
  deviceId: string,
  upToId: string,
  at: number,
  reason: string,
): Promise<void> {
  await tx.query(
    `UPDATE live_fixes SET refused_at = to_timestamp($3::double precision / 1000), refused_reason = $4::text
      WHERE device_id = $1::text AND id <= $2::bigint AND refused_at IS NULL`,
    [deviceId, upToId, at, reason],
  )
}

/** How many fixes of the device were refused (kept with their reason). */
export async function countRefusedFixes(db: Queryable, deviceId: string): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM live_fixes WHERE device_id = $1::text AND refused_at IS NOT NULL`,
    [deviceId],
  )
  return res.rows[0]?.n ?? 0
}

export async function recordClose(
  tx: Queryable,
  deviceId: string,
  c: { at: number; outcome: 'patrol' | 'refused'; detail: string; patrolId: string | null },
): Promise<void> {
  await tx.query(
    `UPDATE live_devices
        SET last_closed_at = to_timestamp($2::double precision / 1000), last_close_outcome = $3::text,
            last_close_detail = $4::text, last_patrol_id = coalesce($5::uuid, last_patrol_id)
      WHERE device_id = $1::text`,
    [deviceId, c.at, c.outcome, c.detail, c.patrolId],
  )
}

/** Devices whose open patrol has received nothing since `idleBefore` (epoch ms): background job, unscoped. */
export async function findIdleDevices(
  system: Queryable,
  idleBefore: number,
): Promise<{ device_id: string; division_code: string }[]> {
  const res = await system.query<{ device_id: string; division_code: string }>(
    `SELECT device_id, min(division_code) AS division_code
       FROM live_fixes
      WHERE refused_at IS NULL
      GROUP BY device_id
     HAVING max(received_at) <= to_timestamp($1::double precision / 1000)
      ORDER BY device_id`,
    [idleBefore],
  )
  return res.rows
}
