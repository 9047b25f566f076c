/**
 * What one export is made from, and the labels and totals every member of the package shares.
 */
import { CATEGORY_LABEL_ZH, isZoneCategory } from '../../domain/zones/categories.js'
import type { PlanRow, PlanStatus } from '../plans/queries.js'
import type { AreaSummaryRow, ExportZoneRow, PlanParties } from './queries.js'

export const STATUS_ZH: Record<PlanStatus, string> = {
  draft: '草稿',
  submitted: '已报送',
  filed: '已备案',
  superseded: '已被替代',
}

export const TIER_ZH: Record<number, string> = { 1: '一级', 2: '二级', 3: '三级' }

/** Said in plan.json and the register: the coordinates are not converted, only labelled. */
export const CRS_STATEMENT =
  'zones.geojson: WGS 84 longitude/latitude (EPSG:4326), as RFC 7946 requires. ' +
  'zones.shp: the same coordinates labelled CGCS2000 geographic (EPSG:4490); the two datums agree ' +
  'to a few centimetres, below the 8 decimal places (≈1 mm) written, so no conversion is applied. ' +
  'Areas are ellipsoidal (WGS 84 / CGCS2000 ellipsoid), 1 亩 = 10000/15 m², 1 公顷 = 10000 m².'

/** The same for the register's readers. */
export const CRS_STATEMENT_ZH =
  '坐标系说明：zones.geojson 为 WGS 84 经纬度（EPSG:4326，RFC 7946）；zones.shp 为同一坐标，标注为 ' +
  'CGCS2000 地理坐标系（EPSG:4490）。两者在本工作精度内（厘米级）一致，未作坐标转换。' +
  '面积按椭球面计算，1 亩 = 10000/15 平方米，1 公顷 = 10000 平方米。'

/** Everything one export is made from, read in one transaction. */
export interface FilingData {
  plan: PlanRow
  parties: PlanParties
  zones: ExportZoneRow[]
  summary: AreaSummaryRow[]
}

export interface FilingContext {
  generatedAt: Date
  softwareVersion: string
}

/** A zone with its register number (区域编号) and the Chinese category label. */
export interface FilingZone extends ExportZoneRow {
  code: string
  category_zh: string
}

export interface AreaTotals {
  zones: number
  area_m2: number
  area_mu: number
  area_ha: number
}

const ZERO: AreaTotals = { zones: 0, area_m2: 0, area_mu: 0, area_ha: 0 }

export function totalsOf(row: AreaSummaryRow | undefined): AreaTotals {
  if (!row) return ZERO
  // An empty plan still has the grand-total row, with null sums.
  return { zones: row.zones, area_m2: row.area_m2 ?? 0, area_mu: row.area_mu ?? 0, area_ha: row.area_ha ?? 0 }
}

export function findTierTotals(summary: readonly AreaSummaryRow[], tier: number): AreaTotals {
  return totalsOf(summary.find((r) => r.tier === tier && r.category === null))
}

export function findPlanTotals(summary: readonly AreaSummaryRow[]): AreaTotals {
  return totalsOf(summary.find((r) => r.tier === null && r.category === null))
}

export function categoryLabel(category: string): string {
  return isZoneCategory(category) ? CATEGORY_LABEL_ZH[category] : category
}
