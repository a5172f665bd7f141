import type { Bitmap } from './bitmap.ts';
import { decodeGrey } from './decode.ts';
import { GreyDitherer } from './dither.ts';
import { ESCPOS_CUT, MAX_RASTER_SLICE_ROWS, escposRasterLength, escposRasterSlice } from './raster-encoders.ts';

/** Times the conversion's steps (the printer driver's BreakdownRecorder). */
export interface StepTimer {
  time<T>(step: 'dither' | 'encode', work: () => T): T;
}

/**
 * A receipt as ESC/POS raster, made a `GS v 0` slice (255 rows) at a time: the first slice can
 * go to the printer while the rest is still to be dithered. The pieces in order are, byte for
 * byte, what `escposRaster(imageToBitmap(...))` gives (the last one ends with the cut).
 */
export interface RasterStream {
  /** The dots; complete once `next()` has returned null. */
  readonly bitmap: Bitmap;
  /** The whole stream's length (for progress). */
  readonly totalBytes: number;
  /** The next piece, or null when everything was handed out. */
  next(): Uint8Array | null;
  /** Done early (cancelled, failed): the decoded image's memory may serve the next receipt. */
  release(): void;
}

const UNTIMED: StepTimer = { time: (_step, work) => work() };

/** Decodes the image (scaled down to `maxWidth` when wider) and returns its slices to come. */
export async function escposRasterStream(bytes: Uint8Array, maxWidth: number, timer: StepTimer = UNTIMED): Promise<RasterStream> {
  const image = await decodeGrey(bytes, maxWidth);
  let ditherer: GreyDitherer;
  try {
    ditherer = new GreyDitherer(image.grey, image.stride, image.width, image.height);
  } catch (error) {
    image.release();
    throw error;
  }
  const { bitmap } = ditherer;
  let released = false;
  let finished = false;
  const release = () => {
    if (released) return;
    released = true;
    image.release();
  };
  return {
    bitmap,
    totalBytes: escposRasterLength(bitmap.bytesPerRow, bitmap.height),
    next() {
      if (finished) return null;
      if (released) throw new Error('the raster stream was released before its end');
      const from = ditherer.rowsDone;
      const to = timer.time('dither', () => ditherer.next(MAX_RASTER_SLICE_ROWS));
      const last = to === bitmap.height;
      const piece = timer.time('encode', () => escposRasterSlice(bitmap, from, to - from, last ? ESCPOS_CUT : undefined));
      if (last) {
        finished = true;
        release();
      }
      return piece;
    },
    release,
  };
}
