/**
 * The what-if grammar of `GET /assessments/{division}/{year}?assume=…`: clauses separated by commas,
 * each `name:value`:
 *
 * | clause                 | meaning                                                                  |
 * | `gap-patrols:N/week`   | N more counted patrols a week in every zone-period short of its frequency |
 * |                        | (a monthly period gets 4 × N)                                            |
 * | `stop-rate:P%`         | the stop rate is P % (0–100, one decimal at most)                        |
 * | `filing-rate:P%`       | the filing rate is P %                                                   |
 * | `closure-rate:P%`      | the closure-within-limit rate is P %                                     |
 * | `reports-sent:all\|N`   | all (or N) of the reports due and not sent are sent on time              |
 * | `report-forms:all\|N`   | all (or N) of the cases without a report form on time get one            |
 * | `ledger-fixed:all\|N`   | all (or N) of the incomplete ledger entries are completed                |
 *
 * e.g. `assume=gap-patrols:2/week,reports-sent:all`. A clause may appear once. Unknown names and bad
 * values are reported with the clause, never ignored.
 */
export interface Assumptions {
  gap_patrols_per_week?: number
  stop_rate?: number
  filing_rate?: number
  closure_rate?: number
  reports_sent?: number | 'all'
  report_forms?: number | 'all'
  ledger_fixed?: number | 'all'
}

export interface AssumeProblem {
  clause: string
  message: string
}

const RATE_CLAUSES = {
  'stop-rate': 'stop_rate',
  'filing-rate': 'filing_rate',
  'closure-rate': 'closure_rate',
} as const
const COUNT_CLAUSES = {
  'reports-sent': 'reports_sent',
  'report-forms': 'report_forms',
  'ledger-fixed': 'ledger_fixed',
} as const

export function parseAssumptions(
  text: string,
): { ok: true; assume: Assumptions } | { ok: false; problems: AssumeProblem[] } {
  const assume: Assumptions = {}
  const problems: AssumeProblem[] = []
  const seen = new Set<string>()
  for (const raw of text.split(',')) {
    const clause = raw.trim()
    if (clause === '') continue
    const colon = clause.indexOf(':')
    const name = colon < 0 ? clause : clause.slice(0, colon)
    const value = colon < 0 ? '' : clause.slice(colon + 1)
    if (seen.has(name)) {
      problems.push({ clause, message: `${name} given twice` })
      continue
    }
    seen.add(name)
    if (name === 'gap-patrols') {
      const m = /^([0-9]{1,2})\/week$/.exec(value)
      const n = m ? Number(m[1]) : NaN
      if (!(n >= 1 && n <= 14))
        problems.push({ clause, message: 'expected gap-patrols:N/week with N from 1 to 14' })
      else assume.gap_patrols_per_week = n
    } else if (name in RATE_CLAUSES) {
      const m = /^([0-9]{1,3}(?:\.[0-9])?)%$/.exec(value)
      const p = m ? Number(m[1]) : NaN
      if (!(p >= 0 && p <= 100))
        problems.push({ clause, message: `expected ${name}:P% with P from 0 to 100` })
      else assume[RATE_CLAUSES[name as keyof typeof RATE_CLAUSES]] = p / 100
    } else if (name in COUNT_CLAUSES) {
      const key = COUNT_CLAUSES[name as keyof typeof COUNT_CLAUSES]
      if (value === 'all') assume[key] = 'all'
      else if (/^[0-9]{1,5}$/.test(value) && Number(value) > 0) assume[key] = Number(value)
      else problems.push({ clause, message: `expected ${name}:all or ${name}:N with N ≥ 1` })
    } else {
      problems.push({
        clause,
        message: `unknown clause "${name}" (gap-patrols, stop-rate, filing-rate, closure-rate, reports-sent, report-forms, ledger-fixed)`,
      })
    }
  }
  if (problems.length === 0 && seen.size === 0) problems.push({ clause: text, message: 'no clause given' })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, assume }
}

/** Keeps all but the first n (or none for 'all') of a list of ids the assumption resolves. */
export function dropResolved<T>(ids: readonly T[], resolved: number | 'all' | undefined): T[] {
  if (resolved === undefined) return [...ids]
  if (resolved === 'all') return []
  return ids.slice(Math.min(resolved, ids.length))
}
