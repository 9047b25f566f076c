/**
 * GB/T 2260 administrative division codes: 6 digits for province (XX0000), city (XXXX00) and
 * county (XXXXXX), extended to 9 digits for townships and 12 for villages. `000000` is the
 * country, the root of every jurisdiction.
 */
export type DivisionLevel = 'country' | 'province' | 'city' | 'county' | 'township' | 'village'

export const ROOT_DIVISION_CODE = '000000'

export const DIVISION_CODE_PATTERN = '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'

export function levelOfCode(code: string): DivisionLevel | undefined {
  if (code === ROOT_DIVISION_CODE) return 'country'
  if (/^[0-9]{12}$/.test(code)) return 'village'
  if (/^[0-9]{9}$/.test(code)) return 'township'
  if (!/^[0-9]{6}$/.test(code) || code.startsWith('00')) return undefined
  if (code.endsWith('0000')) return 'province'
  if (code.endsWith('00')) return 'city'
  return 'county'
}

/** The prefix shared by a division and everything below it (same rule as SQL `lp_scope_prefix`). */
export function scopePrefix(code: string): string {
  const level = levelOfCode(code)
  if (level === 'country') return ''
  if (level === 'province') return code.slice(0, 2)
  if (level === 'city') return code.slice(0, 4)
  return code
}

export function isWithin(code: string, ancestor: string): boolean {
  return code.startsWith(scopePrefix(ancestor))
}

/** Parents a code may have: a county may hang directly under its province (省直辖县). */
export function allowedParents(code: string): string[] {
  const level = levelOfCode(code)
  switch (level) {
    case 'province':
      return [ROOT_DIVISION_CODE]
    case 'city':
      return [`${code.slice(0, 2)}0000`]
    case 'county':
      return [`${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`]
    case 'township':
      return [code.slice(0, 6)]
    case 'village':
      return [code.slice(0, 9)]
    default:
      return []
  }
}

export type DivisionCodeProblem = 'BAD_CODE' | 'LEVEL_MISMATCH' | 'PARENT_MISMATCH'

export function checkDivisionCode(
  code: string,
  level: DivisionLevel,
  parentCode: string | null,
): { ok: true } | { ok: false; reason: DivisionCodeProblem; message: string } {
  const actual = levelOfCode(code)
  if (!actual || actual === 'country')
    return { ok: false, reason: 'BAD_CODE', message: `"${code}" is not a GB/T 2260 code` }
  if (actual !== level)
    return {
      ok: false,
      reason: 'LEVEL_MISMATCH',
      message: `code ${code} is a ${actual} code, not a ${level}`,
    }
  const parents = allowedParents(code)
  if (parentCode === null || !parents.includes(parentCode))
    return {
      ok: false,
      reason: 'PARENT_MISMATCH',
      message: `a ${level} ${code} must have parent ${parents.join(' or ')}`,
    }
  return { ok: true }
}
