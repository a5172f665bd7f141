import type { Bitmap } from './bitmap.ts';
import { DEFAULT_COLUMN_OPTIONS, type ColumnOptions } from './column-options.ts';

/*
 * Printer streams for a 1-bit image, byte for byte as the box builds them
 * (odoo addons/iot_drivers printer_driver_base.py format_escpos_bit_image_raster /
 * format_escpos_bit_image_column, printer_driver_L.py format_star).
 */

/** ESC/POS `GS v 0 m xL xH yL yH`, m = 0 (normal size). */
const GS_V_0 = [0x1d, 0x76, 0x30, 0x00];
/** `GS v 0` takes at most 255 rows per command on the printers Odoo supports (the box slices so). */
export const MAX_RASTER_SLICE_ROWS = 255;
/** ESC/POS `GS V A n`: feed and full cut; the box sends n = 0x0A. */
export const ESCPOS_CUT = Uint8Array.of(0x1d, 0x56, 0x41, 0x0a);

/** Length of the whole `GS v 0` stream of a `height`-row image (slices, dots, cut). */
export function escposRasterLength(bytesPerRow: number, height: number): number {
  return Math.ceil(height / MAX_RASTER_SLICE_ROWS) * (GS_V_0.length + 4) + bytesPerRow * height + ESCPOS_CUT.length;
}

function writeSlice(out: Uint8Array, o: number, bitmap: Bitmap, row: number, rows: number): number {
  const { bytesPerRow, data } = bitmap;
  out.set(GS_V_0, o);
  out[o + 4] = bytesPerRow & 0xff;
  out[o + 5] = bytesPerRow >> 8;
  out[o + 6] = rows & 0xff;
  out[o + 7] = rows >> 8;
  out.set(data.subarray(row * bytesPerRow, (row + rows) * bytesPerRow), o + 8);
  return o + 8 + rows * bytesPerRow;
}

export function escposRaster(bitmap: Bitmap): Uint8Array {
  const out = new Uint8Array(escposRasterLength(bitmap.bytesPerRow, bitmap.height));
  let o = 0;
  for (let row = 0; row < bitmap.height; row += MAX_RASTER_SLICE_ROWS) o = writeSlice(out, o, bitmap, row, Math.min(MAX_RASTER_SLICE_ROWS, bitmap.height - row));
  out.set(ESCPOS_CUT, o);
  return out;
}

/**
 * One `GS v 0` command of the stream escposRaster makes, rows [row, row + rows) (at most 255),
 * followed by `trailer` (the cut, after the last slice): the slices in order are that stream.
 */
export function escposRasterSlice(bitmap: Bitmap, row: number, rows: number, trailer: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (rows < 0 || rows > MAX_RASTER_SLICE_ROWS || row < 0 || row + rows > bitmap.height) throw new RangeError(`no slice of ${rows} rows at row ${row} in a ${bitmap.height}-row image`);
  const out = new Uint8Array(rows === 0 ? trailer.length : GS_V_0.length + 4 + rows * bitmap.bytesPerRow + trailer.length);
  out.set(trailer, rows === 0 ? 0 : writeSlice(out, 0, bitmap, row, rows));
  return out;
}

const ESC = 0x1b;
/** `ESC 3 n`: line spacing n/180 in; 16 makes 24-dot bands touch on the TM-U220. */
const LINE_SPACING_16 = [ESC, 0x33, 0x10];
/** `ESC 2`: default line spacing. */
const LINE_SPACING_DEFAULT = [ESC, 0x32];
const LF = 0x0a;

/** ESC/POS column mode (`ESC *`) for impact printers such as the TM-U220: bands of 24 (or 8) rows, column by column. */
export function escposColumns(source: Bitmap, options: ColumnOptions = DEFAULT_COLUMN_OPTIONS): Uint8Array {
  const bitmap = options.scalePercent === 100 ? source : scaleNearest(source, options.scalePercent);
  const { width, height, bytesPerRow, data } = bitmap;
  const bandRows = options.highDensityVertical ? 24 : 8;
  const bandBytes = bandRows / 8;
  const mode = (options.highDensityHorizontal ? 1 : 0) + (options.highDensityVertical ? 32 : 0);
  const bands = Math.ceil(height / bandRows);
  const bandLength = 5 + width * bandBytes + 1;
  const out = new Uint8Array(LINE_SPACING_16.length + bands * bandLength + LINE_SPACING_DEFAULT.length + ESCPOS_CUT.length);
  out.set(LINE_SPACING_16, 0);
  let o = LINE_SPACING_16.length;
  for (let top = 0; top < height; top += bandRows) {
    out.set([ESC, 0x2a, mode, width & 0xff, (width >> 8) & 0xff], o);
    o += 5;
    const rows = Math.min(bandRows, height - top);
    for (let x = 0; x < width; x++, o += bandBytes) {
      const byteInRow = x >> 3;
      const bit = 0x80 >> (x & 7);
      // Rows below the image stay 0: Pillow's EXTENT transform fills outside pixels with 0 (no dot).
      for (let r = 0; r < rows; r++) {
        if (data[(top + r) * bytesPerRow + byteInRow] & bit) out[o + (r >> 3)] |= 0x80 >> (r & 7);
      }
    }
    out[o++] = LF;
  }
  out.set(LINE_SPACING_DEFAULT, o);
  out.set(ESCPOS_CUT, o + LINE_SPACING_DEFAULT.length);
  return out;
}

/** Nearest-neighbour resize sampling pixel centres, as Pillow's affine NEAREST transform does. */
function scaleNearest(bitmap: Bitmap, percent: number): Bitmap {
  const width = Math.trunc((bitmap.width * percent) / 100);
  const height = Math.trunc((bitmap.height * percent) / 100);
  const bytesPerRow = (width + 7) >> 3;
  const data = new Uint8Array(bytesPerRow * height);
  const sourceX = new Int32Array(width);
  for (let x = 0; x < width; x++) sourceX[x] = Math.floor(((x + 0.5) * bitmap.width) / width);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(((y + 0.5) * bitmap.height) / height);
    const row = sy * bitmap.bytesPerRow;
    for (let x = 0; x < width; x++) {
      const sx = sourceX[x];
      if (bitmap.data[row + (sx >> 3)] & (0x80 >> (sx & 7))) data[y * bytesPerRow + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return { width, height, bytesPerRow, data };
}

/** Star raster mode: `ESC * r A` enter, `ESC * r P 0 NUL` continuous page, `b nL nH` + row per row, `ESC * r B` quit. */
const STAR_RASTER_ENTER = [ESC, 0x2a, 0x72, 0x41];
const STAR_RASTER_CONTINUOUS = [ESC, 0x2a, 0x72, 0x50, 0x30, 0x00];
const STAR_RASTER_ROW = 0x62;
const STAR_RASTER_QUIT = [ESC, 0x2a, 0x72, 0x42];

export function starRaster(bitmap: Bitmap): Uint8Array {
  const { bytesPerRow, height, data } = bitmap;
  const out = new Uint8Array(STAR_RASTER_ENTER.length + STAR_RASTER_CONTINUOUS.length + height * (3 + bytesPerRow) + STAR_RASTER_QUIT.length);
  out.set(STAR_RASTER_ENTER, 0);
  out.set(STAR_RASTER_CONTINUOUS, STAR_RASTER_ENTER.length);
  let o = STAR_RASTER_ENTER.length + STAR_RASTER_CONTINUOUS.length;
  for (let y = 0; y < height; y++) {
    out[o] = STAR_RASTER_ROW;
    out[o + 1] = bytesPerRow & 0xff;
    out[o + 2] = bytesPerRow >> 8;
    out.set(data.subarray(y * bytesPerRow, (y + 1) * bytesPerRow), o + 3);
    o += 3 + bytesPerRow;
  }
  out.set(STAR_RASTER_QUIT, o);
  return out;
}
