/**
 * A worker thread of the demo's bulk load (demo-patrols.ts, ingestInThreads): its own connection,
 * batches of patrols.ndjson lines in, one transaction each (ingestDemoBatch), counts out.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createPgDb } from '../db/pg-adapter.js'
import { createScopedDb } from '../db/scoped-db.js'
import { ingestDemoBatch, type DemoWorkerData, type DemoWorkerReply } from './demo-patrols.js'

const data = workerData as DemoWorkerData
const db = createPgDb(data.connectionString, { max: 1 })
const scoped = createScopedDb(db, '')
const context = {
  ids: { units: new Map(data.units), people: new Map(data.people) },
  existing: new Set(data.existing),
  now: data.now,
}
const port = parentPort!

port.on('message', (batch: string[]) => {
  ingestDemoBatch(scoped, batch, context).then(
    (r) => port.postMessage(r satisfies DemoWorkerReply),
    (error: unknown) => {
      const e = error as { message?: string; code?: string }
      port.postMessage({
        error: { message: e.message ?? String(error), code: e.code },
      } satisfies DemoWorkerReply)
    },
  )
})
