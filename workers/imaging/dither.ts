import { emptyBitmap, type Bitmap } from './bitmap.ts';

/*
 * The box turns a receipt into dots with Pillow: `convert('L')`, `ImageOps.invert`, `convert('1')`.
 * This is the same arithmetic in one pass over the RGBA pixels:
 * - luma: Pillow's Convert.c `L24(rgb) >> 16`, i.e. (19595 R + 38470 G + 7471 B + 0x8000) >> 16
 *   (ITU-R 601-2 in 16-bit fixed point, rounded);
 * - invert: 255 - L, so dark ink becomes a high value, i.e. a dot;
 * - Floyd-Steinberg: Convert.c `tobilevel`, whose error terms are kept in sixteenths and divided
 *   with C's truncating integer division, threshold `l > 128`;
 * - packing: Pillow's mode "1" `tobytes()`, MSB = leftmost, rows padded to bytes.
 */
const LUMA_R = 19595;
const LUMA_G = 38470;
const LUMA_B = 7471;
const LUMA_ROUND = 0x8000;
const DOT_THRESHOLD = 128;

export function ditherToBitmap(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Bitmap {
  if (rgba.length < width * height * 4) throw new RangeError(`pixel buffer holds ${rgba.length} bytes, ${width}x${height} RGBA needs ${width * height * 4}`);
  const bitmap = emptyBitmap(width, height);
  const out = bitmap.data;
  const stride = bitmap.bytesPerRow;
  // errors[x + 1] holds the error (in sixteenths) diffused into column x of the current row.
  const errors = new Int32Array(width + 1);
  for (let y = 0; y < height; y++) {
    let l = 0;
    let l0 = 0;
    let l1 = 0;
    let p = y * width * 4;
    const rowStart = y * stride;
    let byte = 0;
    for (let x = 0; x < width; x++, p += 4) {
      const inverted = 255 - ((rgba[p] * LUMA_R + rgba[p + 1] * LUMA_G + rgba[p + 2] * LUMA_B + LUMA_ROUND) >>> 16);
      l = inverted + (((l + errors[x + 1]) / 16) | 0);
      if (l < 0) l = 0;
      else if (l > 255) l = 255;
      let dot = 0;
      if (l > DOT_THRESHOLD) {
        dot = 255;
        byte |= 0x80 >> (x & 7);
      }
      if ((x & 7) === 7) {
        out[rowStart + (x >> 3)] = byte;
        byte = 0;
      }
      l -= dot;
      const l2 = l;
      const d2 = l + l;
      l += d2;
      errors[x] = l + l0;
      l += d2;
      l0 = l + l1;
      l1 = l2;
      l += d2;
    }
    if (width & 7) out[rowStart + (width >> 3)] = byte;
    errors[width] = l0;
  }
  return bitmap;
}
