import { describe, expect, it } from 'vitest'
import { ProblemError } from '../../server/errors.js'
import { closesBefore, liveExternalId } from '../../server/routes/devices/live-patrol.js'
import { readFixSource, readLiveFix } from '../../server/routes/devices/read-fix.js'

const NOW = Date.parse('2026-05-01T12:00:00Z')
const T = Date.parse('2026-05-01T07:30:27Z')

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProblemError) return error
    throw error
  }
  throw new Error('expected a problem')
}

describe('reading an OsmAnd / Traccar Client fix', () => {
  it('reads the same instant from epoch seconds, epoch milliseconds and ISO 8601', () => {
    const base = { id: 'p1', lat: '27.55', lon: '110.93' }
    const times = [String(T / 1000), String(T), '2026-05-01T07:30:27Z', '2026-05-01T15:30:27+08:00']
    for (const timestamp of times) {
      expect(readLiveFix(readFixSource({ ...base, timestamp }, undefined), NOW).time, timestamp).toBe(T)
    }
  })

  it('takes OsmAnd hdop as metres, accuracy first, and deviceid / location / heading spellings', () => {
    const osmand = readLiveFix(
      readFixSource({ id: 'p1', lat: '27.5', lon: '110.9', timestamp: String(T), hdop: '12' }, undefined),
      NOW,
    )
    expect(osmand.accuracy).toBe(12)
    const both = readLiveFix(
      readFixSource(
        { id: 'p1', lat: '27.5', lon: '110.9', timestamp: String(T), hdop: '12', accuracy: '4' },
        undefined,
      ),
      NOW,
    )
    expect(both.accuracy).toBe(4)
    const traccar = readLiveFix(
      readFixSource(undefined, {
        deviceid: '123456',
        location: '27.5,110.9',
        timestamp: String(T / 1000),
        heading: '270',
      }),
      NOW,
    )
    expect(traccar).toMatchObject({ deviceId: '123456', lat: 27.5, lon: 110.9, bearing: 270, time: T })
  })

  it('reads Traccar Client JSON and drops its -1 "unknown" speed and heading', () => {
    const fix = readLiveFix(
      readFixSource(undefined, {
        device_id: 'p2',
        location: {
          timestamp: '2026-05-01T07:30:27.000Z',
          coords: { latitude: 27.5, longitude: 110.9, accuracy: 8, speed: -1, heading: -1, altitude: 460 },
          battery: { level: 0.5 },
        },
      }),
      NOW,
    )
    expect(fix).toMatchObject({
      deviceId: 'p2',
      lat: 27.5,
      lon: 110.9,
      accuracy: 8,
      altitude: 460,
      speed: null,
    })
    expect(fix.bearing).toBeNull()
    expect(fix.battery).toBe(0.5)
  })

  it('names every bad parameter at once', () => {
    const problem = problemOf(() =>
      readLiveFix(readFixSource({ id: 'p1', lat: '95', lon: 'east', accuracy: '-2' }, undefined), NOW),
    )
    expect(problem.status).toBe(400)
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['accuracy', 'lat', 'lon', 'timestamp'])
  })

  it('refuses the no-fix position, pre-GPS and far-future times, and times without an offset', () => {
    const at = (q: Record<string, string>) =>
      problemOf(() =>
        readLiveFix(readFixSource({ id: 'p1', lat: '27.5', lon: '110.9', ...q }, undefined), NOW),
      )
    expect(at({ lat: '0', lon: '0', timestamp: String(T) }).errors[0]?.reason).toBe('NO_FIX')
    expect(at({ timestamp: '0' }).errors[0]?.reason).toBe('TIME_BEFORE_GPS')
    expect(at({ timestamp: String(NOW + 2 * 86_400_000) }).errors[0]?.reason).toBe('TIME_IN_FUTURE')
    expect(at({ timestamp: '2026-05-01 07:30:27' }).errors[0]?.reason).toBe('TIME_OFFSET_MISSING')
  })
})

describe('when an open patrol closes before the next fix', () => {
  const IDLE = 10 * 60_000
  const open = { fixes: 5, first_fix: T, last_fix: T + 60_000, last_received: NOW - 1000 }

  it('stays open for a fix in sequence', () => {
    expect(closesBefore(open, T + 120_000, NOW, IDLE)).toBe(false)
    expect(
      closesBefore({ fixes: 0, first_fix: null, last_fix: null, last_received: null }, T, NOW, IDLE),
    ).toBe(false)
  })

  it('closes after the idle time without receipt, or a fix-time gap over it', () => {
    expect(closesBefore({ ...open, last_received: NOW - IDLE }, T + 120_000, NOW, IDLE)).toBe(true)
    expect(closesBefore(open, open.last_fix + IDLE + 1, NOW, IDLE)).toBe(true)
    expect(closesBefore(open, open.first_fix - IDLE - 1, NOW, IDLE)).toBe(true)
  })

  it('closes at Beijing midnight (16:00 UTC), not at UTC midnight', () => {
    const eve = {
      fixes: 2,
      first_fix: Date.parse('2026-05-01T15:50:00Z'),
      last_fix: Date.parse('2026-05-01T15:59:00Z'),
      last_received: NOW,
    }
    expect(closesBefore(eve, Date.parse('2026-05-01T16:00:01Z'), NOW, IDLE)).toBe(true)
    const utcEve = {
      fixes: 2,
      first_fix: Date.parse('2026-05-01T23:50:00Z'),
      last_fix: Date.parse('2026-05-01T23:59:00Z'),
      last_received: NOW,
    }
    expect(closesBefore(utcEve, Date.parse('2026-05-02T00:00:30Z'), NOW, IDLE)).toBe(false)
  })

  it('names the patrol by device and first fix', () => {
    expect(liveExternalId('358240051111110', T)).toBe('osmand:358240051111110:2026-05-01T07:30:27.000Z')
  })
})
