import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.js'

describe('loadConfig', () => {
  it('keeps PGLITE_DIR=memory:// as an in-memory database, not a folder named "memory:"', () => {
    expect(loadConfig({ PGLITE_DIR: 'memory://' }).pgliteDir).toBe('memory://')
  })

  it('resolves a PGLITE_DIR folder against the working directory, data/pgdata by default', () => {
    expect(loadConfig({ PGLITE_DIR: 'x/db' }).pgliteDir).toBe(path.resolve('x/db'))
    expect(loadConfig({}).pgliteDir).toBe(path.resolve('data/pgdata'))
  })
})
