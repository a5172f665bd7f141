/** A 1-bit image as printers take it: 8 dots per byte, MSB = leftmost dot, bit 1 = dot printed, rows padded to whole bytes. */
export interface Bitmap {
  width: number;
  height: number;
  bytesPerRow: number;
  data: Uint8Array;
}

export function emptyBitmap(width: number, height: number): Bitmap {
  const bytesPerRow = (width + 7) >> 3;
  return { width, height, bytesPerRow, data: new Uint8Array(bytesPerRow * height) };
}

export function dotAt(bitmap: Bitmap, x: number, y: number): boolean {
  return (bitmap.data[y * bitmap.bytesPerRow + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
}
