import type { Point } from 'geojson'
import { addWorkingDays, daysOfMonth, isoUtc, shanghaiDate, shanghaiInstant } from './calendar.js'
import type { Geography } from './geography.js'
import type { InfoOfficer } from './people.js'
import { type Pt, pointInMPoly } from './planar.js'
import { toLonLat } from './projection.js'
import { Random } from './random.js'
import type { ViolationContext } from './violations.js'

export type TipChannel = 'hotline_12336' | 'info_officer' | 'letter' | 'visit'

export interface Tip {
  key: string
  channel: TipChannel
  received_at: string
  location: Point
  content: string
  outcome: 'violation' | 'unfounded' | 'open'
  violation_key: string | null
}

export interface InfoReport {
  officer_key: string
  village_code: string
  month: string
  zero_report: boolean
  content: string
  submitted_at: string
}

const HOUR = 3_600_000
const END = shanghaiInstant('2026-10-31', 23, 59, 59)

const UNFOUNDED = [
  '举报有人在承包地上建房，经核实为经批准的农村村民住宅建设',
  '反映有人挖山取土，经核实为经批准的土地整理项目施工',
  '举报有企业圈占耕地，经核实为依法办理手续的临时用地',
  '反映河道旁有人采砂，经核实不在本辖区，已告知水务部门',
  '反映村道旁堆放建材，经核实为农户临时堆放，已自行清理',
]
const OPEN = [
  '举报有人在基本农田内修建钢架大棚，待核实',
  '反映公路旁有人平整土地，疑似准备建房，待核实',
  '举报砂石厂扩大堆场占用耕地，待核实',
  '反映村口有人打地基，待核实',
]

function point(p: Pt): Point {
  const [lon, lat] = toLonLat(p)
  return { type: 'Point', coordinates: [lon, lat] }
}

/** The public and information-officer register 登记簿: every tip is checked and closed. */
export function buildTips(seed: number, geo: Geography, violations: readonly ViolationContext[]): Tip[] {
  const rng = Random.stream(seed, 'tips')
  const tips: (Tip & { ms: number })[] = []
  for (const v of violations) {
    const src = v.record.source
    if (src !== 'info_officer' && src !== 'public_tip') continue
    const channel: TipChannel =
      src === 'info_officer'
        ? 'info_officer'
        : rng.weighted(['hotline_12336', 'letter', 'visit'] as const, [6, 2, 2])
    const ms = v.foundMs - rng.float(2, 40) * HOUR
    const [lon, lat] = v.record.location.coordinates as [number, number]
    tips.push({
      key: '',
      channel,
      received_at: isoUtc(ms),
      location: { type: 'Point', coordinates: [lon, lat] },
      content: `${channel === 'info_officer' ? '信息员报告：' : '群众举报：'}${v.record.description}`,
      outcome: 'violation',
      violation_key: v.record.key,
      ms,
    })
  }
  const randomPlace = (): Pt => {
    for (;;) {
      const v = rng.pick(geo.villages)
      const p: Pt = [rng.float(v.bbox.minX, v.bbox.maxX), rng.float(v.bbox.minY, v.bbox.maxY)]
      if (pointInMPoly(p, v.geom)) return p
    }
  }
  for (let i = 0; i < 10; i++) {
    const day = addWorkingDays(
      `2026-${String(rng.int(1, 10)).padStart(2, '0')}-${String(rng.int(1, 25)).padStart(2, '0')}`,
      0,
    )
    const ms = shanghaiInstant(day, rng.int(8, 19), rng.int(0, 59))
    tips.push({
      key: '',
      channel: rng.weighted(['hotline_12336', 'info_officer', 'letter', 'visit'] as const, [5, 3, 1, 1]),
      received_at: isoUtc(ms),
      location: point(randomPlace()),
      content: rng.pick(UNFOUNDED),
      outcome: 'unfounded',
      violation_key: null,
      ms,
    })
  }
  for (let i = 0; i < 5; i++) {
    const ms = Math.min(
      END - HOUR,
      shanghaiInstant(`2026-10-${rng.int(26, 31)}`, rng.int(8, 19), rng.int(0, 59)),
    )
    tips.push({
      key: '',
      channel: rng.weighted(['hotline_12336', 'info_officer', 'letter', 'visit'] as const, [5, 3, 1, 1]),
      received_at: isoUtc(ms),
      location: point(randomPlace()),
      content: rng.pick(OPEN),
      outcome: 'open',
      violation_key: null,
      ms,
    })
  }
  tips.sort((a, b) => a.ms - b.ms)
  return tips.map(({ ms: _ms, ...t }, i) => ({ ...t, key: `T2026-${String(i + 1).padStart(4, '0')}` }))
}

/**
 * Monthly reports of the village information officers (篇三 七(1)): mostly zero-reports; a report with
 * content when the officer passed on a tip that month. A few villages have not reported for the
 * latest month, and the odd month is missing elsewhere.
 */
export function buildInfoReports(
  seed: number,
  officers: readonly InfoOfficer[],
  violations: readonly ViolationContext[],
): InfoReport[] {
  const rng = Random.stream(seed, 'info-reports')
  const tipsByOfficerMonth = new Map<string, string[]>()
  for (const v of violations) {
    if (v.record.source !== 'info_officer' || !v.village) continue
    const month = shanghaiDate(v.foundMs).slice(0, 7)
    const key = `${v.village.code}/${month}`
    const list = tipsByOfficerMonth.get(key) ?? []
    list.push(v.record.description)
    tipsByOfficerMonth.set(key, list)
  }
  const laggards = new Set(
    rng.sample(officers, Math.max(3, Math.round(officers.length * 0.07))).map((o) => o.key),
  )
  const out: InfoReport[] = []
  for (let m = 1; m <= 10; m++) {
    const month = `2026-${String(m).padStart(2, '0')}`
    const days = daysOfMonth(2026, m)
    for (const o of officers) {
      if (m === 10 && laggards.has(o.key)) continue
      if (m < 10 && rng.chance(0.02)) continue
      const reported = tipsByOfficerMonth.get(`${o.village_code}/${month}`)
      const extra = !reported && rng.chance(0.03)
      const zero = !reported && !extra
      const content = reported
        ? `本月发现并报告违法用地线索${reported.length}起：${reported.join('；')}`
        : extra
          ? '本月发现村民在自家承包地内堆放建材，经劝导已自行清理，无违法用地行为'
          : '本月本村未发现违法用地、违法采矿行为，零报告'
      // submitted in the last days of the month
      const day = days[days.length - 1 - rng.int(0, 4)] as string
      out.push({
        officer_key: o.key,
        village_code: o.village_code,
        month,
        zero_report: zero,
        content,
        submitted_at: isoUtc(shanghaiInstant(day, rng.int(8, 20), rng.int(0, 59))),
      })
    }
  }
  return out
}
