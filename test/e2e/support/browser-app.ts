import type { Map as MapLibreMap } from 'maplibre-gl'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { bearer, createTestContext, type TestContext } from '../../integration/support/test-app.js'
import { colourAt, decodePng, type Picture } from './png.js'

/** What the page exposes for these tests (web/src/main.ts). */
interface PageWindow {
  landpatrol: { map: MapLibreMap }
}
/** An API answer, read field by field by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON whose shape each test asserts
type Answer = any

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The app on a fresh test database, listening on a free port, and a page in Debian's Chromium. */
export interface BrowserApp {
  ctx: TestContext
  base: string
  browser: Browser
  page: Page
  /** console errors and uncaught exceptions of the page */
  errors: string[]
  /** every request the page made to a host other than the server */
  foreignRequests: string[]
  /** POST (or other non-GET) JSON to the API with a token, expecting success */
  post(token: string, url: string, payload?: unknown, type?: string): Promise<Answer>
  get(token: string, url: string): Promise<Answer>
  close(): Promise<void>
}

export async function openBrowserApp(): Promise<BrowserApp> {
  const ctx = await createTestContext()
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ctx.app.server.address()
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a port')
  const base = `http://127.0.0.1:${address.port}`
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors: string[] = []
  const foreignRequests: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`)
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  const started = Date.now()
  if (process.env.LP_E2E_TRACE)
    page.on('requestfinished', (r) => {
      const t = r.timing()
      console.log(
        `${((Date.now() - started) / 1000).toFixed(1)}s ${Math.round(t.responseEnd)}ms ${r.url().replace(base, '')}`,
      )
    })
  page.on('request', (r) => {
    const url = r.url()
    if (!url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:'))
      foreignRequests.push(url)
  })
  const call = async (method: string, token: string, url: string, payload?: unknown, type?: string) => {
    const res = await ctx.app.inject({
      method: method as 'POST',
      url,
      headers: { ...bearer(token), ...(type ? { 'content-type': type } : {}) },
      ...(payload === undefined ? {} : { payload: payload as string }),
    })
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300)
    return res.body ? res.json() : undefined
  }
  return {
    ctx,
    base,
    browser,
    page,
    errors,
    foreignRequests,
    post: (token, url, payload, type) => call('POST', token, url, payload, type),
    get: (token, url) => call('GET', token, url),
    async close() {
      await browser.close()
      await ctx.close()
    },
  }
}

/** Open the page and sign in with a token; resolves once the page says it is ready. */
export async function signIn(app: BrowserApp, token: string): Promise<void> {
  await app.page.goto(app.base)
  await app.page.fill('#token', token)
  await app.page.click('#signin button[type=submit]')
  await app.page.waitForSelector('body[data-ready=true]', { timeout: 60_000 })
  await waitForMap(app.page)
}

/** Wait until the map has loaded every tile it needs and drawn them. */
export async function waitForMap(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = (window as unknown as PageWindow).landpatrol.map
        map.once('idle', () => resolve())
        map.triggerRepaint()
      }),
  )
}

/** Move the map to a centre and zoom, then wait for it to draw. */
export async function jumpTo(page: Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(
    ([c, z]) => (window as unknown as PageWindow).landpatrol.map.jumpTo({ center: c, zoom: z }),
    [center, zoom] as const,
  )
  await waitForMap(page)
}

/** Page pixel (CSS px, from the page's top left) of a longitude/latitude on the map. */
export async function pixelOf(page: Page, lngLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = (window as unknown as PageWindow).landpatrol.map
    const p = map.project(ll)
    const box = map.getContainer().getBoundingClientRect()
    return { x: box.left + p.x, y: box.top + p.y }
  }, lngLat)
}

export async function screenshot(page: Page, path?: string): Promise<Picture> {
  return decodePng(await page.screenshot(path ? { path } : {}))
}

/** Colours of the screenshot at some map positions. */
export async function coloursAt(page: Page, points: [number, number][], path?: string) {
  const picture = await screenshot(page, path)
  const out: [number, number, number][] = []
  for (const p of points) {
    const { x, y } = await pixelOf(page, p)
    out.push(colourAt(picture, x, y))
  }
  return out
}

/** Show only the named supervisor layers (through the page's own check boxes). */
export async function showOnlyLayers(page: Page, layers: string[]): Promise<void> {
  for (const box of await page.$$('#layer-toggles input[type=checkbox]')) {
    const value = await box.getAttribute('value')
    await box.setChecked(layers.includes(value ?? ''))
  }
  await waitForMap(page)
}

export const BACKGROUND: [number, number, number] = [0xf2, 0xef, 0xe9]
export const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)
