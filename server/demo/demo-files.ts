import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { PROJECT_ROOT } from '../paths.js'

export const DEMO_DIR = path.join(PROJECT_ROOT, 'data/demo')

export interface DemoDivision {
  code: string
  name: string
  level: 'province' | 'city' | 'county' | 'township' | 'village'
  parent_code: string
  boundary: unknown
}
export interface DemoUnit {
  key: string
  name: string
  kind: 'station' | 'team'
  division_code: string
}
export interface DemoPerson {
  key: string
  name: string
  unit_key: string
  certificate_no: string
  roles: string[]
}
export interface DemoInfoOfficer {
  key: string
  name: string
  village_code: string
  phone?: string
}

export async function readDemoJson<T>(dir: string, file: string): Promise<T> {
  return JSON.parse(await readFile(path.join(dir, file), 'utf8')) as T
}

export function demoFilesPresent(dir: string): boolean {
  return ['manifest.json', 'divisions.json', 'units.json', 'people.json'].every((f) =>
    existsSync(path.join(dir, f)),
  )
}

/** Generates the demo county into `dir` when it is not there yet (nothing generated is committed). */
export async function ensureDemoFiles(dir: string): Promise<void> {
  if (demoFilesPresent(dir)) return
  const { generateDemoCounty } = await import('../../scripts/demo/generate.js')
  await generateDemoCounty(dir)
}
