/**
 * The rule set of a division from the overrides of the levels above it: the defaults of domain.md,
 * then the province's set (which may loosen or tighten anything — it is the base its cities and
 * counties work under), then the city's and the county's overrides, each only tightening what it
 * receives (`mergeRuleSets`).
 *
 * A lower level's stored override can become looser than its base later, when the level above
 * tightens past it (the city said 3 patrols a week, the province now says 4). Then the stricter
 * value stays in force and the lower level's setting is reported as superseded, not an error: the
 * lower level did nothing wrong and the figures must still be computable.
 */
import {
  DEFAULT_RULE_SET,
  findRuleSetProblems,
  mergeRuleSets,
  type RuleSet,
  type RuleSetOverride,
  type RuleSetProblem,
} from './rule-set.js'

export interface RuleChainLevel {
  division_code: string
  /** True for the top level (the province): its override is applied without the tighten-only check. */
  sets_base: boolean
  override: RuleSetOverride | Record<string, unknown>
}

export interface ResolvedRuleChain {
  rules: RuleSet
  /** Settings of a lower level ignored because the level above is now stricter. */
  superseded: { division_code: string; problem: RuleSetProblem }[]
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, out)
  } else {
    out.set(prefix, value)
  }
  return out
}

function unflatten(leaves: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [path, value] of leaves) {
    const keys = path.split('.')
    let node = out
    for (const key of keys.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {}
      node = node[key] as Record<string, unknown>
    }
    node[keys[keys.length - 1] as string] = value
  }
  return out
}

/**
 * A province's set: the defaults with its values written over them, checked as a whole (values in
 * range, settings consistent, no unknown keys). Loosening is allowed here.
 */
export function applyBaseOverride(
  base: RuleSet,
  override: RuleSetOverride | Record<string, unknown>,
): { ok: true; rules: RuleSet } | { ok: false; problems: RuleSetProblem[] } {
  const leaves = flatten(base)
  for (const [path, value] of flatten(override)) leaves.set(path, value)
  const rules = unflatten(leaves) as unknown as RuleSet
  const problems = findRuleSetProblems(rules)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules }
}

/** Drops the leaves named by `paths` from an override. */
function withoutPaths(override: Record<string, unknown>, paths: Set<string>): Record<string, unknown> {
  const leaves = flatten(override)
  for (const p of paths) leaves.delete(p)
  return unflatten(leaves)
}

/**
 * Applies the levels top-down. A level whose override no longer merges keeps the base value for the
 * settings that would loosen it; anything else wrong with a stored override (which the API refused
 * when it was written) leaves that level out entirely.
 */
export function resolveRuleChain(levels: readonly RuleChainLevel[]): ResolvedRuleChain {
  let rules: RuleSet = DEFAULT_RULE_SET
  const superseded: ResolvedRuleChain['superseded'] = []
  for (const level of levels) {
    if (level.sets_base) {
      const applied = applyBaseOverride(rules, level.override)
      if (applied.ok) rules = applied.rules
      else
        for (const problem of applied.problems)
          superseded.push({ division_code: level.division_code, problem })
      continue
    }
    const merged = mergeRuleSets(rules, level.override)
    if (merged.ok) {
      rules = merged.rules
      continue
    }
    const loosening = merged.problems.filter((p) => p.reason === 'loosening_rejected')
    for (const problem of merged.problems) superseded.push({ division_code: level.division_code, problem })
    if (loosening.length === merged.problems.length) {
      const retry = mergeRuleSets(
        rules,
        withoutPaths(level.override as Record<string, unknown>, new Set(loosening.map((p) => p.path))),
      )
      if (retry.ok) rules = retry.rules
    }
  }
  return { rules, superseded }
}
