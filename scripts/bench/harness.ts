import { performance } from 'node:perf_hooks'

export interface Stats {
  n: number
  median: number
  p95: number
  min: number
}

/** Median and p95 of repeated timings (ms); the machine is shared and noisy, so medians, not means. */
export function statsOf(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN
  return { n: s.length, median: at(0.5), p95: at(0.95), min: s[0] ?? NaN }
}

export async function timeOnce<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

export async function timeRepeated(n: number, fn: (i: number) => Promise<unknown>): Promise<Stats> {
  const samples: number[] = []
  for (let i = 0; i < n; i++) samples.push((await timeOnce(() => fn(i))).ms)
  return statsOf(samples)
}

export interface ResultRow {
  database: string
  benchmark: string
  median_ms: number
  p95_ms: number
  n: number
  baseline?: string
  baseline_median_ms?: number
  ratio?: number
  note?: string
}

export function printTable(rows: ResultRow[]): void {
  const fmt = (v: number | undefined) =>
    v === undefined || Number.isNaN(v) ? '' : v < 10 ? v.toFixed(2) : v.toFixed(0)
  console.log(
    '\n| database | benchmark | n | median ms | p95 ms | baseline | baseline median ms | ratio | note |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const r of rows)
    console.log(
      `| ${r.database} | ${r.benchmark} | ${r.n} | ${fmt(r.median_ms)} | ${fmt(r.p95_ms)} | ${r.baseline ?? ''} | ${fmt(r.baseline_median_ms)} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} | ${r.note ?? ''} |`,
    )
}
