/**
 * Zones in force on a date: those of the county's filed plan whose [effective_from, effective_to)
 * contains the date (superseded plans stay queryable for past dates; nothing is overwritten).
 * `$n` is the parameter index of the date (a `date`).
 */
export function zonesInForceJoin(dateParam: number): string {
  return `zones z JOIN zone_plans p ON p.id = z.plan_id
   AND p.status IN ('filed', 'superseded')
   AND p.effective_from <= $${dateParam}::date
   AND (p.effective_to IS NULL OR $${dateParam}::date < p.effective_to)`
}

export const MU_PER_M2 = 15 / 10000
export const HA_PER_M2 = 1 / 10000
