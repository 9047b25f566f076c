import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { buildApp } from '../../server/app.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { DEMO_COUNTY, DEMO_ZONES_STEP } from '../../server/demo/demo-zones.js'
import { FOUNDATION_STEPS, type DemoContext } from '../../server/demo/load-demo.js'
import { stageAndInsertZones } from '../../server/routes/plans/zone-import.js'
import { insertToken } from '../../server/routes/tokens/queries.js'
import { readZoneUpload } from '../../server/routes/zones/read-zone-upload.js'
import type { BenchDb } from './databases.js'
import { statsOf, timeOnce, timeRepeated, type ResultRow } from './harness.js'

class Rollback extends Error {}

const quiet = { info: () => {}, warn: () => {}, error: (...a: unknown[]) => console.error(...a) }

/** Loads the demo county's divisions, units and people (the ground the zones stand on). */
export async function loadFoundation(b: BenchDb, dir: string): Promise<void> {
  const ctx: DemoContext = { dir, db: b.db, log: quiet }
  const scoped = createScopedDb(b.db, '')
  for (const step of FOUNDATION_STEPS) await scoped.transaction((tx) => step.run(ctx, tx))
}

/**
 * Importing the demo county's zones through the product path (structure, CRS, attributes,
 * PostGIS validity, county containment, township, responsible persons), rolled back each time,
 * against a baseline that only inserts the same polygons with no checks.
 */
export async function benchZoneImport(b: BenchDb, dir: string, runs = 3): Promise<ResultRow[]> {
  const text = await readFile(path.join(dir, 'zones.geojson'), 'utf8')
  const count = (JSON.parse(text) as { features: unknown[] }).features.length
  const scoped = createScopedDb(b.db, '')
  const rolledBack = async (
    fn: (tx: Parameters<Parameters<typeof scoped.transaction>[0]>[0]) => Promise<void>,
  ) => {
    try {
      await scoped.transaction(async (tx) => {
        await fn(tx)
        throw new Rollback()
      })
    } catch (err) {
      if (!(err instanceof Rollback)) throw err
    }
  }
  const product: number[] = []
  const baseline: number[] = []
  for (let i = 0; i < runs; i++) {
    product.push(
      (
        await timeOnce(() =>
          rolledBack(async (tx) => {
            const upload = await readZoneUpload({ kind: 'json', text }, {})
            const plan = await tx.query<{ id: string }>(
              `INSERT INTO zone_plans (division_code, name, effective_from) VALUES ($1::text, 'bench', '2026-01-01') RETURNING id`,
              [DEMO_COUNTY],
            )
            const r = await stageAndInsertZones(tx, {
              planId: plan.rows[0]!.id,
              countyCode: DEMO_COUNTY,
              features: upload.features,
              repair: false,
              partial: false,
            })
            if (r.zones.length !== count)
              throw new Error(
                `imported ${r.zones.length} of ${count}: ${JSON.stringify(r.problems.slice(0, 2))}`,
              )
          }),
        )
      ).ms,
    )
    baseline.push(
      (
        await timeOnce(() =>
          rolledBack(async (tx) => {
            const fc = JSON.parse(text) as {
              features: { geometry: unknown; properties: { category: string } }[]
            }
            const plan = await tx.query<{ id: string }>(
              `INSERT INTO zone_plans (division_code, name, effective_from) VALUES ($1::text, 'baseline', '2026-01-01') RETURNING id`,
              [DEMO_COUNTY],
            )
            await tx.query(
              `INSERT INTO zones (plan_id, division_code, category, tier, geom, area_m2)
               SELECT $1::uuid, $2::text, f->>'c', 1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->>'g'), 4326)), 0
                 FROM jsonb_array_elements($3::jsonb) f`,
              [
                plan.rows[0]!.id,
                DEMO_COUNTY,
                JSON.stringify(
                  fc.features.map((f) => ({ g: JSON.stringify(f.geometry), c: f.properties.category })),
                ),
              ],
            )
          }),
        )
      ).ms,
    )
  }
  const p = statsOf(product)
  const base = statsOf(baseline)
  return [
    {
      database: b.label,
      benchmark: `import demo zones (${count} features, all checks)`,
      median_ms: p.median,
      p95_ms: p.p95,
      n: p.n,
      baseline: 'plain INSERT of the same polygons, no checks',
      baseline_median_ms: base.median,
      ratio: p.median / base.median,
      note: `${Math.round((count / p.median) * 1000)} zones/s`,
    },
  ]
}

/** Zone tiles at z12–z16 over the demo county, through the HTTP route (auth, RLS, SQL, encoding). */
export async function benchZoneTiles(b: BenchDb, dir: string, perZoom = 20): Promise<ResultRow[]> {
  await createScopedDb(b.db, '').transaction((tx) => DEMO_ZONES_STEP.run({ dir, db: b.db, log: quiet }, tx))
  const app = await buildApp({ db: b.db })
  await app.ready()
  const token = (
    await createScopedDb(b.db, '').transaction((tx) =>
      insertToken(tx, { role: 'viewer', division_code: DEMO_COUNTY, label: 'bench' }),
    )
  ).secret
  const ext = (
    await b.db.query<{ w: number; s: number; e: number; n: number }>(
      `SELECT ST_XMin(boundary) w, ST_YMin(boundary) s, ST_XMax(boundary) e, ST_YMax(boundary) n FROM divisions WHERE code = $1::text`,
      [DEMO_COUNTY],
    )
  ).rows[0]!
  let seed = 42
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const rows: ResultRow[] = []
  for (let z = 12; z <= 16; z++) {
    const tiles = Array.from({ length: perZoom }, () => {
      const lon = ext.w + rand() * (ext.e - ext.w)
      const lat = ext.s + rand() * (ext.n - ext.s)
      const n = 2 ** z
      const x = Math.floor(((lon + 180) / 360) * n)
      const y = Math.floor(
        ((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) /
          2) *
          n,
      )
      return { x, y }
    })
    let bytes = 0
    const product = await timeRepeated(tiles.length, async (i) => {
      const t = tiles[i]!
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/tiles/zones/${z}/${t.x}/${t.y}.mvt`,
        headers: { authorization: `Bearer ${token}` },
      })
      if (res.statusCode !== 200 && res.statusCode !== 204)
        throw new Error(`tile ${z}/${t.x}/${t.y}: ${res.statusCode} ${res.body}`)
      bytes += res.rawPayload.length
    })
    const scoped = createScopedDb(b.db, DEMO_COUNTY)
    const base = await timeRepeated(tiles.length, async (i) => {
      const t = tiles[i]!
      await scoped.query(
        `SELECT count(*) FROM zones WHERE geom && ST_Transform(ST_TileEnvelope($1::integer, $2::integer, $3::integer), 4326)`,
        [z, t.x, t.y],
      )
    })
    rows.push({
      database: b.label,
      benchmark: `zone tile z${z} (HTTP, viewer token)`,
      median_ms: product.median,
      p95_ms: product.p95,
      n: product.n,
      baseline: 'count of the tile’s zones by bbox (same scope)',
      baseline_median_ms: base.median,
      ratio: product.median / base.median,
      note: `mean ${Math.round(bytes / tiles.length / 102.4) / 10} KB`,
    })
  }
  await app.close()
  return rows
}
