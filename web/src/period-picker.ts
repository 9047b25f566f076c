import { byId } from './dom.js'

/** An inclusive span of Beijing calendar days, as the API's `from`/`to` take them. */
export interface Span {
  from: string
  to: string
}

const day = (d: Date) => d.toISOString().slice(0, 10)

/** Today's date in Beijing. */
export function todayInChina(): string {
  return day(new Date(Date.now() + 8 * 3600_000))
}

/** Monday to Sunday of the ISO week holding `date` (YYYY-MM-DD). */
export function weekSpan(date: string): Span {
  const d = new Date(`${date}T00:00:00Z`)
  const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000)
  return { from: day(monday), to: day(new Date(monday.getTime() + 6 * 86_400_000)) }
}

/** First to last day of a month given as YYYY-MM. */
export function monthSpan(month: string): Span {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return { from: `${month}-01`, to: day(new Date(Date.UTC(y, m, 0))) }
}

/**
 * The period picker of the supervisor view: week (any day of it), month, or custom from/to.
 * Calls `onChange` with the chosen span when the user applies it.
 */
export function setUpPeriodPicker(onChange: (span: Span) => void): () => Span {
  const kind = byId<HTMLSelectElement>('period-kind')
  const weekInput = byId<HTMLInputElement>('period-week')
  const monthInput = byId<HTMLInputElement>('period-month')
  const fromInput = byId<HTMLInputElement>('period-from')
  const toInput = byId<HTMLInputElement>('period-to')
  const today = todayInChina()
  weekInput.value = today
  monthInput.value = today.slice(0, 7)
  fromInput.value = monthSpan(today.slice(0, 7)).from
  toInput.value = today

  const current = (): Span => {
    if (kind.value === 'week') return weekSpan(weekInput.value || today)
    if (kind.value === 'custom') return { from: fromInput.value, to: toInput.value }
    return monthSpan(monthInput.value || today.slice(0, 7))
  }
  const showInputs = () => {
    weekInput.hidden = kind.value !== 'week'
    monthInput.hidden = kind.value !== 'month'
    fromInput.hidden = toInput.hidden = kind.value !== 'custom'
  }
  kind.addEventListener('change', showInputs)
  showInputs()
  byId('period-form').addEventListener('submit', (e) => {
    e.preventDefault()
    onChange(current())
  })
  return current
}
