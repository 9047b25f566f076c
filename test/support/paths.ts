import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** Repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The real public test data shipped beside the repository (`../shared/data`), see its MANIFEST.md. */
export const SHARED_DATA = process.env.LANDPATROL_SHARED_DATA ?? path.resolve(REPO_ROOT, '../shared/data')

export function sharedFile(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts)
}
