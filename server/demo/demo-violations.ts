import type { Queryable } from '../db/port.js'
import { checkGeoJsonGeometry } from '../db/geometry-checks.js'
import { toCalendarDate } from '../domain/rules/calendar-date.js'
import { computeClosureDeadline, computeTipCheckDue } from '../domain/violations/deadlines.js'
import {
  applyEvent,
  startViolation,
  type ClosingKind,
  type ViolationEventType,
  type ViolationState,
} from '../domain/violations/workflow.js'
import { isPointInDivision, loadWorkingDayOverrides, resolveTownship } from '../routes/violations/common.js'
import { computeStoredDeadlines, RULES } from '../routes/violations/present.js'
import {
  insertEvent,
  insertViolation,
  measureExtent,
  updateViolationState,
} from '../routes/violations/queries.js'
import { closeTip, findTip, insertTip } from '../routes/violations/tip-queries.js'
import { readDemoJson, type DemoInfoOfficer, type DemoPerson } from './demo-files.js'
import { DEMO_COUNTY } from './demo-zones.js'
import type { DemoStep } from './load-demo.js'

interface DemoPoint {
  type: 'Point'
  coordinates: number[]
}
interface DemoViolation {
  key: string
  category: number
  source: string
  found_at: string
  location: DemoPoint
  extent: { type: string; coordinates: unknown } | null
  area_mu: number
  cultivated_mu: number
  basic_farmland_mu: number
  party: string
  description: string
  patrol_external_id: string | null
  major: boolean
  events: { type: string; at: string; note: string; actor_key: string; closing_kind?: ClosingKind }[]
}
interface DemoTip {
  key: string
  channel: string
  received_at: string
  location: DemoPoint
  content: string
  outcome: 'violation' | 'unfounded' | 'open'
  violation_key: string | null
}
interface DemoInfoReport {
  officer_key: string
  village_code: string
  month: string
  zero_report: boolean
  content: string
  submitted_at: string
}

/** The generator records the state each step reached; the workflow takes the event that leads there. */
const EVENT_TO: Record<string, ViolationEventType> = {
  stopped: 'stop',
  self_corrected: 'self_correct',
  reported: 'report',
  filed: 'file',
  not_filed: 'decline_filing',
  closed: 'close',
  escalated: 'escalate',
  transferred: 'transfer',
}

const DEMO_LABEL = '示范数据'
const HOUR = 3_600_000

function fail(what: string, why: string): never {
  throw new Error(`demo ${what} refused: ${why}`)
}

/** Database ids of the generator's people (by certificate number) and information officers. */
async function demoIds(tx: Queryable, dir: string) {
  const people = await readDemoJson<DemoPerson[]>(dir, 'people.json')
  const officers = await readDemoJson<DemoInfoOfficer[]>(dir, 'info-officers.json')
  const rows = await tx.query<{
    id: string
    name: string
    certificate_no: string | null
    roles: string[]
    phone: string | null
    unit_id: string | null
  }>('SELECT id, name, certificate_no, roles, phone, unit_id FROM people ORDER BY created_at, id')
  const byCert = new Map(rows.rows.map((r) => [r.certificate_no, r]))
  const person = new Map<string, { id: string; name: string }>()
  for (const p of people) {
    const r = byCert.get(p.certificate_no)
    if (r) person.set(p.key, { id: r.id, name: r.name })
  }
  // officers: by name and their village's township station (the phone tells namesakes apart)
  const stations = await tx.query<{ id: string; division_code: string }>(
    `SELECT id, division_code FROM units WHERE kind = 'station'`,
  )
  const stationOf = new Map(stations.rows.map((r) => [r.division_code, r.id]))
  const candidates = rows.rows.filter((r) => r.roles.includes('info_officer'))
  const taken = new Set<string>()
  const officer = new Map<string, string>()
  for (const o of officers) {
    const unitId = stationOf.get(o.village_code.slice(0, 9))
    const same = candidates.filter((r) => !taken.has(r.id) && r.unit_id === unitId && r.name === o.name)
    const r = same.find((c) => c.phone === (o.phone ?? null)) ?? same[0]
    if (!r) fail(`information officer ${o.key}`, `no person ${o.name} with role info_officer at its station`)
    taken.add(r.id)
    officer.set(o.key, r.id)
  }
  return { person, officer, stationOf }
}

/**
 * The demo county's cases, tips register, information officers and their monthly reports, and the
 * cultivated land taken, through the violation capability's own queries and workflow. Checks the
 * routes make inline (tip and info-report validation, officer assignment, the land figure) are
 * reproduced here in their minimal form; a generated history the workflow refuses fails the step.
 */
export const DEMO_VIOLATIONS_STEP: DemoStep = {
  name: 'violations',
  weight: 3,
  async run(ctx, tx) {
    const started = Date.now()
    const violations = await readDemoJson<DemoViolation[]>(ctx.dir, 'violations.json')
    const tips = await readDemoJson<DemoTip[]>(ctx.dir, 'tips.json')
    const officers = await readDemoJson<DemoInfoOfficer[]>(ctx.dir, 'info-officers.json')
    const reports = await readDemoJson<DemoInfoReport[]>(ctx.dir, 'info-reports.json')
    const taken = await readDemoJson<{ division_code: string; year: number; mu: number }[]>(
      ctx.dir,
      'cultivated-land-taken.json',
    )
    const ids = await demoIds(tx, ctx.dir)
    const overrides = await loadWorkingDayOverrides(tx)
    const patrols = new Map(
      (
        await tx.query<{ id: string; external_id: string }>(
          'SELECT id, external_id FROM patrols WHERE division_code = $1::text',
          [DEMO_COUNTY],
        )
      ).rows.map((r) => [r.external_id, r.id]),
    )

    // 1. information officers in office from the start of the year (POST /info-officers)
    for (const o of officers) {
      const village = await tx.query<{ level: string }>('SELECT level FROM divisions WHERE code = $1::text', [
        o.village_code,
      ])
      if (village.rows[0]?.level !== 'village') fail(`officer ${o.key}`, `${o.village_code} is no village`)
      await tx.query(
        `INSERT INTO info_officer_assignments (division_code, village_code, person_id, assigned_from)
         VALUES ($1::text, $2::text, $3::uuid, $4::date)`,
        [o.village_code.slice(0, 6), o.village_code, ids.officer.get(o.key), '2026-01-01'],
      )
    }
    const officerOfVillage = new Map(officers.map((o) => [o.village_code, ids.officer.get(o.key)!]))

    // 2. tips as received (POST /tips); checked once their violation is on record
    const tipIds = new Map<string, string>()
    for (const t of tips) {
      const township = await resolveTownship(tx, DEMO_COUNTY, undefined, t.location)
      let officerId: string | null = null
      if (t.channel === 'info_officer') {
        const v = await tx.query<{ code: string }>(
          `SELECT code FROM divisions WHERE level = 'village' AND parent_code = $1::text
              AND ST_Covers(boundary, ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326)) LIMIT 1`,
          [township.code, t.location.coordinates[0], t.location.coordinates[1]],
        )
        officerId = officerOfVillage.get(v.rows[0]?.code ?? '') ?? null
      }
      if (!(await isPointInDivision(tx, DEMO_COUNTY, t.location)))
        fail(`tip ${t.key}`, 'location outside the county')
      const due = computeTipCheckDue(t.received_at, RULES, overrides)
      const id = await insertTip(tx, {
        division_code: DEMO_COUNTY,
        township_code: township.code,
        channel: t.channel,
        received_at: t.received_at,
        lon: t.location.coordinates[0] ?? null,
        lat: t.location.coordinates[1] ?? null,
        place: null,
        content: t.content,
        reporter: null,
        reporter_contact: null,
        info_officer_id: officerId,
        check_due: due.due_at.toISOString(),
        check_due_date: due.due_date,
        note: null,
        created_by: null as unknown as string,
      })
      tipIds.set(t.key, id)
    }
    const tipOfViolation = new Map(
      tips.flatMap((t) => (t.violation_key ? [[t.violation_key, tipIds.get(t.key)!] as const] : [])),
    )

    // 3. violations (POST /violations) and their histories (POST /violations/:id/events)
    const violationIds = new Map<string, string>()
    let events = 0
    for (const v of violations) {
      const what = `violation ${v.key}`
      if (v.cultivated_mu > v.area_mu) fail(what, 'cultivated_mu exceeds area_mu')
      if (v.basic_farmland_mu > v.cultivated_mu) fail(what, 'basic_farmland_mu exceeds cultivated_mu')
      if (!(await isPointInDivision(tx, DEMO_COUNTY, v.location))) fail(what, 'location outside the county')
      const township = await resolveTownship(tx, DEMO_COUNTY, undefined, v.location)
      let extentText: string | null = null
      if (v.extent) {
        const verdict = await checkGeoJsonGeometry(tx, v.extent, '/extent')
        if (verdict.isEmpty || !verdict.valid) fail(what, `invalid extent: ${verdict.reason}`)
        extentText = JSON.stringify(v.extent)
        const measured = await measureExtent(tx, DEMO_COUNTY, extentText, toCalendarDate(v.found_at))
        if (measured.intersects_county === false) fail(what, 'extent outside the county')
      }
      const patrolId = v.patrol_external_id ? (patrols.get(v.patrol_external_id) ?? null) : null
      const id = await insertViolation(tx, {
        division_code: DEMO_COUNTY,
        township_code: township.code,
        category: v.category,
        source: v.source,
        found_at: v.found_at,
        lon: v.location.coordinates[0] as number,
        lat: v.location.coordinates[1] as number,
        extent: extentText,
        place: null,
        area_mu: v.area_mu,
        cultivated_mu: v.cultivated_mu,
        basic_farmland_mu: v.basic_farmland_mu,
        area_source: 'entered',
        farmland_source: 'entered',
        party: v.party,
        description: v.description,
        patrol_id: patrolId,
        tip_id: null, // linked when its tip is checked, as POST /tips/:id/check does
        unit_id: township.code ? (ids.stationOf.get(township.code) ?? null) : null,
        major: v.major,
        needs_stopping: v.category !== 8,
        report_required: v.major,
        ...computeStoredDeadlines(v.found_at, v.major, overrides),
        created_by: null as unknown as string,
        created_by_person: ids.person.get(v.events[0]?.actor_key ?? '')?.id ?? null,
      })
      violationIds.set(v.key, id)

      const [first, ...rest] = v.events
      if (first?.type !== 'found' || Date.parse(first.at) !== Date.parse(v.found_at))
        fail(what, 'its history does not start with its discovery')
      let state: ViolationState = startViolation(v.found_at)
      for (const [k, e] of rest.entries()) {
        const type = EVENT_TO[e.type]
        if (!type) fail(what, `event ${k + 1} "${e.type}" is not a workflow step`)
        const result = applyEvent(state, {
          type,
          at: e.at,
          ...(e.closing_kind !== undefined ? { kind: e.closing_kind } : {}),
        })
        if (!result.ok)
          fail(
            what,
            `event ${k + 1} ${type} at ${e.at} in state ${state.status}: ${result.reason} (allowed: ${result.allowed.join(', ') || 'nothing'})`,
          )
        const actor = ids.person.get(e.actor_key)
        await insertEvent(tx, {
          violation_id: id,
          division_code: DEMO_COUNTY,
          type,
          at: e.at,
          from_status: state.status,
          to_status: result.state.status,
          closing_kind: e.closing_kind ?? null,
          note: e.note,
          actor_token_id: null as unknown as string,
          actor_person_id: actor?.id ?? null,
          actor_label: actor?.name ?? DEMO_LABEL,
        })
        const next = result.state.status
        await updateViolationState(tx, id, {
          status: next,
          last_event_at: e.at,
          ...(next === 'reported' ? { reported_at: e.at } : {}),
          ...(next === 'filed'
            ? { filed_at: e.at, closure_due: computeClosureDeadline(e.at, RULES).due_at.toISOString() }
            : {}),
          ...(next === 'closed' && e.closing_kind ? { closed_at: e.at, closing_kind: e.closing_kind } : {}),
        })
        state = result.state
        events++
      }
      // a tip that led here is checked when the violation is confirmed (POST /tips/:id/check)
      const tipId = tipOfViolation.get(v.key)
      if (tipId) {
        await tx.query('UPDATE violations SET tip_id = $2::uuid WHERE id = $1::uuid AND tip_id IS NULL', [
          id,
          tipId,
        ])
        await checkTip(tx, tipId, { outcome: 'violation', violationId: id, at: v.found_at, note: null })
      }
    }

    // unfounded tips closed with their reason the next day; open ones stay open
    for (const t of tips) {
      const id = tipIds.get(t.key)!
      if (t.outcome === 'unfounded') {
        const at = new Date(Date.parse(t.received_at) + 24 * HOUR).toISOString()
        await checkTip(tx, id, { outcome: 'unfounded', violationId: null, at, note: t.content })
      } else if (t.outcome === 'violation' && (!t.violation_key || !violationIds.has(t.violation_key)))
        fail(`tip ${t.key}`, `its violation ${t.violation_key} is not in violations.json`)
    }

    // 4. monthly reports (POST /info-reports): by the officer in office that month; one insert for all
    for (const r of reports) {
      const personId = ids.officer.get(r.officer_key)
      if (!personId || officerOfVillage.get(r.village_code) !== personId)
        fail(`info report ${r.village_code}/${r.month}`, 'not by the officer of the village')
      if (!r.zero_report && !r.content.trim()) fail(`info report ${r.village_code}/${r.month}`, 'no content')
    }
    await tx.query(
      `INSERT INTO info_reports (division_code, village_code, person_id, month, zero_report, content, submitted_at)
       SELECT left(v, 6), v, p, m, z, c, s
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::boolean[], $5::text[], $6::timestamptz[])
              AS r (v, p, m, z, c, s)`,
      [
        reports.map((r) => r.village_code),
        reports.map((r) => ids.officer.get(r.officer_key)),
        reports.map((r) => r.month),
        reports.map((r) => r.zero_report),
        reports.map((r) => r.content),
        reports.map((r) => r.submitted_at),
      ],
    )

    // 5. cultivated land taken by new construction (PUT /cultivated-land-taken/:division/:year)
    for (const c of taken) {
      await tx.query(
        `INSERT INTO cultivated_land_taken (division_code, year, mu) VALUES ($1::text, $2::smallint, $3::numeric)
         ON CONFLICT (division_code, year) DO UPDATE SET mu = EXCLUDED.mu, updated_at = now()`,
        [c.division_code, c.year, c.mu],
      )
    }
    ctx.log.info(
      `demo county: ${violations.length} violations (${events} events), ${tips.length} tips, ` +
        `${officers.length} information officers, ${reports.length} monthly reports in ${Date.now() - started} ms`,
    )
  },
}

/** Closes an open tip as POST /tips/:id/check does (not before it was received, unfounded with a reason). */
async function checkTip(
  tx: Queryable,
  id: string,
  c: { outcome: 'violation' | 'unfounded'; violationId: string | null; at: string; note: string | null },
): Promise<void> {
  const tip = await findTip(tx, id, true)
  if (!tip || tip.status !== 'open') fail(`tip ${id}`, 'not open')
  if (Date.parse(c.at) < Date.parse(tip.received_at)) fail(`tip ${id}`, 'checked before it was received')
  if (c.outcome === 'unfounded' && !c.note?.trim()) fail(`tip ${id}`, 'unfounded without a reason')
  await closeTip(tx, id, {
    status: c.outcome,
    violation_id: c.violationId,
    closed_at: c.at,
    note: c.note,
    by: null as unknown as string,
  })
}
