import { CATEGORY_LABEL_ZH, defaultTier, isZoneCategory, type Tier, type ZoneCategory } from './categories.js'

/** What an imported feature's properties say about its zone, before names are resolved to ids. */
export interface ZoneAttributes {
  category: ZoneCategory
  tier: Tier
  tier_reason: string | null
  name: string
  township_code: string | null
  unit_id: string | null
  unit_name: string | null
  main_person_id: string | null
  main_person_name: string | null
  direct_person_ids: string[]
  direct_person_names: string[]
}

export interface AttributeProblem {
  path: string
  reason: string
  message: string
}

export const ATTRIBUTE_REASONS = {
  CATEGORY_MISSING: 'CATEGORY_MISSING',
  CATEGORY_UNKNOWN: 'CATEGORY_UNKNOWN',
  TIER_INVALID: 'TIER_INVALID',
  TIER_OVERRIDE_WITHOUT_REASON: 'TIER_OVERRIDE_WITHOUT_REASON',
  BAD_ID: 'BAD_ID',
  BAD_VALUE: 'BAD_VALUE',
} as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const CATEGORY_BY_LABEL = new Map(
  Object.entries(CATEGORY_LABEL_ZH).map(([code, label]) => [label, code as ZoneCategory]),
)

// Field names as planners' files carry them: ours, Shapefile's 10-character cut, and Chinese.
export const ZONE_FIELDS = {
  category: ['category', 'CATEGORY', '类别', '类型', 'zone_type'],
  tier: ['tier', 'TIER', '级别', '巡查级别'],
  tier_reason: ['tier_reason', 'tier_reaso', 'TIER_REASO', '级别理由'],
  name: ['name', 'NAME', '名称', '区域名称'],
  township_code: ['township_code', 'township_c', 'TOWNSHIP_C', '乡镇代码'],
  unit_id: ['unit_id', 'UNIT_ID'],
  unit_name: ['unit', 'unit_name', 'UNIT', '责任单位'],
  main_person_id: ['main_person_id', 'main_perso', 'MAIN_PERSO'],
  main_person_name: ['main_person', 'main_pname', 'MAIN_PERS', '主要责任人'],
  direct_person_ids: ['direct_person_ids', 'direct_per', 'DIRECT_PER'],
  direct_person_names: ['direct_persons', 'direct_pnm', '直接责任人'],
} as const

function pick(
  props: Record<string, unknown>,
  names: readonly string[],
): { key: string; value: unknown } | undefined {
  for (const key of names) {
    const value = props[key]
    if (value !== undefined && value !== null && value !== '') return { key, value }
  }
  return undefined
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return null
}

function asList(value: unknown): string[] | null {
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'string') ? (value as string[]).map((v) => v.trim()) : null
  if (typeof value === 'string')
    return value
      .split(/[,，、;；]/)
      .map((v) => v.trim())
      .filter(Boolean)
  return null
}

/** Reads and checks a feature's zone attributes; `base` is the JSON pointer of its properties. */
export function readZoneAttributes(
  props: Record<string, unknown> | null | undefined,
  base: string,
): { ok: true; value: ZoneAttributes } | { ok: false; problems: AttributeProblem[] } {
  const p = props ?? {}
  const problems: AttributeProblem[] = []
  const at = (key: string) => `${base}/${key}`

  const rawCategory = pick(p, ZONE_FIELDS.category)
  let category: ZoneCategory | undefined
  if (!rawCategory) {
    problems.push({
      path: at('category'),
      reason: ATTRIBUTE_REASONS.CATEGORY_MISSING,
      message: 'category is required',
    })
  } else {
    const text = asText(rawCategory.value)
    category = isZoneCategory(text) ? text : text ? CATEGORY_BY_LABEL.get(text) : undefined
    if (!category)
      problems.push({
        path: at(rawCategory.key),
        reason: ATTRIBUTE_REASONS.CATEGORY_UNKNOWN,
        message: `unknown category ${JSON.stringify(rawCategory.value)}; expected one of the domain codes (basic_farmland, …) or their Chinese names`,
      })
  }

  let tier: Tier | undefined
  const rawTier = pick(p, ZONE_FIELDS.tier)
  if (rawTier) {
    const n = Number(rawTier.value)
    if (n === 1 || n === 2 || n === 3) tier = n
    else
      problems.push({
        path: at(rawTier.key),
        reason: ATTRIBUTE_REASONS.TIER_INVALID,
        message: 'tier must be 1, 2 or 3',
      })
  }
  const tierReason = asText(pick(p, ZONE_FIELDS.tier_reason)?.value)
  if (category && tier !== undefined && tier !== defaultTier(category) && !tierReason)
    problems.push({
      path: at(rawTier?.key ?? 'tier'),
      reason: ATTRIBUTE_REASONS.TIER_OVERRIDE_WITHOUT_REASON,
      message: `tier ${tier} differs from the default ${defaultTier(category)} of ${category}; give tier_reason`,
    })

  const idOf = (field: keyof typeof ZONE_FIELDS): string | null => {
    const raw = pick(p, ZONE_FIELDS[field])
    if (!raw) return null
    const text = asText(raw.value)
    if (!text || !UUID.test(text)) {
      problems.push({ path: at(raw.key), reason: ATTRIBUTE_REASONS.BAD_ID, message: 'must be a UUID' })
      return null
    }
    return text.toLowerCase()
  }
  const unitId = idOf('unit_id')
  const mainPersonId = idOf('main_person_id')

  let directIds: string[] = []
  const rawDirect = pick(p, ZONE_FIELDS.direct_person_ids)
  // Our own export writes names into DIRECT_PER (a register is read by people); ids or names are
  // both accepted there, so an exported Shapefile imports again.
  let directNamesFromIdField: string[] = []
  if (rawDirect) {
    const list = asList(rawDirect.value)
    if (!list)
      problems.push({
        path: at(rawDirect.key),
        reason: ATTRIBUTE_REASONS.BAD_ID,
        message: 'must be a list of UUIDs or names',
      })
    else if (list.every((v) => UUID.test(v))) directIds = list.map((v) => v.toLowerCase())
    else directNamesFromIdField = list
  }
  const rawDirectNames = pick(p, ZONE_FIELDS.direct_person_names)
  const directNames = rawDirectNames ? asList(rawDirectNames.value) : directNamesFromIdField
  if (rawDirectNames && !directNames)
    problems.push({
      path: at(rawDirectNames.key),
      reason: ATTRIBUTE_REASONS.BAD_VALUE,
      message: 'must be a list of names',
    })

  const townshipRaw = pick(p, ZONE_FIELDS.township_code)
  const township = townshipRaw ? asText(townshipRaw.value) : null
  if (townshipRaw && (!township || !/^[0-9]{9}$/.test(township)))
    problems.push({
      path: at(townshipRaw.key),
      reason: ATTRIBUTE_REASONS.BAD_VALUE,
      message: 'a 9-digit township code',
    })

  if (problems.length > 0 || !category) return { ok: false, problems }
  return {
    ok: true,
    value: {
      category,
      tier: tier ?? defaultTier(category),
      tier_reason: tierReason,
      name: (asText(pick(p, ZONE_FIELDS.name)?.value) ?? '').slice(0, 200),
      township_code: township,
      unit_id: unitId,
      unit_name: asText(pick(p, ZONE_FIELDS.unit_name)?.value),
      main_person_id: mainPersonId,
      main_person_name: asText(pick(p, ZONE_FIELDS.main_person_name)?.value),
      direct_person_ids: directIds,
      direct_person_names: directNames ?? [],
    },
  }
}
