import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

import { NOT_JSON, parseJsonStrict } from '../../server/domain/geo/parse-json-strict.js'
import { sharedFile } from '../support/paths.js'

describe('parseJsonStrict', () => {
  it.each([
    '{"type":"Point","coordinates":[116.3,40.0]}',
    '[1, -0.5e-3, 1E+2, 0, true, false, null, "\\u6797\\n"]',
    '{"a":{"b":[[[]]]},"c":""}',
    '  {"__proto__": {"x": 1}}  ',
  ])('builds what JSON.parse builds: %s', (text) => {
    const result = parseJsonStrict(text)
    expect(result.ok && result.value).toEqual(JSON.parse(text))
  })

  it('keeps "__proto__" as a member, as JSON.parse does, without touching the prototype', () => {
    const result = parseJsonStrict('{"__proto__": {"polluted": true}}')
    const value = result.ok ? (result.value as Record<string, unknown>) : {}
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })

  it('skips the byte-order mark Windows editors put in front', () => {
    expect(parseJsonStrict('\uFEFF{"type":"FeatureCollection","features":[]}').ok).toBe(true)
  })

  it('says where geojsonhint’s bad-json.geojson breaks, by line and column', () => {
    const result = parseJsonStrict(
      readFileSync(sharedFile('invalid', 'geojsonhint', 'bad', 'bad-json.geojson'), 'utf8'),
    )
    // Line 2 ends without a comma; the unexpected member name starts line 3, column 5.
    expect(result).toMatchObject({ ok: false, reason: NOT_JSON, line: 3, column: 5 })
    expect(!result.ok && result.message).toMatch(/Expected ',' or '}'/)
  })

  it.each([
    ['[1,]', 1, 4],
    ['{"a" 1}', 1, 6],
    ['{\n  "a": 01\n}', 2, 9],
    ['"unterminated', 1, 1],
    ['{"a":"tab\there"}', 1, 6],
    ['[1] 2', 1, 5],
    ['', 1, 1],
  ])('refuses %j at line %i, column %i', (text, line, column) => {
    expect(parseJsonStrict(text)).toMatchObject({ ok: false, reason: NOT_JSON, line, column })
  })

  it('lists duplicate member names with their place; the last value wins, as everywhere', () => {
    const result = parseJsonStrict(
      readFileSync(sharedFile('invalid', 'geojsonhint', 'bad', 'bad-duplicate-properties.geojson'), 'utf8'),
    )
    expect(result).toMatchObject({
      ok: true,
      value: { type: 'Feature', features: [] },
      duplicates: [{ path: '/type', key: 'type', line: 3, column: 3 }],
    })
  })

  it('finds duplicates at any depth, each with its JSON Pointer', () => {
    const result = parseJsonStrict('{"features":[{"properties":{"name":"a","name":"b"}}],"features":[]}')
    expect(result.ok && result.duplicates.map((d) => d.path)).toEqual([
      '/features/0/properties/name',
      '/features',
    ])
  })

  it('counts array elements and skips escaped quotes on the way to a duplicate', () => {
    const result = parseJsonStrict('[{"a":"x\\"}"},{"b":[{},{"c":1,"c":"\\\\"}],"k\\u0022":0}]')
    expect(result.ok && result.duplicates).toEqual([{ path: '/1/b/1/c', key: 'c', line: 1, column: 31 }])
  })

  it('refuses nesting deep enough to exhaust the stack', () => {
    expect(parseJsonStrict('['.repeat(100_000))).toMatchObject({ ok: false, reason: NOT_JSON })
  })
})
