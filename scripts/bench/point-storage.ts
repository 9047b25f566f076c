/**
 * Storing the raw points of the demo month (data/demo/patrols.ndjson): one row per point (the
 * old patrol_points and its json_to_recordset insert) against one row per patrol and month
 * (patrol_point_sets, insertPointSets) and two other ways of sending the arrays, in batches of 1
 * and 32 patrols, each batch one transaction under the API's role and row-level security.
 *
 *   npx tsx scripts/bench/point-storage.ts            PGlite (in memory)
 *   DATABASE_URL=postgres://…/postgres npx tsx …       and a fresh database on that server
 *                                                      (POINT_BENCH_DB, default lp_pts_bench; dropped after)
 *   BENCH_DB=pglite|postgres — only one of them
 *   BENCH_ROUNDS=3 (default) — medians over rounds; every variant runs once per round, interleaved
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { DEMO_DIR } from '../../server/demo/demo-files.js'
import type { Db, Queryable } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { preparePatrol } from '../../server/routes/patrols/ingest.js'
import {
  ensurePointPartitions,
  insertPointSets,
  pointSetGroups,
  type PointRow,
  type PointSet,
} from '../../server/routes/patrols/queries.js'
import pg from 'pg'
import { createPgDb } from '../../server/db/pg-adapter.js'
import { createPgliteDb } from '../../server/db/pglite-adapter.js'
import { migrate } from '../../server/db/migrate.js'
import { statsOf } from './harness.js'

const COUNTY = '510199'
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

interface Patrol {
  id: string
  points: PointRow[]
  from: number
  to: number
}

/** The demo patrols' points exactly as storePoints hands them over (parsed, converted, cleaned). */
function readPatrols(): Patrol[] {
  const lines = readFileSync(path.join(DEMO_DIR, 'patrols.ndjson'), 'utf8').split('\n').filter(Boolean)
  return lines.map((line, n) => {
    const p = JSON.parse(line) as { kind: 'routine'; track: unknown }
    const prepared = preparePatrol({
      externalId: `bench-${n}`,
      unitId: '00000000-0000-4000-8000-000000000000',
      staff: [],
      kind: p.kind,
      crs: undefined,
      format: 'geojson',
      track: p.track,
      trackPath: '/track',
    })
    const segmentOf = new Map<number, number>()
    prepared.cleaned.segments.forEach((segment, s) => {
      for (const q of segment) segmentOf.set(q.index, s)
    })
    const reasonOf = new Map(prepared.cleaned.dropped.map((d) => [d.index, d.reason]))
    const points = prepared.wgs84.points.map((q) => ({
      s: q.index,
      t: q.time,
      x: q.lon,
      y: q.lat,
      a: q.accuracy ?? null,
      g: segmentOf.get(q.index) ?? null,
      r: reasonOf.get(q.index) ?? null,
    }))
    const kept = prepared.cleaned.segments.flat()
    return {
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      points,
      from: kept[0]!.time,
      to: kept.at(-1)!.time,
    }
  })
}

// The table of migrations/0003 as it was, under another name, for the baseline.
const ROW_TABLE = `
CREATE TABLE bench_point_rows (
  patrol_id uuid NOT NULL, division_code text COLLATE "C" NOT NULL, seq integer NOT NULL,
  fixed_at timestamptz NOT NULL, lon double precision NOT NULL, lat double precision NOT NULL, accuracy real,
  kept boolean NOT NULL, segment integer,
  drop_reason text CHECK (drop_reason IN ('duplicate', 'duplicate_time', 'inaccurate', 'outlier', 'isolated', 'invalid')),
  CHECK (kept = (drop_reason IS NULL)), PRIMARY KEY (patrol_id, seq, fixed_at)
) PARTITION BY RANGE (fixed_at);
CREATE TABLE bench_point_rows_default PARTITION OF bench_point_rows DEFAULT;
CREATE TABLE bench_point_rows_y2026m10 PARTITION OF bench_point_rows
  FOR VALUES FROM ('2026-10-01T00:00:00Z') TO ('2026-11-01T00:00:00Z');
ALTER TABLE bench_point_rows ENABLE ROW LEVEL SECURITY;
CREATE POLICY bench_point_rows_scope ON bench_point_rows
  USING (lp_in_scope(division_code)) WITH CHECK (lp_in_scope(division_code));
GRANT SELECT, INSERT, UPDATE, DELETE ON bench_point_rows TO landpatrol_app;`

type Writer = (tx: Queryable, sets: readonly PointSet[]) => Promise<void>

/** The old insertPoints: a row per point from one JSON document per patrol. */
const rowsWriter: Writer = async (tx, sets) => {
  for (const set of sets)
    await tx.query(
      `INSERT INTO bench_point_rows (patrol_id, division_code, seq, fixed_at, lon, lat, accuracy, kept, segment, drop_reason)
       SELECT $1::uuid, $2::text, p.s, to_timestamp(p.t / 1000), p.x, p.y, p.a, p.r IS NULL, p.g, p.r
         FROM json_to_recordset($3::json) AS p(s integer, t float8, x float8, y float8, a real, g integer, r text)`,
      [set.patrolId, set.divisionCode, JSON.stringify(set.points)],
    )
}

/** Sets as one JSON document, each set's columns as JSON arrays that json_to_recordset reads as arrays. */
const jsonWriter: Writer = async (tx, sets) => {
  const groups = pointSetGroups(sets).map((g) => ({
    p: g.patrolId,
    d: g.divisionCode,
    m: g.monthMs,
    s: g.points.map((q) => q.s),
    t: g.points.map((q) => q.t),
    x: g.points.map((q) => q.x),
    y: g.points.map((q) => q.y),
    a: g.points.map((q) => q.a),
    g: g.points.map((q) => q.g),
    r: g.points.map((q) => q.r),
  }))
  await tx.query(
    `INSERT INTO patrol_point_sets (patrol_id, division_code, month_start, seq, fixed_ms, lon, lat, accuracy, segment,
                                    drop_reason)
     SELECT j.p, j.d, to_timestamp(j.m / 1000), j.s, j.t, j.x, j.y, j.a, j.g, j.r
       FROM json_to_recordset($1::json)
            AS j(p uuid, d text, m float8, s integer[], t float8[], x float8[], y float8[], a real[], g integer[], r text[])`,
    [JSON.stringify(groups)],
  )
}

/** Flattened arrays, one literal per column for all sets (written by JSON.stringify), sliced per set. */
const flatSlicesWriter: Writer = async (tx, sets) => {
  const groups = pointSetGroups(sets)
  const all = groups.flatMap((g) => g.points)
  const lo: number[] = []
  const hi: number[] = []
  let n = 0
  for (const g of groups) {
    lo.push(n + 1)
    n += g.points.length
    hi.push(n)
  }
  const lit = (values: readonly unknown[]) => `{${JSON.stringify(values).slice(1, -1)}}`
  await tx.query(
    `INSERT INTO patrol_point_sets (patrol_id, division_code, month_start, seq, fixed_ms, lon, lat, accuracy, segment,
                                    drop_reason)
     SELECT g.patrol_id, g.division_code, to_timestamp(g.month_ms / 1000), ($6::integer[])[g.lo:g.hi],
            ($7::float8[])[g.lo:g.hi], ($8::float8[])[g.lo:g.hi], ($9::float8[])[g.lo:g.hi],
            ($10::real[])[g.lo:g.hi], ($11::integer[])[g.lo:g.hi], ($12::text[])[g.lo:g.hi]
       FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::integer[], $5::integer[])
            AS g(patrol_id, division_code, month_ms, lo, hi)`,
    [
      groups.map((g) => g.patrolId),
      groups.map((g) => g.divisionCode),
      groups.map((g) => g.monthMs),
      lo,
      hi,
      lit(all.map((q) => q.s)),
      lit(all.map((q) => q.t)),
      lit(all.map((q) => q.x)),
      lit(all.map((q) => q.y)),
      lit(all.map((q) => q.a)),
      lit(all.map((q) => q.g)),
      lit(all.map((q) => q.r)),
    ],
  )
}

/** Flattened arrays as JavaScript arrays, serialised by the driver, sliced per set. */
const driverArraysWriter: Writer = async (tx, sets) => {
  const groups = pointSetGroups(sets)
  const all = groups.flatMap((g) => g.points)
  const lo: number[] = []
  const hi: number[] = []
  let n = 0
  for (const g of groups) {
    lo.push(n + 1)
    n += g.points.length
    hi.push(n)
  }
  await tx.query(
    `INSERT INTO patrol_point_sets (patrol_id, division_code, month_start, seq, fixed_ms, lon, lat, accuracy, segment,
                                    drop_reason)
     SELECT g.patrol_id, g.division_code, to_timestamp(g.month_ms / 1000), ($6::integer[])[g.lo:g.hi],
            ($7::float8[])[g.lo:g.hi], ($8::float8[])[g.lo:g.hi], ($9::float8[])[g.lo:g.hi],
            ($10::real[])[g.lo:g.hi], ($11::integer[])[g.lo:g.hi], ($12::text[])[g.lo:g.hi]
       FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::integer[], $5::integer[])
            AS g(patrol_id, division_code, month_ms, lo, hi)`,
    [
      groups.map((g) => g.patrolId),
      groups.map((g) => g.divisionCode),
      groups.map((g) => g.monthMs),
      lo,
      hi,
      all.map((q) => q.s),
      all.map((q) => q.t),
      all.map((q) => q.x),
      all.map((q) => q.y),
      all.map((q) => q.a),
      all.map((q) => q.g),
      all.map((q) => q.r),
    ],
  )
}

const STORAGE_COLUMNS = ['seq', 'fixed_ms', 'lon', 'lat', 'accuracy', 'segment', 'drop_reason']

async function setStorage(db: Db, storage: 'EXTERNAL' | 'EXTENDED'): Promise<void> {
  await db.exec(
    `ALTER TABLE patrol_point_sets ${STORAGE_COLUMNS.map((c) => `ALTER COLUMN ${c} SET STORAGE ${storage}`).join(', ')}`,
  )
}

interface Variant {
  name: string
  writer: Writer
  storage?: 'EXTERNAL' | 'EXTENDED'
}

const ALL_VARIANTS: Variant[] = [
  // what every batch costs without points: BEGIN, role and scope, partitions, COMMIT
  { name: 'no points (transaction only)', writer: async () => {} },
  { name: 'rows (old: row per point, JSON)', writer: rowsWriter },
  {
    name: 'sets, insertPointSets (text[] of literals per set), EXTERNAL',
    writer: insertPointSets,
    storage: 'EXTERNAL',
  },
  { name: 'sets, insertPointSets, EXTENDED (pglz)', writer: insertPointSets, storage: 'EXTENDED' },
  { name: 'sets, one JSON, EXTERNAL', writer: jsonWriter, storage: 'EXTERNAL' },
  { name: 'sets, flat literals sliced per set, EXTERNAL', writer: flatSlicesWriter, storage: 'EXTERNAL' },
  { name: 'sets, driver arrays, EXTERNAL', writer: driverArraysWriter, storage: 'EXTERNAL' },
]

// BENCH_VARIANTS=rows,insertPointSets… keeps the variants whose name contains one of the words
const VARIANTS = ALL_VARIANTS.filter(
  (v) => !process.env.BENCH_VARIANTS || process.env.BENCH_VARIANTS.split(',').some((w) => v.name.includes(w)),
)

/** The month in batches: per batch one transaction (partitions ensured, points written). */
async function storeMonth(
  db: Db,
  patrols: readonly Patrol[],
  batch: number,
  writer: Writer,
): Promise<number[]> {
  const scoped = createScopedDb(db, COUNTY)
  const times: number[] = []
  for (let i = 0; i < patrols.length; i += batch) {
    const chunk = patrols.slice(i, i + batch)
    const t0 = performance.now()
    await scoped.transaction(async (tx) => {
      for (const p of chunk) await ensurePointPartitions(tx, p.from, p.to)
      await writer(
        tx,
        chunk.map((p) => ({ patrolId: p.id, divisionCode: COUNTY, points: p.points })),
      )
    })
    times.push(performance.now() - t0)
  }
  return times
}

/** A fresh migrated PGlite in memory and, with DATABASE_URL, a fresh database on that server. */
async function openDatabases(): Promise<{ label: string; db: Db; dispose(): Promise<void> }[]> {
  const out: { label: string; db: Db; dispose(): Promise<void> }[] = []
  if (process.env.BENCH_DB !== 'postgres') {
    const db = await createPgliteDb({ dataDir: 'memory://' })
    await migrate(db)
    out.push({ label: 'PGlite', db, dispose: () => db.close() })
  }
  const url = process.env.DATABASE_URL
  if (url && process.env.BENCH_DB !== 'pglite') {
    const name = process.env.POINT_BENCH_DB ?? 'lp_pts_bench'
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`POINT_BENCH_DB: not a plain name: ${name}`)
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(sql)
      await c.end()
    }
    await admin(`DROP DATABASE IF EXISTS ${name}`)
    await admin(`CREATE DATABASE ${name}`)
    const u = new URL(url)
    u.pathname = `/${name}`
    const db = createPgDb(u.toString(), { max: 2 })
    await migrate(db)
    const version = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]
      ?.v
    out.push({
      label: `PostgreSQL ${version}`,
      db,
      async dispose() {
        await db.close()
        await admin(`DROP DATABASE IF EXISTS ${name}`)
      },
    })
  }
  return out
}

async function main() {
  const patrols = readPatrols()
  const points = patrols.reduce((n, p) => n + p.points.length, 0)
  console.log(`demo month: ${patrols.length} patrols, ${points} points`)
  for (const b of await openDatabases()) {
    try {
      await b.db.exec(ROW_TABLE)
      for (const batch of [1, 32]) {
        const totals = new Map<string, number[]>()
        const perPatrol = new Map<string, number[]>()
        for (let round = 0; round < ROUNDS; round++) {
          for (const v of VARIANTS) {
            await b.db.exec('TRUNCATE bench_point_rows, patrol_point_sets')
            if (v.storage) await setStorage(b.db, v.storage)
            await b.db.exec('CHECKPOINT').catch(() => {})
            const t0 = performance.now()
            const times = await storeMonth(b.db, patrols, batch, v.writer)
            const total = performance.now() - t0
            totals.set(v.name, [...(totals.get(v.name) ?? []), total])
            if (batch === 1) perPatrol.set(v.name, [...(perPatrol.get(v.name) ?? []), ...times])
          }
        }
        console.log(`\n${b.label}, batches of ${batch} patrol(s), ${ROUNDS} round(s):`)
        console.log('| variant | month median s | points/s | per patrol median ms (≈2,920 points) |')
        console.log('| --- | --- | --- | --- |')
        for (const v of VARIANTS) {
          const total = statsOf(totals.get(v.name)!).median
          const one = batch === 1 ? statsOf(perPatrol.get(v.name)!).median.toFixed(1) : ''
          console.log(
            `| ${v.name} | ${(total / 1000).toFixed(2)} | ${Math.round(points / (total / 1000))} | ${one} |`,
          )
        }
      }
      const size = await b.db.query<{ rows: string; sets: string }>(
        `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS sets FROM pg_class c
          WHERE c.relname LIKE 'patrol_point_sets%' AND c.relkind = 'r'`,
      )
      console.log(`patrol_point_sets on disk after the last variant: ${size.rows[0]?.sets}`)
    } finally {
      await b.dispose()
    }
  }
}

await main()
