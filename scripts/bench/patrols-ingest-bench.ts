import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { buildApp } from '../../server/app.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { loadDemoPatrols } from '../../server/demo/demo-patrols.js'
import { DEMO_COUNTY, DEMO_ZONES_STEP, keyIds } from '../../server/demo/demo-zones.js'
import { warmPieceMemory } from '../../server/routes/patrols/warm-pieces.js'
import { insertToken } from '../../server/routes/tokens/queries.js'
import type { BenchDb } from './databases.js'
import { timeOnce, timeRepeated, type ResultRow } from './harness.js'

const quiet = { info: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) }

interface DemoLine {
  external_id: string
  unit_key: string
  staff_keys: string[]
  kind: string
  track: { geometry: { coordinates: [number, number][] }; properties: { coordTimes: string[] } }
}

async function ensureZones(b: BenchDb, dir: string): Promise<void> {
  const n = await b.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM zones`)
  if ((n.rows[0]?.n ?? 0) > 0) return
  await createScopedDb(b.db, '').transaction((tx) => DEMO_ZONES_STEP.run({ dir, db: b.db, log: quiet }, tx))
}

/**
 * The demo month (338 patrols, ~987k points) through the product's bulk path (loadDemoPatrols:
 * the POST /patrols ingest — clean, store every point, match, cells — in batches, two at once on
 * PostgreSQL), against a baseline that only stores the same raw points, one set-based INSERT per
 * patrol, with no cleaning, segments or matching: the floor of "getting the points in".
 * `BENCH_PATROLS_LIMIT` loads only the first n patrols (a quicker run; the note says so).
 */
export async function benchMonthIngest(b: BenchDb, dir: string): Promise<ResultRow[]> {
  await ensureZones(b, dir)
  const limitEnv = process.env.BENCH_PATROLS_LIMIT
  const limit = limitEnv ? Number(limitEnv) : undefined
  const product = await timeOnce(() => loadDemoPatrols(b.db, dir, { limit }))
  const r = product.value
  if (r.stored !== r.patrols) throw new Error(`stored ${r.stored} of ${r.patrols} demo patrols`)

  const text = await readFile(path.join(dir, 'patrols.ndjson'), 'utf8')
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const chosen = limit === undefined ? lines : lines.slice(0, limit)
  const baseline = await timeOnce(() =>
    b.db.transaction(async (tx) => {
      await tx.query(
        `CREATE TEMP TABLE bench_points (patrol integer, seq integer, fixed_at timestamptz, lon float8, lat float8,
                                         PRIMARY KEY (patrol, seq, fixed_at)) ON COMMIT DROP`,
      )
      let n = 0
      for (const [i, line] of chosen.entries()) {
        const p = JSON.parse(line) as DemoLine
        const t = p.track.properties.coordTimes
        const pts = p.track.geometry.coordinates.map((c, s) => ({ s, t: t[s], x: c[0], y: c[1] }))
        n += pts.length
        await tx.query(
          `INSERT INTO bench_points SELECT $1::integer, p.s, p.t::timestamptz, p.x, p.y
             FROM json_to_recordset($2::json) AS p(s integer, t text, x float8, y float8)`,
          [i, JSON.stringify(pts)],
        )
      }
      return n
    }),
  )
  if (baseline.value !== r.points)
    throw new Error(`baseline stored ${baseline.value} points, product ${r.points}`)
  const rate = (ms: number) => Math.round((r.points / ms) * 1000)
  return [
    {
      database: b.label,
      benchmark: `ingest the demo month (${r.patrols} patrols, ${r.points} points, clean + store + match)`,
      median_ms: product.ms,
      p95_ms: product.ms,
      n: 1,
      baseline: 'raw points only: one INSERT per patrol, no cleaning/matching',
      baseline_median_ms: baseline.ms,
      ratio: product.ms / baseline.ms,
      note: `${rate(product.ms)} points/s (baseline ${rate(baseline.ms)} points/s)${limit === undefined ? '' : `; first ${limit} patrols only`}`,
    },
  ]
}

/**
 * POST /patrols of one 2,000-point patrol (the first 2,000 fixes of a demo patrol, 3–5 s apart,
 * GPS noise 5 m, under a new external_id), over HTTP with a device token, into the county with its
 * month of patrols loaded (so the coverage unions are month-sized). Baseline: the same 2,000
 * points stored by one INSERT statement per point (the per-row path many trackers use), no
 * cleaning or matching, in one transaction.
 *
 * The server is first brought to the state of one that has been serving for a while: it fills its
 * memory of the county's zone pieces, as it does in the background at start (warmPieceMemory; the
 * month's load ran in worker threads of their own), and it serves as many posts of other demo
 * patrols (the lines between the measured ones), which also get JavaScript's engine to optimise the
 * code; those first posts are reported on their own row.
 */
export async function benchPatrolPost(b: BenchDb, dir: string, runs = 20): Promise<ResultRow[]> {
  await ensureZones(b, dir)
  const scoped = createScopedDb(b.db, '')
  const ids = await scoped.transaction((tx) => keyIds(tx, dir))
  const token = (
    await scoped.transaction((tx) =>
      insertToken(tx, { role: 'device', division_code: DEMO_COUNTY, label: 'bench' }),
    )
  ).secret
  const text = await readFile(path.join(dir, 'patrols.ndjson'), 'utf8')
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  const postsOf = (offset: number, prefix: string) => {
    const bodies: { body: string; points: [number, number, string][] }[] = []
    // long patrols spread over the month (every third line, from `offset`, with ≥ 2,000 fixes)
    for (let i = offset; i < lines.length && bodies.length < runs; i += 3) {
      const p = JSON.parse(lines[i]!) as DemoLine
      if (p.track.geometry.coordinates.length < 2000) continue
      const coords = p.track.geometry.coordinates.slice(0, 2000)
      const times = p.track.properties.coordTimes.slice(0, 2000)
      bodies.push({
        body: JSON.stringify({
          external_id: `${prefix}-${process.pid}-${bodies.length}`,
          unit_id: ids.units.get(p.unit_key),
          staff: p.staff_keys.map((k) => ids.people.get(k)),
          kind: p.kind,
          track: {
            type: 'Feature',
            geometry: { type: 'LineString', coordinates: coords },
            properties: { coordTimes: times },
          },
        }),
        points: coords.map((c, k) => [c[0], c[1], times[k]!]),
      })
    }
    return bodies
  }
  const bodies = postsOf(0, 'bench')
  const first = postsOf(1, 'bench-first')
  const app = await buildApp({ db: b.db })
  await app.ready()
  const post = async (body: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/patrols',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: body,
    })
    if (res.statusCode !== 201) throw new Error(`POST /patrols: ${res.statusCode} ${res.body.slice(0, 300)}`)
  }
  const warm = await timeOnce(() => warmPieceMemory(b.db))
  const cold = await timeRepeated(first.length, (i) => post(first[i]!.body))
  const product = await timeRepeated(bodies.length, (i) => post(bodies[i]!.body))
  await app.close()
  const base = await timeRepeated(bodies.length, (i) =>
    b.db.transaction(async (tx) => {
      await tx.query(
        `CREATE TEMP TABLE bench_row_points (seq integer, fixed_at timestamptz, lon float8, lat float8,
                                             PRIMARY KEY (seq, fixed_at)) ON COMMIT DROP`,
      )
      for (const [s, [x, y, t]] of bodies[i]!.points.entries())
        await tx.query(
          `INSERT INTO bench_row_points VALUES ($1::integer, $2::timestamptz, $3::float8, $4::float8)`,
          [s, t, x, y],
        )
    }),
  )
  return [
    {
      database: b.label,
      benchmark: 'POST /patrols, one 2,000-point patrol (HTTP, clean + store + match + cells)',
      median_ms: product.median,
      p95_ms: product.p95,
      n: product.n,
      baseline: '2,000 single-row INSERTs of the raw points, no matching',
      baseline_median_ms: base.median,
      ratio: product.median / base.median,
      note: `baseline p95 ${Math.round(base.p95)} ms; after the server's start-up fill of its zone-piece memory (${warm.value} pieces in ${Math.round(warm.ms)} ms) and ${cold.n} posts of other patrols (next row)`,
    },
    {
      database: b.label,
      benchmark: 'POST /patrols, the first 2,000-point posts after that start-up (other patrols)',
      median_ms: cold.median,
      p95_ms: cold.p95,
      n: cold.n,
      baseline: '2,000 single-row INSERTs of the raw points, no matching',
      baseline_median_ms: base.median,
      ratio: cold.median / base.median,
      note: 'the server had filled its zone-piece memory; its code not yet optimised by the engine',
    },
  ]
}
