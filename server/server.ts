import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { createDb } from './db/create-db.js'
import { migrate, MigrationError } from './db/migrate.js'
import { DEMO_DIR } from './demo/demo-files.js'
import { databaseIsEmpty, DEMO_JOB, loadDemo } from './demo/load-demo.js'
import { readJobState } from './jobs/job-state.js'
import { startLiveSweeper } from './routes/devices/live-patrol.js'
import { warmPieceMemory } from './routes/patrols/warm-pieces.js'
import { ensureBootstrapToken } from './routes/tokens/queries.js'

/** Starts the service: config, database, migrations, bootstrap token, listen, demo load. */
async function main(): Promise<void> {
  const config = loadConfig()
  const db = await createDb(config)
  const { applied, level } = await migrate(db)
  if (config.bootstrapToken) await ensureBootstrapToken(db, config.bootstrapToken)

  const app = await buildApp({
    db,
    closeDb: true,
    bodyLimitBytes: config.bodyLimitBytes,
    liveIdleMs: config.liveIdleMs,
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization'],
    },
  })
  app.log.info(
    `database: ${db.kind}${db.kind === 'pglite' ? ` (${config.pgliteDir})` : ''}; migrations at ${level}` +
      (applied.length ? `, applied ${applied.join(', ')}` : ''),
  )

  let sweeper: { stop(): Promise<void> } | undefined
  let closing = false
  const close = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info(`${signal}: closing`)
    try {
      await sweeper?.stop()
      await app.close()
      process.exit(0)
    } catch (err) {
      app.log.error({ err }, 'error while closing')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void close('SIGTERM'))
  process.on('SIGINT', () => void close('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
  // Closes live devices' open patrols after the idle time (routes/devices/live-patrol.ts).
  if (config.liveSweepMs > 0) {
    sweeper = startLiveSweeper(db, {
      intervalMs: config.liveSweepMs,
      idleMs: config.liveIdleMs,
      log: app.log,
    })
  }

  // In the background: the zone pieces of the counties' filed plans into memory, so that the first
  // posts match as fast as later ones (after the demo load, when one runs).
  const warm = async () => {
    const started = Date.now()
    const pieces = await warmPieceMemory(db)
    app.log.info(`zone pieces in memory: ${pieces} in ${Date.now() - started} ms`)
  }
  let demoLoad: Promise<unknown> = Promise.resolve()
  if (config.demo) {
    const job = await readJobState(db, DEMO_JOB)
    const unfinished = job !== undefined && job.state !== 'done'
    if (unfinished || (job === undefined && (await databaseIsEmpty(db)))) {
      // In the background: the server answers (and /health shows progress) while it loads.
      demoLoad = loadDemo({ dir: DEMO_DIR, db, log: app.log }).catch((err) =>
        app.log.error({ err }, 'demo load failed'),
      )
    }
  }
  void demoLoad.then(warm).catch((err: unknown) => {
    if (!closing) app.log.warn({ err }, 'zone pieces not prepared in memory')
  })
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof MigrationError) {
    console.error(`landpatrol: ${err.message}`)
  } else {
    console.error('landpatrol: failed to start', err)
  }
  process.exit(1)
})
