/**
 * Deterministic demo county 示范县 (510199): divisions, roads, units and people, patrol zones, a month
 * of GPS patrol tracks (2026-10), violations with their workflow, tips and information-officer
 * reports. Same seed ⇒ byte-identical files.
 *
 *   npx tsx scripts/demo/generate.ts [outDir]        (default data/demo)
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Feature, LineString, MultiPolygon, Polygon } from 'geojson'
import { CITY, COUNTY, PROVINCE, buildGeography } from './geography.js'
import { nodeRings } from './noding.js'
import { PatrolPlanner, writePatrol } from './patrols.js'
import { buildStaffing } from './people.js'
import type { Ring } from './planar.js'
import { toLonLat } from './projection.js'
import { buildRoads } from './roads.js'
import { buildInfoReports, buildTips } from './tips.js'
import { buildViolations } from './violations.js'
import {
  NdjsonWriter,
  ensureDir,
  isSimple,
  mpolyToGeoJson,
  polyToGeoJson,
  repairPolygon,
  writeFeatureCollection,
  writeJson,
  writeJsonLines,
} from './write.js'
import { type Zone, buildZones } from './zones.js'

export const GENERATOR_VERSION = '1.0.0'
export const DEFAULT_SEED = 20261001

export interface DemoOptions {
  seed?: number
  /**
   * Share of the month's patrol tracks to write (0 < scale ≤ 1, default 1): a quick way to regenerate
   * the same county. Every other file, and each track that is written, is byte-identical to the full
   * run; violations may then name patrols whose tracks were left out.
   */
  scale?: number
}

export interface DemoManifest {
  generator: string
  generator_version: string
  seed: number
  scale: number
  county_code: string
  month: string
  files: Record<string, number>
  total_patrol_points: number
  zone_categories: Record<string, number>
  zones_repaired: number
  /** Overlays that failed even after retries; the shape concerned was left out (tier 3). */
  zones_overlay_failures: number
  zones_dropped_invalid: number
  unassigned_zones: number
}

interface DivisionRecord {
  code: string
  name: string
  level: 'province' | 'city' | 'county' | 'township' | 'village'
  parent_code: string
  boundary: MultiPolygon | null
}

export async function generateDemoCounty(outDir: string, opts: DemoOptions = {}): Promise<DemoManifest> {
  const seed = opts.seed ?? DEFAULT_SEED
  const scale = Math.min(1, Math.max(0.001, opts.scale ?? 1))
  ensureDir(outDir)
  const file = (name: string) => path.join(outDir, name)

  const geo = buildGeography(seed)
  const net = buildRoads(seed, geo)
  const staffing = buildStaffing(seed, geo)
  const { zones: rawZones, clipFailures } = buildZones(seed, geo, net, staffing)

  // shared boundaries get identical vertices before rounding (see noding.ts)
  const rings: Ring[] = [
    ...geo.county.flat(),
    ...geo.townships.flatMap((t) => t.geom.flat()),
    ...geo.villages.flatMap((v) => v.geom.flat()),
    ...rawZones.flatMap((z) => z.poly),
  ]
  nodeRings(rings)

  // divisions
  const boundaryOf = (mp: Parameters<typeof mpolyToGeoJson>[0], what: string): MultiPolygon => {
    const g = mpolyToGeoJson(mp)
    if (!g || !isSimple(g)) throw new Error(`demo generator: invalid boundary for ${what}`)
    return g
  }
  const divisions: DivisionRecord[] = [
    { code: PROVINCE.code, name: PROVINCE.name, level: 'province', parent_code: '000000', boundary: null },
    { code: CITY.code, name: CITY.name, level: 'city', parent_code: PROVINCE.code, boundary: null },
    {
      code: COUNTY.code,
      name: COUNTY.name,
      level: 'county',
      parent_code: CITY.code,
      boundary: boundaryOf(geo.county, COUNTY.code),
    },
    ...geo.townships.map((t) => ({
      code: t.code,
      name: t.name,
      level: 'township' as const,
      parent_code: COUNTY.code,
      boundary: boundaryOf(t.geom, t.code),
    })),
    ...geo.villages.map((v) => ({
      code: v.code,
      name: v.name,
      level: 'village' as const,
      parent_code: (geo.townships[v.townshipIndex] as { code: string }).code,
      boundary: boundaryOf(v.geom, v.code),
    })),
  ]
  writeJsonLines(file('divisions.json'), divisions)

  // zones: an outline that is not simple once rounded (spikes, pinches, holes touching the outer ring,
  // all left by overlay where shapes meet at a point) is repaired; what still fails is dropped and left
  // to tier 3 rather than written
  const zones: Zone[] = []
  const zoneFeatures: Feature<Polygon>[] = []
  let dropped = 0
  let repaired = 0
  for (const z of rawZones) {
    const g = polyToGeoJson(z.poly)
    let parts: Polygon[] = []
    if (g && isSimple(g)) parts = [g]
    else if (g) {
      parts = repairPolygon(g).filter(isSimple)
      repaired++
    }
    if (parts.length === 0) {
      dropped++
      continue
    }
    zones.push(z)
    parts.forEach((part, i) => {
      zoneFeatures.push({
        type: 'Feature',
        properties: {
          category: z.category,
          name: parts.length > 1 ? `${z.name}-${i + 1}` : z.name,
          township_code: (geo.townships[z.townshipIndex] as { code: string }).code,
          unit_key: z.unitKey,
          main_person_key: z.mainPersonKey,
          direct_person_keys: z.directPersonKeys,
        },
        geometry: part,
      })
    })
  }
  writeFeatureCollection(file('zones.geojson'), zoneFeatures)

  const roadFeatures: Feature<LineString>[] = net.roads.map((r) => ({
    type: 'Feature',
    properties: { road_class: r.cls, name: r.name },
    geometry: {
      type: 'LineString',
      coordinates: r.nodes.map((id) => toLonLat(net.nodes[id] as [number, number])),
    },
  }))
  writeFeatureCollection(file('roads.geojson'), roadFeatures)

  writeJsonLines(file('units.json'), staffing.units)
  writeJsonLines(file('people.json'), staffing.people)
  writeJsonLines(file('info-officers.json'), staffing.officers)

  // patrols: planned in memory (routes, no GPS points), then sampled and streamed one by one
  // scale thins only what is written: every patrol is planned, so violations, tips and the tracks
  // that are written are the same as in the full data set
  const plans = new PatrolPlanner(seed, geo, net, zones, staffing).plan()
  const every = Math.max(1, Math.round(1 / scale))
  const writer = new NdjsonWriter(file('patrols.ndjson'))
  let points = 0
  plans.forEach((plan, i) => {
    if (i % every === 0) points += writePatrol(seed, plan, writer)
  })
  writer.close()

  const violations = buildViolations(seed, { geo, net, zones, staffing, plans })
  writeJsonLines(
    file('violations.json'),
    violations.map((v) => v.record),
  )
  const tips = buildTips(seed, geo, violations)
  writeJsonLines(file('tips.json'), tips)
  const reports = buildInfoReports(seed, staffing.officers, violations)
  writeJsonLines(file('info-reports.json'), reports)

  // cultivated land taken by new construction land this year: sized so the illegally occupied share
  // is clearly below the 15 % veto line, but not negligible
  const illegalCultivated = violations.reduce((s, v) => s + v.record.cultivated_mu, 0)
  const taken = [
    { division_code: COUNTY.code, year: 2026, mu: Math.round((illegalCultivated / 0.092) * 10) / 10 },
  ]
  writeJsonLines(file('cultivated-land-taken.json'), taken)

  const zoneCategories: Record<string, number> = {}
  for (const f of zoneFeatures) {
    const c = (f.properties as { category: string }).category
    zoneCategories[c] = (zoneCategories[c] ?? 0) + 1
  }
  const manifest: DemoManifest = {
    generator: 'landpatrol scripts/demo/generate.ts',
    generator_version: GENERATOR_VERSION,
    seed,
    scale,
    county_code: COUNTY.code,
    month: '2026-10',
    files: {
      'divisions.json': divisions.length,
      'roads.geojson': roadFeatures.length,
      'units.json': staffing.units.length,
      'people.json': staffing.people.length,
      'info-officers.json': staffing.officers.length,
      'zones.geojson': zoneFeatures.length,
      'patrols.ndjson': writer.lines,
      'violations.json': violations.length,
      'tips.json': tips.length,
      'info-reports.json': reports.length,
      'cultivated-land-taken.json': taken.length,
    },
    total_patrol_points: points,
    zone_categories: Object.fromEntries(
      Object.entries(zoneCategories).sort(([a], [b]) => a.localeCompare(b)),
    ),
    zones_repaired: repaired,
    zones_overlay_failures: clipFailures,
    zones_dropped_invalid: dropped,
    unassigned_zones: zoneFeatures.filter(
      (f) => (f.properties as { unit_key: string | null }).unit_key === null,
    ).length,
  }
  writeJson(file('manifest.json'), manifest)
  return manifest
}

function isDirectRun(): boolean {
  const arg = process.argv[1]
  return !!arg && path.resolve(arg) === fileURLToPath(import.meta.url)
}

if (isDirectRun()) {
  const outDir = path.resolve(process.argv[2] ?? 'data/demo')
  const started = performance.now()
  generateDemoCounty(outDir)
    .then((m) => {
      const secs = ((performance.now() - started) / 1000).toFixed(1)
      console.log(`demo county ${m.county_code} (seed ${m.seed}) written to ${outDir} in ${secs} s`)
      for (const [f, n] of Object.entries(m.files)) console.log(`  ${f.padEnd(28)} ${n}`)
      console.log(`  patrol points                ${m.total_patrol_points}`)
    })
    .catch((err: unknown) => {
      console.error(err)
      process.exitCode = 1
    })
}
