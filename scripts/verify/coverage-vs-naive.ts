import { openCliDb, argValue } from '../cli-db.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { DEMO_COUNTY } from '../../server/demo/demo-zones.js'
import { computeCoverage } from '../../server/routes/patrols/coverage.js'
import { rulesInForce } from '../../server/routes/rule-sets/queries.js'
import { naiveCoverage } from '../bench/naive-coverage.js'
import { loadavg } from 'node:os'
import { DEFAULT_RULE_SET, type RuleSet } from '../../server/domain/rules/rule-set.js'

/**
 * `npm run verify:coverage [-- --division 510199 --from 2026-10-01 --to 2026-10-31 --township 510199001
 *  --shards 4 --concurrency 2 --min 0.99 --tolerance 0.01 --top 15 --api http://host:3000]`
 *
 * Checks the product's coverage figures against an independent computation (naive-coverage.ts: plain
 * buffer → union → intersect over the kept raw fixes), on the database of DATABASE_URL holding a
 * county and its patrols loaded through the product path (`npm run seed` for the demo county). The
 * product's figures are read only through its coverage read (computeCoverage, what GET /coverage
 * returns: visits and covered_share per zone-period), never from its tables; with --api (and a
 * reader token in LP_TOKEN) from a running server's GET /api/v1/coverage instead, the naive side
 * still on DATABASE_URL. Prints the zones and
 * zone-periods compared, the share with visit counts equal and with swath coverage within the
 * tolerance (1 percentage point), the worst offenders and the naive run time; exits 1 when fewer
 * than --min (99 %) of the zones agree on both in every period.
 */
interface Compared {
  zone_id: string
  name: string
  tier: number
  period: string
  start: string
  pVisits: number
  nVisits: number
  pShare: number
  nShare: number
}

type ProductCoverage = Pick<Awaited<ReturnType<typeof computeCoverage>>, 'zones'>

/** GET /api/v1/coverage of a running server (bearer token in LP_TOKEN); the rules it reports. */
async function readApi(base: string, q: { division: string; from: string; to: string }) {
  const token = process.env.LP_TOKEN
  if (!token) throw new Error('--api needs a reader token in LP_TOKEN')
  const res = await fetch(
    `${base.replace(/\/$/, '')}/api/v1/coverage?division=${q.division}&from=${q.from}&to=${q.to}`,
    { headers: { authorization: `Bearer ${token}` } },
  )
  if (!res.ok) throw new Error(`GET /coverage: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as ProductCoverage & {
    rules: Pick<RuleSet['patrol'], 'frequency' | 'min_staff'> & RuleSet['visit']
  }
  const r = body.rules
  const rules: RuleSet = {
    ...DEFAULT_RULE_SET,
    patrol: { ...DEFAULT_RULE_SET.patrol, frequency: r.frequency, min_staff: r.min_staff },
    visit: {
      sight_radius_m: r.sight_radius_m,
      min_swath_share: r.min_swath_share,
      min_dwell_s: r.min_dwell_s,
    },
  }
  return { product: body, rules }
}

async function main() {
  const args = process.argv.slice(2)
  const division = argValue(args, 'division') ?? DEMO_COUNTY
  const from = argValue(args, 'from') ?? '2026-10-01'
  const to = argValue(args, 'to') ?? '2026-10-31'
  const township = argValue(args, 'township')
  const shards = Number(argValue(args, 'shards') ?? 4)
  const concurrency = Number(argValue(args, 'concurrency') ?? 2)
  const minShare = Number(argValue(args, 'min') ?? 0.99)
  const tolerance = Number(argValue(args, 'tolerance') ?? 0.01)
  const top = Number(argValue(args, 'top') ?? 15)

  const api = argValue(args, 'api')
  const readLocal = async (scoped: ReturnType<typeof createScopedDb>) => {
    const today = new Date().toISOString().slice(0, 10)
    return scoped.transaction(async (tx) => {
      const rules = await rulesInForce(tx, division, to)
      return { product: await computeCoverage(tx, { division, from, to, today }, rules), rules }
    })
  }

  const db = await openCliDb()
  try {
    const scoped = createScopedDb(db, division)
    // the product's figures, through its coverage read (computeCoverage, what GET /coverage answers) or,
    // with --api, from a running server's GET /api/v1/coverage
    const t0 = performance.now()
    const { product, rules } = api ? await readApi(api, { division, from, to }) : await readLocal(scoped)
    const zones = township ? product.zones.filter((z) => z.township_code === township) : product.zones
    console.log(
      `product: ${zones.length} zones, ${zones.reduce((s, z) => s + z.periods.length, 0)} zone-periods read in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )

    // the naive figures over the days of every period read (whole ISO weeks and months)
    const days = zones.flatMap((z) => z.periods)
    const naiveFrom = days.reduce((m, p) => (p.start < m ? p.start : m), from)
    const naiveTo = days.reduce((m, p) => (p.end > m ? p.end : m), to)
    const load0 = loadavg()
    const t1 = performance.now()
    const naive = await naiveCoverage(scoped, {
      county: division.slice(0, 6),
      from: naiveFrom,
      to: naiveTo,
      zoneIds: township ? zones.map((z) => z.zone_id) : undefined,
      rules,
      shards,
      concurrency,
    })
    const naiveS = (performance.now() - t1) / 1000
    const load1 = loadavg()
    console.log(
      `naive: ${naive.size} zone-periods with a swath over [${naiveFrom}, ${naiveTo}) in ${naiveS.toFixed(1)} s ` +
        `(${shards} shards, ${concurrency} at once; load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')})`,
    )

    const compared: Compared[] = []
    const seen = new Set<string>()
    for (const z of zones)
      for (const p of z.periods) {
        const k = `${z.zone_id}/${p.start}`
        seen.add(k)
        const n = naive.get(k)
        compared.push({
          zone_id: z.zone_id,
          name: z.name,
          tier: z.tier,
          period: p.period,
          start: p.start,
          pVisits: p.visits,
          nVisits: n?.visits ?? 0,
          pShare: p.covered_share,
          nShare: n?.share ?? 0,
        })
      }
    // naive zone-periods within the read periods that the product does not list at all
    const periodStarts = new Set(days.map((p) => p.start))
    const unlisted = [...naive.entries()].filter(([k, n]) => !seen.has(k) && periodStarts.has(n.period_start))

    const visitsOk = (c: Compared) => c.pVisits === c.nVisits
    const shareOk = (c: Compared) => Math.abs(c.pShare - c.nShare) <= tolerance + 1e-9
    const byZone = new Map<string, Compared[]>()
    for (const c of compared) byZone.set(c.zone_id, [...(byZone.get(c.zone_id) ?? []), c])
    const zoneList = [...byZone.values()]
    const pct = (a: number, n: number) => `${((100 * a) / Math.max(1, n)).toFixed(2)} %`
    const zVisits = zoneList.filter((cs) => cs.every(visitsOk)).length
    const zShare = zoneList.filter((cs) => cs.every(shareOk)).length
    const zBoth = zoneList.filter((cs) => cs.every((c) => visitsOk(c) && shareOk(c))).length
    const pVisits = compared.filter(visitsOk).length
    const pShare = compared.filter(shareOk).length
    const pBoth = compared.filter((c) => visitsOk(c) && shareOk(c)).length

    console.log(`\nzones compared: ${zoneList.length} (${compared.length} zone-periods)`)
    console.log(
      `visit counts equal:         ${pct(zVisits, zoneList.length)} of zones (${zVisits}), ${pct(pVisits, compared.length)} of zone-periods (${pVisits})`,
    )
    console.log(
      `share within ${(tolerance * 100).toFixed(1)} pp:        ${pct(zShare, zoneList.length)} of zones (${zShare}), ${pct(pShare, compared.length)} of zone-periods (${pShare})`,
    )
    console.log(
      `both:                       ${pct(zBoth, zoneList.length)} of zones (${zBoth}), ${pct(pBoth, compared.length)} of zone-periods (${pBoth})`,
    )
    const sumP = compared.reduce((s, c) => s + c.pVisits, 0)
    const sumN = compared.reduce((s, c) => s + c.nVisits, 0)
    console.log(`visits in all: product ${sumP}, naive ${sumN}`)
    const diffs = compared.map((c) => c.pShare - c.nShare)
    const mean = diffs.reduce((s, d) => s + d, 0) / Math.max(1, diffs.length)
    const maxAbs = diffs.reduce((m, d) => Math.max(m, Math.abs(d)), 0)
    console.log(
      `share difference product − naive: mean ${(mean * 100).toFixed(4)} pp, max |·| ${(maxAbs * 100).toFixed(3)} pp`,
    )
    if (unlisted.length > 0) {
      console.log(`naive zone-periods the product does not list: ${unlisted.length}`)
      for (const [k, n] of unlisted.slice(0, top))
        console.log(`  ${k} tier ${n.tier} share ${n.share.toFixed(4)} visits ${n.visits}`)
    }

    const line = (c: Compared) =>
      `  ${c.zone_id} ${c.name} (tier ${c.tier}, ${c.period} from ${c.start}): visits product ${c.pVisits} naive ${c.nVisits}; ` +
      `share product ${c.pShare.toFixed(4)} naive ${c.nShare.toFixed(4)} (Δ ${((c.pShare - c.nShare) * 100).toFixed(2)} pp)`
    const visitBad = compared
      .filter((c) => !visitsOk(c))
      .sort((a, b) => Math.abs(b.pVisits - b.nVisits) - Math.abs(a.pVisits - a.nVisits))
    if (visitBad.length > 0) {
      console.log(`\nvisit counts differ (${visitBad.length} zone-periods), worst:`)
      for (const c of visitBad.slice(0, top)) console.log(line(c))
    }
    const shareBad = compared
      .filter((c) => !shareOk(c))
      .sort((a, b) => Math.abs(b.pShare - b.nShare) - Math.abs(a.pShare - a.nShare))
    if (shareBad.length > 0) {
      console.log(
        `\nshare off by more than ${(tolerance * 100).toFixed(1)} pp (${shareBad.length} zone-periods), worst:`,
      )
      for (const c of shareBad.slice(0, top)) console.log(line(c))
    }

    const closest = compared
      .filter(shareOk)
      .sort((a, b) => Math.abs(b.pShare - b.nShare) - Math.abs(a.pShare - a.nShare))
      .slice(0, 5)
    console.log(`\nlargest share differences within the tolerance:`)
    for (const c of closest) console.log(line(c))

    const ok = zBoth / Math.max(1, zoneList.length) >= minShare
    console.log(
      `\n${ok ? 'PASS' : 'FAIL'}: ${pct(zBoth, zoneList.length)} of zones agree in every period (need ≥ ${(minShare * 100).toFixed(0)} %)`,
    )
    if (!ok) process.exitCode = 1
  } finally {
    await db.close()
  }
}

main().catch((err: unknown) => {
  console.error(`verify:coverage: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
  process.exit(2)
})
