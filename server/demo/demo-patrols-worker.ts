/**
 * A worker thread of the demo's bulk load (demo-patrols.ts, ingestInThreads): its own connection,
 * batches of patrols.ndjson lines in, one transaction each (ingestDemoBatch), counts out. Like the
 * server at start, it first fills its memory of the zone pieces of filed plans (warmPieceMemory) in
 * two queries, instead of its batches reading them piecemeal as they meet them: measured on the demo
 * month, ~150 such reads cost the database ~1.8 s, against ~0.3 s for the two.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createPgDb } from '../db/pg-adapter.js'
import { createScopedDb } from '../db/scoped-db.js'
import { warmPieceMemory } from '../routes/patrols/warm-pieces.js'
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
// (a failure here is not the load's: its batches then read the pieces they meet, as before)
const warm = warmPieceMemory(db).catch(() => 0)

port.on('message', (batch: string[]) => {
  warm
    .then(() => ingestDemoBatch(scoped, batch, context))
    .then(
      (r) => port.postMessage(r satisfies DemoWorkerReply),
      (error: unknown) => {
        const e = error as { message?: string; code?: string }
        port.postMessage({
          error: { message: e.message ?? String(error), code: e.code },
        } satisfies DemoWorkerReply)
      },
    )
})
