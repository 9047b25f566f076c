/**
 * The filing package (备案材料) of a zone plan: what goes into each file, from rows already read.
 * No SQL and no Fastify here; the route reads the rows (queries.ts) and sends the bytes.
 *
 * zip: zones.geojson (RFC 7946, WGS84) + zones.shp/.shx/.dbf/.prj/.cpg (labelled CGCS2000,
 * EPSG:4490, UTF-8 attributes) + register.xlsx (巡查区域登记表) + plan.json (metadata, with the
 * size and SHA-256 of every other member so a filed copy can be checked later).
 */
import { createHash } from 'node:crypto'
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import JSZip from 'jszip'
import { CGCS2000_GEOGRAPHIC_WKT } from '../../domain/geo/prj-wkt.js'
import { writeShapefileZip, type ShapefileFeature } from '../../domain/geo/write-shapefile-zip.js'
import type { PlanRow } from '../plans/queries.js'
import { isPlainAsciiFileName, toSafeFileName } from './content-disposition.js'
import {
  categoryLabel,
  CRS_STATEMENT,
  CRS_STATEMENT_ZH,
  findPlanTotals,
  findTierTotals,
  STATUS_ZH,
  TIER_ZH,
  totalsOf,
  type FilingContext,
  type FilingData,
  type FilingZone,
} from './filing-data.js'
import type { ExportZoneRow } from './queries.js'
import { writeRegisterXlsx } from './register-xlsx.js'
import type { ExportFormat } from './schemas.js'

/**
 * Register numbers: county, tier, and a running number within the tier in register order
 * (510199-1-0001). They are the same in every member of one package, so a row of the register
 * finds its polygon; a filed plan cannot change, so its numbers never change either.
 */
export function numberZones(countyCode: string, zones: readonly ExportZoneRow[]): FilingZone[] {
  const next = new Map<number, number>()
  return zones.map((z) => {
    const n = (next.get(z.tier) ?? 0) + 1
    next.set(z.tier, n)
    return {
      ...z,
      code: `${countyCode}-${z.tier}-${String(n).padStart(4, '0')}`,
      category_zh: categoryLabel(z.category),
    }
  })
}

export function toZoneFeatureCollection(
  plan: PlanRow,
  zones: readonly FilingZone[],
): FeatureCollection<Polygon | MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: zones.map((z): Feature<Polygon | MultiPolygon> => ({
      type: 'Feature',
      id: z.id,
      geometry: z.geometry,
      properties: {
        id: z.id,
        zone_code: z.code,
        plan_id: plan.id,
        division_code: plan.division_code,
        tier: z.tier,
        tier_zh: TIER_ZH[z.tier] ?? String(z.tier),
        tier_reason: z.tier_reason,
        category: z.category,
        category_zh: z.category_zh,
        name: z.name,
        township_code: z.township_code,
        township_name: z.township_name,
        unit_id: z.unit_id,
        unit_name: z.unit_name,
        main_person_id: z.main_person_id,
        main_person_name: z.main_person_name,
        direct_person_ids: z.direct_person_ids,
        direct_person_names: z.direct_person_names,
        source: z.source,
        area_m2: z.area_m2,
        area_mu: z.area_mu,
        area_ha: z.area_ha,
      },
    })),
  }
}

/**
 * Shapefile attributes under dBase's 10-character ASCII names, values in UTF-8 (.cpg says so).
 * The first twelve are the filing set; ZONE_CODE, TOWNSHIP_C and TIER_REASO follow so the register
 * number, the township code and a tier override's reason survive too (TOWNSHIP_C and TIER_REASO
 * are also the names the zone importer reads back).
 */
export function toShapefileFeatures(zones: readonly FilingZone[]): ShapefileFeature[] {
  return zones.map((z) => ({
    geometry: z.geometry,
    properties: {
      ZONE_ID: z.id,
      TIER: z.tier,
      CATEGORY: z.category,
      CAT_ZH: z.category_zh,
      NAME: z.name,
      TOWNSHIP: z.township_name,
      UNIT: z.unit_name,
      MAIN_PERS: z.main_person_name,
      DIRECT_PER: z.direct_person_names.length > 0 ? z.direct_person_names.join('、') : null,
      AREA_MU: z.area_mu,
      AREA_HA: z.area_ha,
      AREA_M2: z.area_m2,
      ZONE_CODE: z.code,
      TOWNSHIP_C: z.township_code,
      TIER_REASO: z.tier_reason,
    },
  }))
}

export interface PackageMember {
  name: string
  bytes: number
  sha256: string
}

function describeMember(name: string, content: Uint8Array): PackageMember {
  return { name, bytes: content.byteLength, sha256: createHash('sha256').update(content).digest('hex') }
}

function toIso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const person = (id: string | null, name: string | null) => (id ? { person_id: id, name } : null)

export function buildPlanJson(
  data: FilingData,
  ctx: FilingContext,
  extras: { members: PackageMember[]; warnings: string[] },
): Record<string, unknown> {
  const { plan, parties, summary } = data
  const total = findPlanTotals(summary)
  const draft = plan.status === 'draft'
  return {
    document: '巡查区域划定方案备案材料',
    // drafts are exported too (for checking before submission) and say so on their face
    watermark: draft ? '草稿' : null,
    draft,
    id: plan.id,
    county_code: plan.division_code,
    county_name: parties.county_name,
    name: plan.name,
    status: plan.status,
    status_zh: STATUS_ZH[plan.status],
    effective_from: plan.effective_from,
    effective_to: plan.effective_to,
    note: plan.note,
    created_at: plan.created_at,
    created_by: person(parties.created_by, parties.created_by_name),
    submitted_at: plan.submitted_at,
    submitted_by: person(parties.submitted_by, parties.submitted_by_name),
    filed_at: plan.filed_at,
    filed_by: person(parties.filed_by, parties.filed_by_name),
    filed_by_division: plan.filed_by_division
      ? { code: plan.filed_by_division, name: parties.filed_by_division_name }
      : null,
    zone_count: total.zones,
    area_m2: total.area_m2,
    area_mu: total.area_mu,
    area_ha: total.area_ha,
    by_tier: Object.fromEntries(
      [1, 2, 3].map((tier) => [String(tier), { tier_zh: TIER_ZH[tier], ...findTierTotals(summary, tier) }]),
    ),
    by_category: summary
      .filter((r) => r.tier !== null && r.category !== null)
      .map((r) => ({
        tier: r.tier,
        category: r.category,
        category_zh: categoryLabel(r.category ?? ''),
        ...totalsOf(r),
      })),
    crs: {
      geojson: 'EPSG:4326',
      shapefile: 'EPSG:4490',
      shapefile_prj: CGCS2000_GEOGRAPHIC_WKT,
      statement: CRS_STATEMENT,
      statement_zh: CRS_STATEMENT_ZH,
    },
    shapefile_fields: {
      ZONE_ID: 'id',
      TIER: 'tier',
      CATEGORY: 'category',
      CAT_ZH: 'category_zh',
      NAME: 'name',
      TOWNSHIP: 'township_name',
      UNIT: 'unit_name',
      MAIN_PERS: 'main_person_name',
      DIRECT_PER: 'direct_person_names (joined with 、)',
      AREA_MU: 'area_mu',
      AREA_HA: 'area_ha',
      AREA_M2: 'area_m2',
      ZONE_CODE: 'zone_code',
      TOWNSHIP_C: 'township_code',
      TIER_REASO: 'tier_reason',
    },
    members: extras.members,
    warnings: extras.warnings,
    generated_at: toIso(ctx.generatedAt),
    software: { name: 'LandPatrol', version: ctx.softwareVersion },
  }
}

/** `510199_<plan name>_<effective_from>`, and an ASCII stand-in for clients that need one. */
export function packageBaseName(plan: PlanRow): { name: string; ascii: string } {
  const safe = toSafeFileName(plan.name)
  const asciiName = isPlainAsciiFileName(safe) ? safe : `plan-${plan.id.slice(0, 8)}`
  return {
    name: `${plan.division_code}_${safe}_${plan.effective_from}`,
    ascii: `${plan.division_code}_${asciiName}_${plan.effective_from}`,
  }
}

const FILE_SUFFIX: Record<ExportFormat, string> = {
  zip: '.zip',
  geojson: '.geojson',
  shp: '_shp.zip',
  xlsx: '.xlsx',
}

export interface BuiltExport {
  bytes: Buffer
  fileName: string
  asciiFileName: string
  warnings: string[]
}

function encodeJson(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8')
}

/** The requested file of a plan's filing package. */
export async function buildExport(
  format: ExportFormat,
  data: FilingData,
  ctx: FilingContext,
): Promise<BuiltExport> {
  const base = packageBaseName(data.plan)
  const named = (bytes: Buffer, warnings: string[] = []): BuiltExport => ({
    bytes,
    fileName: `${base.name}${FILE_SUFFIX[format]}`,
    asciiFileName: `${base.ascii}${FILE_SUFFIX[format]}`,
    warnings,
  })
  const zones = numberZones(data.plan.division_code, data.zones)
  const date = ctx.generatedAt

  if (format === 'geojson') return named(encodeJson(toZoneFeatureCollection(data.plan, zones)))
  if (format === 'xlsx') return named(await writeRegisterXlsx(data, zones, ctx))

  const shp = await writeShapefileZip(toShapefileFeatures(zones), {
    name: 'zones',
    prjWkt: CGCS2000_GEOGRAPHIC_WKT,
    encoding: 'UTF-8',
    date,
  })
  if (format === 'shp') return named(shp.zip, shp.warnings)

  // The whole package: every member at the root of the zip, plan.json last with the others' digests.
  const members: [string, Uint8Array][] = [
    ['zones.geojson', encodeJson(toZoneFeatureCollection(data.plan, zones))],
  ]
  const shpZip = await JSZip.loadAsync(shp.zip)
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) {
    const file = shpZip.file(`zones.${ext}`)
    if (!file) throw new Error(`the Shapefile writer left out zones.${ext}`)
    members.push([`zones.${ext}`, await file.async('uint8array')])
  }
  members.push(['register.xlsx', await writeRegisterXlsx(data, zones, ctx)])

  const zip = new JSZip()
  for (const [name, content] of members) zip.file(name, content, { date })
  const planJson = buildPlanJson(data, ctx, {
    members: members.map(([name, content]) => describeMember(name, content)),
    warnings: shp.warnings,
  })
  zip.file('plan.json', encodeJson(planJson), { date })
  return named(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), shp.warnings)
}
