import { generateTokenSecret, hashTokenSecret, type Role } from '../../auth/tokens.js'
import type { Queryable } from '../../db/port.js'

export interface TokenRow {
  id: string
  role: string
  division_code: string
  label: string
  person_id: string | null
  created_at: string
  revoked_at: string | null
  last_used_at: string | null
}

const TOKEN_COLUMNS = `id, role, division_code, label, person_id,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
  to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS revoked_at,
  to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_used_at`

export async function insertToken(
  db: Queryable,
  t: { role: Role; division_code: string; label: string; person_id?: string | null; secret?: string },
): Promise<TokenRow & { secret: string }> {
  const secret = t.secret ?? generateTokenSecret()
  const res = await db.query<TokenRow>(
    `INSERT INTO api_tokens (role, division_code, label, person_id, token_hash)
     VALUES ($1::text, $2::text, $3::text, $4::uuid, $5::text)
     RETURNING ${TOKEN_COLUMNS}`,
    [t.role, t.division_code, t.label, t.person_id ?? null, hashTokenSecret(secret)],
  )
  return { ...(res.rows[0] as TokenRow), secret }
}

/** The bootstrap token (LANDPATROL_BOOTSTRAP_TOKEN): an admin of the root division, created once. */
export async function ensureBootstrapToken(db: Queryable, secret: string): Promise<void> {
  await db.query(
    `INSERT INTO api_tokens (role, division_code, label, token_hash)
     VALUES ('admin', '000000', 'bootstrap', $1::text)
     ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL`,
    [hashTokenSecret(secret)],
  )
}

export async function listTokens(db: Queryable): Promise<TokenRow[]> {
  const res = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`)
  return res.rows
}

export async function revokeToken(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const res = await db.query<TokenRow>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1::uuid RETURNING ${TOKEN_COLUMNS}`,
    [id],
  )
  return res.rows[0]
}
