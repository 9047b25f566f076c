import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, createTestContext, type TestContext } from './support/test-app.js'

/**
 * Report-form deadlines (第十八条: within 2 working days of discovery) through the API, on the real
 * 2026 State Council calendar as the chinese-days package has it:
 *   Mid-Autumn 2026-09-25 … 09-27 off; National Day 2026-10-01 … 10-07 off;
 *   make-up working days Sun 2026-09-20 and Sat 2026-10-10.
 * The day of discovery is never counted; the deadline is the end (24:00 Beijing) of the 2nd working
 * day after it.
 */

let ctx: TestContext
let patroller: string
let countyAdmin: string

beforeAll(async () => {
  ctx = await createTestContext()
  patroller = await ctx.token('patroller', '510199')
  countyAdmin = await ctx.token('admin', '510199')
})
afterAll(async () => ctx?.close())

async function found(foundAt: string, extra: Record<string, unknown> = {}) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/violations',
    headers: bearer(patroller),
    payload: {
      category: 1,
      source: 'patrol',
      found_at: foundAt,
      location: { type: 'Point', coordinates: [104.0, 30.0] },
      ...extra,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

const get = async (id: string) =>
  (
    await ctx.app.inject({ method: 'GET', url: `/api/v1/violations/${id}`, headers: bearer(patroller) })
  ).json()

const countedDays = (v: { deadlines: { report: { counted: { date: string }[] } } }) =>
  v.deadlines.report.counted.map((d) => d.date)

/** End of a Beijing calendar day as an ISO instant (UTC+8, so 15:59:59.999Z). */
const endOfBeijingDay = (day: string) => `${day}T15:59:59.999Z`

describe('report form due dates on the 2026 calendar', () => {
  it('found on Wed 2026-09-30, the last working day before National Day → due Fri 2026-10-09', async () => {
    // Sep 30 (day of discovery, not counted); Oct 1–7 holiday; Thu Oct 8 = working day 1;
    // Fri Oct 9 = working day 2 → due at the end of Oct 9.
    const v = await found('2026-09-30T16:20:00+08:00')
    expect(v.report_due_date).toBe('2026-10-09')
    expect(v.report_due).toBe(endOfBeijingDay('2026-10-09'))
    expect(countedDays(v)).toEqual(['2026-10-08', '2026-10-09'])
    expect(v.deadlines.report.counted.every((d: { source: string }) => d.source === 'state_council')).toBe(
      true,
    )
  })

  it('found on Fri 2026-10-09 → the make-up Saturday 10-10 counts → due Mon 2026-10-12', async () => {
    // Sat Oct 10 is a make-up working day (调休) = working day 1; Sun Oct 11 off;
    // Mon Oct 12 = working day 2.
    const v = await found('2026-10-09T09:00:00+08:00')
    expect(countedDays(v)).toEqual(['2026-10-10', '2026-10-12'])
    expect(v.report_due_date).toBe('2026-10-12')
    expect(v.deadlines.report.counted[0].name).toContain('国庆节')
  })

  it('found on the make-up working Saturday 2026-10-10 itself → due Tue 2026-10-13', async () => {
    // The day of discovery is not counted even though it is a working day; Sun Oct 11 off;
    // Mon Oct 12 = 1; Tue Oct 13 = 2.
    const v = await found('2026-10-10T11:00:00+08:00')
    expect(countedDays(v)).toEqual(['2026-10-12', '2026-10-13'])
    expect(v.report_due_date).toBe('2026-10-13')
  })

  it('found on Sun 2026-11-22 → due Tue 2026-11-24', async () => {
    // Sunday not counted (day of discovery and a rest day); Mon Nov 23 = 1; Tue Nov 24 = 2.
    const v = await found('2026-11-22T15:00:00+08:00')
    expect(countedDays(v)).toEqual(['2026-11-23', '2026-11-24'])
    expect(v.report_due_date).toBe('2026-11-24')
  })

  it('counts from the Beijing day whatever zone the time was written in', async () => {
    // 2026-10-09T17:00Z is Sat 2026-10-10 01:00 in Beijing: the Saturday case, not the Friday one.
    const v = await found('2026-10-09T17:00:00Z')
    expect(v.deadlines.report.start_date).toBe('2026-10-10')
    expect(v.report_due_date).toBe('2026-10-13')
  })

  it('a major event also carries its own 2-working-day report to government (第二十一条)', async () => {
    const v = await found('2026-09-30T10:00:00+08:00', { major: true })
    expect(v.major_report_due).toBe(endOfBeijingDay('2026-10-09'))
    expect(v.deadlines.major_report.due_date).toBe('2026-10-09')
    expect(v.report_required).toBe(true)
  })
})

describe('overdue flags', () => {
  it('flags an unreported case past its due date, and not one reported on time or just found', async () => {
    const late = await found('2026-09-30T16:20:00+08:00')
    const onTime = await found('2026-09-30T16:30:00+08:00')
    const report = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/violations/${onTime.id}/events`,
      headers: bearer(patroller),
      payload: { type: 'report', at: '2026-10-09T17:00:00+08:00' },
    })
    expect(report.statusCode, report.body).toBe(201)
    const fresh = await found(new Date().toISOString())

    const lateNow = await get(late.id)
    expect(lateNow.overdue).toBe(true)
    expect(lateNow.overdue_items).toEqual(['report'])
    expect(lateNow.deadlines.report.overdue).toBe(true)
    const onTimeNow = await get(onTime.id)
    expect(onTimeNow.overdue).toBe(false)
    expect(onTimeNow.deadlines.report.on_time).toBe(true)
    expect((await get(fresh.id)).overdue).toBe(false)

    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/violations?overdue=true',
      headers: bearer(patroller),
    })
    const ids = (list.json().items as { id: string; overdue: boolean }[]).map((v) => v.id)
    expect(ids).toContain(late.id)
    expect(ids).not.toContain(onTime.id)
    expect(ids).not.toContain(fresh.id)
    const all = await ctx.app.inject({ method: 'GET', url: '/api/v1/violations', headers: bearer(patroller) })
    for (const v of all.json().items) {
      expect(typeof v.report_due).toBe('string')
      expect(typeof v.overdue).toBe('boolean')
    }
  })

  it('a report filed after the due day is late', async () => {
    const v = await found('2026-09-30T09:00:00+08:00')
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/violations/${v.id}/events`,
      headers: bearer(patroller),
      payload: { type: 'report', at: '2026-10-10T09:00:00+08:00' },
    })
    const after = await get(v.id)
    expect(after.deadlines.report.on_time).toBe(false)
    expect(after.overdue).toBe(false) // reported: nothing left to do for the report
  })
})

describe('working-day overrides', () => {
  it('an override entry changes a due date, and removing it changes it back', async () => {
    // Found Mon 2026-11-16: Tue 17 = 1, Wed 18 = 2 → due 2026-11-18.
    const v = await found('2026-11-16T10:00:00+08:00')
    expect(v.report_due_date).toBe('2026-11-18')

    // Only the national admin edits the national calendar.
    const denied = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/calendar-overrides',
      headers: bearer(countyAdmin),
      payload: { date: '2026-11-17', kind: 'off' },
    })
    expect(denied.statusCode).toBe(403)

    // Tue 2026-11-17 declared a day off: Wed 18 = 1, Thu 19 = 2 → due 2026-11-19.
    const set = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/calendar-overrides',
      headers: bearer(ctx.rootToken),
      payload: { date: '2026-11-17', kind: 'off', note: '测试：地方调整' },
    })
    expect(set.statusCode, set.body).toBe(200)
    expect(set.json().recomputed.violations).toBeGreaterThanOrEqual(1)
    const moved = await get(v.id)
    expect(moved.report_due_date).toBe('2026-11-19')
    expect(moved.deadlines.report.due_date).toBe('2026-11-19')
    expect(countedDays(moved)).toEqual(['2026-11-18', '2026-11-19'])
    const listed = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/calendar-overrides',
      headers: bearer(patroller),
    })
    expect(listed.json().items).toEqual([expect.objectContaining({ date: '2026-11-17', kind: 'off' })])

    // A later case counts over the override too.
    const later = await found('2026-11-16T18:00:00+08:00')
    expect(later.report_due_date).toBe('2026-11-19')

    const removed = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/v1/calendar-overrides/2026-11-17',
      headers: bearer(ctx.rootToken),
    })
    expect(removed.statusCode).toBe(200)
    expect((await get(v.id)).report_due_date).toBe('2026-11-18')
  })

  it('an override can make a weekend a working day: Sat 2026-11-28 worked moves a Friday case forward', async () => {
    // Found Fri 2026-11-27: normally Mon 30 = 1, Tue Dec 1 = 2.
    // With Sat 28 as a working day: Sat 28 = 1, Mon 30 = 2 → due 2026-11-30.
    const set = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/calendar-overrides',
      headers: bearer(ctx.rootToken),
      payload: { date: '2026-11-28', kind: 'work' },
    })
    expect(set.statusCode).toBe(200)
    const v = await found('2026-11-27T08:00:00+08:00')
    expect(v.report_due_date).toBe('2026-11-30')
    expect(v.deadlines.report.counted[0]).toEqual({ date: '2026-11-28', working: true, source: 'override' })
  })
})
