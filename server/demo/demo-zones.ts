import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Queryable } from '../db/port.js'
import { derivePlanOther, fileDemoPlan } from './demo-plan-queries.js'
import { stageAndInsertZones } from '../routes/plans/zone-import.js'
import { readZoneUpload } from '../routes/zones/read-zone-upload.js'
import type { DemoStep } from './load-demo.js'

export const DEMO_COUNTY = '510199'
export const DEMO_PLAN_NAME = '示范县 2026 年度动态巡查区域划定方案'
export const DEMO_PLAN_FROM = '2026-01-01'

interface DemoZoneProps {
  category: string
  name: string
  township_code: string
  unit_key?: string | null
  main_person_key?: string | null
  direct_person_keys?: string[]
}

/**
 * The demo county's zones go through the same import path as a planner's file (validation, CRS,
 * PostGIS checks), then the tier-3 remainder is derived and the plan is submitted and filed.
 */
export const DEMO_ZONES_STEP: DemoStep = {
  name: 'zones',
  weight: 4,
  async run(ctx, tx) {
    const fc = JSON.parse(await readFile(path.join(ctx.dir, 'zones.geojson'), 'utf8')) as {
      type: string
      features: { type: string; geometry: unknown; properties: DemoZoneProps }[]
    }
    const ids = await keyIds(tx, ctx.dir)
    for (const f of fc.features) {
      const p = f.properties
      const props: Record<string, unknown> = {
        category: p.category,
        name: p.name,
        township_code: p.township_code,
      }
      if (p.unit_key && ids.units.has(p.unit_key)) props.unit_id = ids.units.get(p.unit_key)
      if (p.main_person_key && ids.people.has(p.main_person_key))
        props.main_person_id = ids.people.get(p.main_person_key)
      const direct = (p.direct_person_keys ?? []).map((k) => ids.people.get(k)).filter(Boolean)
      if (direct.length > 0) props.direct_person_ids = direct
      f.properties = props as never
    }
    const upload = await readZoneUpload({ kind: 'json', text: JSON.stringify(fc) }, {})
    if (upload.problems.length > 0)
      throw new Error(`demo zones refused: ${JSON.stringify(upload.problems.slice(0, 3))}`)
    const plan = await tx.query<{ id: string }>(
      `INSERT INTO zone_plans (division_code, name, effective_from) VALUES ($1::text, $2::text, $3::date) RETURNING id`,
      [DEMO_COUNTY, DEMO_PLAN_NAME, DEMO_PLAN_FROM],
    )
    const planId = plan.rows[0]!.id
    const staged = await stageAndInsertZones(tx, {
      planId,
      countyCode: DEMO_COUNTY,
      features: upload.features,
      repair: false,
      partial: false,
    })
    if (staged.problems.length > 0)
      throw new Error(`demo zones refused: ${JSON.stringify(staged.problems.slice(0, 3))}`)
    await derivePlanOther(tx, planId)
    await fileDemoPlan(tx, planId)
    ctx.log.info(`demo county: ${staged.zones.length} zones imported and filed`)
  },
}

export async function keyIds(
  tx: Queryable,
  dir: string,
): Promise<{ units: Map<string, string>; people: Map<string, string> }> {
  const units = JSON.parse(await readFile(path.join(dir, 'units.json'), 'utf8')) as {
    key: string
    name: string
    division_code: string
  }[]
  const people = JSON.parse(await readFile(path.join(dir, 'people.json'), 'utf8')) as {
    key: string
    certificate_no: string
  }[]
  const unitRows = await tx.query<{ id: string; name: string; division_code: string }>(
    'SELECT id, name, division_code FROM units',
  )
  const personRows = await tx.query<{ id: string; certificate_no: string | null }>(
    'SELECT id, certificate_no FROM people',
  )
  const unitByName = new Map(unitRows.rows.map((r) => [`${r.division_code}/${r.name}`, r.id]))
  const personByCert = new Map(personRows.rows.map((r) => [r.certificate_no, r.id]))
  return {
    units: new Map(
      units.flatMap((u) =>
        unitByName.has(`${u.division_code}/${u.name}`)
          ? [[u.key, unitByName.get(`${u.division_code}/${u.name}`)!]]
          : [],
      ),
    ),
    people: new Map(
      people.flatMap((p) =>
        personByCert.has(p.certificate_no) ? [[p.key, personByCert.get(p.certificate_no)!]] : [],
      ),
    ),
  }
}
