/**
 * The receipt imaging pipeline, loaded lazily by the printer driver (never part of the initial bundle):
 * encoded image → RGBA → 1-bit bitmap → printer stream, and bitmaps back to pictures for the homepage.
 */
import type { Bitmap } from './bitmap.ts';
import { decodeGrey } from './decode.ts';
import { ditherGrey } from './dither.ts';

export type { Bitmap } from './bitmap.ts';
export { ImageError, IMAGE_LIMITS, readImageHeader } from './decode.ts';
export { escposRaster, escposColumns, starRaster } from './raster-encoders.ts';
export { escposRasterStream } from './raster-stream.ts';
export { decodeGrey } from './decode.ts';
export { DEFAULT_COLUMN_OPTIONS, type ColumnOptions } from './column-options.ts';
export { ditherToBitmap, ditherGrey } from './dither.ts';

/** Decodes an image and turns it into printer dots as the box does, scaled down to `maxWidth` dots when wider. */
export async function imageToBitmap(bytes: Uint8Array, maxWidth = Infinity): Promise<Bitmap> {
  const image = await decodeGrey(bytes, maxWidth);
  try {
    return ditherGrey(image.grey, image.stride, image.width, image.height);
  } finally {
    image.release();
  }
}

/** The dots as a black-on-white PNG. */
export async function bitmapToPng(bitmap: Bitmap): Promise<Blob> {
  const canvas = new OffscreenCanvas(Math.max(1, bitmap.width), Math.max(1, bitmap.height));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas in this context');
  const image = context.createImageData(canvas.width, canvas.height);
  const pixels = new Uint32Array(image.data.buffer);
  pixels.fill(0xffffffff);
  const { width, height, bytesPerRow, data } = bitmap;
  const ink = 0xff000000; // opaque black in little-endian RGBA
  // Byte by byte, paper bytes skipped: a receipt is mostly paper, and this runs in the hub
  // worker after each print while the homepage is open (a 2.4 Mpx receipt pixel by pixel took ms).
  for (let y = 0; y < height; y++) {
    const row = y * bytesPerRow;
    for (let bx = 0; bx < bytesPerRow; bx++) {
      const byte = data[row + bx];
      if (byte === 0) continue;
      const x0 = bx << 3;
      const last = Math.min(8, width - x0);
      for (let bit = 0, p = y * width + x0; bit < last; bit++, p++) if (byte & (0x80 >> bit)) pixels[p] = ink;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}
export { renderTextLines, type TextLine } from './text.ts';
