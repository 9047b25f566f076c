/** Zone categories of domain.md and the tier each belongs to by default (篇一, 第九条). */
export const CATEGORY_TIER = {
  basic_farmland: 1,
  urban_planning: 1,
  urban_fringe: 1,
  township_seat: 1,
  main_road: 1,
  development_zone: 1,
  mining_area: 1,
  hotspot: 1,
  other_farmland: 2,
  village_fringe: 2,
  village_planning: 2,
  village_surroundings: 2,
  rural_road: 2,
  other: 3,
} as const

export type ZoneCategory = keyof typeof CATEGORY_TIER
export type Tier = 1 | 2 | 3

export const ZONE_CATEGORIES = Object.keys(CATEGORY_TIER) as ZoneCategory[]

export const CATEGORY_LABEL_ZH: Record<ZoneCategory, string> = {
  basic_farmland: '基本农田保护区',
  urban_planning: '城区/城乡建设规划区',
  urban_fringe: '城乡结合部',
  township_seat: '乡镇政府所在地/集镇',
  main_road: '公路干线两侧',
  development_zone: '开发区(园区)',
  mining_area: '重点矿区',
  hotspot: '违法行为易发区',
  other_farmland: '基本农田以外农用地',
  village_fringe: '乡村结合部',
  village_planning: '村庄规划范围内',
  village_surroundings: '村庄周围',
  rural_road: '乡村道路两侧',
  other: '其他区域',
}

export function isZoneCategory(value: unknown): value is ZoneCategory {
  return typeof value === 'string' && Object.hasOwn(CATEGORY_TIER, value)
}

export function defaultTier(category: ZoneCategory): Tier {
  return CATEGORY_TIER[category]
}

/** 1 mu (亩) = 10000/15 m². */
export const M2_PER_MU = 10000 / 15

export function areaFigures(areaM2: number): { area_m2: number; area_mu: number; area_ha: number } {
  return {
    area_m2: Math.round(areaM2 * 100) / 100,
    area_mu: Math.round((areaM2 / M2_PER_MU) * 100) / 100,
    area_ha: Math.round((areaM2 / 10000) * 10000) / 10000,
  }
}
