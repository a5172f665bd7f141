import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GreyDitherer, ditherGrey } from '../../../workers/imaging/dither.ts';
import { escposRaster, escposRasterSlice, ESCPOS_CUT } from '../../../workers/imaging/raster-encoders.ts';

/** Grey planes like receipts: mostly white, runs of black, antialiased edges, noise. */
const planes = fc.record({
  width: fc.integer({ min: 1, max: 70 }),
  height: fc.integer({ min: 1, max: 12 }),
  pad: fc.integer({ min: 0, max: 9 }),
  seed: fc.integer(),
}).map(({ width, height, pad, seed }) => {
  const stride = width + pad;
  const grey = new Uint8Array(stride * height);
  let s = seed | 1;
  for (let i = 0; i < grey.length; i++) {
    s = (s * 1103515245 + 12345) | 0;
    const r = (s >>> 16) & 0xff;
    grey[i] = r < 150 ? 255 : r < 190 ? 0 : r;
  }
  return { width, height, stride, grey };
});

test('dithered band by band, any band height, the dots are those of the image dithered at once', () => {
  fc.assert(fc.property(planes, fc.integer({ min: 1, max: 5 }), ({ width, height, stride, grey }, band) => {
    const whole = ditherGrey(grey, stride, width, height);
    const bands = new GreyDitherer(grey, stride, width, height);
    while (bands.rowsDone < height) {
      const done = bands.next(band);
      assert.deepEqual(bands.bitmap.data.subarray(0, done * whole.bytesPerRow), whole.data.subarray(0, done * whole.bytesPerRow));
    }
    assert.deepEqual(bands.bitmap, whole);
    assert.equal(bands.next(band), height, 'nothing more once done');
  }), { numRuns: 2000 });
});

test('a raster streamed slice by slice is the whole stream byte for byte', () => {
  const width = 37;
  const height = 700; // two full slices of 255 rows and one of 190
  const grey = Uint8Array.from({ length: width * height }, (_, i) => ((i * 2654435761) >>> 24) | (i % 5 === 0 ? 0 : 0x80));
  const whole = escposRaster(ditherGrey(grey, width, width, height));
  const ditherer = new GreyDitherer(grey, width, width, height);
  const pieces: number[] = [];
  while (ditherer.rowsDone < height) {
    const from = ditherer.rowsDone;
    const to = ditherer.next(255);
    pieces.push(...escposRasterSlice(ditherer.bitmap, from, to - from, to === height ? ESCPOS_CUT : undefined));
  }
  assert.deepEqual(Uint8Array.from(pieces), whole);
  assert.throws(() => escposRasterSlice(ditherer.bitmap, 0, 256), /no slice of 256 rows/);
});
