import type { Point, Polygon } from 'geojson'
import { addWorkingDays, isoUtc, shanghaiDate, shanghaiInstant } from './calendar.js'
import type { Geography, Village } from './geography.js'
import { createNamer } from './names.js'
import type { PatrolPlan } from './patrols.js'
import type { Staffing } from './people.js'
import { type Pt, bboxContainsPt, pointInMPoly, pointInPoly } from './planar.js'
import { toLonLat } from './projection.js'
import { Random } from './random.js'
import type { RoadNetwork } from './roads.js'
import type { Category as ZoneCategory, Zone } from './zones.js'

export type ViolationSource = 'patrol' | 'info_officer' | 'public_tip' | 'satellite' | 'higher_authority'
export type EventType =
  | 'found'
  | 'stopped'
  | 'self_corrected'
  | 'reported'
  | 'filed'
  | 'not_filed'
  | 'closed'
  | 'escalated'
  | 'transferred'
export type ClosingKind =
  | 'penalty_decided'
  | 'complied'
  | 'disciplinary_recommendation'
  | 'transferred_judicial'
  | 'enforcement_applied'

export const EVENT_TYPES: EventType[] = [
  'found',
  'stopped',
  'self_corrected',
  'reported',
  'filed',
  'not_filed',
  'closed',
  'escalated',
  'transferred',
]
const CLOSING_KINDS: ClosingKind[] = [
  'penalty_decided',
  'complied',
  'disciplinary_recommendation',
  'transferred_judicial',
  'enforcement_applied',
]

export interface ViolationEvent {
  type: EventType
  at: string
  note: string
  actor_key: string
  closing_kind?: ClosingKind
}

export interface Violation {
  key: string
  category: number
  source: ViolationSource
  found_at: string
  location: Point
  extent: Polygon | null
  area_mu: number
  cultivated_mu: number
  basic_farmland_mu: number
  party: string
  description: string
  patrol_external_id: string | null
  major: boolean
  events: ViolationEvent[]
}

/** What the generator knows beyond the record: for tips and information-officer reports. */
export interface ViolationContext {
  record: Violation
  foundMs: number
  village: Village | null
}

const MU = 10000 / 15
const DAY = 86_400_000

const ORDER: Record<EventType, EventType[]> = {
  found: ['found'],
  stopped: ['found', 'stopped'],
  self_corrected: ['found', 'stopped', 'self_corrected'],
  reported: ['found', 'stopped', 'reported'],
  filed: ['found', 'stopped', 'reported', 'filed'],
  not_filed: ['found', 'stopped', 'reported', 'not_filed'],
  closed: ['found', 'stopped', 'reported', 'filed', 'closed'],
  escalated: ['found', 'stopped', 'reported', 'escalated'],
  transferred: ['found', 'stopped', 'transferred'],
}
const END = shanghaiInstant('2026-10-31', 23, 59, 59)
const YEAR_START = shanghaiInstant('2026-01-05', 0)

/** Final states and how many violations end in each (every state appears as a final state). */
const PLAN: [EventType, number][] = [
  ['closed', 24],
  ['filed', 10],
  ['not_filed', 5],
  ['reported', 8],
  ['escalated', 4],
  ['transferred', 5],
  ['self_corrected', 10],
  ['stopped', 10],
  ['found', 8],
]

/** Earliest and latest discovery for a violation ending in that state (it must have had time). */
const FOUND_WINDOW: Record<EventType, [string, string]> = {
  closed: ['2026-01-05', '2026-06-20'],
  filed: ['2026-05-10', '2026-09-30'],
  not_filed: ['2026-03-01', '2026-09-30'],
  reported: ['2026-09-01', '2026-10-22'],
  escalated: ['2026-02-01', '2026-10-15'],
  transferred: ['2026-01-10', '2026-10-15'],
  self_corrected: ['2026-01-10', '2026-09-25'],
  stopped: ['2026-04-01', '2026-10-29'],
  found: ['2026-10-20', '2026-10-30'],
}

const CATEGORY_WEIGHTS = [22, 8, 20, 9, 18, 8, 8, 7] // categories 1..8 of 篇一 二(二)

const WHAT_BUILT = [
  '砖混结构住房',
  '钢架大棚房',
  '厂房',
  '仓储用房',
  '养殖场圈舍',
  '硬化晒场',
  '停车场',
  '门市用房',
]
const COMPANIES = [
  '建材有限公司',
  '商贸有限公司',
  '砂石经营部',
  '养殖专业合作社',
  '农业开发有限公司',
  '机械加工厂',
]
const DEPARTMENTS = ['县林业局', '县水务局', '县住房和城乡建设局', '县农业农村局']

function describe(rng: Random, cat: number, party: string, place: string, mu: number): string {
  const area = `${mu}亩`
  switch (cat) {
    case 1:
      return `${party}未经批准擅自占用${place}土地${area}建设${rng.pick(WHAT_BUILT)}`
    case 2:
      return `${party}在${place}经批准的临时用地上修建永久性${rng.pick(['厂房', '办公用房', '砖混围墙'])}，占地${area}`
    case 3:
      return `${party}在${place}占用耕地${rng.pick(['建房', '挖沙', '采石', '取土', '堆放建材'])}，涉及耕地${area}`
    case 4:
      return `${party}在${place}基本农田保护区内${rng.pick(['挖塘养鱼', '建设大棚房', '取土烧砖', '硬化地面'])}，破坏基本农田${area}`
    case 5:
      return `${party}在${place}非法占用土地${area}${rng.pick(['修建道路', '堆放废料', '建设临时工棚'])}`
    case 6:
      return `${party}在${place}无采矿许可证擅自开采${rng.pick(['砂石', '页岩', '石灰石', '黏土'])}，破坏土地${area}`
    case 7:
      return `${party}在${place}${rng.pick(['倾倒建筑垃圾', '违规堆放尾矿', '私挖乱采'])}，破坏土地${area}`
    default:
      return `${place}发现疑似${rng.pick(['新增建设用地', '地表扰动', '新建构筑物'])}，面积约${area}，需进一步核查`
  }
}

/** A rotated, slightly irregular quadrilateral of the given area: a measured site outline. */
function extentAround(rng: Random, c: Pt, areaM2: number): Polygon {
  const aspect = rng.float(1, 2.4)
  const w = Math.sqrt(areaM2 * aspect)
  const h = areaM2 / w
  const rot = rng.float(0, Math.PI)
  const corners: Pt[] = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ]
  const ring = corners.map(([x, y]) => {
    const jx = x * rng.float(0.95, 1.05)
    const jy = y * rng.float(0.95, 1.05)
    return toLonLat([
      c[0] + jx * Math.cos(rot) - jy * Math.sin(rot),
      c[1] + jx * Math.sin(rot) + jy * Math.cos(rot),
    ])
  })
  ring.push([(ring[0] as Pt)[0], (ring[0] as Pt)[1]])
  return { type: 'Polygon', coordinates: [ring] }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100
}

interface Ctx {
  geo: Geography
  net: RoadNetwork
  zones: readonly Zone[]
  staffing: Staffing
  plans: readonly PatrolPlan[]
}

function zoneAt(zones: readonly Zone[], p: Pt): Zone | null {
  for (const z of zones) if (bboxContainsPt(z.bbox, p) && pointInPoly(p, z.poly)) return z
  return null
}

function villageAt(geo: Geography, p: Pt): Village | null {
  for (const v of geo.villages) if (bboxContainsPt(v.bbox, p) && pointInMPoly(p, v.geom)) return v
  return null
}

/** Violations cluster: around the county town, along trunk roads, in a few hotspots. */
function clusteredLocation(rng: Random, ctx: Ctx, cat: number): Pt {
  const { geo, net, zones } = ctx
  const wantCategories: ZoneCategory[] | null =
    cat === 4
      ? ['basic_farmland']
      : cat === 6
        ? ['mining_area']
        : cat === 3
          ? ['basic_farmland', 'other_farmland']
          : null
  for (let tries = 0; tries < 400; tries++) {
    let p: Pt
    const r = rng.next()
    if (r < 0.45) p = [geo.countySeat[0] + rng.gaussian() * 3000, geo.countySeat[1] + rng.gaussian() * 3000]
    else if (r < 0.8 || wantCategories?.includes('mining_area')) {
      const roads = net.roads.filter((x) => x.cls === 'main')
      const node = net.nodes[rng.pick(rng.pick(roads).nodes)] as Pt
      p = [node[0] + rng.gaussian() * 350, node[1] + rng.gaussian() * 350]
    } else {
      const hot = zones.filter((z) => z.category === 'hotspot')
      const z = hot.length ? rng.pick(hot) : rng.pick(zones)
      p = [rng.float(z.bbox.minX, z.bbox.maxX), rng.float(z.bbox.minY, z.bbox.maxY)]
    }
    if (!geo.insideCounty(p)) continue
    if (wantCategories && tries < 300) {
      const z = zoneAt(zones, p)
      if (!z || !wantCategories.includes(z.category)) continue
    }
    return p
  }
  return geo.countySeat
}

export function buildViolations(seed: number, ctx: Ctx): ViolationContext[] {
  const rng = Random.stream(seed, 'violations')
  const nextName = createNamer(Random.stream(seed, 'parties'))
  const { geo, zones, staffing, plans } = ctx
  const finals = rng.shuffled(PLAN.flatMap(([state, n]) => Array.from({ length: n }, () => state)))
  const closingKinds = finals.map((_, i) => CLOSING_KINDS[i % CLOSING_KINDS.length] as ClosingKind)
  // October station patrols with tier-1 stops can have found what they passed
  const octoberStops = plans
    .filter((p) => p.kind !== 'supervision')
    .flatMap((p) => p.stops.map((s) => ({ plan: p, stop: s })))
    .filter(({ stop }) => {
      const c = zones[stop.zoneIndex]?.category
      return c !== undefined && c !== 'main_road' && c !== 'rural_road'
    })
  const usedStops = new Set<number>()
  const out: ViolationContext[] = []

  finals.forEach((final, i) => {
    const cat = rng.weightedIndex(CATEGORY_WEIGHTS) + 1
    const [w0, w1] = FOUND_WINDOW[final]
    let lo = shanghaiInstant(w0, 8)
    const hi = shanghaiInstant(w1, 18)
    lo = Math.max(lo, YEAR_START)
    // some recent cases were found on the October patrols in this data set
    const octoberOk = hi >= shanghaiInstant('2026-10-08', 0) && octoberStops.length > 0
    let source: ViolationSource
    let foundMs: number
    let location: Pt
    let patrolId: string | null = null
    let finder: string | null = null
    if (octoberOk && rng.chance(0.6)) {
      let k = -1
      for (let tries = 0; tries < 50; tries++) {
        const cand = rng.int(0, octoberStops.length - 1)
        const s = octoberStops[cand]
        if (!s || usedStops.has(cand) || s.stop.time < lo || s.stop.time > hi) continue
        k = cand
        break
      }
      const hit = k >= 0 ? octoberStops[k] : undefined
      if (hit) {
        usedStops.add(k)
        source = 'patrol'
        foundMs = Math.round(hit.stop.time / 1000) * 1000
        location = [hit.stop.at[0] + rng.gaussian() * 40, hit.stop.at[1] + rng.gaussian() * 40]
        patrolId = hit.plan.externalId
        finder = hit.plan.staffKeys[0] ?? null
      } else {
        source = 'patrol'
        foundMs = lo + rng.next() * (hi - lo)
        location = clusteredLocation(rng, ctx, cat)
      }
    } else {
      source = rng.weighted<ViolationSource>(
        ['patrol', 'info_officer', 'public_tip', 'satellite', 'higher_authority'],
        [45, 20, 18, 10, 7],
      )
      foundMs = lo + rng.next() * (hi - lo)
      location = clusteredLocation(rng, ctx, cat)
    }
    // discoveries away from a patrol happen on working days, in office hours
    const hh = rng.int(9, 16)
    const mm = rng.int(0, 59)
    if (!patrolId) foundMs = shanghaiInstant(addWorkingDays(shanghaiDate(foundMs), 0), hh, mm)

    const zone = zoneAt(zones, location)
    const village = villageAt(geo, location)
    const township = village ? geo.townships[village.townshipIndex] : geo.townships[0]
    const station = staffing.stationOf[township?.index ?? 0]
    const stationStaff = station ? (staffing.peopleOf.get(station.key) ?? []) : []
    const head = station ? staffing.headOf.get(station.key) : undefined
    const team = staffing.teams[i % staffing.teams.length]
    const teamHead = team ? staffing.headOf.get(team.key) : undefined
    const patroller = finder ?? rng.pick(stationStaff).key

    // size: mostly a few mu, a long tail of large cases
    // a handful of large cases: the major violations of 第二十一条
    const areaMu = rng.chance(0.03)
      ? round2(rng.float(32, 95))
      : round2(Math.min(120, Math.exp(rng.gaussian() * 1.1 + 1.1) + 0.2))
    let cultivated: number
    let basic = 0
    if (zone?.category === 'basic_farmland' || cat === 4) {
      cultivated = round2(areaMu * rng.float(0.75, 1))
      basic = round2(cultivated * rng.float(0.6, 1))
    } else if (zone?.category === 'other_farmland' || cat === 3) {
      cultivated = round2(areaMu * rng.float(0.5, 1))
    } else cultivated = round2(areaMu * (rng.chance(0.5) ? rng.float(0, 0.5) : 0))
    const major = areaMu >= 30 || basic >= 10 || (cat === 6 && areaMu >= 15)

    const party = rng.chance(0.6)
      ? `村民${nextName()}`
      : `${geo.townships[township?.index ?? 0]?.name.slice(0, -1) ?? ''}${rng.pick(COMPANIES)}`
    const place = village ? `${township?.name ?? ''}${village.name}` : (township?.name ?? '示范县')
    const description = describe(rng, cat, party, place, areaMu)

    // the timeline up to the final state; its random parts are drawn once so that a discovery
    // moved earlier (to fit the timeline before the data set ends) keeps the same story
    const order = ORDER[final]
    const late = rng.chance(0.22) // about one report in five is filed after the 2 working days (第十八条)
    const p = {
      stopHours: rng.float(0.5, 3),
      selfDays: rng.int(5, 20),
      reportDays: late ? rng.int(3, 9) : rng.int(0, 2),
      decideDays: rng.int(3, 12),
      closeDays: rng.int(15, 60),
      escalateDays: rng.int(1, 5),
      transferDays: rng.int(2, 8),
      clock: Array.from(
        { length: order.length },
        () => [rng.int(9, 16), rng.int(0, 59), rng.int(0, 59)] as const,
      ),
      department: rng.pick(DEPARTMENTS),
    }
    const timeline = (found: number): number[] => {
      const times = [found]
      const foundDay = shanghaiDate(found)
      let t = found
      order.slice(1).forEach((type, k) => {
        const [hh, mm, ss] = p.clock[k] as readonly [number, number, number]
        const on = (date: string) => shanghaiInstant(date, hh, mm, ss)
        const after = (n: number) => on(addWorkingDays(shanghaiDate(t), n))
        if (type === 'stopped') t += p.stopHours * 3_600_000
        else if (type === 'self_corrected') t = after(p.selfDays)
        else if (type === 'reported') t = Math.max(t + 3_600_000, on(addWorkingDays(foundDay, p.reportDays)))
        else if (type === 'filed' || type === 'not_filed') t = after(p.decideDays)
        else if (type === 'closed') t = after(p.closeDays)
        else if (type === 'escalated') t = after(p.escalateDays)
        else if (type === 'transferred') t = after(p.transferDays)
        times.push(t)
      })
      return times
    }
    let times = timeline(foundMs)
    for (let k = 0; k < 20 && (times[times.length - 1] as number) > END; k++) {
      // does not fit before the end of October: it was found earlier
      const overflow = (times[times.length - 1] as number) - END
      foundMs = shanghaiInstant(addWorkingDays(shanghaiDate(foundMs - overflow - DAY), 0), 10, 30)
      patrolId = null
      times = timeline(foundMs)
    }
    const foundNote: Record<ViolationSource, string> = {
      patrol: '动态巡查中发现，现场拍照取证并向当事人宣讲法律法规',
      info_officer: '村信息员报告，国土资源所现场核实属实',
      public_tip: '群众举报，经现场核实属实',
      satellite: '卫片执法检查图斑，经实地核查确认',
      higher_authority: '上级国土资源主管部门交办，经现场核实属实',
    }
    const closingNotes: Record<ClosingKind, string> = {
      penalty_decided: '作出行政处罚决定：责令退还土地、拆除违法建筑并处罚款',
      complied: '当事人已履行处罚决定，拆除违法建筑、恢复原状，予以结案',
      disciplinary_recommendation: '对相关责任人提出党纪政纪处分建议，予以结案',
      transferred_judicial: '涉嫌非法占用农用地罪，移送公安机关（司法机关）处理',
      enforcement_applied: '当事人逾期不履行，申请人民法院强制执行',
    }
    const station_ = head?.key ?? patroller
    const county_ = teamHead?.key ?? patroller
    const events: ViolationEvent[] = order.map((type, k) => {
      const at = isoUtc(times[k] as number)
      switch (type) {
        case 'found':
          return { type, at, note: foundNote[source], actor_key: patroller }
        case 'stopped':
          return { type, at, note: '下达《责令停止违法行为通知书》，当事人已停工', actor_key: patroller }
        case 'self_corrected':
          return {
            type,
            at,
            note: '当事人自行拆除违法建筑，恢复土地原状，经复核予以销号',
            actor_key: station_,
          }
        case 'reported':
          return { type, at, note: '填报《动态巡查违法行为报告表》报县国土资源局', actor_key: station_ }
        case 'filed':
          return { type, at, note: '经审查符合立案条件，予以立案查处', actor_key: county_ }
        case 'not_filed':
          return { type, at, note: '经审查不符合立案条件，不予立案，已告知报告人', actor_key: county_ }
        case 'closed': {
          const kind = closingKinds[i] as ClosingKind
          return { type, at, note: closingNotes[kind], actor_key: county_, closing_kind: kind }
        }
        case 'escalated':
          return { type, at, note: '超出本级管辖权限，报请市国土资源局查处', actor_key: county_ }
        case 'transferred':
          return { type, at, note: `不属本部门管辖，移送${p.department}处理`, actor_key: station_ }
      }
    })
    const extent = rng.chance(0.8) ? extentAround(rng, location, areaMu * MU) : null
    const [lon, lat] = toLonLat(location)
    out.push({
      record: {
        key: `V2026-${String(i + 1).padStart(4, '0')}`,
        category: cat,
        source,
        found_at: isoUtc(foundMs),
        location: { type: 'Point', coordinates: [lon, lat] },
        extent,
        area_mu: areaMu,
        cultivated_mu: cultivated,
        basic_farmland_mu: basic,
        party,
        description,
        patrol_external_id: patrolId,
        major,
        events,
      },
      foundMs,
      village,
    })
  })
  // records in order of discovery, keys following it
  out.sort((a, b) => a.foundMs - b.foundMs)
  out.forEach((v, i) => (v.record.key = `V2026-${String(i + 1).padStart(4, '0')}`))
  return out
}
