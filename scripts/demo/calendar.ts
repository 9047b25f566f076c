/**
 * The 2026 working-day calendar (State Council notice on 2026 public holidays, including the make-up
 * working weekends 调休) and Asia/Shanghai ↔ UTC helpers. Dates are 'YYYY-MM-DD' strings; instants
 * are epoch milliseconds; files carry UTC ISO-8601 with a Z.
 */

// prettier-ignore
const HOLIDAYS_2026 = new Set([
  '2026-01-01', '2026-01-02', '2026-01-03',
  '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21',
  '2026-02-22', '2026-02-23',
  '2026-04-04', '2026-04-05', '2026-04-06',
  '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
  '2026-06-19', '2026-06-20', '2026-06-21',
  '2026-09-25', '2026-09-26', '2026-09-27',
  '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
])

/** Weekends that are working days (调休). */
// prettier-ignore
const MAKEUP_WORKDAYS_2026 = new Set(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])

const DAY_MS = 86_400_000
const SHANGHAI_OFFSET_MS = 8 * 3_600_000

function parse(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return Date.UTC(y, m - 1, d)
}

function format(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(date: string, n: number): string {
  return format(parse(date) + n * DAY_MS)
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(parse(date)).getUTCDay()
}

export function isWorkingDay(date: string): boolean {
  if (HOLIDAYS_2026.has(date)) return false
  if (MAKEUP_WORKDAYS_2026.has(date)) return true
  const w = weekday(date)
  return w !== 0 && w !== 6
}

/** Every date of a month, e.g. daysOfMonth(2026, 10). */
export function daysOfMonth(year: number, month: number): string[] {
  const out: string[] = []
  for (let ms = Date.UTC(year, month - 1, 1); new Date(ms).getUTCMonth() === month - 1; ms += DAY_MS)
    out.push(format(ms))
  return out
}

export function workingDaysOfMonth(year: number, month: number): string[] {
  return daysOfMonth(year, month).filter(isWorkingDay)
}

/** The date n working days after the given one (n ≥ 0; n = 0 is the next working day on or after). */
export function addWorkingDays(date: string, n: number): string {
  let d = date
  while (!isWorkingDay(d)) d = addDays(d, 1)
  for (let k = 0; k < n; k++) {
    d = addDays(d, 1)
    while (!isWorkingDay(d)) d = addDays(d, 1)
  }
  return d
}

/** Instant of a Shanghai local date and time. */
export function shanghaiInstant(date: string, hour: number, minute = 0, second = 0): number {
  return parse(date) + ((hour * 60 + minute) * 60 + second) * 1000 - SHANGHAI_OFFSET_MS
}

/** Shanghai local date of an instant. */
export function shanghaiDate(ms: number): string {
  return format(Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS)
}

const prefixCache = new Map<number, string>()
const pad2 = (n: number) => (n < 10 ? '0' : '') + n

/** 'YYYY-MM-DDTHH:mm:ssZ' at whole seconds; hand-rolled because it runs a million times per file. */
export function isoUtc(ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  let prefix = prefixCache.get(day)
  if (!prefix) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)
    prefixCache.set(day, prefix)
  }
  const s = Math.floor((ms - day * DAY_MS) / 1000)
  return `${prefix}${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}Z`
}
