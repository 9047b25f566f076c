import { existsSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { readFile, rename, rm } from 'node:fs/promises'
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

/**
 * Generates the demo county into `dir` when it is not there yet (nothing generated is committed).
 * The generator is CPU-bound for ~30 s, so it runs in a child process (the server keeps answering,
 * /health included) and writes to a temporary folder that is renamed into place when complete:
 * an interrupted generation leaves nothing half-written and is simply redone.
 */
export async function ensureDemoFiles(dir: string): Promise<void> {
  if (demoFilesPresent(dir)) return
  const tmp = `${dir}.tmp`
  await rm(tmp, { recursive: true, force: true })
  const script = path.join(PROJECT_ROOT, 'scripts/demo/generate.ts')
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, tmp], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    // a server that stops takes its generator with it
    const stop = () => child.kill('SIGTERM')
    process.once('exit', stop)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      process.removeListener('exit', stop)
      if (code === 0) resolve()
      else reject(new Error(`demo generator exited with ${signal ?? code}`))
    })
  })
  await rm(dir, { recursive: true, force: true })
  await rename(tmp, dir)
}
