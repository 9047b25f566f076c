/**
 * Features, .prj text and attribute encoding from a zipped Shapefile (or its loose parts).
 *
 * The features keep the file's own coordinates; the caller resolves the CRS from `prjText` and the
 * `crs` parameter (crs.ts) and validates (validate-features.ts, with `winding: 'any'`, since
 * Shapefile exterior rings are clockwise by definition). Problems come back as reasons, never
 * thrown: a planner's zip missing its .dbf must get a sentence, not a 500.
 *
 * Zips from Windows in China often store GBK file names without the UTF-8 flag, and zips from macOS
 * carry `__MACOSX/._name.shp` resource forks that are not shapefiles; both are handled so that the
 * "one Shapefile per zip" rule counts the right files.
 */
import type { Feature, Geometry } from 'geojson'
import JSZip from 'jszip'
import { createRequire } from 'node:module'
import { chooseDbfEncoding, type EncodingSource } from './dbf-encoding.js'
import type { GeoIssue } from './geo-issue.js'

/** The upload is not a readable zip archive. */
export const ZIP_UNREADABLE = 'ZIP_UNREADABLE'
/** No .shp in the archive. */
export const SHP_MISSING = 'SHP_MISSING'
/** The .shp has no .dbf beside it (attributes: name, category, tier …). */
export const DBF_MISSING = 'DBF_MISSING'
/** The .shp has no .shx beside it: the set is incomplete. */
export const SHX_MISSING = 'SHX_MISSING'
/** More than one .shp in one archive: which layer holds the zones is not ours to guess. */
export const SEVERAL_SHAPEFILES = 'SEVERAL_SHAPEFILES'
/** The .shp/.dbf bytes could not be read as a Shapefile. */
export const SHAPEFILE_UNREADABLE = 'SHAPEFILE_UNREADABLE'
/** .shp and .dbf hold different numbers of records, so attributes would land on the wrong shapes. */
export const RECORD_COUNT_MISMATCH = 'RECORD_COUNT_MISMATCH'
/** The .cpg or the encoding option names an encoding that cannot be decoded. */
export const ENCODING_UNKNOWN = 'ENCODING_UNKNOWN'
/** Warning: the attribute encoding was not declared and the bytes are not valid UTF-8, or similar. */
export const ENCODING_UNCERTAIN = 'ENCODING_UNCERTAIN'

export type ShapefileReason =
  | typeof ZIP_UNREADABLE
  | typeof SHP_MISSING
  | typeof DBF_MISSING
  | typeof SHX_MISSING
  | typeof SEVERAL_SHAPEFILES
  | typeof SHAPEFILE_UNREADABLE
  | typeof RECORD_COUNT_MISMATCH
  | typeof ENCODING_UNKNOWN

export interface ShapefileContents {
  /** GeoJSON features in the file's own coordinates; geometry null for null shapes. */
  features: Feature<Geometry | null>[]
  /** 'Polygon', 'PolygonZ', 'PolyLineM', … from the .shp header. */
  shapeType: string | null
  prjText: string | null
  /** The .cpg text as found, null when there is none. */
  cpgText: string | null
  /** The TextDecoder label the attributes were decoded with, and where it came from. */
  encoding: string | null
  encodingSource: EncodingSource | null
  /** Name of the .shp inside the archive. */
  shpName: string | null
  /** Problems are per file (index null, path = the entry name). */
  errors: GeoIssue<ShapefileReason>[]
  warnings: GeoIssue<typeof ENCODING_UNCERTAIN>[]
}

export interface ShapefileParts {
  shp: Uint8Array
  dbf?: Uint8Array | null
  shx?: Uint8Array | null
  prj?: string | Uint8Array | null
  cpg?: string | Uint8Array | null
}

export interface ReadShapefileOptions {
  /** Attribute encoding when the file has no .cpg, e.g. 'GBK'. */
  encoding?: string | null
}

/** The part of the `shapefile` package used here; it ships no types. */
interface ShapefileSource {
  read(): Promise<{ done: boolean; value: Feature<Geometry | null> | undefined }>
}
interface ShapefileLibrary {
  open(shp: Uint8Array, dbf: Uint8Array | undefined, options: { encoding: string }): Promise<ShapefileSource>
}
const shapefileLibrary = createRequire(import.meta.url)('shapefile') as ShapefileLibrary

const SHAPE_TYPES: Record<number, string> = {
  0: 'Null',
  1: 'Point',
  3: 'PolyLine',
  5: 'Polygon',
  8: 'MultiPoint',
  11: 'PointZ',
  13: 'PolyLineZ',
  15: 'PolygonZ',
  18: 'MultiPointZ',
  21: 'PointM',
  23: 'PolyLineM',
  25: 'PolygonM',
  28: 'MultiPointM',
  31: 'MultiPatch',
}

function emptyContents(): ShapefileContents {
  return {
    features: [],
    shapeType: null,
    prjText: null,
    cpgText: null,
    encoding: null,
    encodingSource: null,
    shpName: null,
    errors: [],
    warnings: [],
  }
}

function decodeText(value: string | Uint8Array | null | undefined): string | null {
  if (value === null || value === undefined) return null
  return typeof value === 'string' ? value : new TextDecoder('utf-8').decode(value)
}

/** File names in zips without the UTF-8 flag: UTF-8 when they decode as such, else GBK (Windows in China). */
function decodeZipFileName(bytes: string[] | Uint8Array | Buffer): string {
  const array = Array.isArray(bytes) ? Uint8Array.from(bytes.map((c) => c.charCodeAt(0))) : bytes
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(array)
  } catch {
    // Not UTF-8: the Chinese Windows default code page.
    return new TextDecoder('gbk').decode(array)
  }
}

function isJunkEntry(name: string): boolean {
  const base = name.split('/').pop() ?? ''
  return name.startsWith('__MACOSX/') || base.startsWith('._')
}

export async function readShapefileZip(
  buffer: Uint8Array | ArrayBuffer,
  options: ReadShapefileOptions = {},
): Promise<ShapefileContents> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(buffer, { decodeFileName: decodeZipFileName })
  } catch (error) {
    const contents = emptyContents()
    contents.errors.push({
      index: null,
      path: '',
      reason: ZIP_UNREADABLE,
      message: `The upload is not a readable zip archive (${error instanceof Error ? error.message : String(error)}).`,
    })
    return contents
  }

  const entries = Object.values(zip.files).filter((f) => !f.dir && !isJunkEntry(f.name))
  const byLowerName = new Map(entries.map((f) => [f.name.toLowerCase(), f]))
  const shps = entries.filter((f) => f.name.toLowerCase().endsWith('.shp'))
  if (shps.length !== 1) {
    const contents = emptyContents()
    contents.errors.push(
      shps.length === 0
        ? {
            index: null,
            path: '',
            reason: SHP_MISSING,
            message:
              'The zip holds no .shp file' +
              (entries.length ? ` (found: ${entries.map((f) => f.name).join(', ')}).` : ' (it is empty).'),
          }
        : {
            index: null,
            path: '',
            reason: SEVERAL_SHAPEFILES,
            message: `The zip holds ${shps.length} Shapefiles (${shps.map((f) => f.name).join(', ')}); upload one layer per zip.`,
          },
    )
    return contents
  }

  const shp = shps[0] as JSZip.JSZipObject
  const stem = shp.name.slice(0, -4).toLowerCase()
  const sibling = (extension: string): JSZip.JSZipObject | null =>
    byLowerName.get(`${stem}.${extension}`) ?? null
  const dbf = sibling('dbf')
  const shx = sibling('shx')
  const prj = sibling('prj')
  const cpg = sibling('cpg')

  const contents = await readShapefileParts(
    {
      shp: await shp.async('uint8array'),
      dbf: dbf ? await dbf.async('uint8array') : null,
      shx: shx ? await shx.async('uint8array') : null,
      prj: prj ? await prj.async('uint8array') : null,
      cpg: cpg ? await cpg.async('uint8array') : null,
    },
    options,
  )
  contents.shpName = shp.name
  for (const issue of [...contents.errors, ...contents.warnings]) {
    if (issue.path === '') issue.path = shp.name
  }
  if (!shx) {
    contents.errors.push({
      index: null,
      path: shp.name,
      reason: SHX_MISSING,
      message: `${shp.name} has no .shx beside it; zip all files of the Shapefile (.shp, .shx, .dbf, .prj, .cpg).`,
    })
  }
  return contents
}

export async function readShapefileParts(
  parts: ShapefileParts,
  options: ReadShapefileOptions = {},
): Promise<ShapefileContents> {
  const contents = emptyContents()
  contents.prjText = decodeText(parts.prj)
  contents.cpgText = decodeText(parts.cpg)
  const fail = (reason: ShapefileReason, message: string): ShapefileContents => {
    contents.errors.push({ index: null, path: '', reason, message })
    return contents
  }

  const shp = parts.shp
  const header = new DataView(shp.buffer, shp.byteOffset, shp.byteLength)
  if (shp.byteLength < 100 || header.getInt32(0, false) !== 9994) {
    return fail(SHAPEFILE_UNREADABLE, 'The .shp file does not start with a Shapefile header.')
  }
  const typeCode = header.getInt32(32, true)
  contents.shapeType = SHAPE_TYPES[typeCode] ?? `unknown (${typeCode})`
  if (typeCode === 31 || SHAPE_TYPES[typeCode] === undefined) {
    return fail(
      SHAPEFILE_UNREADABLE,
      `Shape type ${contents.shapeType} cannot be read; export the layer as Polygon.`,
    )
  }

  const dbf = parts.dbf ?? null
  if (!dbf) {
    fail(DBF_MISSING, 'The Shapefile has no .dbf (attribute table); zones need their names and categories.')
  }
  const encoding = chooseDbfEncoding({ cpgText: contents.cpgText, option: options.encoding ?? null, dbf })
  if (!encoding.ok) return fail(ENCODING_UNKNOWN, encoding.message)
  contents.encoding = encoding.label
  contents.encodingSource = encoding.source
  for (const message of encoding.warnings) {
    contents.warnings.push({ index: null, path: '', reason: ENCODING_UNCERTAIN, message })
  }

  try {
    const source = await shapefileLibrary.open(shp, dbf ?? undefined, { encoding: encoding.label })
    for (;;) {
      const { done, value } = await source.read()
      if (done || !value) break
      contents.features.push(value)
    }
  } catch (error) {
    contents.features = []
    return fail(
      SHAPEFILE_UNREADABLE,
      `The Shapefile could not be read (${error instanceof Error ? error.message : String(error)}).`,
    )
  }

  if (dbf && dbf.byteLength >= 8) {
    const dbfRecords = new DataView(dbf.buffer, dbf.byteOffset, dbf.byteLength).getUint32(4, true)
    if (dbfRecords !== contents.features.length) {
      fail(
        RECORD_COUNT_MISMATCH,
        `The .shp has ${contents.features.length} shapes but the .dbf ${dbfRecords} records; ` +
          'attributes would be attached to the wrong shapes.',
      )
    }
  }
  return contents
}
