/**
 * Why cleaning left a point out of the patrol's track. Lower-case because they are values in the
 * response's list of dropped points, next to the counts `dropped:{outliers,duplicates,…}`.
 */

/** Same time and same position as an earlier point (a device re-sending, a file concatenated twice). */
export const DROP_DUPLICATE = 'duplicate'
/** Same time as an earlier point but elsewhere: one of them is wrong and nothing says which, so the first stays. */
export const DROP_DUPLICATE_TIME = 'duplicate_time'
/** Reported accuracy worse than the maximum. */
export const DROP_INACCURATE = 'inaccurate'
/** Reaching it, and leaving it, would need more than the maximum speed; the track is plausible without it. */
export const DROP_OUTLIER = 'outlier'
/** Alone in its segment after splitting at gaps: no line can be drawn, so no zone can be visited by it. */
export const DROP_ISOLATED = 'isolated'
/** Non-finite or out-of-range values that reached cleaning without a parser (the parsers reject them). */
export const DROP_INVALID = 'invalid'

export type DropReason =
  | typeof DROP_DUPLICATE
  | typeof DROP_DUPLICATE_TIME
  | typeof DROP_INACCURATE
  | typeof DROP_OUTLIER
  | typeof DROP_ISOLATED
  | typeof DROP_INVALID
