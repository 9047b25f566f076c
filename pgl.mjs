import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
let t=Date.now()
const pg = new PGlite({ extensions: { postgis } })
await pg.waitReady
console.log('ready', Date.now()-t); t=Date.now()
await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis;')
console.log('ext', Date.now()-t); t=Date.now()
console.log((await pg.query('select postgis_full_version() v, version() pv')).rows)
const dump = await pg.dumpDataDir('none')
console.log('dump', Date.now()-t, dump.size); t=Date.now()
const pg2 = new PGlite({ extensions: { postgis }, loadDataDir: dump })
await pg2.waitReady
console.log((await pg2.query("select ST_Area(ST_GeomFromText('POLYGON((104 30,104.01 30,104.01 30.01,104 30))',4326)::geography) a")).rows)
console.log('load', Date.now()-t)
