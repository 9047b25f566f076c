import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (where package.json is), whether running from source (tsx) or from dist/. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'migrations'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('cannot find the LandPatrol project root')
    dir = parent
  }
}

export const PROJECT_ROOT = findProjectRoot()
