/**
 * Counting a patrol's fixes outside its county: the product's test in this process against the
 * county's prepared boundary (county-boundaries.ts) against the statements it replaced (every fix
 * dumped and tested; each segment's line, or its box, tested with ST_Covers first), on a database
 * that holds patrols (a copy of a database with the demo month loaded): every patrol's stored
 * segments, one patrol per call and 32 per call, JIT off as in the ingest. Checks that all answer
 * the same for every patrol.
 *
 *   DATABASE_URL=postgres://…/lp_copy npx tsx scripts/bench/outside-county.ts
 */
import { performance } from 'node:perf_hooks'
import { createPgDb } from '../../server/db/pg-adapter.js'
import type { Queryable } from '../../server/db/port.js'
import { lineStringMFromEwkb } from '../../server/domain/coverage/ewkb.js'
import { countFixesOutside, countyBoundary } from '../../server/routes/patrols/county-boundaries.js'
import { disableJit } from '../../server/routes/patrols/queries.js'
import { statsOf } from './harness.js'

type Counter = (tx: Queryable, patrols: { countyCode: string; segments: string[] }[]) => Promise<number[]>

/** The statement of countFixesOutsideCounty before: every fix of every segment tested. */
const everyFix: Counter = async (tx, patrols) => {
  const out: number[] = []
  for (const p of patrols) {
    const res = await tx.query<{ n: number }>(
      `SELECT count(*)::integer AS n
         FROM divisions d, unnest($2::text[]) AS s(hex), ST_DumpPoints(s.hex::geometry) AS p
        WHERE d.code = $1::text AND d.boundary IS NOT NULL AND NOT ST_Intersects(d.boundary, ST_Force2D(p.geom))`,
      [p.countyCode, p.segments],
    )
    out.push(res.rows[0]!.n)
  }
  return out
}

/** Each segment line tested with ST_Covers first, only lines not covered taken apart. */
const lineCoversFirst: Counter = async (tx, patrols) => {
  const index = patrols.flatMap((p, i) => p.segments.map(() => i))
  const res = await tx.query<{ i: number; n: number }>(
    `WITH segment AS (
       SELECT s.i, d.boundary, ST_Force2D(s.hex::geometry) AS geom
         FROM unnest($1::integer[], $2::text[], $3::text[]) AS s(i, code, hex)
         JOIN divisions d ON d.code = s.code AND d.boundary IS NOT NULL),
     uncovered AS MATERIALIZED (SELECT i, boundary, geom FROM segment WHERE NOT ST_Covers(boundary, geom))
     SELECT u.i, count(*)::integer AS n FROM uncovered u, ST_DumpPoints(u.geom) AS p
      WHERE NOT ST_Intersects(u.boundary, p.geom) GROUP BY u.i`,
    [index, index.map((i) => patrols[i]!.countyCode), patrols.flatMap((p) => p.segments)],
  )
  const out = patrols.map(() => 0)
  for (const r of res.rows) out[r.i] = r.n
  return out
}

/** Each segment's box tested with ST_Covers first (the product's statement until stop 13). */
const boxCoversFirst: Counter = async (tx, patrols) => {
  const index = patrols.flatMap((p, i) => p.segments.map(() => i))
  const res = await tx.query<{ i: number; n: number }>(
    `WITH segment AS (
       SELECT s.i, d.boundary, ST_Force2D(s.hex::geometry) AS geom
         FROM unnest($1::integer[], $2::text[], $3::text[]) AS s(i, code, hex)
         JOIN divisions d ON d.code = s.code AND d.boundary IS NOT NULL),
     uncovered AS MATERIALIZED (SELECT i, boundary, geom FROM segment WHERE NOT ST_Covers(boundary, ST_Envelope(geom)))
     SELECT u.i, count(*)::integer AS n FROM uncovered u, ST_DumpPoints(u.geom) AS p
      WHERE NOT ST_Intersects(u.boundary, p.geom) GROUP BY u.i`,
    [index, index.map((i) => patrols[i]!.countyCode), patrols.flatMap((p) => p.segments)],
  )
  const out = patrols.map(() => 0)
  for (const r of res.rows) out[r.i] = r.n
  return out
}

/** The product: the county's row version read, the boundary prepared once, the fixes tested here. */
const preparedBoundary: Counter = async (tx, patrols) => {
  const out: number[] = []
  for (const p of patrols) {
    const version = await tx.query<{ v: string }>(
      `SELECT xmin::text AS v FROM divisions WHERE code = $1::text`,
      [p.countyCode],
    )
    const boundary = await countyBoundary(tx, p.countyCode, version.rows[0]!.v)
    const segments = p.segments.map((hex) => lineStringMFromEwkb(Buffer.from(hex, 'hex')))
    out.push(countFixesOutside(boundary, segments))
  }
  return out
}

const COUNTERS: [string, Counter][] = [
  ['every fix (before)', everyFix],
  ['segment line ST_Covers first', lineCoversFirst],
  ['segment box ST_Covers first', boxCoversFirst],
  ['prepared boundary in Node (countFixesOutside)', preparedBoundary],
]

async function main() {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('DATABASE_URL: a database with patrols')
  const db = createPgDb(url, { max: 1 })
  try {
    const patrols = (
      await db.query<{ countyCode: string; segments: string[] }>(
        `SELECT p.division_code AS "countyCode", array_agg(ST_AsHEXEWKB(s.geom) ORDER BY s.seq) AS segments
           FROM patrols p JOIN patrol_segments s ON s.patrol_id = p.id GROUP BY p.id ORDER BY p.id`,
      )
    ).rows
    const fixes = (
      await db.query<{ n: number; segments: number; boxes: number }>(
        `SELECT sum(ST_NPoints(s.geom))::integer AS n, count(*)::integer AS segments,
                count(*) FILTER (WHERE NOT ST_Covers(d.boundary, ST_Envelope(s.geom)))::integer AS boxes
           FROM patrol_segments s JOIN divisions d ON d.code = s.division_code`,
      )
    ).rows[0]!
    console.log(
      `${patrols.length} patrols, ${fixes.segments} segments (${fixes.boxes} whose box the county does not cover), ${fixes.n} kept fixes`,
    )
    const answers = new Map<string, number[]>()
    for (const batch of [1, 32]) {
      for (const [name, counter] of COUNTERS) {
        const times: number[] = []
        const all: number[] = []
        for (let i = 0; i < patrols.length; i += batch) {
          const chunk = patrols.slice(i, i + batch)
          const t0 = performance.now()
          all.push(
            ...(await db.transaction(async (tx) => {
              await disableJit(tx)
              return counter(tx, chunk)
            })),
          )
          times.push(performance.now() - t0)
        }
        answers.set(`${name}/${batch}`, all)
        const total = times.reduce((a, b) => a + b, 0)
        console.log(
          `batches of ${batch}: ${name}: month ${(total / 1000).toFixed(2)} s, median per call ${statsOf(times).median.toFixed(1)} ms`,
        )
      }
    }
    const reference = JSON.stringify(answers.get('every fix (before)/1'))
    for (const [k, v] of answers) if (JSON.stringify(v) !== reference) console.log(`DIFFERENT ANSWERS: ${k}`)
    const outside = answers.get('every fix (before)/1')!
    console.log(
      `all answers equal the old statement's: ${[...answers.values()].every((v) => JSON.stringify(v) === reference)}; patrols with fixes outside: ${outside.filter((n) => n > 0).length}`,
    )
  } finally {
    await db.close()
  }
}

await main()
