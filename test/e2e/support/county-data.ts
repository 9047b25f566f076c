import type { BrowserApp } from './browser-app.js'

// Metres to degrees near 30° N (the fixture county 示范县 510199 spans 103.9–104.1 E, 29.9–30.1 N).
const M_LAT = 1 / 110_850
const M_LON = 1 / 96_470
export const ORIGIN: [number, number] = [103.97, 29.98]
export const at = (x: number, y: number): [number, number] => [ORIGIN[0] + x * M_LON, ORIGIN[1] + y * M_LAT]
export const square = (x: number, y: number, side: number): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [[at(x, y), at(x + side, y), at(x + side, y + side), at(x, y + side), at(x, y)]],
})

export const SIDE = 500

/**
 * A filed plan of 500 m square zones in a row, 1 km apart, and the walks through them in May 2026:
 * the tier-2 zones need 5 visits a month, so C1 and C2 (5 walks each) are compliant and G1 (2 walks),
 * G2 and G3 (none) are not; K1 is tier 1 (twice a week) and never visited.
 */
export const ZONES = [
  { name: 'C1', category: 'village_surroundings', x: 0, walks: 5 },
  { name: 'G1', category: 'village_surroundings', x: 1000, walks: 2 },
  { name: 'C2', category: 'village_surroundings', x: 2000, walks: 5 },
  { name: 'G2', category: 'village_surroundings', x: 3000, walks: 0 },
  { name: 'K1', category: 'basic_farmland', x: 4000, walks: 0 },
  { name: 'G3', category: 'village_surroundings', x: 5000, walks: 0 },
] as const

export const centreOf = (x: number): [number, number] => at(x + SIDE / 2, SIDE / 2)
export const MAY = { from: '2026-05-01', to: '2026-05-31' }
/** Where the test's one violation was found: north of G2, clear of every zone. */
export const VIOLATION_AT = at(3250, 1200)

export interface CountyData {
  supervisor: string
  planner: string
  device: string
  station: string
  staff: string[]
  planId: string
  zoneIds: Record<string, string>
  violationId: string
}

/** A walk due north through the middle of the zone at x: 700 m at 2 m/s, a fix every 20 s. */
export function walkNorth(x: number, start: string): { coordinates: [number, number][]; times: string[] } {
  const t0 = Date.parse(start)
  const coordinates = Array.from({ length: 18 }, (_, i) => at(x + SIDE / 2, -100 + i * 40))
  return { coordinates, times: coordinates.map((_, i) => new Date(t0 + i * 20_000).toISOString()) }
}

export async function prepareCounty(app: BrowserApp, opts: { walks?: boolean } = {}): Promise<CountyData> {
  const { ctx } = app
  const planner = await ctx.token('planner', '510199')
  const admin = await ctx.token('admin', '510199')
  const device = await ctx.token('device', '510199')
  const supervisor = await ctx.token('supervisor', '510199')
  const station = (
    await app.post(admin, '/api/v1/units', { name: '城关国土所', kind: 'station', division_code: '510199' })
  ).id
  const staff = [
    (await app.post(admin, '/api/v1/people', { name: '张三', unit_id: station })).id,
    (await app.post(admin, '/api/v1/people', { name: '李四', unit_id: station })).id,
  ]
  const plan = await app.post(planner, '/api/v1/plans', {
    division_code: '510199',
    name: '2026 年度巡查区域',
    effective_from: '2026-01-01',
  })
  const imported = await app.post(
    planner,
    `/api/v1/plans/${plan.id}/zones`,
    JSON.stringify({
      type: 'FeatureCollection',
      features: ZONES.map((z) => ({
        type: 'Feature',
        geometry: square(z.x, 0, SIDE),
        properties: { name: z.name, category: z.category, unit_id: station },
      })),
    }),
    'application/geo+json',
  )
  const zoneIds: Record<string, string> = {}
  for (const z of imported.zones as { id: string; name: string }[]) zoneIds[z.name] = z.id
  await app.post(planner, `/api/v1/plans/${plan.id}/submit`)
  await app.post(await ctx.token('supervisor', '510100'), `/api/v1/plans/${plan.id}/file`)

  if (opts.walks ?? true)
    for (const z of ZONES)
      for (let i = 0; i < z.walks; i++) {
        const walk = walkNorth(z.x, `2026-05-${String(4 + i * 5).padStart(2, '0')}T01:00:00Z`)
        await app.post(device, '/api/v1/patrols', {
          external_id: `${z.name}-${i}`,
          unit_id: station,
          staff,
          kind: 'routine',
          track: {
            type: 'Feature',
            geometry: { type: 'LineString', coordinates: walk.coordinates },
            properties: { coordTimes: walk.times },
          },
        })
      }
  const violation = await app.post(admin, '/api/v1/violations', {
    division_code: '510199',
    category: 3,
    source: 'patrol',
    found_at: '2026-05-10T10:20:00+08:00',
    location: { type: 'Point', coordinates: VIOLATION_AT },
    place: '城关镇新华村三组',
    area_mu: 1.2,
  })
  return { supervisor, planner, device, station, staff, planId: plan.id, zoneIds, violationId: violation.id }
}
