/**
 * One problem (or one warning) found in a zone file.
 *
 * An import is all-or-nothing with every bad feature listed (design.md, POST /plans/{id}/zones), so
 * a check never stops at the first problem: it collects issues, each naming the feature by its
 * position in the file and the place inside it as a JSON Pointer, with a reason code clients can
 * switch on and a message a planner can read.
 */
export interface GeoIssue<Reason extends string = string> {
  /** Position of the feature in the file (0 for a lone Feature or geometry); null for the document. */
  index: number | null
  /**
   * JSON Pointer (RFC 6901) into the submitted document, '' for the document itself; for problems
   * with a zipped Shapefile, the name of the entry in the archive.
   */
  path: string
  reason: Reason
  message: string
}

/** The feature index a JSON Pointer points into, when it points into `/features/N/…`. */
export function findFeatureIndexOfPath(path: string): number | null {
  const match = /^\/features\/(\d+)(?:\/|$)/.exec(path)
  return match?.[1] === undefined ? null : Number(match[1])
}

/** Appends a JSON Pointer segment, escaping '~' and '/' as RFC 6901 requires. */
export function appendPointer(path: string, segment: string | number): string {
  return `${path}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`
}
