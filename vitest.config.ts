import { defineConfig } from 'vitest/config'

// Projects: pure domain code, the integration suite on PGlite (default, no services) or on a real
// PostGIS when DATABASE_URL is set, and the browser tests (Debian's Chromium) on the same database.
const integrationProject = process.env.DATABASE_URL ? 'postgis' : 'pglite'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: integrationProject,
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // PGlite is single-threaded wasm; two workers on a 2-core machine is the useful maximum.
          maxWorkers: 2,
          // after the unit tests: the two groups run with different worker counts
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: `e2e-${integrationProject}`,
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          // a fresh database, its data posted through the API and a browser: slow on a loaded machine
          hookTimeout: 300_000,
          // a browser and a database per file: one file at a time on a small machine
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
