import type { Queryable } from '../../db/port.js'
import { iso, isoRequired } from './common.js'

interface AttachmentRow {
  id: string
  violation_id: string
  kind: string
  media_type: string
  size_bytes: number
  sha256: string
  file_name: string | null
  device_time: Date | null
  server_time: Date
}

const ATTACHMENT_COLUMNS = `id, violation_id, kind, media_type, size_bytes, sha256, file_name, device_time, server_time`

function present(r: AttachmentRow) {
  return {
    id: r.id,
    violation_id: r.violation_id,
    kind: r.kind,
    media_type: r.media_type,
    size_bytes: r.size_bytes,
    sha256: r.sha256,
    file_name: r.file_name,
    device_time: iso(r.device_time),
    server_time: isoRequired(r.server_time),
  }
}

export async function listAttachments(db: Queryable, violationId: string) {
  const res = await db.query<AttachmentRow>(
    `SELECT ${ATTACHMENT_COLUMNS} FROM violation_attachments WHERE violation_id = $1::uuid ORDER BY server_time, id`,
    [violationId],
  )
  return res.rows.map(present)
}

export interface InsertAttachment {
  violation_id: string
  division_code: string
  kind: string
  media_type: string
  sha256: string
  file_name: string | null
  device_time: string | null
  uploaded_by: string
  bytes: Buffer
}

export async function insertAttachment(db: Queryable, a: InsertAttachment) {
  const res = await db.query<AttachmentRow>(
    `INSERT INTO violation_attachments (violation_id, division_code, kind, media_type, size_bytes, sha256,
       file_name, device_time, uploaded_by, bytes)
     VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::integer, $6::text, $7::text, $8::timestamptz, $9::uuid,
             $10::bytea)
     RETURNING ${ATTACHMENT_COLUMNS}`,
    [
      a.violation_id,
      a.division_code,
      a.kind,
      a.media_type,
      a.bytes.length,
      a.sha256,
      a.file_name,
      a.device_time,
      a.uploaded_by,
      a.bytes,
    ],
  )
  return present(res.rows[0] as AttachmentRow)
}

export async function findAttachmentContent(
  db: Queryable,
  violationId: string,
  attachmentId: string,
): Promise<{ media_type: string; sha256: string; file_name: string | null; bytes: Buffer } | undefined> {
  const res = await db.query<{
    media_type: string
    sha256: string
    file_name: string | null
    bytes: Uint8Array
  }>(
    `SELECT media_type, sha256, file_name, bytes FROM violation_attachments
      WHERE violation_id = $1::uuid AND id = $2::uuid`,
    [violationId, attachmentId],
  )
  const row = res.rows[0]
  if (!row) return undefined
  // pg returns a Buffer, PGlite a Uint8Array
  return { ...row, bytes: Buffer.from(row.bytes) }
}
