// The set-up most patrol tests share: county 510199 with a station, its people, and zone plans
// imported, submitted by the county and filed by the city, all through the API.
import { expect } from 'vitest'
import { bearer, type TestContext } from './test-app.js'

/** POST through the app, expecting success; answers the JSON body. */
export function poster(ctx: TestContext) {
  return async (token: string, url: string, payload?: unknown, type?: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    })
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300)
    return res.json()
  }
}

export interface FixtureZone {
  name: string
  geometry: unknown
  category: string
  /** other properties of the feature (unit_id is the station's unless given) */
  properties?: Record<string, unknown>
}

export interface FixturePlan {
  name: string
  effective_from: string
  zones: readonly FixtureZone[]
}

export interface FiledCounty {
  station: string
  /** people of the station, in the order of `people` */
  staff: string[]
  /** zone ids by name (a later plan's zone of the same name wins) */
  zones: Record<string, string>
  planner: string
  admin: string
  device: string
}

/** A station with its people, and each plan imported, submitted and filed, in order. */
export async function fileCounty(
  ctx: TestContext,
  o: { station?: string; people?: readonly string[]; plans: readonly FixturePlan[] },
): Promise<FiledCounty> {
  const post = poster(ctx)
  const planner = await ctx.token('planner', '510199')
  const admin = await ctx.token('admin', '510199')
  const device = await ctx.token('device', '510199')
  const filer = await ctx.token('supervisor', '510100')
  const station = (
    await post(admin, '/api/v1/units', {
      name: o.station ?? '城关所',
      kind: 'station',
      division_code: '510199',
    })
  ).id as string
  const staff: string[] = []
  for (const name of o.people ?? ['张三', '李四'])
    staff.push((await post(admin, '/api/v1/people', { name, unit_id: station })).id)
  const zones: Record<string, string> = {}
  for (const p of o.plans) {
    const plan = await post(planner, '/api/v1/plans', {
      division_code: '510199',
      name: p.name,
      effective_from: p.effective_from,
    })
    const imported = await post(
      planner,
      `/api/v1/plans/${plan.id}/zones`,
      JSON.stringify({
        type: 'FeatureCollection',
        features: p.zones.map((z) => ({
          type: 'Feature',
          geometry: z.geometry,
          properties: { name: z.name, category: z.category, unit_id: station, ...z.properties },
        })),
      }),
      'application/geo+json',
    )
    for (const z of imported.zones as { id: string; name: string }[]) zones[z.name] = z.id
    await post(planner, `/api/v1/plans/${plan.id}/submit`)
    await post(filer, `/api/v1/plans/${plan.id}/file`)
  }
  return { station, staff, zones, planner, admin, device }
}
