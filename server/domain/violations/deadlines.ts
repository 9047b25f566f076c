/**
 * The deadlines a violation runs against, from the rule set in force.
 *
 * Working-day deadlines (report form, major event, tip check) count from the day of discovery and end
 * at the end of the n-th working day after it (see `addWorkingDays`). The closure limit is in calendar
 * days from filing, as administrative-penalty time limits are ("九十日" in 行政处罚法第六十条 are
 * calendar days; only its short "二日…七日" periods are working days, 第八十五条).
 */
import {
  addCalendarDays,
  DEFAULT_TIME_ZONE,
  endOfCalendarDay,
  toCalendarDate,
  toInstant,
  type CalendarDate,
} from '../rules/calendar-date.js'
import type { RuleSet } from '../rules/rule-set.js'
import { addWorkingDays, type WorkingDayDeadline, type WorkingDayOverrides } from '../rules/working-days.js'

/** 《动态巡查违法行为报告表》 due: n working days after discovery or first verification (第十八条). */
export function computeReportDue(
  foundAt: Date | string,
  rules: RuleSet,
  overrides: WorkingDayOverrides = {},
  timeZone: string = DEFAULT_TIME_ZONE,
): WorkingDayDeadline {
  return addWorkingDays(foundAt, rules.deadlines.report_working_days, overrides, timeZone)
}

/** Major event reported to the same-level government and the level up (第二十一条). */
export function computeMajorEventReportDue(
  foundAt: Date | string,
  rules: RuleSet,
  overrides: WorkingDayOverrides = {},
  timeZone: string = DEFAULT_TIME_ZONE,
): WorkingDayDeadline {
  return addWorkingDays(foundAt, rules.deadlines.major_event_working_days, overrides, timeZone)
}

/** A tip registered on `receivedAt` is to be checked by this deadline (第十七条第二款). */
export function computeTipCheckDue(
  receivedAt: Date | string,
  rules: RuleSet,
  overrides: WorkingDayOverrides = {},
  timeZone: string = DEFAULT_TIME_ZONE,
): WorkingDayDeadline {
  return addWorkingDays(receivedAt, rules.deadlines.tip_check_working_days, overrides, timeZone)
}

export interface ClosureDeadline {
  filed_date: CalendarDate
  /** Last calendar day of the limit: filing day + limit days (the filing day itself not counted). */
  due_date: CalendarDate
  due_at: Date
}

/** Last day to close a filed case within the legal time limit. */
export function computeClosureDeadline(
  filedAt: Date | string,
  rules: RuleSet,
  timeZone: string = DEFAULT_TIME_ZONE,
): ClosureDeadline {
  const filedDate = toCalendarDate(filedAt, timeZone)
  const dueDate = addCalendarDays(filedDate, rules.deadlines.closure_limit_days)
  return { filed_date: filedDate, due_date: dueDate, due_at: endOfCalendarDay(dueDate, timeZone) }
}

/** On time means at or before the last millisecond of the due day. */
export function isOnTime(doneAt: Date | string, dueAt: Date, timeZone: string = DEFAULT_TIME_ZONE): boolean {
  return toInstant(doneAt, timeZone).getTime() <= dueAt.getTime()
}

/** Not done and the due instant has passed at `now`. */
export function isOverdue(
  doneAt: Date | string | undefined,
  dueAt: Date,
  now: Date | string,
  timeZone: string = DEFAULT_TIME_ZONE,
): boolean {
  if (doneAt !== undefined) return false
  return toInstant(now, timeZone).getTime() > dueAt.getTime()
}
