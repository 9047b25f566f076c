/** Small DOM helpers shared by the views. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id)
  if (!el) throw new Error(`#${id} missing from the page`)
  return el as T
}

/** Replace a list's items with one <li> per line (text, never HTML). */
export function fillList(list: HTMLElement, lines: string[], className?: string): void {
  list.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li')
      li.textContent = line
      if (className) li.className = className
      return li
    }),
  )
}

export const percent = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`
