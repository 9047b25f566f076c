/** What a patrol is for (巡查类型): the routine patrol of a zone, the team's supervision of a station, or a special action. */
export const PATROL_KINDS = ['routine', 'supervision', 'special'] as const
export type PatrolKind = (typeof PATROL_KINDS)[number]

/**
 * Fastest plausible movement per patrol kind, km/h, for track cleaning: faster steps between fixes
 * are outliers. Routine and supervision patrols drive county and township roads; a special action
 * (专项行动) may run on expressways between sites, so it is allowed more.
 */
export const MAX_SPEED_KMH_BY_KIND: Readonly<Record<PatrolKind, number>> = Object.freeze({
  routine: 120,
  supervision: 120,
  special: 150,
})
