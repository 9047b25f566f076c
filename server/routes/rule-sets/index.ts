import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Queryable } from '../../db/port.js'
import { levelOfCode } from '../../domain/divisions/division-code.js'
import { toCalendarDate } from '../../domain/rules/calendar-date.js'
import { applyBaseOverride } from '../../domain/rules/rule-set-chain.js'
import { mergeRuleSets } from '../../domain/rules/rule-set.js'
import { notFound, unprocessable } from '../../errors.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { insertRuleSet, listRuleSetHistory, resolveRulesInForce, type RuleSetRow } from './queries.js'
import { PutRuleSetBody, RuleSetOut, RuleSetParams, RuleSetQuery } from './schemas.js'

const RULE_EDITORS = ['admin', 'supervisor'] as const

const presentRow = (r: RuleSetRow) => ({
  ...r,
  created_at: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
})

async function requireRuleDivision(db: Queryable, division: string): Promise<void> {
  const level = levelOfCode(division)
  const d = await db.query('SELECT 1 FROM divisions WHERE code = $1::text', [division])
  if (d.rowCount === 0) throw notFound(`division ${division} not found in your jurisdiction`)
  if (level !== 'province' && level !== 'city' && level !== 'county')
    throw unprocessable('rule sets are kept per province, city or county', [
      { path: '/params/division', message: `${division} is a ${level ?? 'bad code'}` },
    ])
}

async function readRuleSet(db: Queryable, division: string, day: string) {
  const resolved = await resolveRulesInForce(db, division, day)
  return {
    division,
    date: resolved.day,
    rules: resolved.rules,
    levels: resolved.levels.map(presentRow),
    superseded: resolved.superseded,
    history: (await listRuleSetHistory(db, division)).map(presentRow),
  }
}

/**
 * Rule sets per jurisdiction (design.md, "Rules are configuration, not code"): a province sets the
 * base, a city or county may only tighten what it receives. History is kept: every PUT adds a
 * version with its effective date, and figures for a day use the versions in force that day.
 */
const ruleSetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/rule-sets/:division',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['rules'],
        summary: 'The rule set in force for a division on a day, the levels it comes from and its history',
        params: RuleSetParams,
        querystring: RuleSetQuery,
        response: { 200: RuleSetOut, ...problemResponses },
      },
    },
    async (request) => {
      const { division } = request.params
      const day = request.query.date ?? toCalendarDate(new Date())
      return request.db.transaction(async (tx) => {
        await requireRuleDivision(tx, division)
        return readRuleSet(tx, division, day)
      })
    },
  )

  app.put(
    '/rule-sets/:division',
    {
      config: { access: { roles: RULE_EDITORS } },
      schema: {
        tags: ['rules'],
        summary:
          'Add a version of a division’s rules from an effective date (a city or county may only tighten)',
        description:
          'The override is checked against the rules of the levels above in force on `effective_from`: a city or ' +
          'county value that loosens one is refused with 422 naming the field (e.g. /override/assessment/veto_ratio).',
        params: RuleSetParams,
        body: PutRuleSetBody,
        response: { 200: RuleSetOut, ...problemResponses },
      },
    },
    async (request) => {
      const { division } = request.params
      const { effective_from: effectiveFrom, override, note } = request.body
      return request.db.transaction(async (tx) => {
        await requireRuleDivision(tx, division)
        const above = await resolveRulesInForce(tx, division, effectiveFrom, { excludeOwn: true })
        const checked =
          levelOfCode(division) === 'province'
            ? applyBaseOverride(above.rules, override)
            : mergeRuleSets(above.rules, override)
        if (!checked.ok) {
          throw unprocessable(
            levelOfCode(division) === 'province'
              ? 'the rule set is not valid'
              : `a ${levelOfCode(division)} may only tighten the rules it works under`,
            checked.problems.map((p) => ({
              path: `/override/${p.path.replaceAll('.', '/')}`,
              message: p.message,
              reason: p.reason,
              ...(p.base !== undefined ? { in_force: p.base } : {}),
              ...(p.override !== undefined ? { value: p.override } : {}),
            })),
          )
        }
        await insertRuleSet(tx, {
          division_code: division,
          effective_from: effectiveFrom,
          override,
          note: note ?? null,
          created_by: request.principal.tokenId,
        })
        return readRuleSet(tx, division, effectiveFrom)
      })
    },
  )
}

export default ruleSetRoutes
