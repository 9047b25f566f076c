/**
 * Zones as a zipped Polygon Shapefile (.shp, .shx, .dbf, .prj, .cpg) for the filing package.
 *
 * Geometry (.shp/.shx) is written by @mapbox/shp-write's low-level `write`, which handles
 * multi-part polygons with holes correctly once rings are oriented the Shapefile way (exterior
 * clockwise, holes counter-clockwise: readers such as GDAL and the `shapefile` package use the
 * orientation to tell holes from islands, so this is not cosmetic). Its attribute writer cannot hold
 * Chinese text (see write-dbf.ts), so the .dbf comes from write-dbf.ts, with a .cpg naming the
 * encoding. Coordinates are written as given (WGS84 longitude/latitude from the database); the .prj
 * labels them CGCS2000 by default (prj-wkt.ts says why that is not a conversion).
 */
import { write as writeShapes } from '@mapbox/shp-write'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import JSZip from 'jszip'
import { CGCS2000_GEOGRAPHIC_WKT } from './prj-wkt.js'
import { orientPolygon } from './ring-orientation.js'
import { planDbfFields, writeDbf, type DbfEncoding, type DbfField } from './write-dbf.js'

export interface ShapefileFeature {
  geometry: Polygon | MultiPolygon
  properties: Record<string, unknown> | null
}

export interface WriteShapefileOptions {
  /** Base name of the files inside the zip (e.g. the plan's name); path separators are replaced. */
  name: string
  /** Text of the .prj; defaults to CGCS2000 geographic (EPSG:4490). */
  prjWkt?: string
  /** Attribute encoding; UTF-8 by default, GBK for older desktop software. */
  encoding?: DbfEncoding
  /** Date in the .dbf header; fixed in tests so the output is reproducible. */
  date?: Date
}

export interface WrittenShapefileZip {
  zip: Buffer
  /** Which property went into which DBF field (names are cut to 10 ASCII characters). */
  fields: DbfField[]
  /** Renamed properties, cut values, characters the encoding could not hold. */
  warnings: string[]
}

/** What a .cpg says for each encoding: GDAL and ArcGIS both read 'UTF-8' and the code page '936'. */
const CPG_TEXT: Record<DbfEncoding, string> = { 'UTF-8': 'UTF-8', GBK: '936' }

const SHAPE_TYPE_POLYGON = 5

interface ShapeViews {
  shp: DataView
  shx: DataView
}

/** Polygons of a feature as Shapefile parts: every exterior clockwise, every hole counter-clockwise. */
function toShapefileRings(geometry: Polygon | MultiPolygon): Position[][][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polygons.map((rings) => orientPolygon(rings, 'clockwise').rings)
}

/** A 100-byte .shp/.shx header with no records: shp-write cannot write an empty layer. */
function writeEmptyShapes(): ShapeViews {
  const header = (): DataView => {
    const view = new DataView(new ArrayBuffer(100))
    view.setInt32(0, 9994)
    view.setInt32(24, 50)
    view.setInt32(28, 1000, true)
    view.setInt32(32, SHAPE_TYPE_POLYGON, true)
    return view
  }
  return { shp: header(), shx: header() }
}

function writePolygonShapes(features: readonly ShapefileFeature[]): ShapeViews {
  if (features.length === 0) return writeEmptyShapes()
  let views: ShapeViews | null = null
  // shp-write's callback runs synchronously; rows are [] because the .dbf is written separately.
  writeShapes(
    [],
    'POLYGON',
    features.map((f) => toShapefileRings(f.geometry)),
    (error, files) => {
      if (error) throw error instanceof Error ? error : new Error(String(error))
      views = { shp: files.shp as DataView, shx: files.shx as DataView }
    },
  )
  if (!views) throw new Error('shp-write did not return the .shp/.shx it was asked for')
  return views
}

function toBytes(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

export async function writeShapefileZip(
  features: readonly ShapefileFeature[],
  options: WriteShapefileOptions,
): Promise<WrittenShapefileZip> {
  const encoding = options.encoding ?? 'UTF-8'
  const name = options.name.replace(/[\\/:*?"<>|]+/g, '_') || 'zones'
  const rows = features.map((f) => f.properties ?? {})
  const plan = planDbfFields(rows, encoding)
  const dbf = writeDbf(rows, plan.fields, { encoding, ...(options.date ? { date: options.date } : {}) })
  const shapes = writePolygonShapes(features)

  const zip = new JSZip()
  const date = options.date ?? new Date()
  zip.file(`${name}.shp`, toBytes(shapes.shp), { date })
  zip.file(`${name}.shx`, toBytes(shapes.shx), { date })
  zip.file(`${name}.dbf`, dbf.bytes, { date })
  zip.file(`${name}.prj`, options.prjWkt ?? CGCS2000_GEOGRAPHIC_WKT, { date })
  zip.file(`${name}.cpg`, CPG_TEXT[encoding], { date })
  return {
    zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }),
    fields: plan.fields,
    warnings: [...plan.warnings, ...dbf.warnings],
  }
}
