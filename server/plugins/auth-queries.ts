import type { Role } from '../auth/tokens.js'
import type { Db } from '../db/port.js'
import type { Principal } from '../db/scoped-db.js'
import { scopePrefix } from '../domain/divisions/division-code.js'

export async function findPrincipalByTokenHash(db: Db, tokenHash: string): Promise<Principal | undefined> {
  const res = await db.query<{
    id: string
    role: Role
    division_code: string
    person_id: string | null
    label: string
  }>(
    `SELECT id, role, division_code, person_id, label
       FROM api_tokens
      WHERE token_hash = $1::text AND revoked_at IS NULL`,
    [tokenHash],
  )
  const row = res.rows[0]
  if (!row) return undefined
  return {
    tokenId: row.id,
    role: row.role,
    divisionCode: row.division_code,
    scope: scopePrefix(row.division_code),
    personId: row.person_id,
    label: row.label,
  }
}

const lastTouched = new Map<string, number>()

/** Records last use at most once a minute per token; fire-and-forget, never fails a request. */
export function touchToken(db: Db, tokenId: string): void {
  const now = Date.now()
  if ((lastTouched.get(tokenId) ?? 0) > now - 60_000) return
  lastTouched.set(tokenId, now)
  db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1::uuid', [tokenId]).catch(() => {})
}
