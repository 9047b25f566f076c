import type { Queryable } from '../db/port.js'
import { deriveOtherZones } from '../routes/plans/derive.js'
import { prepareFiledCountyZones } from '../routes/patrols/match.js'
import { markFiled, markSubmitted, requirePlan } from '../routes/plans/queries.js'

export async function derivePlanOther(tx: Queryable, planId: string): Promise<void> {
  const plan = await requirePlan(tx, planId)
  await deriveOtherZones(tx, { planId, countyCode: plan.division_code })
}

/** The demo plan is submitted by the county and filed by its city, as the workflow requires. */
export async function fileDemoPlan(tx: Queryable, planId: string): Promise<void> {
  await markSubmitted(tx, planId, null)
  const plan = await requirePlan(tx, planId)
  await markFiled(tx, plan, { personId: null, divisionCode: '510100' })
  // as filing through the API does
  await prepareFiledCountyZones(tx, plan.division_code)
}
