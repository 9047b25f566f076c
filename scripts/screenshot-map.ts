import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

/**
 * `npx tsx scripts/screenshot-map.ts [out.png]`: starts the service on a fresh embedded database
 * with the demo county, signs in on the map page in Debian's Chromium and saves a screenshot
 * (README's picture). Needs web/dist (npm run build:web) and /usr/bin/chromium.
 */
const out = process.argv[2] ?? 'docs/map.png'
const port = 3990
const token = `screenshot-${Date.now()}-token`
const dir = await mkdtemp(path.join(os.tmpdir(), 'lp-shot-'))
const server = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
  env: {
    ...process.env,
    PORT: String(port),
    PGLITE_DIR: path.join(dir, 'pgdata'),
    LANDPATROL_BOOTSTRAP_TOKEN: token,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})
try {
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    const health = await fetch(`${base}/health`)
      .then((r) => r.json() as Promise<{ jobs: { demo?: { state: string } } }>)
      .catch(() => null)
    if (health?.jobs.demo?.state === 'done') break
    if (i > 300) throw new Error('demo county not loaded within 5 minutes')
    await new Promise((r) => setTimeout(r, 1000))
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.error(`[page ${m.type()}] ${m.text()}`)
  })
  page.on('requestfailed', (r) => console.error(`[request failed] ${r.url()}`))
  await page.goto(base)
  await page.fill('#token', token)
  await page.click('button[type=submit]')
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('行政区'), null, {
    timeout: 60_000,
  })
  await page.waitForTimeout(4000)
  await page.screenshot({ path: out })
  await browser.close()
  console.log(`saved ${out}`)
} finally {
  server.kill('SIGTERM')
  await new Promise((r) => server.on('exit', r))
  await rm(dir, { recursive: true, force: true })
}
