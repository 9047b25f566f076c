import { readFileSync } from 'node:fs'
import JSZip from 'jszip'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { describe, expect, it } from 'vitest'

import { resolveCrs } from '../../server/domain/geo/crs.js'
import { CRS_REQUIRED } from '../../server/domain/geo/crs-reasons.js'
import {
  DBF_MISSING,
  ENCODING_UNCERTAIN,
  ENCODING_UNKNOWN,
  RECORD_COUNT_MISMATCH,
  SEVERAL_SHAPEFILES,
  SHAPEFILE_UNREADABLE,
  SHP_MISSING,
  SHX_MISSING,
  ZIP_UNREADABLE,
  readShapefileParts,
  readShapefileZip,
} from '../../server/domain/geo/read-shapefile-zip.js'
import { validateFeatureCollection } from '../../server/domain/geo/validate-features.js'
import { NOT_POLYGON } from '../../server/domain/geo/validation-reasons.js'
import { writeShapefileZip } from '../../server/domain/geo/write-shapefile-zip.js'
import { sharedFile } from '../support/paths.js'

function importFile(name: string): Buffer {
  return readFileSync(sharedFile('import', name))
}

/** A zip as a planner makes it: the layer in a folder, plus macOS resource forks. */
async function zipLayer(
  layer: string,
  extensions: string[],
  extra: Record<string, Uint8Array | string> = {},
): Promise<Uint8Array> {
  const zip = new JSZip()
  for (const extension of extensions)
    zip.file(`${layer}/${layer}.${extension}`, importFile(`${layer}.${extension}`))
  zip.file(`__MACOSX/${layer}/._${layer}.shp`, 'AppleDouble resource fork, not a shapefile')
  for (const [name, content] of Object.entries(extra)) zip.file(name, content)
  return zip.generateAsync({ type: 'uint8array' })
}

function ringAreaDegrees(ring: Position[]): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax = 0, ay = 0] = ring[i] ?? []
    const [bx = 0, by = 0] = ring[i + 1] ?? []
    sum += ax * by - bx * ay
  }
  return Math.abs(sum) / 2
}

describe('readShapefileZip on the real files', () => {
  it('reads nc (100 NAD27 counties, no .cpg) with its .prj, ignoring __MACOSX entries', async () => {
    const result = await readShapefileZip(await zipLayer('nc', ['shp', 'shx', 'dbf', 'prj']))
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result).toMatchObject({
      shapeType: 'Polygon',
      shpName: 'nc/nc.shp',
      cpgText: null,
      encoding: 'utf-8',
      encodingSource: 'default',
    })
    expect(result.prjText).toBe(importFile('nc.prj').toString('utf8'))
    expect(result.features).toHaveLength(100)
    expect(result.features[0]?.properties).toMatchObject({ NAME: 'Ashe', FIPS: '37009', BIR74: 1091 })
  })

  it('reads nc coordinates exactly: AREA is the planar area in square degrees, to its 3 decimals', async () => {
    // nc.dbf's AREA and PERIMETER are not metric: they are the shapes' planar area (deg²) and
    // length (deg) in NAD27 longitude/latitude, rounded to 0.001 (Ashe: 0.114 deg² ≈ 1137 km²).
    // That makes AREA a check on reading, not on geodesic areas (those are in geo-areas.test.ts).
    const result = await readShapefileZip(await zipLayer('nc', ['shp', 'shx', 'dbf', 'prj']))
    for (const feature of result.features) {
      const geometry = feature.geometry as Polygon | MultiPolygon
      const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
      const area = polygons.reduce(
        (sum, rings) => sum + rings.reduce((a, ring, i) => a + (i === 0 ? 1 : -1) * ringAreaDegrees(ring), 0),
        0,
      )
      expect(Math.abs(area - Number(feature.properties?.AREA))).toBeLessThanOrEqual(0.0005 + 1e-9)
    }
  })

  it('warns that olinda1’s attributes are not UTF-8 when no encoding is known', async () => {
    const result = await readShapefileZip(await zipLayer('olinda1', ['shp', 'shx', 'dbf', 'prj']))
    expect(result.errors).toEqual([])
    expect(result.features).toHaveLength(470)
    expect(result.warnings).toMatchObject([
      { reason: ENCODING_UNCERTAIN, index: null, path: 'olinda1/olinda1.shp' },
    ])
    expect(result.warnings[0]?.message).toMatch(/pass encoding=GBK/i)
  })

  it('decodes olinda1’s Portuguese names with the encoding option', async () => {
    const result = await readShapefileZip(await zipLayer('olinda1', ['shp', 'shx', 'dbf', 'prj']), {
      encoding: 'windows-1252',
    })
    expect(result.warnings).toEqual([])
    expect(result.encodingSource).toBe('option')
    const names = new Set(result.features.map((f) => f.properties?.NM_BAIR))
    expect(names).toContain('Águas Compridas')
    expect(names).toContain('Sítio Novo')
  })

  it('reads storms_xyzm_feature (PolyLineM, no .prj): CRS required, and lines are no zones', async () => {
    const result = await readShapefileZip(await zipLayer('storms_xyzm_feature', ['shp', 'shx', 'dbf']))
    expect(result).toMatchObject({ shapeType: 'PolyLineM', prjText: null, errors: [] })
    expect(result.features).toHaveLength(71)
    expect(resolveCrs({ prjText: result.prjText, format: 'shapefile' })).toMatchObject({
      ok: false,
      reason: CRS_REQUIRED,
    })
    const validation = validateFeatureCollection(
      { type: 'FeatureCollection', features: result.features },
      { crsParam: 'EPSG:4326' },
    )
    expect(validation.features).toEqual([])
    expect(new Set(validation.errors.map((e) => e.reason))).toEqual(new Set([NOT_POLYGON]))
  })
})

describe('readShapefileZip refusals', () => {
  it('refuses bytes that are not a zip', async () => {
    const result = await readShapefileZip(importFile('nc.shp'))
    expect(result.errors).toMatchObject([{ reason: ZIP_UNREADABLE }])
  })

  it('refuses a zip without .shp, naming what it found', async () => {
    const zip = new JSZip().file('zones.geojson', '{}')
    const result = await readShapefileZip(await zip.generateAsync({ type: 'uint8array' }))
    expect(result.errors).toMatchObject([{ reason: SHP_MISSING }])
    expect(result.errors[0]?.message).toContain('zones.geojson')
  })

  it('refuses several Shapefiles in one zip rather than picking one', async () => {
    const bytes = await zipLayer('nc', ['shp', 'shx', 'dbf', 'prj'], {
      'olinda1.shp': importFile('olinda1.shp'),
    })
    const result = await readShapefileZip(bytes)
    expect(result.errors).toMatchObject([{ reason: SEVERAL_SHAPEFILES }])
    expect(result.errors[0]?.message).toMatch(/nc\/nc\.shp.*olinda1\.shp/)
  })

  it('reports a missing .dbf and a missing .shx', async () => {
    const result = await readShapefileZip(await zipLayer('nc', ['shp', 'prj']))
    expect(result.errors.map((e) => e.reason).sort()).toEqual([DBF_MISSING, SHX_MISSING])
  })

  it('reports a .shp that is not one', async () => {
    const result = await readShapefileParts({
      shp: new TextEncoder().encode('not a shapefile at all'.repeat(10)),
    })
    expect(result.errors).toMatchObject([{ reason: SHAPEFILE_UNREADABLE }])
  })

  it('reports a .dbf with another number of records than the .shp', async () => {
    const result = await readShapefileParts(
      { shp: importFile('nc.shp'), dbf: importFile('olinda1.dbf') },
      { encoding: 'windows-1252' },
    )
    expect(result.errors.map((e) => e.reason)).toContain(RECORD_COUNT_MISMATCH)
  })

  it('refuses a .cpg naming an encoding nobody knows', async () => {
    const result = await readShapefileParts({
      shp: importFile('nc.shp'),
      dbf: importFile('nc.dbf'),
      cpg: 'KLINGON-8',
    })
    expect(result.errors).toMatchObject([{ reason: ENCODING_UNKNOWN }])
  })
})

describe('attribute encodings of Chinese files', () => {
  const zone = {
    geometry: {
      type: 'Polygon' as const,
      coordinates: [
        [
          [111, 27],
          [111.01, 27],
          [111.01, 27.01],
          [111, 27],
        ],
      ],
    },
    properties: { name: '隆回县一级巡查区', category: '基本农田' },
  }

  async function gbkParts(): Promise<{ shp: Uint8Array; dbf: Uint8Array }> {
    const written = await writeShapefileZip([zone], { name: 'zones', encoding: 'GBK' })
    const zip = await JSZip.loadAsync(written.zip)
    return {
      shp: await zip.file('zones.shp')!.async('uint8array'),
      dbf: await zip.file('zones.dbf')!.async('uint8array'),
    }
  }

  it('uses the .cpg when there is one (936 = GBK)', async () => {
    const parts = await gbkParts()
    const result = await readShapefileParts({ ...parts, cpg: '936' })
    expect(result).toMatchObject({ encoding: 'gbk', encodingSource: 'cpg', warnings: [] })
    expect(result.features[0]?.properties).toEqual(zone.properties)
  })

  it('uses the DBF language-driver byte (0x4D, GBK) when there is no .cpg', async () => {
    const result = await readShapefileParts(await gbkParts())
    expect(result).toMatchObject({ encoding: 'gbk', encodingSource: 'ldid' })
    expect(result.features[0]?.properties).toEqual(zone.properties)
  })

  it('warns on GBK bytes with neither .cpg nor language driver, and decodes them when told', async () => {
    const parts = await gbkParts()
    const dbf = parts.dbf.slice()
    dbf[29] = 0 // as many Chinese tools write it
    const guessed = await readShapefileParts({ ...parts, dbf })
    expect(guessed.warnings).toMatchObject([{ reason: ENCODING_UNCERTAIN }])
    const told = await readShapefileParts({ ...parts, dbf }, { encoding: 'GBK' })
    expect(told.warnings).toEqual([])
    expect(told.features[0]?.properties).toEqual(zone.properties)
  })
})
