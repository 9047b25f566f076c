import type { Queryable } from '../../db/port.js'
import { levelOfCode } from '../../domain/divisions/division-code.js'
import { toCalendarDate, type CalendarDate } from '../../domain/rules/calendar-date.js'
import {
  resolveRuleChain,
  type ResolvedRuleChain,
  type RuleChainLevel,
} from '../../domain/rules/rule-set-chain.js'
import type { RuleSet } from '../../domain/rules/rule-set.js'

export interface RuleSetRow {
  id: string
  division_code: string
  effective_from: string
  override: Record<string, unknown>
  note: string | null
  created_at: Date
}

/**
 * The divisions whose rule sets apply to `code`, top-down: its province, its city, its county (a
 * township or village works under its county's rules). The country has no rule set of its own: the
 * defaults of domain.md are the national level.
 */
export function ruleChainCodes(code: string): string[] {
  const level = levelOfCode(code)
  if (!level || level === 'country') return []
  const county = code.slice(0, 6)
  const chain = [`${county.slice(0, 2)}0000`, `${county.slice(0, 4)}00`, county]
  return [...new Set(chain)].filter((c) => levelOfCode(c) !== undefined && levelOfCode(c) !== 'country')
}

/** SELECT of the override of each of the divisions `codes` (an SQL text[]) in force on `day` (an SQL date). */
function overridesInForceSql(codes: string, day: string): string {
  return `SELECT DISTINCT ON (division_code) id, division_code, effective_from::text AS effective_from, override,
                 note, created_at
            FROM rule_sets
           WHERE division_code = ANY (${codes}) AND effective_from <= ${day}
           ORDER BY division_code, effective_from DESC, created_at DESC, id`
}

/** The override of each level of the chain in force on `day` (latest effective_from, then latest written). */
export async function listOverridesInForce(
  db: Queryable,
  codes: readonly string[],
  day: CalendarDate,
): Promise<RuleSetRow[]> {
  if (codes.length === 0) return []
  const res = await db.query<RuleSetRow>(overridesInForceSql('$1::text[]', '$2::date'), [codes, day])
  return res.rows
}

/** Every override ever written for a division, oldest first. */
export async function listRuleSetHistory(db: Queryable, code: string): Promise<RuleSetRow[]> {
  const res = await db.query<RuleSetRow>(
    `SELECT id, division_code, effective_from::text AS effective_from, override, note, created_at
       FROM rule_sets WHERE division_code = $1::text
      ORDER BY created_at, id`,
    [code],
  )
  return res.rows
}

export async function insertRuleSet(
  db: Queryable,
  row: {
    division_code: string
    effective_from: string
    override: unknown
    note: string | null
    created_by: string
  },
): Promise<RuleSetRow> {
  const res = await db.query<RuleSetRow>(
    `INSERT INTO rule_sets (division_code, effective_from, override, note, created_by)
     VALUES ($1::text, $2::date, $3::jsonb, $4::text, $5::uuid)
     RETURNING id, division_code, effective_from::text AS effective_from, override, note, created_at`,
    [row.division_code, row.effective_from, JSON.stringify(row.override), row.note, row.created_by],
  )
  return res.rows[0] as RuleSetRow
}

export interface RulesInForce extends ResolvedRuleChain {
  day: CalendarDate
  levels: RuleSetRow[]
}

/**
 * The rule set in force for a division on a day: the defaults, its province's set, then its city's
 * and county's tightenings, each the version in force that day. `levels` stops before `upTo` when
 * given (the base a division's own new override is checked against).
 */
export async function resolveRulesInForce(
  db: Queryable,
  divisionCode: string,
  date: Date | string,
  opts: { excludeOwn?: boolean } = {},
): Promise<RulesInForce> {
  const day = toCalendarDate(date)
  let codes = ruleChainCodes(divisionCode)
  if (opts.excludeOwn) codes = codes.filter((c) => c !== divisionCode)
  return resolveChainRows(codes, await listOverridesInForce(db, codes, day), day)
}

/** The chain of `codes` (top-down) resolved from the overrides in force on `day` (listOverridesInForce). */
function resolveChainRows(
  codes: readonly string[],
  rows: readonly RuleSetRow[],
  day: CalendarDate,
): RulesInForce {
  const byCode = new Map(rows.map((r) => [r.division_code, r]))
  const levels: RuleChainLevel[] = []
  const used: RuleSetRow[] = []
  for (const code of codes) {
    const row = byCode.get(code)
    if (!row) continue
    used.push(row)
    levels.push({ division_code: code, sets_base: levelOfCode(code) === 'province', override: row.override })
  }
  return { day, levels: used, ...resolveRuleChain(levels) }
}

/** The rules a division works under on a day (a date 'YYYY-MM-DD' or an instant, read in Beijing). */
export async function rulesInForce(
  db: Queryable,
  divisionCode: string,
  date: Date | string,
): Promise<RuleSet> {
  return (await resolveRulesInForce(db, divisionCode, date)).rules
}

/**
 * The rules of the county of a unit on a day (today by default); the defaults when the unit is not
 * visible (the caller then refuses it). One statement: the unit's division and the overrides in
 * force of its province, city and county (ruleChainCodes keeps those that are divisions' levels).
 */
export async function rulesInForceForUnit(
  db: Queryable,
  unitId: string,
  date: Date | string = new Date(),
): Promise<RuleSet> {
  const day = toCalendarDate(date)
  const res = await db.query<RuleSetRow & { unit_division: string; id: string | null }>(
    `SELECT u.division_code AS unit_division, r.*
       FROM units u
       LEFT JOIN LATERAL (${overridesInForceSql(
         `ARRAY[left(u.division_code, 2) || '0000', left(u.division_code, 4) || '00', left(u.division_code, 6)]`,
         '$2::date',
       )}) AS r ON true
      WHERE u.id::text = $1::text`,
    [unitId, day],
  )
  const code = res.rows[0]?.unit_division
  if (!code) return (await resolveRulesInForce(db, '000000', day)).rules
  const codes = ruleChainCodes(code)
  const rows = res.rows.filter((r) => r.id !== null && codes.includes(r.division_code))
  return resolveChainRows(codes, rows, day).rules
}
