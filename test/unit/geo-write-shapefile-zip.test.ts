import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import JSZip from 'jszip'
import type { MultiPolygon, Polygon } from 'geojson'
import { describe, expect, it } from 'vitest'

import { resolveCrs } from '../../server/domain/geo/crs.js'
import { CGCS2000_GEOGRAPHIC_WKT } from '../../server/domain/geo/prj-wkt.js'
import { readShapefileZip } from '../../server/domain/geo/read-shapefile-zip.js'
import { findDoubleSignedArea } from '../../server/domain/geo/ring-orientation.js'
import { validateFeatureCollection } from '../../server/domain/geo/validate-features.js'
import { writeShapefileZip, type ShapefileFeature } from '../../server/domain/geo/write-shapefile-zip.js'

// Three zones as they leave the database: WGS84, RFC 7946 orientation (exterior counter-clockwise,
// holes clockwise), Chinese attribute values, one with a hole and one in two parts.
const ZONES: ShapefileFeature[] = [
  {
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [116.3, 40.0],
          [116.31, 40.0],
          [116.31, 40.01],
          [116.3, 40.01],
          [116.3, 40.0],
        ],
        [
          [116.302, 40.002],
          [116.302, 40.004],
          [116.304, 40.004],
          [116.304, 40.002],
          [116.302, 40.002],
        ],
      ],
    },
    properties: { name: '清华园重点巡查区', category: '基本农田', tier: 1, area_mu: 1234.5678, active: true },
  },
  {
    geometry: {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [116.32, 40.0],
            [116.33, 40.0],
            [116.33, 40.01],
            [116.32, 40.0],
          ],
        ],
        [
          [
            [116.34, 40.0],
            [116.35, 40.0],
            [116.35, 40.01],
            [116.34, 40.0],
          ],
        ],
      ],
    },
    properties: { name: '圆明园一般巡查区', category: '林地', tier: 2, area_mu: 10, active: false },
  },
  {
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [116.36, 40.0],
          [116.37, 40.0],
          [116.37, 40.01],
          [116.36, 40.0],
        ],
      ],
    },
    properties: { name: '海淀区其他区域', category: '其他', tier: 3, area_mu: -0.5, active: null },
  },
]

const DATE = new Date('2026-03-01T00:00:00Z')

function findOgrinfo(): string | null {
  try {
    return execFileSync('which', ['ogrinfo'], { encoding: 'utf8' }).trim() || null
  } catch {
    // `which` exits 1 when the program is not installed.
    return null
  }
}
const OGRINFO = findOgrinfo()

async function unzipTo(zip: Buffer): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'landpatrol-shp-'))
  const archive = await JSZip.loadAsync(zip)
  for (const file of Object.values(archive.files)) {
    writeFileSync(path.join(dir, file.name), await file.async('uint8array'))
  }
  return dir
}

describe('writeShapefileZip', () => {
  it('writes .shp .shx .dbf .prj .cpg, with CGCS2000 and UTF-8 declared', async () => {
    const written = await writeShapefileZip(ZONES, { name: '巡查区', date: DATE })
    const archive = await JSZip.loadAsync(written.zip)
    expect(Object.keys(archive.files).sort()).toEqual([
      '巡查区.cpg',
      '巡查区.dbf',
      '巡查区.prj',
      '巡查区.shp',
      '巡查区.shx',
    ])
    expect(await archive.file('巡查区.cpg')?.async('string')).toBe('UTF-8')
    expect(await archive.file('巡查区.prj')?.async('string')).toBe(CGCS2000_GEOGRAPHIC_WKT)
    expect(resolveCrs({ prjText: CGCS2000_GEOGRAPHIC_WKT })).toMatchObject({
      ok: true,
      crs: { code: 'EPSG:4490' },
    })
  })

  it('reads back the same attribute values and the same coordinates', async () => {
    const written = await writeShapefileZip(ZONES, { name: '巡查区', date: DATE })
    expect(written.warnings).toEqual([])
    const read = await readShapefileZip(written.zip)
    expect(read.errors).toEqual([])
    expect(read.warnings).toEqual([])
    expect(read).toMatchObject({ encoding: 'utf-8', encodingSource: 'cpg' })
    expect(read.features.map((f) => f.properties)).toEqual(ZONES.map((z) => z.properties))
    const validated = validateFeatureCollection(
      { type: 'FeatureCollection', features: read.features },
      { crsParam: 'EPSG:4490', winding: 'any' },
    )
    expect(validated.errors).toEqual([])
    expect(validated.features.map((f) => f.geometry)).toEqual(ZONES.map((z) => z.geometry))
  })

  it('writes exterior rings clockwise and holes counter-clockwise, as Shapefile readers expect', async () => {
    const read = await readShapefileZip((await writeShapefileZip(ZONES, { name: 'zones', date: DATE })).zip)
    // The `shapefile` reader keeps ring order and direction as stored in the .shp.
    const [exterior = [], hole = []] = (read.features[0]?.geometry as Polygon).coordinates
    expect(findDoubleSignedArea(exterior)).toBeLessThan(0)
    expect(findDoubleSignedArea(hole)).toBeGreaterThan(0)
    for (const part of (read.features[1]?.geometry as MultiPolygon).coordinates) {
      expect(findDoubleSignedArea(part[0] ?? [])).toBeLessThan(0)
    }
  })

  it('gives properties dBase field names of at most 10 ASCII characters and says which', async () => {
    const written = await writeShapefileZip(
      [
        {
          geometry: ZONES[2]!.geometry,
          properties: { 负责人: '张三', responsible_person: '李四', responsible_unit: '国土所' },
        },
      ],
      { name: 'zones', date: DATE },
    )
    expect(written.fields.map((f) => [f.property, f.name])).toEqual([
      ['负责人', 'FIELD'],
      ['responsible_person', 'responsibl'],
      ['responsible_unit', 'responsi_1'],
    ])
    expect(written.warnings).toHaveLength(3)
    const read = await readShapefileZip(written.zip)
    expect(read.features[0]?.properties).toEqual({ FIELD: '张三', responsibl: '李四', responsi_1: '国土所' })
  })

  it('writes GBK with .cpg 936 for older desktop software, and says what GBK cannot hold', async () => {
    const written = await writeShapefileZip(
      [{ geometry: ZONES[2]!.geometry, properties: { name: '海淀区😀' } }, ...ZONES.slice(0, 1)],
      { name: 'zones', encoding: 'GBK', date: DATE },
    )
    expect(written.warnings.join(' ')).toMatch(/Feature 0: "name" has characters GBK cannot hold/)
    const read = await readShapefileZip(written.zip)
    expect(read).toMatchObject({ encoding: 'gbk', cpgText: '936' })
    expect(read.features.map((f) => f.properties?.name)).toEqual(['海淀区?', '清华园重点巡查区'])
  })

  it('cuts text longer than 254 bytes at a character boundary, with a warning', async () => {
    const long = '林'.repeat(100) // 300 bytes in UTF-8
    const written = await writeShapefileZip([{ geometry: ZONES[2]!.geometry, properties: { note: long } }], {
      name: 'z',
      date: DATE,
    })
    expect(written.fields[0]).toMatchObject({ type: 'C', length: 254 })
    expect(written.warnings.join(' ')).toMatch(/cut to 254 bytes/)
    const read = await readShapefileZip(written.zip)
    expect(read.features[0]?.properties?.note).toBe('林'.repeat(84))
  })

  it('writes an empty layer that reads back as zero features', async () => {
    const read = await readShapefileZip((await writeShapefileZip([], { name: 'empty', date: DATE })).zip)
    expect(read).toMatchObject({ errors: [], features: [], shapeType: 'Polygon' })
  })

  // GDAL is the reference reader for the filing package. This check runs where ogrinfo is installed
  // (GDAL 3.6 on the build machine); where it is not, it is skipped, and the integration suite's
  // GDAL round trip covers it.
  it.skipIf(OGRINFO === null)(
    'is read by GDAL’s ogrinfo with the Chinese names, EPSG:4490 and the hole',
    async () => {
      const dir = await unzipTo((await writeShapefileZip(ZONES, { name: '巡查区', date: DATE })).zip)
      try {
        const output = execFileSync(OGRINFO as string, ['-al', path.join(dir, '巡查区.shp')], {
          encoding: 'utf8',
        })
        for (const zone of ZONES) expect(output).toContain(`name (String) = ${String(zone.properties?.name)}`)
        expect(output).toContain('category (String) = 基本农田')
        expect(output).toContain('ID["EPSG",4490]')
        expect(output).toContain('Feature Count: 3')
        expect(output).toMatch(/POLYGON \(\(116\.3 40(\.0)?,.*\),\(116\.302 40\.002,/)
        expect(output).toContain('MULTIPOLYGON')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})
