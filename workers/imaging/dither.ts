import { emptyBitmap, type Bitmap } from './bitmap.ts';

/*
 * The box turns a receipt into dots with Pillow: `convert('L')`, `ImageOps.invert`, `convert('1')`.
 * This is the same arithmetic:
 * - luma: Pillow's Convert.c `L24(rgb) >> 16`, i.e. (19595 R + 38470 G + 7471 B + 0x8000) >> 16
 *   (ITU-R 601-2 in 16-bit fixed point, rounded);
 * - invert: 255 - L, so dark ink becomes a high value, i.e. a dot;
 * - Floyd-Steinberg: Convert.c `tobilevel`, whose error terms are kept in sixteenths and divided
 *   with C's truncating integer division, threshold `l > 128`;
 * - packing: Pillow's mode "1" `tobytes()`, MSB = leftmost, rows padded to bytes, done as the
 *   dots are decided.
 */
const LUMA_R = 19595;
const LUMA_G = 38470;
const LUMA_B = 7471;
const LUMA_ROUND = 0x8000;
const DOT_THRESHOLD = 128;

/** Pillow's `L` of each RGBA pixel (alpha ignored: the decoder flattened the image on white). */
export function lumaPlane(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  const pixels = width * height;
  if (rgba.length < pixels * 4) throw new RangeError(`pixel buffer holds ${rgba.length} bytes, ${width}x${height} RGBA needs ${pixels * 4}`);
  const grey = new Uint8Array(pixels);
  for (let i = 0, p = 0; i < pixels; i++, p += 4) grey[i] = (rgba[p] * LUMA_R + rgba[p + 1] * LUMA_G + rgba[p + 2] * LUMA_B + LUMA_ROUND) >>> 16;
  return grey;
}

export function ditherToBitmap(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Bitmap {
  return ditherGrey(lumaPlane(rgba, width, height), width, width, height);
}

/**
 * Inverts and dithers 8-bit grey levels (rows `stride` bytes apart) into printer dots, a band
 * of rows at a time: Floyd-Steinberg's whole state between two rows is the next row's error
 * terms, so `next(n)` continues exactly where the last call stopped and the dots of a receipt
 * dithered in bands are the dots of the receipt dithered at once (a slice can go to the printer
 * before the next one is dithered). The grey levels may come in two buffers: the first rows
 * (`rows` of them) from a decode of the image's top, the rest from `continueWith` once the whole
 * image is decoded (raster-stream.ts).
 */
export class GreyDitherer {
  readonly bitmap: Bitmap;
  // errors[x + 1] holds the error (in sixteenths) diffused into column x of the current row;
  // column x writes errors[x], the share of column x - 1 of the next row, once it is final.
  private readonly errors: Int32Array;
  private row = 0;
  private grey: Uint8Array;
  private stride: number;
  /** Rows the current grey buffer holds (from the image's top). */
  private rows: number;

  constructor(grey: Uint8Array, stride: number, width: number, height: number, rows = height) {
    this.bitmap = emptyBitmap(width, height);
    this.errors = new Int32Array(width + 1);
    this.grey = grey;
    this.stride = stride;
    this.rows = rows;
    this.check(grey, stride, rows);
  }

  /** Rows dithered so far (the bitmap's rows above this one are final). */
  get rowsDone(): number {
    return this.row;
  }

  /** Rows that can be dithered with the grey levels at hand. */
  get rowsAvailable(): number {
    return this.rows;
  }

  /**
   * Goes on with another buffer of the same image from its top (the whole image decoded): its
   * rows above `rowsDone` must be the ones already dithered, since their errors are carried on.
   */
  continueWith(grey: Uint8Array, stride: number, rows = this.bitmap.height): void {
    if (rows < this.row) throw new RangeError(`the new grey buffer holds ${rows} rows, ${this.row} are dithered already`);
    this.check(grey, stride, rows);
    this.grey = grey;
    this.stride = stride;
    this.rows = rows;
  }

  /** Dithers up to `rows` more rows (as far as the grey levels at hand go); returns how many rows are done in all. */
  next(rows: number): number {
    const end = Math.min(this.rows, this.row + Math.max(0, rows));
    ditherRows(this.grey, this.stride, this.bitmap, this.errors, this.row, end);
    this.row = end;
    return end;
  }

  private check(grey: Uint8Array, stride: number, rows: number): void {
    const { width, height } = this.bitmap;
    if (rows > height) throw new RangeError(`a grey buffer of ${rows} rows for an image of ${height}`);
    if (stride < width || (rows > 0 && grey.length < stride * (rows - 1) + width)) {
      throw new RangeError(`grey buffer holds ${grey.length} bytes, ${width}x${rows} with rows ${stride} bytes apart needs more`);
    }
  }
}

export function ditherGrey(grey: Uint8Array, stride: number, width: number, height: number): Bitmap {
  const ditherer = new GreyDitherer(grey, stride, width, height);
  ditherer.next(height);
  return ditherer.bitmap;
}

/**
 * Rows [from, to) of `tobilevel`'s serial error chain: no allocation, no per-pixel call,
 * integer arithmetic only. Each pixel:
 *   s = 7/16 of the left neighbour's error + the error diffused from the row above (sixteenths);
 *   v = inverted grey + s / 16 (C division truncates towards zero: 15 is added to negative sums
 *   before the shift), clamped to 0..255; a dot when v > 128, and then v -= 255;
 *   the row below gets 3/16 (down-left, final now: errors[x]), 5/16 (down, pending in l0) and
 *   1/16 (down-right, pending in l1); the right neighbour 7/16 (l).
 * The eight pixels of a byte are written out one after the other, each with its own constant bit:
 * measured side by side in Chromium on the 120-item receipt, 7.3-7.6 ms against 8.9-9.8 for one
 * loop over pixels with a computed bit (docs/printing-performance.md); `| 0` keeps V8 in 32-bit
 * integers without overflow checks.
 */
function ditherRows(grey: Uint8Array, stride: number, bitmap: Bitmap, errors: Int32Array, from: number, to: number): void {
  const { width, bytesPerRow, data: out } = bitmap;
  const wholeBytes = width >> 3;
  for (let y = from; y < to; y++) {
    let l = 0;
    let l0 = 0;
    let l1 = 0;
    let s = 0;
    let v = 0;
    let x = 0;
    let p = y * stride;
    const rowStart = y * bytesPerRow;
    for (let b = 0; b < wholeBytes; b++) {
      let byte = 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x80; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x40; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x20; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x10; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x08; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x04; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x02; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      s = (l + errors[x + 1]) | 0;
      v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
      if (v < 0) v = 0; else if (v > 255) v = 255;
      if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= 0x01; }
      errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      out[rowStart + b] = byte;
    }
    if (x < width) {
      let byte = 0;
      for (let bit = 0x80; x < width; bit >>= 1) {
        s = (l + errors[x + 1]) | 0;
        v = (255 - grey[p++] + ((s + ((s >> 31) & 15)) >> 4)) | 0;
        if (v < 0) v = 0; else if (v > 255) v = 255;
        if (v > DOT_THRESHOLD) { v = (v - 255) | 0; byte |= bit; }
        errors[x++] = (3 * v + l0) | 0; l0 = (5 * v + l1) | 0; l1 = v; l = (7 * v) | 0;
      }
      out[rowStart + wholeBytes] = byte;
    }
    errors[width] = l0;
  }
}
