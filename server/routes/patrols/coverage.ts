import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { readConcurrently } from '../../db/concurrent-reads.js'
import type { Queryable } from '../../db/port.js'
import { assessPeriod, keyAreaCoverageRate, type PeriodCompliance } from '../../domain/coverage/compliance.js'
import { periodContaining, periodsOverlapping, type Period } from '../../domain/coverage/periods.js'
import { DEFAULT_RULE_SET, type FrequencyPeriod, type RuleSet } from '../../domain/rules/rule-set.js'
import { READERS } from '../../plugins/auth.js'
import { problemResponses } from '../common-schemas.js'
import { rulesInForce } from '../rule-sets/queries.js'
import {
  listStationSupervision,
  listZonePeriods,
  readCoveredShares,
  readZoneGeometries,
  type StationWeekRow,
  type ZoneOfPeriods,
  type ZonePeriodRow,
} from './coverage-queries.js'
import { readRoadShares, ROAD_ZONE_CLASS } from './road-coverage.js'
import { DateRangeQuery } from './schemas.js'
import { defaultSpan } from './span.js'

export interface ZonePeriodFigures extends PeriodCompliance {
  period: string
  start: string
  end: string
  required: number
  visits: number
  covered_share: number
  /** road zones: share of the centre line within sight of the period's counted tracks; else null */
  road_share: number | null
  last_visit: string | null
}

interface ZoneFigures {
  zone_id: string
  name: string
  category: string
  tier: number
  unit_id: string | null
  township_code: string | null
  area_m2: number
  required: number
  visits: number
  compliant: boolean
  covered_share: number
  /** road zones: mean of the periods' road shares; else null */
  road_share: number | null
  last_visit: string | null
  periods: ZonePeriodFigures[]
}

const round4 = (v: number) => Math.round(v * 10000) / 10000

function requiredFor(rules: RuleSet, tier: number): number {
  const f = rules.patrol.frequency
  return tier === 1 ? f.tier1.visits : tier === 2 ? f.tier2.visits : f.tier3.visits
}

/** GET /coverage: compliance and swath coverage per zone and period, with the summary of design.md. */
export async function computeCoverage(
  db: Queryable,
  q: { division: string; from: string; to: string; today: string },
  rules: RuleSet = DEFAULT_RULE_SET,
) {
  const f = rules.patrol.frequency
  // the reads are independent: on PostgreSQL the swath and road shares and the supervision are read
  // on other connections while the zone-periods (the longest) are
  const [rows, covered, roads, stationWeeks] = await readConcurrently(db, [
    (tx) => listZonePeriods(tx, { ...q, periodKinds: [f.tier1.period, f.tier2.period, f.tier3.period] }),
    (tx) => readCoveredShares(tx, q),
    (tx) => readRoadShares(tx, q),
    (tx) => listStationSupervision(tx, q),
  ])
  const zones = new Map<string, ZoneFigures>()
  // A county-month has thousands of zone-periods but a handful of distinct periods: the calendar
  // arithmetic of periodContaining, done per row, took a fifth of the read.
  const periods = new Map<string, Period>()
  let zone: ZoneFigures | undefined
  let kind: FrequencyPeriod | undefined
  let zoneCovered: Map<string, number> | undefined
  for (const row of rows) {
    if (row.zone) {
      zone = newZone(row.zone)
      kind = row.zone.kind
      zoneCovered = covered.get(zone.zone_id)
      zones.set(zone.zone_id, zone)
    }
    if (!zone || !kind) throw new Error('listZonePeriods: a period row before its zone')
    const key = `${kind}/${row.period_start}`
    let period = periods.get(key)
    if (!period) periods.set(key, (period = periodContaining(row.period_start, kind)))
    const share = zoneCovered?.get(key) ?? null
    zone.periods.push(periodFigures(row, share, period, requiredFor(rules, zone.tier), q.today))
  }
  for (const zone of zones.values()) {
    const isRoad = zone.category in ROAD_ZONE_CLASS && !roads.roadless.has(zone.zone_id)
    for (const p of zone.periods)
      p.road_share = isRoad ? round4(roads.shares.get(zone.zone_id)?.get(p.start) ?? 0) : null
    zone.road_share = isRoad
      ? round4(zone.periods.reduce((s, p) => s + (p.road_share ?? 0), 0) / Math.max(1, zone.periods.length))
      : null
    zone.required = zone.periods.reduce((s, p) => s + p.required, 0)
    zone.visits = zone.periods.reduce((s, p) => s + p.visits, 0)
    zone.compliant = zone.periods.every((p) => p.compliant)
    zone.covered_share = round4(
      zone.periods.reduce((s, p) => s + p.covered_share, 0) / Math.max(1, zone.periods.length),
    )
    zone.last_visit = zone.periods.reduce<string | null>(
      (l, p) => (p.last_visit && (!l || p.last_visit > l) ? p.last_visit : l),
      null,
    )
  }
  const list = [...zones.values()]

  const keyArea = keyAreaCoverageRate(
    list
      .filter((z) => z.tier === 1)
      .flatMap((z) =>
        z.periods.map((p) => ({
          period_start: p.start,
          area_m2: z.area_m2,
          compliant: p.compliant,
          open: p.open,
        })),
      ),
  )
  const byTier = Object.fromEntries(
    [1, 2, 3].map((tier) => {
      const periods = list
        .filter((z) => z.tier === tier)
        .flatMap((z) => z.periods.map((p) => ({ p, area: z.area_m2 })))
      const closed = periods.filter(({ p }) => !p.open)
      const compliant = closed.filter(({ p }) => p.compliant).length
      const open = periods.filter(({ p }) => p.open)
      const area = periods.reduce((s, { area }) => s + area, 0)
      return [
        String(tier),
        {
          zones: list.filter((z) => z.tier === tier).length,
          zone_periods: periods.length,
          closed: closed.length,
          compliant,
          compliance_rate: closed.length > 0 ? round4(compliant / closed.length) : null,
          open: open.length,
          open_projected_short: open.filter(({ p }) => (p.projected_shortfall ?? 0) > 0).length,
          // area-weighted mean of the periods' covered shares
          covered_share:
            area > 0
              ? round4(periods.reduce((s, { p, area }) => s + p.covered_share * area, 0) / area)
              : null,
        },
      ]
    }),
  )
  const supervision = supervisionSummary(stationWeeks, q, rules)
  return {
    division: q.division,
    from: q.from,
    to: q.to,
    today: q.today,
    rules: {
      frequency: rules.patrol.frequency,
      min_staff: rules.patrol.min_staff,
      sight_radius_m: rules.visit.sight_radius_m,
      min_swath_share: rules.visit.min_swath_share,
      min_dwell_s: rules.visit.min_dwell_s,
      supervision_per_week: rules.patrol.supervision_per_week,
    },
    summary: {
      key_area_coverage_rate: keyArea.rate === null ? null : round4(keyArea.rate),
      key_area_standard: rules.assessment.standards.key_area_coverage,
      key_area_periods: keyArea.periods.map((p) => ({ ...p, rate: round4(p.rate) })),
      by_tier: byTier,
      supervision,
    },
    zones: list,
  }
}

function newZone(row: ZoneOfPeriods): ZoneFigures {
  return {
    zone_id: row.zone_id,
    name: row.name,
    category: row.category,
    tier: row.tier,
    unit_id: row.unit_id,
    township_code: row.township_code,
    area_m2: Math.round(row.area_m2 * 100) / 100,
    required: 0,
    visits: 0,
    compliant: true,
    covered_share: 0,
    road_share: null,
    last_visit: null,
    periods: [],
  }
}

function periodFigures(
  row: ZonePeriodRow,
  coveredShare: number | null,
  period: Period,
  required: number,
  today: string,
): ZonePeriodFigures {
  // (spelled out, not spread: one object per zone-period less to copy)
  const assessed = assessPeriod(period, { required, visits: row.visits }, today)
  return {
    period: period.label,
    start: period.start,
    end: period.end,
    required,
    visits: row.visits,
    covered_share: round4(coveredShare ?? 0),
    road_share: null,
    last_visit: row.last_visit,
    open: assessed.open,
    compliant: assessed.compliant,
    shortfall: assessed.shortfall,
    projected_visits: assessed.projected_visits,
    projected_shortfall: assessed.projected_shortfall,
  }
}

/**
 * UTF-8 JSON of a coverage answer: the same bytes as `Buffer.from(JSON.stringify(coverage))`, as
 * `zones` is the answer's last key. Encoded a few zones at a time: one JSON string of a county-month
 * is a ~7 MB two-byte string (the names are Chinese) and its UTF-8 copy another fresh 3 MB; both were
 * allocated, paged in and collected on every read, which took longer than computing the figures'
 * JSON. The JSON of a few zones is a few kB, encoded from the young generation and buffer pool (a
 * zone at a time made many more calls; a hundred at a time, strings large enough to be slow again).
 */
export function encodeCoverageJson(coverage: { zones: readonly unknown[] }): Buffer {
  const { zones, ...rest } = coverage
  const head = JSON.stringify({ ...rest, zones: [] })
  const parts = [Buffer.from(head.slice(0, -2))] // up to and including the zones' '['
  for (let i = 0; i < zones.length; i += ZONES_PER_CHUNK) {
    const json = JSON.stringify(zones.slice(i, i + ZONES_PER_CHUNK))
    parts.push(Buffer.from((i === 0 ? '' : ',') + json.slice(1, -1)))
  }
  parts.push(Buffer.from(']}'))
  return Buffer.concat(parts)
}

const ZONES_PER_CHUNK = 16

function supervisionSummary(
  rows: readonly StationWeekRow[],
  q: { division: string; from: string; to: string; today: string },
  rules: RuleSet,
) {
  const weeks = periodsOverlapping(q.from, q.to, 'iso_week').filter((w) => w.start <= q.today)
  const stations = new Map<
    string,
    { unit_id: string; name: string; division_code: string; counts: Map<string, number> }
  >()
  for (const r of rows) {
    const s = stations.get(r.unit_id) ?? {
      unit_id: r.unit_id,
      name: r.name,
      division_code: r.division_code,
      counts: new Map(),
    }
    if (r.week) s.counts.set(r.week, r.patrols)
    stations.set(r.unit_id, s)
  }
  const required = rules.patrol.supervision_per_week
  const list = [...stations.values()].map((s) => ({
    unit_id: s.unit_id,
    name: s.name,
    division_code: s.division_code,
    weeks: weeks.map((w) => {
      const patrols = s.counts.get(w.start) ?? 0
      return {
        week: w.label,
        start: w.start,
        patrols,
        required,
        compliant: patrols >= required,
        open: w.start <= q.today && q.today < w.end,
      }
    }),
  }))
  const closed = list.flatMap((s) => s.weeks.filter((w) => !w.open))
  return {
    required_per_week: required,
    compliance_rate:
      closed.length > 0 ? round4(closed.filter((w) => w.compliant).length / closed.length) : null,
    stations: list,
  }
}

const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/coverage',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['coverage'],
        summary:
          'Per zone and period (ISO week for tier 1, month for tiers 2–3): visits vs required, compliance, swath coverage, last visit; key-area coverage rate, compliance by tier, supervision of stations. Reads derived tables only.',
        querystring: DateRangeQuery,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request, reply) => {
      const span = defaultSpan(request.query.from, request.query.to)
      const division = request.query.division ?? request.principal.divisionCode
      const coverage = await request.db.transaction(async (tx) =>
        computeCoverage(tx, { ...span, division }, await rulesInForce(tx, division, span.to)),
      )
      // A county-month is a few MB of JSON (thousands of zones, one entry per zone-period). Sent as a
      // string, it is measured (Content-Length) and encoded to UTF-8 again on the way out, each a pass
      // over a two-byte string (zone names are Chinese); encoded once here, the bytes go out as they
      // are. The same bytes as Fastify's serialisation of the object (the 200 schema is Unknown).
      return reply.type('application/json; charset=utf-8').send(encodeCoverageJson(coverage))
    },
  )

  app.get(
    '/gaps',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags: ['coverage'],
        summary:
          'Zone-periods short of their required visits (closed, or open and not yet met), as GeoJSON with the shortfall',
        querystring: DateRangeQuery,
        response: { 200: Type.Unknown(), ...problemResponses },
      },
    },
    async (request) => {
      const span = defaultSpan(request.query.from, request.query.to)
      const division = request.query.division ?? request.principal.divisionCode
      return request.db.transaction(async (tx) => {
        const coverage = await computeCoverage(
          tx,
          { ...span, division },
          await rulesInForce(tx, division, span.to),
        )
        const short = coverage.zones.flatMap((z) =>
          z.periods.filter((p) => !p.compliant).map((p) => ({ z, p })),
        )
        const geometries = await readZoneGeometries(tx, [...new Set(short.map(({ z }) => z.zone_id))])
        return {
          type: 'FeatureCollection',
          features: short.map(({ z, p }) => ({
            type: 'Feature',
            id: `${z.zone_id}/${p.start}`,
            geometry: geometries.get(z.zone_id) ?? null,
            properties: {
              zone_id: z.zone_id,
              name: z.name,
              category: z.category,
              tier: z.tier,
              unit_id: z.unit_id,
              area_m2: z.area_m2,
              ...p,
            },
          })),
        }
      })
    },
  )
}

export default coverageRoutes
