import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../server/db/migrate.js'
import { createTestContext, DB_KIND_OF, type TestContext } from './support/test-app.js'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext({ seedDivisions: false })
})
afterAll(async () => ctx?.close())

describe('GET /health', () => {
  it('reports the database kind, PostgreSQL and PostGIS versions and the migration level', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('ok')
    expect(body.database.kind).toBe(DB_KIND_OF())
    expect(body.database.postgis).toMatch(/^3\.\d+/)
    expect(Number.parseFloat(body.database.postgres)).toBeGreaterThanOrEqual(15)
    expect(body.migration_level).toBeGreaterThanOrEqual(1)
  })

  it('is also served under /api/v1 without a token', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/health' })
    expect(res.statusCode).toBe(200)
  })

  it('serves the map page settings without a token: offline (no basemap) unless LANDPATROL_BASEMAP_URL is set', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/map-config' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ basemap: process.env.LANDPATROL_BASEMAP_URL ? expect.anything() : null })
  })

  it('re-running migrations applies nothing and keeps the level', async () => {
    const before = (await ctx.app.inject({ method: 'GET', url: '/health' })).json().migration_level
    const result = await migrate(ctx.db)
    expect(result.applied).toEqual([])
    expect(result.level).toBe(before)
  })
})

describe('OpenAPI', () => {
  it('serves the document at /docs/json and the UI at /docs', async () => {
    const doc = await ctx.app.inject({ method: 'GET', url: '/docs/json' })
    expect(doc.statusCode).toBe(200)
    expect(Object.keys(doc.json().paths)).toContain('/api/v1/divisions')
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs/' })
    expect(ui.statusCode).toBe(200)
    expect(ui.body).toContain('swagger')
  })
})
