import { DOMParser, type Element } from '@xmldom/xmldom'
import type { RawTrack } from './raw-track.js'
import type { ParseTrackOptions } from './parse-track-options.js'
import { assembleRawTrack, type LocatedCandidate } from './assemble-raw-track.js'
import { TrackInputError } from './track-errors.js'
import { GPX_ROOT_MISSING, XML_MALFORMED } from './track-input-reasons.js'

/**
 * Reads the track points (`trk/trkseg/trkpt`) and route points (`rte/rtept`) of a GPX 1.0 or 1.1
 * document. Each non-empty trkseg and each rte becomes a segment hint; waypoints are counted only.
 *
 * The points are read from the DOM here rather than through togeojson's `gpx()`: togeojson skips a
 * trkpt whose lat/lon is not a number without a word, keeps `times` only for points that have one (so
 * one missing <time> shifts every later time onto the wrong point), and drops segments of one point.
 * A patrol record needs each of those reported against the point, so the DOM is walked directly.
 */
export function parseGpxTrack(text: string, options: ParseTrackOptions = {}): RawTrack {
  const root = parseXmlStrictly(text)
  if (root?.localName !== 'gpx') {
    throw new TrackInputError('the body is not a GPX document', [
      {
        path: '/',
        reason: GPX_ROOT_MISSING,
        message: `the root element is <${root?.tagName ?? 'none'}>, not <gpx>`,
      },
    ])
  }

  const candidates: LocatedCandidate[] = []
  const segmentStarts: number[] = []
  childElements(root, 'trk').forEach((trk, t) => {
    childElements(trk, 'trkseg').forEach((seg, s) => {
      segmentStarts.push(candidates.length)
      childElements(seg, 'trkpt').forEach((pt, p) => {
        candidates.push(locateGpxPoint(pt, `/gpx/trk[${t + 1}]/trkseg[${s + 1}]/trkpt[${p + 1}]`))
      })
    })
  })
  childElements(root, 'rte').forEach((rte, r) => {
    segmentStarts.push(candidates.length)
    childElements(rte, 'rtept').forEach((pt, p) => {
      candidates.push(locateGpxPoint(pt, `/gpx/rte[${r + 1}]/rtept[${p + 1}]`))
    })
  })

  return assembleRawTrack(
    {
      candidates,
      segmentStarts,
      trackPath: '/gpx',
      label: 'GPX',
      waypoints: childElements(root, 'wpt').length,
    },
    options,
  )
}

/**
 * xmldom 0.9 reports problems to `onError` and, left to itself, logs warnings and errors and keeps
 * going, returning a partial tree. An unquoted attribute or an unclosed tag in a track is corruption,
 * not something to read around, so every report of any level stops the parse.
 */
function parseXmlStrictly(text: string): Element | null {
  const reports: string[] = []
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        reports.push(`${level}: ${message}`)
        throw new Error(message)
      },
    }).parseFromString(text, 'text/xml')
    return doc.documentElement
  } catch (error) {
    const detail = reports[0] ?? (error instanceof Error ? error.message : String(error))
    throw new TrackInputError('the GPX is not well-formed XML', [
      { path: '/', reason: XML_MALFORMED, message: `malformed XML: ${detail.split('\n')[0]}` },
    ])
  }
}

function locateGpxPoint(pt: Element, path: string): LocatedCandidate {
  const located: LocatedCandidate = {
    path,
    candidate: {
      lon: pt.getAttribute('lon') ?? undefined,
      lat: pt.getAttribute('lat') ?? undefined,
      time: childText(pt, 'time'),
      hdop: childText(pt, 'hdop'),
      ele: childText(pt, 'ele'),
      // GPX 1.0 has <speed> (m/s); 1.1 moved it into extensions, which are not read.
      speed: childText(pt, 'speed'),
      textual: true,
    },
  }
  if (typeof pt.lineNumber === 'number') located.where = `line ${pt.lineNumber}`
  return located
}

/**
 * Direct children by local name, in any namespace (GPX 1.0, 1.1 or a prefixed `gpx:` element).
 * Only direct children: `getElementsByTagName` would also find a `<time>` or `<speed>` inside
 * `<extensions>` and read a vendor's value as the point's.
 */
function childElements(parent: Element, localName: string): Element[] {
  const found: Element[] = []
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).localName === localName)
      found.push(node as Element)
  }
  return found
}

function childText(parent: Element, localName: string): string | undefined {
  const child = childElements(parent, localName)[0]
  return child?.textContent?.trim() ?? undefined
}
