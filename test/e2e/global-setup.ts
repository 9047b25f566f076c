import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import integrationSetup from '../integration/global-setup.js'
import { REPO_ROOT } from '../support/paths.js'

/**
 * The browser tests load the built page (built here once when web/dist is missing) from the app on
 * a fresh copy of the integration suite's template database (prepared here unless the integration
 * project of the same run already did).
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync(path.join(REPO_ROOT, 'web/dist/index.html')) || process.env.LP_REBUILD_WEB) {
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'web'],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
      },
    )
    if (run.status !== 0) throw new Error('vite build web failed')
  }
  if (process.env.LP_PGLITE_TEMPLATE || process.env.LP_PG_TEMPLATE) return async () => {}
  return integrationSetup()
}
