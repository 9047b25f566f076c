import path from 'node:path'

/** Typed settings read from the environment once at boot (README "Settings"). */
export interface Config {
  port: number
  host: string
  databaseUrl: string | undefined
  pgliteDir: string
  demo: boolean
  bootstrapToken: string | undefined
  bodyLimitBytes: number
  uploadLimitBytes: number
  logLevel: string
  /** a live device's open patrol closes after this long without a fix (LANDPATROL_LIVE_IDLE_S, default 600) */
  liveIdleMs: number
  /** how often the sweeper looks for idle devices; 0 = never (LANDPATROL_LIVE_SWEEP_S, default 60) */
  liveSweepMs: number
}

export class ConfigError extends Error {}

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`)
  return value
}

function readBool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const bootstrapToken = env.LANDPATROL_BOOTSTRAP_TOKEN || undefined
  if (bootstrapToken !== undefined && bootstrapToken.length < 16) {
    throw new ConfigError('LANDPATROL_BOOTSTRAP_TOKEN must be at least 16 characters')
  }
  return {
    port: readInt(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    // `memory://` keeps the embedded database in memory (nothing written); anything else is a folder
    pgliteDir: env.PGLITE_DIR?.startsWith('memory://')
      ? env.PGLITE_DIR
      : path.resolve(env.PGLITE_DIR || 'data/pgdata'),
    demo: readBool(env, 'LANDPATROL_DEMO', true),
    bootstrapToken,
    bodyLimitBytes: readInt(env, 'LANDPATROL_BODY_LIMIT', 32 * 1024 * 1024),
    uploadLimitBytes: readInt(env, 'LANDPATROL_UPLOAD_LIMIT', 64 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || 'info',
    liveIdleMs: readInt(env, 'LANDPATROL_LIVE_IDLE_S', 600) * 1000,
    liveSweepMs: readInt(env, 'LANDPATROL_LIVE_SWEEP_S', 60) * 1000,
  }
}

/** An online raster basemap under the service's own layers; none (offline) unless set. */
export interface BasemapSetting {
  tiles: string[]
  attribution: string
}

/**
 * `LANDPATROL_BASEMAP_URL`: an http(s) raster tile template with {z}, {x} and {y} (OSM, or 天地图
 * with its key in the address); `LANDPATROL_BASEMAP_ATTRIBUTION`: the credit shown on the map.
 */
export function readBasemapSetting(env: NodeJS.ProcessEnv = process.env): BasemapSetting | null {
  const url = env.LANDPATROL_BASEMAP_URL?.trim()
  if (!url) return null
  if (!/^https?:\/\/[^/]+\//.test(url) || !['{z}', '{x}', '{y}'].every((p) => url.includes(p)))
    throw new ConfigError(
      `LANDPATROL_BASEMAP_URL must be an http(s) tile template with {z}, {x} and {y}, got "${url}"`,
    )
  return { tiles: [url], attribution: env.LANDPATROL_BASEMAP_ATTRIBUTION?.trim() ?? '' }
}
