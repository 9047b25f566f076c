import { DEMO_DIR, ensureDemoFiles } from '../../server/demo/demo-files.js'
import { openBenchDatabases } from './databases.js'
import { printTable, type ResultRow } from './harness.js'
import { benchPatrolRecompute } from './patrols-recompute-bench.js'
import { benchZoneImport, benchZoneTiles, loadFoundation } from './zones-bench.js'
import { benchAssessment } from './assessment-bench.js'
import { benchMonthIngest, benchPatrolPost } from './patrols-ingest-bench.js'

/**
 * `npm run bench` — on the embedded PGlite and, when DATABASE_URL is set, on that PostgreSQL
 * (a fresh database, dropped afterwards). Each figure is a median with its p95 and a baseline
 * measured in the same run. `BENCH_DB=pglite|postgres` picks one.
 */
async function main() {
  await ensureDemoFiles(DEMO_DIR)
  const rows: ResultRow[] = []
  for (const b of await openBenchDatabases()) {
    try {
      if (b.reused) {
        // a kept database (BENCH_KEEP=1) already holds the zones: only the assessment is measured
        console.error(`[bench] ${b.label}: reusing the kept database`)
        rows.push(...(await benchAssessment(b, DEMO_DIR)))
        continue
      }
      console.error(`[bench] ${b.label}: loading the demo county's divisions, units and people`)
      await loadFoundation(b, DEMO_DIR)
      console.error(`[bench] ${b.label}: zone import`)
      rows.push(...(await benchZoneImport(b, DEMO_DIR)))
      console.error(`[bench] ${b.label}: zone tiles`)
      rows.push(...(await benchZoneTiles(b, DEMO_DIR)))
      // ten synthesised counties: on the real PostGIS only (the goal is stated for it)
      if (b.label.startsWith('PostgreSQL') && process.env.BENCH_SKIP_ASSESSMENT !== '1')
        rows.push(...(await benchAssessment(b, DEMO_DIR)))
      console.error(`[bench] ${b.label}: demo month ingest, then single 2,000-point posts`)
      rows.push(...(await benchMonthIngest(b, DEMO_DIR)))
      rows.push(...(await benchPatrolPost(b, DEMO_DIR)))
      if (process.env.BENCH_SKIP_RECOMPUTE !== '1') {
        console.error(`[bench] ${b.label}: patrol coverage recompute`)
        rows.push(...(await benchPatrolRecompute(b, DEMO_DIR)))
      }
    } finally {
      await b.dispose()
    }
  }
  printTable(rows)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
