/**
 * The one-vote veto 一票否决 (第二十六条, 第二十七条第三款).
 *
 * 第二十六条 chains it: poor patrolling that lets illegally occupied cultivated land reach 15 % of the
 * cultivated land taken by new construction land in the year (or that causes serious consequences)
 * leads to the suspension of land-conversion approvals, and a unit that is suspended, or whose staff
 * are held liable, is vetoed. domain.md takes the ratio itself as the trigger, since suspension
 * follows from it; the other grounds are entered by the assessor with a reason.
 *
 * The ratio comparison is exact: areas in 0.0001 mu and the threshold in parts per million, compared
 * as integers (15 mu of 100 mu is exactly 15 %, and 1.05 of 7 is too, though 1.05 / 7 in floating
 * point is 0.15000000000000002).
 */
import { formatScaledInteger, toScaledInteger } from '../rules/fixed-point.js'
import type { RuleSet } from '../rules/rule-set.js'

export const VETO_GROUNDS = ['serious_consequences', 'liability_pursued', 'approvals_suspended'] as const
export type VetoGroundKind = (typeof VETO_GROUNDS)[number]

const GROUND_TITLES: Record<VetoGroundKind, string> = {
  serious_consequences: '造成恶劣影响或严重后果',
  liability_pursued: '有关人员被追究行政、刑事责任',
  approvals_suspended: '被暂停农用地转用和土地征收审批',
}

export interface VetoGround {
  ground: VetoGroundKind
  reason: string
  assessor: string
  evidence_ids?: readonly string[]
}

export interface VetoInputs {
  /** Illegally occupied cultivated land found in the year, mu. */
  illegal_cultivated_mu: number
  /** Cultivated land taken by new construction land in the year, mu. */
  new_construction_cultivated_mu: number
  /** The violations behind `illegal_cultivated_mu`. */
  evidence_ids: readonly string[]
  grounds?: readonly VetoGround[]
}

export interface VetoResult {
  triggered: boolean
  /** illegal ÷ new construction; null when the denominator is 0. */
  ratio: number | null
  threshold: number
  ratio_triggered: boolean
  grounds: VetoGround[]
  /** Why, in words, with the numbers. */
  reason: string
  evidence_ids: string[]
}

const AREA_DECIMALS = 4
const RATIO_PPM = 6

function formatMu(units: number): string {
  return formatScaledInteger(units, AREA_DECIMALS)
}

/** A ratio as a percentage with up to 4 decimals, exact from the integer areas. */
function formatPercent(numeratorUnits: bigint, denominatorUnits: bigint): string {
  const scaled = (numeratorUnits * 10n ** 6n * 2n + denominatorUnits) / (denominatorUnits * 2n) // % × 10^4, rounded
  return `${formatScaledInteger(Number(scaled), 4)}%`
}

export function evaluateVeto(inputs: VetoInputs, rules: RuleSet): VetoResult {
  const threshold = rules.assessment.veto_ratio
  const illegal = toScaledInteger(inputs.illegal_cultivated_mu, AREA_DECIMALS)
  const base = toScaledInteger(inputs.new_construction_cultivated_mu, AREA_DECIMALS)
  const thresholdPpm = toScaledInteger(threshold, RATIO_PPM)
  if (illegal < 0 || base < 0) throw new RangeError('cultivated land areas must be ≥ 0')
  const thresholdText = `${formatScaledInteger(toScaledInteger(threshold, RATIO_PPM - 2), RATIO_PPM - 4)}%`

  let ratioTriggered: boolean
  let ratioText: string
  if (base === 0) {
    // No cultivated land was lawfully taken, so any illegal occupation is an unbounded share of it:
    // the ratio "reaches 15 %". Both zero means there is nothing to compare.
    ratioTriggered = illegal > 0
    ratioText =
      illegal > 0
        ? `违法占用耕地 ${formatMu(illegal)} 亩，而新增建设用地占用耕地为 0：比例无上限，达到否决比例 ${thresholdText}`
        : '违法占用耕地与新增建设用地占用耕地均为 0：不触发比例否决'
  } else {
    ratioTriggered = BigInt(illegal) * 10n ** BigInt(RATIO_PPM) >= BigInt(thresholdPpm) * BigInt(base)
    ratioText =
      `违法占用耕地 ${formatMu(illegal)} 亩 ÷ 新增建设用地占用耕地 ${formatMu(base)} 亩 = ` +
      `${formatPercent(BigInt(illegal), BigInt(base))} ${ratioTriggered ? '≥' : '<'} 否决比例 ${thresholdText}`
  }

  const grounds = [...(inputs.grounds ?? [])]
  const groundTexts = grounds.map((g) => `${GROUND_TITLES[g.ground]}：${g.reason}（${g.assessor}）`)
  const triggered = ratioTriggered || grounds.length > 0
  const evidence = new Set<string>(ratioTriggered ? inputs.evidence_ids : [])
  for (const g of grounds) for (const id of g.evidence_ids ?? []) evidence.add(id)

  return {
    triggered,
    ratio: base === 0 ? null : illegal / base,
    threshold,
    ratio_triggered: ratioTriggered,
    grounds,
    reason: [ratioText, ...groundTexts].join('；'),
    evidence_ids: [...evidence],
  }
}
