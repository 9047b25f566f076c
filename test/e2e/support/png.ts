import { inflateSync } from 'node:zlib'

/** A decoded screenshot: 8-bit RGBA pixels, row by row. */
export interface Picture {
  width: number
  height: number
  rgba: Uint8Array
}

/**
 * Decodes the PNGs Chromium writes (8-bit truecolour, with or without alpha, not interlaced), so
 * the tests read the screenshot's own pixels rather than anything the page reports about itself.
 */
export function decodePng(png: Buffer): Picture {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let offset = 8
  let width = 0
  let height = 0
  let channels = 0
  const data: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('ascii', offset + 4, offset + 8)
    const body = png.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      const depth = body[8]
      const colour = body[9]
      if (depth !== 8 || (colour !== 2 && colour !== 6) || body[12] !== 0)
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${body[12]}`)
      channels = colour === 6 ? 4 : 3
    } else if (type === 'IDAT') data.push(body)
    else if (type === 'IEND') break
    offset += 12 + length
  }
  const raw = inflateSync(Buffer.concat(data))
  const stride = width * channels
  const out = new Uint8Array(width * height * 4)
  const prev = new Uint8Array(stride)
  const line = new Uint8Array(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels]! : 0
      const b = prev[i]!
      const c = i >= channels ? prev[i - channels]! : 0
      const x = src[i]!
      let v: number
      if (filter === 0) v = x
      else if (filter === 1) v = x + a
      else if (filter === 2) v = x + b
      else if (filter === 3) v = x + ((a + b) >> 1)
      else {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
      }
      line[i] = v & 0xff
    }
    for (let px = 0; px < width; px++) {
      const o = (y * width + px) * 4
      out[o] = line[px * channels]!
      out[o + 1] = line[px * channels + 1]!
      out[o + 2] = line[px * channels + 2]!
      out[o + 3] = channels === 4 ? line[px * channels + 3]! : 255
    }
    prev.set(line)
  }
  return { width, height, rgba: out }
}

/** Mean colour of the (2r+1)² pixels around (x, y), as [r, g, b]. */
export function colourAt(picture: Picture, x: number, y: number, r = 2): [number, number, number] {
  const sum = [0, 0, 0]
  let n = 0
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const px = Math.round(x) + dx
      const py = Math.round(y) + dy
      if (px < 0 || py < 0 || px >= picture.width || py >= picture.height) continue
      const o = (py * picture.width + px) * 4
      for (let k = 0; k < 3; k++) sum[k]! += picture.rgba[o + k]!
      n++
    }
  return sum.map((s) => Math.round(s / n)) as [number, number, number]
}
