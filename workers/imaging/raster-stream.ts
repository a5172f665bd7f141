import type { Bitmap } from './bitmap.ts';
import { decodeGrey, decodeGreyTop, ImageError, type GreyImage } from './decode.ts';
import { GreyDitherer } from './dither.ts';
import { ESCPOS_CUT, MAX_RASTER_SLICE_ROWS, escposRasterLength, escposRasterSlice } from './raster-encoders.ts';

/** Times the conversion's steps (the printer driver's BreakdownRecorder). */
export interface StepTimer {
  time<T>(step: 'dither' | 'encode', work: () => T): T;
  timeAsync<T>(step: 'jpegDecode', work: () => Promise<T>): Promise<T>;
}

/**
 * A receipt as ESC/POS raster, made a `GS v 0` slice (255 rows) at a time: the first slice can
 * go to the printer while the rest is still to be decoded and dithered. The pieces in order are,
 * byte for byte, what `escposRaster(imageToBitmap(...))` gives (the last one ends with the cut).
 */
export interface RasterStream {
  /** The dots; complete once `next()` has given null. */
  readonly bitmap: Bitmap;
  /** The whole stream's length (for progress). */
  readonly totalBytes: number;
  /** The next piece, or null when everything was handed out; rejects when the image's lower part cannot be decoded. */
  next(): Promise<Uint8Array | null>;
  /** Done early (cancelled, failed): the decoded image's memory may serve the next receipt. */
  release(): void;
}

const UNTIMED: StepTimer = { time: (_step, work) => work(), timeAsync: (_step, work) => work() };

/**
 * Decodes the image (scaled down to `maxWidth` when wider) and returns its slices to come. A
 * tall receipt's top is decoded first, on its own (decodeGreyTop), so the stream is ready
 * with its first slice while the whole image still decodes. The whole decode starts after the
 * top one, not beside it: the browser runs the two one after the other anyway, and started
 * together the top came 2.7x later (4.1 ms against 1.5, 120-item receipt).
 * A JPEG that is only broken below its top fails the stream's second `next()`, after its first
 * slice went out: the price of not decoding the whole before the first byte.
 */
export async function escposRasterStream(bytes: Uint8Array, maxWidth: number, timer: StepTimer = UNTIMED): Promise<RasterStream> {
  const top = await timer.timeAsync('jpegDecode', () => decodeGreyTop(bytes, MAX_RASTER_SLICE_ROWS, maxWidth));
  /** The whole image's decode, once it is started (after the top's, see next()). */
  let whole: Promise<GreyImage> | null = null;
  const first: GreyImage = top ?? (await timer.timeAsync('jpegDecode', () => decodeGrey(bytes, maxWidth)));
  const height = top ? top.imageHeight : first.height;
  let ditherer: GreyDitherer;
  try {
    ditherer = new GreyDitherer(first.grey, first.stride, first.width, height, first.height);
  } catch (error) {
    first.release();
    throw error;
  }
  const { bitmap } = ditherer;
  /** The grey levels being dithered now, and the whole image while it decodes. */
  let current: GreyImage = first;
  let released = false;
  let finished = false;
  const release = () => {
    if (released) return;
    released = true;
    current.release();
    // Still decoding: its buffer is given back once it is done.
    void whole?.then((image) => image !== current && image.release(), () => undefined);
  };
  return {
    bitmap,
    totalBytes: escposRasterLength(bitmap.bytesPerRow, bitmap.height),
    async next() {
      if (finished) return null;
      if (released) throw new Error('the raster stream was released before its end');
      // The whole image starts decoding when the second slice is asked for, i.e. once the first one
      // is on its way to the printer: started earlier, it competed for the two cores with the
      // IndexedDB write that queues the job and with the first slice itself, which both come
      // before the first byte (measured, docs/printing-performance.md).
      if (ditherer.rowsAvailable < Math.min(bitmap.height, ditherer.rowsDone + MAX_RASTER_SLICE_ROWS)) {
        whole = timer.timeAsync('jpegDecode', () => decodeGrey(bytes, maxWidth));
        const image = await whole;
        // Released meanwhile: release() gives the buffer back once the decode is done.
        if (released) throw new Error('the raster stream was released before its end');
        if (image.width !== bitmap.width || image.height !== bitmap.height) {
          image.release();
          throw new ImageError(`the image decoded as ${image.width}x${image.height}, its top as ${bitmap.width} wide and its header ${bitmap.height} tall`);
        }
        ditherer.continueWith(image.grey, image.stride);
        current.release();
        current = image;
      }
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
