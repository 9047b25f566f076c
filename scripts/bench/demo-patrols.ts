/**
 * The demo county's month of patrols (data/demo/patrols.ndjson) posted one by one through the
 * product's ingest (parse → clean → store → match), for the recompute bench and its test. Correct
 * rather than fast: a batch path for the demo load is another piece of work.
 */
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Db } from '../../server/db/port.js'
import { createScopedDb } from '../../server/db/scoped-db.js'
import { ingestPatrol } from '../../server/routes/patrols/ingest.js'

export interface DemoPatrolLine {
  external_id: string
  unit_key: string
  staff_keys: string[]
  kind: 'routine' | 'supervision' | 'special'
  track: {
    type: 'Feature'
    geometry: { type: 'LineString'; coordinates: [number, number][] }
    properties: unknown
  }
}

export async function* readDemoPatrols(dir: string): AsyncGenerator<DemoPatrolLine> {
  const lines = createInterface({ input: createReadStream(path.join(dir, 'patrols.ndjson'), 'utf8') })
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as DemoPatrolLine
}

/** Demo unit and person keys → the ids the foundation load gave them (units by name, people by certificate). */
export async function demoKeyIds(db: Db, dir: string) {
  const units = JSON.parse(await readFile(path.join(dir, 'units.json'), 'utf8')) as {
    key: string
    name: string
    division_code: string
  }[]
  const people = JSON.parse(await readFile(path.join(dir, 'people.json'), 'utf8')) as {
    key: string
    certificate_no: string
  }[]
  const system = createScopedDb(db, '')
  const unitRows = await system.query<{ id: string; name: string; division_code: string }>(
    'SELECT id, name, division_code FROM units',
  )
  const personRows = await system.query<{ id: string; certificate_no: string | null }>(
    'SELECT id, certificate_no FROM people',
  )
  const unitId = new Map(unitRows.rows.map((r) => [`${r.division_code}/${r.name}`, r.id]))
  const personId = new Map(personRows.rows.map((r) => [r.certificate_no, r.id]))
  return {
    units: new Map(units.map((u) => [u.key, unitId.get(`${u.division_code}/${u.name}`)])),
    people: new Map(people.map((p) => [p.key, personId.get(p.certificate_no)])),
  }
}

/**
 * Posts the demo patrols that `keep` accepts (all by default) through ingestPatrol; answers how many
 * patrols and points went in.
 */
export async function ingestDemoPatrols(
  db: Db,
  dir: string,
  county: string,
  keep: (p: DemoPatrolLine) => boolean = () => true,
  onProgress?: (done: number) => void,
): Promise<{ patrols: number; points: number }> {
  const ids = await demoKeyIds(db, dir)
  const scoped = createScopedDb(db, county)
  let patrols = 0
  let points = 0
  for await (const p of readDemoPatrols(dir)) {
    if (!keep(p)) continue
    const unitId = ids.units.get(p.unit_key)
    if (!unitId) throw new Error(`demo patrol ${p.external_id}: unit ${p.unit_key} not loaded`)
    const staff = p.staff_keys.map((k) => ids.people.get(k)).filter((x): x is string => !!x)
    await ingestPatrol(
      scoped,
      {
        externalId: p.external_id,
        unitId,
        staff,
        kind: p.kind,
        crs: undefined,
        format: 'geojson',
        track: p.track,
        trackPath: '/track',
      },
      { postedBy: null, now: Date.parse('2026-11-01T00:00:00Z') },
    )
    patrols++
    points += p.track.geometry.coordinates.length
    onProgress?.(patrols)
  }
  return { patrols, points }
}
