// The swath drawn once per 1 km cell and cut out per piece (swath-pieces.ts, cellSwath and
// swathOfPiece) against drawing every leg on each piece's own grid (sweptCells): the same cells.
import { describe, expect, it } from 'vitest'
import { Random } from '../../scripts/demo/random.js'
import { SWATH_CELL_M } from '../../server/domain/coverage/swath-raster.js'
import {
  cellKey,
  cellOfKey,
  cellSwath,
  rasterizePiece,
  sweptCells,
  swathOfPiece,
  type TimedXY,
} from '../../server/routes/patrols/swath-pieces.js'

describe('swath per 1 km cell', () => {
  it('cut out for each 5 m piece of the cell, it holds exactly the cells drawing on the piece would', () => {
    const random = new Random(20261127)
    const rnd = () => random.next()
    // a cell left of and below the origin too, where floor() and the bit offsets are easiest to get wrong
    for (const [ci, cj] of [
      [512, 3341],
      [-3, -1],
    ] as const) {
      const [x0, y0] = [ci * 1000, cj * 1000]
      // pieces of the cell: a square at the cell's corner, a ring with a hole, a thin diagonal strip,
      // and a random star-shaped polygon at an odd offset (so rows start at every bit position)
      const star = Array.from({ length: 40 }, (_, k) => {
        const a = (k / 40) * 2 * Math.PI
        const rr = 150 + rnd() * 250
        return [x0 + 503.3 + rr * Math.cos(a), y0 + 497.1 + rr * Math.sin(a)]
      })
      const shapes: number[][][][] = [
        [
          [
            [x0, y0],
            [x0 + 300, y0],
            [x0 + 300, y0 + 300],
            [x0, y0 + 300],
            [x0, y0],
          ],
        ],
        [
          [
            [x0 + 600, y0 + 600],
            [x0 + 1000, y0 + 600],
            [x0 + 1000, y0 + 1000],
            [x0 + 600, y0 + 1000],
            [x0 + 600, y0 + 600],
          ],
          [
            [x0 + 700, y0 + 700],
            [x0 + 700, y0 + 900],
            [x0 + 900, y0 + 900],
            [x0 + 900, y0 + 700],
            [x0 + 700, y0 + 700],
          ],
        ],
        [
          [
            [x0 + 13.7, y0 + 950],
            [x0 + 950, y0 + 13.7],
            [x0 + 990, y0 + 53.7],
            [x0 + 53.7, y0 + 990],
            [x0 + 13.7, y0 + 950],
          ],
        ],
        [[...star, star[0]!]],
      ]
      const legs: [TimedXY, TimedXY][] = []
      let p: TimedXY = { x: x0 - 80, y: y0 + rnd() * 1000, t: 0 }
      for (let i = 0; i < 400; i++) {
        const step = rnd() < 0.1 ? 0 : 5 + rnd() * 60
        const dir = rnd() * 2 * Math.PI
        const q = {
          x: Math.min(x0 + 1080, Math.max(x0 - 80, p.x + step * Math.cos(dir) + 6)),
          y: Math.min(y0 + 1080, Math.max(y0 - 80, p.y + step * Math.sin(dir))),
          t: p.t + 4000,
        }
        legs.push([p, q])
        p = q
      }
      // and a short walk in one corner of the cell: only the rows and bytes it reaches are visited
      const corner = legs.slice(0, 3).map(([a, b], k): [TimedXY, TimedXY] => [
        { x: x0 + 820 + k * 20, y: y0 + 130 + k * 7, t: a.t },
        { x: x0 + 840 + k * 20, y: y0 + 137 + k * 7, t: b.t },
      ])
      let checked = 0
      for (const walk of [legs, corner]) {
        const swath = cellSwath(ci, cj, 1000, walk, 50)
        for (const rings of shapes) {
          const raster = rasterizePiece({
            zone_id: 'z',
            piece: 1,
            zone_area: 1e6,
            geom: { type: 'Polygon', coordinates: rings },
            road: null,
          })
          expect(raster.cell).toBe(SWATH_CELL_M)
          // (both answer a reused buffer: copy the first before the second call)
          const direct = sweptCells(raster, walk, 50)
          const directBits = direct.bits.slice()
          const cut = swathOfPiece(swath, raster)
          expect(cut.count, `cell ${ci},${cj}`).toBe(direct.count)
          expect(Buffer.from(cut.bits).equals(Buffer.from(directBits))).toBe(true)
          if (direct.count > 0 && direct.count < raster.maskCells) checked++
        }
      }
      // not vacuous: most pieces were partly swept
      expect(checked).toBeGreaterThanOrEqual(3)
    }
  })

  it('a cell key is one number per cell, and gives its cell back (negative indices too)', () => {
    const cells = [
      [0, 0],
      [512, 3341],
      [-3, -1],
      [-1, 524_287],
      [7, -524_287],
      [-40_000, 12],
    ] as const
    const keys = new Set(cells.map(([i, j]) => cellKey(i, j)))
    expect(keys.size).toBe(cells.length)
    for (const [i, j] of cells) expect(cellOfKey(cellKey(i, j))).toEqual([i, j])
  })
})
