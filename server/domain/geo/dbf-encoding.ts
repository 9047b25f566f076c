/**
 * Which character encoding a Shapefile's attribute table (.dbf) is in.
 *
 * dBase files do not say so reliably. The order here: the .cpg beside the .dbf (what ArcGIS and
 * GDAL write today); else the `encoding` the uploader passed; else the DBF header's language-driver
 * byte when it names a code page (ArcGIS in China writes 0x4D, GBK; GDAL reads it the same way);
 * else UTF-8, with a warning when the bytes are not valid UTF-8, because Chinese county files
 * without .cpg are usually GBK and decoding them as UTF-8 turns every name into replacement
 * characters.
 */

export type EncodingSource = 'cpg' | 'option' | 'ldid' | 'default'

/** The WHATWG/TextDecoder label for what .cpg files and users write ('936', 'ANSI 936', 'GB2312' …). */
export function findTextDecoderLabel(name: string): string | null {
  const text = name.trim().toUpperCase()
  const compact = text.replace(/^ANSI\s*/, '').replace(/[\s_-]/g, '')
  const byName: Record<string, string> = {
    UTF8: 'utf-8',
    '65001': 'utf-8',
    GBK: 'gbk',
    CP936: 'gbk',
    MS936: 'gbk',
    WINDOWS936: 'gbk',
    '936': 'gbk',
    GB2312: 'gbk',
    GB18030: 'gb18030',
    '54936': 'gb18030',
    BIG5: 'big5',
    CP950: 'big5',
    '950': 'big5',
    '932': 'shift_jis',
    CP932: 'shift_jis',
    '949': 'euc-kr',
    CP949: 'euc-kr',
    '866': 'ibm866',
    '874': 'windows-874',
    '88591': 'iso-8859-1',
    ISO88591: 'iso-8859-1',
    LATIN1: 'iso-8859-1',
  }
  const known = byName[compact]
  if (known) return known
  const windows = /^(?:CP|WINDOWS)?(125\d)$/.exec(compact)?.[1]
  if (windows) return `windows-${windows}`
  const iso = /^(?:ISO)?8859(\d{1,2})$/.exec(compact)?.[1]
  if (iso) return `iso-8859-${iso}`
  try {
    return new TextDecoder(name.trim()).encoding
  } catch {
    // TextDecoder throws RangeError for a label it does not know.
    return null
  }
}

// Language-driver IDs (DBF header byte 29) that name a code page; 0x57 "ANSI" and 0 name none.
const LDID_LABELS: Record<number, string> = {
  0x03: 'windows-1252',
  0x13: 'shift_jis',
  0x4d: 'gbk',
  0x4e: 'euc-kr',
  0x4f: 'big5',
  0x7a: 'gbk',
}

export function findLdidLabel(dbf: Uint8Array): string | null {
  const ldid = dbf[29]
  return ldid === undefined ? null : (LDID_LABELS[ldid] ?? null)
}

/** Whether the record bytes of a .dbf decode as UTF-8 (ASCII-only tables do, trivially). */
export function isDbfValidUtf8(dbf: Uint8Array): boolean {
  const headerLength = (dbf[8] ?? 0) | ((dbf[9] ?? 0) << 8)
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(dbf.subarray(headerLength))
    return true
  } catch {
    // `fatal: true` makes TextDecoder throw a TypeError on the first invalid sequence.
    return false
  }
}

export type EncodingChoice =
  { ok: true; label: string; source: EncodingSource; warnings: string[] } | { ok: false; message: string }

export function chooseDbfEncoding(options: {
  cpgText: string | null
  option: string | null
  dbf: Uint8Array | null
}): EncodingChoice {
  const warnings: string[] = []
  let choice: { label: string; source: EncodingSource } | null = null
  if (options.cpgText !== null && options.cpgText.trim() !== '') {
    const label = findTextDecoderLabel(options.cpgText)
    if (label) choice = { label, source: 'cpg' }
    else if (!options.option) {
      return {
        ok: false,
        message: `The .cpg names an unknown encoding "${options.cpgText.trim()}"; pass encoding=….`,
      }
    } else {
      warnings.push(
        `The .cpg names an unknown encoding "${options.cpgText.trim()}"; encoding=${options.option} was used.`,
      )
    }
  }
  if (!choice && options.option) {
    const label = findTextDecoderLabel(options.option)
    if (!label)
      return {
        ok: false,
        message: `encoding=${options.option} is not an encoding we know (try UTF-8 or GBK).`,
      }
    choice = { label, source: 'option' }
  }
  if (!choice && options.dbf) {
    const label = findLdidLabel(options.dbf)
    if (label) choice = { label, source: 'ldid' }
  }
  choice ??= { label: 'utf-8', source: 'default' }
  if (choice.label === 'utf-8' && options.dbf && !isDbfValidUtf8(options.dbf)) {
    warnings.push(
      choice.source === 'default'
        ? 'Attribute encoding unknown (no .cpg) and the attributes are not valid UTF-8; names will be garbled. ' +
            'Pass encoding=GBK (or the encoding the file was written in).'
        : `The attributes are declared UTF-8 (${choice.source}) but are not valid UTF-8; some text will be garbled.`,
    )
  }
  return { ok: true, ...choice, warnings }
}
