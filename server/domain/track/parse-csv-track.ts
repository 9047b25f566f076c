import type { RawTrack } from './raw-track.js'
import type { ParseTrackOptions } from './parse-track-options.js'
import { assembleRawTrack, type LocatedCandidate } from './assemble-raw-track.js'
import { TrackInputError, type TrackErrorItem } from './track-errors.js'
import { CSV_HEADER_INVALID, CSV_ROW_MALFORMED } from './track-input-reasons.js'

type CsvColumn = 'time' | 'lon' | 'lat' | 'accuracy' | 'hdop' | 'ele'

/**
 * Header names per column, compared case-insensitively. A header is required: guessing whether the
 * first column is longitude or latitude is exactly the mistake that puts a patrol in the ocean.
 * `x`/`y` are not accepted as aliases because in Gauss–Krüger they mean northing/easting.
 */
const COLUMN_ALIASES: Record<CsvColumn, readonly string[]> = {
  time: ['time', 'timestamp', 'datetime', 'date_time', 'utc', 'fixtime', 'gps_time', '时间'],
  lon: ['lon', 'lng', 'long', 'longitude', '经度'],
  lat: ['lat', 'latitude', '纬度'],
  accuracy: ['accuracy', 'acc', 'accuracy_m', 'horizontal_accuracy', '精度'],
  hdop: ['hdop'],
  ele: ['ele', 'elevation', 'alt', 'altitude', '高程', '海拔'],
}

/**
 * Reads a CSV track: a header row naming at least `time`, `lon` and `lat` (aliases above, any order),
 * then one point per line. Fields may be quoted ("…", with "" for a quote); comma, semicolon or tab
 * separated (taken from the header). Times are ISO-8601 or epoch seconds/milliseconds.
 * Error paths are `csv line N`, counting the header as line 1.
 */
export function parseCsvTrack(text: string, options: ParseTrackOptions = {}): RawTrack {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  const headerAt = lines.findIndex((line) => line.trim() !== '')
  if (headerAt < 0) {
    return assembleRawTrack({ candidates: [], segmentStarts: [0], trackPath: 'csv', label: 'CSV' }, options)
  }
  const headerLine = lines[headerAt] ?? ''
  const delimiter = detectDelimiter(headerLine)
  const columns = mapHeader(splitCsvLine(headerLine, delimiter), headerAt + 1)

  const candidates: LocatedCandidate[] = []
  const errors: TrackErrorItem[] = []
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line.trim() === '') continue
    const path = `csv line ${i + 1}`
    const fields = splitCsvLine(line, delimiter)
    if (fields.length !== columns.width) {
      errors.push({
        path,
        reason: CSV_ROW_MALFORMED,
        message: `${fields.length} fields where the header has ${columns.width}`,
      })
      continue
    }
    const field = (column: CsvColumn) => {
      const at = columns.index[column]
      return at === undefined ? undefined : fields[at]
    }
    candidates.push({
      path,
      candidate: {
        time: field('time'),
        lon: field('lon'),
        lat: field('lat'),
        accuracy: field('accuracy'),
        hdop: field('hdop'),
        ele: field('ele'),
        textual: true,
      },
    })
  }
  return assembleRawTrack({ candidates, segmentStarts: [0], trackPath: 'csv', label: 'CSV', errors }, options)
}

interface CsvColumns {
  index: Partial<Record<CsvColumn, number>>
  width: number
}

function mapHeader(names: string[], lineNumber: number): CsvColumns {
  const path = `csv line ${lineNumber}`
  const index: Partial<Record<CsvColumn, number>> = {}
  const errors: TrackErrorItem[] = []
  names.forEach((raw, at) => {
    const name = raw.trim().toLowerCase()
    const column = (Object.keys(COLUMN_ALIASES) as CsvColumn[]).find((c) => COLUMN_ALIASES[c].includes(name))
    if (!column) return
    if (index[column] !== undefined) {
      errors.push({
        path,
        reason: CSV_HEADER_INVALID,
        message: `two columns mean ${column}: "${names[index[column]]}" and "${raw}"`,
      })
      return
    }
    index[column] = at
  })
  const missing = (['time', 'lon', 'lat'] as const).filter((c) => index[c] === undefined)
  if (missing.length > 0) {
    const looksLikeData = names.some((n) => /^[+-]?\d/.test(n.trim()))
    errors.push({
      path,
      reason: CSV_HEADER_INVALID,
      message: looksLikeData
        ? 'the first line looks like data: a header row naming time, lon and lat is required'
        : `the header has no ${missing.join(', ')} column (found: ${names.map((n) => n.trim()).join(', ')})`,
    })
  }
  if (errors.length > 0) throw new TrackInputError('the CSV header does not name the track columns', errors)
  return { index, width: names.length }
}

function detectDelimiter(header: string): string {
  if (header.includes(',')) return ','
  if (header.includes(';')) return ';'
  if (header.includes('\t')) return '\t'
  return ','
}

/** RFC 4180 fields on one line: quoted fields may contain the delimiter and "" for a quote. */
function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (c === delimiter) {
      fields.push(field)
      field = ''
    } else field += c
  }
  fields.push(field)
  return fields
}
