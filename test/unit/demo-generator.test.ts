import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { area, bbox, booleanPointInPolygon, featureCollection, intersect, kinks } from '@turf/turf'
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoManifest, generateDemoCounty } from '../../scripts/demo/generate.js'

// One full generation for the whole file (about 10 s of CPU), plus two small-scale runs for the
// determinism check: scale only thins the patrols, so zones and divisions must match the full run.

interface Division {
  code: string
  level: string
  parent_code: string
  boundary: MultiPolygon | null
}
interface ZoneProps {
  category: string
  township_code: string
  unit_key: string | null
}
interface Violation {
  events: { type: string; at: string; closing_kind?: string }[]
  found_at: string
  major: boolean
}

const ALL_CATEGORIES = [
  'basic_farmland',
  'urban_planning',
  'urban_fringe',
  'township_seat',
  'main_road',
  'development_zone',
  'mining_area',
  'hotspot',
  'other_farmland',
  'village_fringe',
  'village_planning',
  'village_surroundings',
  'rural_road',
]
const EVENT_TYPES = [
  'found',
  'stopped',
  'self_corrected',
  'reported',
  'filed',
  'not_filed',
  'closed',
  'escalated',
  'transferred',
]

const tmpDirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'landpatrol-demo-'))
  tmpDirs.push(d)
  return d
}

let dir: string
let manifest: DemoManifest
let divisions: Division[]
let zones: Feature<Polygon | MultiPolygon, ZoneProps>[]
const read = (d: string, f: string) => readFileSync(path.join(d, f))
const readJson = <T>(f: string): T => JSON.parse(read(dir, f).toString('utf8')) as T

/** Small deterministic PRNG so the sampled checks are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

beforeAll(async () => {
  dir = tempDir()
  manifest = await generateDemoCounty(dir, { seed: 42 })
  divisions = readJson<Division[]>('divisions.json')
  zones = readJson<FeatureCollection<Polygon | MultiPolygon, ZoneProps>>('zones.geojson').features
}, 180_000)

afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true })
})

describe('demo county generator', () => {
  it('writes the expected amounts of everything', async () => {
    expect(zones.length).toBeGreaterThanOrEqual(1500)
    expect(new Set(zones.map((z) => z.properties.category))).toEqual(new Set(ALL_CATEGORIES))
    expect(readJson<unknown[]>('units.json').length).toBeGreaterThanOrEqual(11)
    expect(readJson<unknown[]>('people.json').length).toBeGreaterThanOrEqual(40)

    let patrols = 0
    let points = 0
    let alone = 0
    const lines = createInterface({ input: createReadStream(path.join(dir, 'patrols.ndjson')) })
    for await (const line of lines) {
      const p = JSON.parse(line) as {
        staff_keys: string[]
        track: { geometry: { coordinates: Position[] }; properties: { coordTimes: string[] } }
      }
      patrols++
      points += p.track.geometry.coordinates.length
      expect(p.track.properties.coordTimes.length).toBe(p.track.geometry.coordinates.length)
      expect(p.track.properties.coordTimes[0]?.startsWith('2026-10-')).toBe(true)
      if (p.staff_keys.length === 1) alone++
    }
    expect(patrols).toBeGreaterThanOrEqual(300)
    expect(points).toBeGreaterThanOrEqual(800_000)
    expect(points).toBeLessThanOrEqual(1_300_000)
    expect(points).toBe(manifest.total_patrol_points)
    expect(alone).toBeGreaterThan(0)
    expect(alone / patrols).toBeLessThan(0.08)

    const violations = readJson<Violation[]>('violations.json')
    expect(violations.length).toBeGreaterThanOrEqual(60)
    const finals = new Set(violations.map((v) => v.events[v.events.length - 1]?.type))
    expect(finals).toEqual(new Set(EVENT_TYPES))
    const closing = new Set(violations.flatMap((v) => v.events.map((e) => e.closing_kind).filter(Boolean)))
    expect(closing.size).toBe(5)
    for (const v of violations) {
      const times = v.events.map((e) => e.at)
      expect(times).toEqual([...times].sort())
      expect((times[times.length - 1] as string) <= '2026-10-31T16:00:00Z').toBe(true)
    }
    expect(violations.some((v) => v.major)).toBe(true)
    // some reports come late (第十八条 wants them within 2 working days), some never come
    const reportDelay = violations.map((v) => {
      const r = v.events.find((e) => e.type === 'reported')
      return r ? Date.parse(r.at) - Date.parse(v.found_at) : null
    })
    expect(reportDelay.some((d) => d !== null && d > 6 * 86_400_000)).toBe(true)
    expect(reportDelay.some((d) => d === null)).toBe(true)
    expect(readJson<unknown[]>('tips.json').length).toBeGreaterThanOrEqual(20)
  }, 60_000)

  it('is deterministic: a second run (thinned patrols) writes the same bytes', async () => {
    // generating the whole month twice is slow, so the second run writes 1 track in 25: every other
    // file, and every track it does write, must be byte-identical to the full run
    const small = tempDir()
    const m = await generateDemoCounty(small, { seed: 42, scale: 0.04 })
    for (const f of [
      'divisions.json',
      'zones.geojson',
      'roads.geojson',
      'units.json',
      'people.json',
      'info-officers.json',
      'violations.json',
      'tips.json',
      'info-reports.json',
      'cultivated-land-taken.json',
    ]) {
      expect(read(small, f).equals(read(dir, f)), f).toBe(true)
    }
    const full = new Map<string, string>()
    for await (const line of createInterface({ input: createReadStream(path.join(dir, 'patrols.ndjson')) })) {
      full.set((JSON.parse(line) as { external_id: string }).external_id, line)
    }
    const thinned = read(small, 'patrols.ndjson').toString('utf8').trim().split('\n')
    expect(thinned.length).toBe(m.files['patrols.ndjson'])
    expect(thinned.length).toBeGreaterThan(5)
    for (const line of thinned) {
      expect(full.get((JSON.parse(line) as { external_id: string }).external_id)).toBe(line)
    }
  }, 120_000)

  it('has townships that tile the county and villages that tile their townships', () => {
    const county = divisions.find((d) => d.level === 'county')
    expect(county?.boundary).toBeTruthy()
    const countyArea = area(county?.boundary as MultiPolygon)
    expect(countyArea / 1e6).toBeGreaterThan(1200)
    expect(countyArea / 1e6).toBeLessThan(1600)
    const townships = divisions.filter((d) => d.level === 'township')
    expect(townships).toHaveLength(10)
    const sum = townships.reduce((s, t) => s + area(t.boundary as MultiPolygon), 0)
    expect(Math.abs(sum - countyArea) / countyArea).toBeLessThan(0.005)
    for (const t of townships) {
      const villages = divisions.filter((d) => d.level === 'village' && d.parent_code === t.code)
      expect(villages.length).toBeGreaterThanOrEqual(8)
      expect(villages.length).toBeLessThanOrEqual(15)
      const vs = villages.reduce((s, v) => s + area(v.boundary as MultiPolygon), 0)
      const ta = area(t.boundary as MultiPolygon)
      expect(Math.abs(vs - ta) / ta).toBeLessThan(0.005)
    }
    for (const d of divisions.filter((x) => x.boundary)) {
      expect(kinks(d.boundary as MultiPolygon).features, d.code).toHaveLength(0)
    }
  })

  it('writes valid zones inside their township, exterior rings counter-clockwise', () => {
    const township = new Map(divisions.filter((d) => d.level === 'township').map((d) => [d.code, d]))
    const signedArea = (ring: Position[]) => {
      let s = 0
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i] as [number, number]
        const [x2, y2] = ring[i + 1] as [number, number]
        s += x1 * y2 - x2 * y1
      }
      return s / 2
    }
    for (const z of zones) {
      expect(kinks(z.geometry).features, z.properties.category).toHaveLength(0)
      const polys = z.geometry.type === 'Polygon' ? [z.geometry.coordinates] : z.geometry.coordinates
      for (const p of polys) {
        expect(signedArea(p[0] as Position[])).toBeGreaterThan(0)
        for (const hole of p.slice(1)) expect(signedArea(hole)).toBeLessThan(0)
      }
    }
    const next = lcg(7)
    for (let i = 0; i < 300; i++) {
      const z = zones[Math.floor(next() * zones.length)] as Feature<Polygon | MultiPolygon, ZoneProps>
      const t = township.get(z.properties.township_code)
      expect(t?.boundary).toBeTruthy()
      const outer = z.geometry.type === 'Polygon' ? z.geometry.coordinates[0] : z.geometry.coordinates[0]?.[0]
      for (const c of outer ?? []) {
        expect(booleanPointInPolygon(c, t?.boundary as MultiPolygon), z.properties.township_code).toBe(true)
      }
    }
  })

  it('writes zones that do not overlap', () => {
    const boxes = zones.map((z) => bbox(z))
    const pairs: [number, number][] = []
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i] as number[]
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j] as number[]
        if ((a[0] as number) <= (b[2] as number) && (b[0] as number) <= (a[2] as number)) {
          if ((a[1] as number) <= (b[3] as number) && (b[1] as number) <= (a[3] as number)) pairs.push([i, j])
        }
      }
    }
    expect(pairs.length).toBeGreaterThan(1000)
    const next = lcg(11)
    for (let k = 0; k < 200; k++) {
      const [i, j] = pairs[Math.floor(next() * pairs.length)] as [number, number]
      const overlap = intersect(featureCollection([zones[i], zones[j]] as Feature<Polygon | MultiPolygon>[]))
      const m2 = overlap ? area(overlap) : 0
      expect(m2, `zones ${i} and ${j}`).toBeLessThan(1)
    }
  })

  it('leaves a few zones without a responsible unit', () => {
    const unassigned = zones.filter((z) => z.properties.unit_key === null).length
    expect(unassigned).toBeGreaterThan(0)
    expect(unassigned / zones.length).toBeLessThan(0.03)
  })
})
