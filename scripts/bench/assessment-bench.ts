/**
 * The yearly assessment of a city with 10 demo-sized counties (issue 6), through the HTTP route
 * (GET /assessments?parent=510100&year=…), against one county's assessment as the baseline.
 *
 * Ten demo counties are not generated ten times (the generator and the zone import take minutes
 * each). The demo county 510199 is loaded once (zones filed, violations, tips, officers), given a
 * synthetic patrol year in SQL — one patrol per station per working day since 1 January, each
 * visiting the station's tier-1 zones with probability 0.6 and the other zones with 0.27 (≈ 3 and
 * ≈ 6 visits a week and a month) — and then copied nine times in SQL with shifted codes
 * (510199… → 510101…, 510102… …): every row whose division code starts with 510199 is inserted
 * again with the prefix replaced and every uuid mapped to md5(uuid || copy number), so all foreign
 * keys of a copy point into the same copy. Triggers are off for the copy (session_replication_role
 * = replica): the append-only history trigger would otherwise refuse copied events of closed cases.
 */
import { buildApp } from '../../server/app.js'
import type { Db, Queryable } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { DEMO_COUNTY, DEMO_ZONES_STEP } from '../../server/demo/demo-zones.js'
import { DEMO_VIOLATIONS_STEP } from '../../server/demo/demo-violations.js'
import { toCalendarDate } from '../../server/domain/rules/calendar-date.js'
import { insertToken } from '../../server/routes/tokens/queries.js'
import type { BenchDb } from './databases.js'
import { timeRepeated, type ResultRow } from './harness.js'

const quiet = { info: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) }

const CODE_COLUMNS = new Set([
  'code',
  'division_code',
  'township_code',
  'village_code',
  'parent_code',
  'filed_by_division',
])
const ID_COLUMNS = new Set([
  'id',
  'unit_id',
  'person_id',
  'plan_id',
  'main_person_id',
  'violation_id',
  'patrol_id',
  'tip_id',
  'created_by_person',
  'info_officer_id',
  'actor_person_id',
  'zone_id',
])
const ID_ARRAY_COLUMNS = new Set(['direct_person_ids', 'staff'])
const UNIQUE_TEXT_COLUMNS = new Set(['certificate_no'])

/** Tables copied per county, parents first; the column that says which county a row belongs to. */
const COPIED_TABLES: [string, string][] = [
  ['divisions', 'code'],
  ['units', 'division_code'],
  ['people', 'division_code'],
  ['info_officer_assignments', 'division_code'],
  ['zone_plans', 'division_code'],
  ['zones', 'division_code'],
  ['patrols', 'division_code'],
  ['zone_visits', 'division_code'],
  ['tips', 'division_code'],
  ['violations', 'division_code'],
  ['violation_events', 'division_code'],
  ['cultivated_land_taken', 'division_code'],
]

async function columnsOf(db: Queryable, table: string) {
  const res = await db.query<{ column_name: string; data_type: string; is_generated: string }>(
    `SELECT column_name, data_type, is_generated FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1::text ORDER BY ordinal_position`,
    [table],
  )
  return res.rows.filter((c) => c.is_generated !== 'ALWAYS')
}

/** One copy of the base county's rows of `table` under county `code`, uuids mapped with `tag`. */
async function copyTable(db: Queryable, table: string, keyColumn: string, code: string, tag: string) {
  const cols = await columnsOf(db, table)
  const exprs = cols.map(({ column_name: c, data_type: t }) => {
    const q = `"${c}"`
    if (CODE_COLUMNS.has(c))
      return `CASE WHEN starts_with(${q}, '${DEMO_COUNTY}') THEN '${code}' || substr(${q}, 7) ELSE ${q} END`
    if (ID_COLUMNS.has(c) && t === 'uuid') return `md5(${q}::text || '${tag}')::uuid`
    if (ID_ARRAY_COLUMNS.has(c)) return `ARRAY(SELECT md5(x::text || '${tag}')::uuid FROM unnest(${q}) AS x)`
    if (UNIQUE_TEXT_COLUMNS.has(c)) return `${q} || '-${tag}'`
    return q
  })
  await db.query(
    `INSERT INTO ${table} (${cols.map((c) => `"${c.column_name}"`).join(', ')})
     SELECT ${exprs.join(', ')} FROM ${table} WHERE starts_with("${keyColumn}", '${DEMO_COUNTY}')`,
  )
}

/** A year of patrols and zone visits for the base county, in SQL (no tracks: the assessment reads visits). */
async function synthesisePatrolYear(db: Queryable, year: number, today: string) {
  await db.query('SELECT setseed(0.2026)')
  await db.query(
    `INSERT INTO patrols (division_code, unit_id, external_id, kind, staff, staff_count, started_at, ended_at,
                          points_from, points_to, input_format, crs, content_hash, points_received, points_kept,
                          dropped, reordered, segment_count, length_m, duration_s, counts_for_frequency, metric_srid)
     SELECT $1::text, u.id, 'bench-' || u.id || '-' || d::date, 'routine', s.staff, cardinality(s.staff),
            t0, t0 + interval '3 hours', t0, t0 + interval '3 hours', 'geojson', 'EPSG:4326',
            md5(u.id::text || d::text) || md5(d::text || u.id::text), 1080, 1080, '{}'::jsonb, 0, 1, 9000, 10800,
            cardinality(s.staff) >= 2, 4545
       FROM units u
      CROSS JOIN LATERAL (SELECT coalesce(array_agg(p.id ORDER BY p.id), '{}') AS staff
                            FROM (SELECT id FROM people WHERE unit_id = u.id ORDER BY id LIMIT 2) p) s
      CROSS JOIN generate_series($2::date, $3::date - 1, interval '1 day') AS d
      CROSS JOIN LATERAL (SELECT (d::date + time '09:00') AT TIME ZONE 'Asia/Shanghai' AS t0) t
      WHERE u.kind = 'station' AND starts_with(u.division_code, $1::text) AND extract(isodow FROM d) < 6`,
    [DEMO_COUNTY, `${year}-01-01`, today],
  )
  await db.query(
    `INSERT INTO zone_visits (patrol_id, zone_id, visit_date, division_code, tier, unit_id, kind, staff_count,
                              entered_at, left_at, clipped_length_m, dwell_s, swath_share, qualifies, counted)
     SELECT p.id, z.id, (p.started_at AT TIME ZONE 'Asia/Shanghai')::date, $1::text, z.tier, p.unit_id, 'routine',
            p.staff_count, p.started_at, p.started_at + interval '10 minutes', 300, 600, 0.3, true, p.counts_for_frequency
       FROM patrols p
       JOIN zones z ON z.unit_id = p.unit_id
       JOIN zone_plans pl ON pl.id = z.plan_id AND pl.status = 'filed'
      WHERE p.division_code = $1::text AND random() < CASE z.tier WHEN 1 THEN 0.6 ELSE 0.27 END`,
    [DEMO_COUNTY],
  )
}

async function rowCount(db: Queryable, table: string): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`)).rows[0]?.n ?? 0
}

/**
 * The demo county with a patrol year, and nine copies of it under the same city; a database that
 * already holds the last copy (kept with BENCH_KEEP=1) is used as it is.
 */
export async function buildBenchCity(
  db: Db,
  dir: string,
  copies = 9,
): Promise<{ counties: string[]; visits: number }> {
  const scoped = createScopedDb(db, '')
  const ctx = { dir, db, log: quiet }
  const codes = Array.from(
    { length: copies },
    (_, i) => `${DEMO_COUNTY.slice(0, 4)}${String(i + 1).padStart(2, '0')}`,
  )
  const built = await db.query(`SELECT 1 FROM divisions WHERE code = $1::text`, [codes[codes.length - 1]])
  if ((built.rowCount ?? 0) > 0)
    return { counties: [DEMO_COUNTY, ...codes], visits: await rowCount(db, 'zone_visits') }
  const filed = await db.query(
    `SELECT 1 FROM zone_plans WHERE division_code = $1::text AND status = 'filed'`,
    [DEMO_COUNTY],
  )
  if (filed.rowCount === 0) await scoped.transaction((tx) => DEMO_ZONES_STEP.run(ctx, tx))
  await scoped.transaction((tx) => DEMO_VIOLATIONS_STEP.run(ctx, tx))
  const today = toCalendarDate(new Date())
  await db.transaction((tx) => synthesisePatrolYear(tx, Number(today.slice(0, 4)), today))
  const counties = [DEMO_COUNTY]
  for (let i = 1; i <= copies; i++) {
    const code = codes[i - 1] as string
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`)
      for (const [table, key] of COPIED_TABLES) await copyTable(tx, table, key, code, `c${i}`)
      await tx.query(`UPDATE divisions SET name = name || $2::text WHERE code = $1::text`, [code, ` ${i}`])
    })
    counties.push(code)
  }
  // a database in use has been vacuumed by autovacuum: the visibility map lets the visit counts be
  // read from the index alone
  await db.exec('VACUUM ANALYZE')
  return { counties, visits: await rowCount(db, 'zone_visits') }
}

/** The city's table of 10 counties vs. one county's full assessment, through the route. */
export async function benchAssessment(b: BenchDb, dir: string, runs = 5): Promise<ResultRow[]> {
  console.error(`[bench] ${b.label}: synthesising 10 demo-sized counties`)
  const t0 = Date.now()
  const { counties, visits } = await buildBenchCity(b.db, dir)
  const buildS = ((Date.now() - t0) / 1000).toFixed(0)
  const app = await buildApp({ db: b.db })
  await app.ready()
  const city = `${DEMO_COUNTY.slice(0, 4)}00`
  const token = (
    await createScopedDb(b.db, '').transaction((tx) =>
      insertToken(tx, { role: 'viewer', division_code: city, label: 'bench' }),
    )
  ).secret
  const year = new Date().getUTCFullYear()
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return res.json() as { items?: unknown[] }
  }
  try {
    const table = await get(`/api/v1/assessments?parent=${city}&year=${year}`)
    if ((table.items ?? []).length !== counties.length)
      throw new Error(`expected ${counties.length} counties, got ${(table.items ?? []).length}`)
    const cityStats = await timeRepeated(runs, () => get(`/api/v1/assessments?parent=${city}&year=${year}`))
    const countyStats = await timeRepeated(runs, () => get(`/api/v1/assessments/${DEMO_COUNTY}/${year}`))
    return [
      {
        database: b.label,
        benchmark: `assessment of a city with ${counties.length} demo-sized counties, ${year} to date (GET /assessments?parent=)`,
        median_ms: cityStats.median,
        p95_ms: cityStats.p95,
        n: cityStats.n,
        baseline: 'one county’s full assessment (with projection and evidence)',
        baseline_median_ms: countyStats.median,
        ratio: cityStats.median / countyStats.median,
        note: `goal ≤ 2000 ms; ${visits} zone visits in all; synthesised in ${buildS} s`,
      },
    ]
  } finally {
    await app.close()
  }
}
