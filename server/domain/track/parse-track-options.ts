/** Options shared by the GeoJSON, GPX and CSV track parsers. */
export interface ParseTrackOptions {
  /**
   * The server's clock, epoch ms; points more than 24 h after it are rejected. Injected so that
   * tests (and re-imports of old tracks) do not depend on the day they run. Defaults to Date.now().
   */
  now?: number
  /**
   * Minutes east of UTC for times written without an offset. GPX and GeoJSON (togeojson) times are
   * UTC by definition, so the default is 0; a CSV from a spreadsheet in Beijing time needs 480.
   * Either way the track carries a warning saying it happened.
   */
  assumeUtcOffsetMinutes?: number
}

/** How far ahead of the server's clock a point may be: device clocks drift, time zones get confused. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000
