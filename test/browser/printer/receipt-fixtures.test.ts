import { expect } from 'chai';
import { imageToBitmap, escposRaster, escposRasterStream, ditherToBitmap, bitmapToPng, type Bitmap } from '../../../workers/imaging/index.ts';
import { decodeGrey, decodeGreyTop, decodeImage } from '../../../workers/imaging/decode.ts';
import { decodeBase64Field, PayloadError } from '../../../workers/drivers/printer/payload.ts';

interface FixtureEntry { jpeg: string; width: number; height: number; reference_escpos: string; reference_bytes: number }

const GS_V_0 = [0x1d, 0x76, 0x30, 0x00];
const CUT = [0x1d, 0x56, 0x41, 0x0a];

/** Splits a `GS v 0` stream into its slices; throws on anything else. */
function slices(stream: Uint8Array) {
  const found: Array<{ offset: number; bytesPerRow: number; rows: number }> = [];
  let o = 0;
  while (o < stream.length - CUT.length) {
    expect([...stream.subarray(o, o + 4)], `GS v 0 header at ${o}`).to.deep.equal(GS_V_0);
    const bytesPerRow = stream[o + 4] | (stream[o + 5] << 8);
    const rows = stream[o + 6] | (stream[o + 7] << 8);
    found.push({ offset: o + 8, bytesPerRow, rows });
    o += 8 + bytesPerRow * rows;
  }
  expect(o).to.equal(stream.length - CUT.length);
  expect([...stream.subarray(o)]).to.deep.equal(CUT);
  return found;
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) n++;
  return n;
}

describe('receipt fixtures: the hub stream against the box stream', () => {
  it('is the box stream byte for byte, for every fixture', async () => {
    const index = (await (await fetch('/shared-fixtures/receipts/index.json')).json()) as FixtureEntry[];
    expect(index.length).to.be.greaterThan(0);
    for (const entry of index) {
      const jpeg = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.jpeg}`)).arrayBuffer());
      const reference = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.reference_escpos}`)).arrayBuffer());
      expect(reference.length).to.equal(entry.reference_bytes);
      const ours = escposRaster(await imageToBitmap(jpeg, 512));
      // Framing first: a wrong slice layout says more than the first differing byte.
      expect(slices(ours).map(({ bytesPerRow, rows }) => [bytesPerRow, rows]), entry.jpeg)
        .to.deep.equal(slices(reference).map(({ bytesPerRow, rows }) => [bytesPerRow, rows]));
      const firstDifference = ours.findIndex((byte, i) => byte !== reference[i]);
      expect(firstDifference, `${entry.jpeg}: first byte that differs from the box's stream`).to.equal(-1);
      expect(ours.length, entry.jpeg).to.equal(reference.length);
    }
  });
});

describe('receipt raster stream', () => {
  it('dithers a slice only when it is asked for, and its pieces join to the whole stream', async () => {
    const jpeg = new Uint8Array(await (await fetch('/shared-fixtures/receipts/receipt-s7-120items.jpg')).arrayBuffer());
    const whole = escposRaster(await imageToBitmap(jpeg, 512));
    const stream = await escposRasterStream(jpeg, 512);
    expect(stream.totalBytes).to.equal(whole.length);
    const first = (await stream.next())!;
    const { bytesPerRow, data } = stream.bitmap;
    expect(data.subarray(255 * bytesPerRow).some((b) => b !== 0), 'rows below the first slice are not dithered yet').to.equal(false);
    const pieces = [first];
    for (let piece = await stream.next(); piece; piece = await stream.next()) pieces.push(piece);
    expect(pieces.length).to.equal(Math.ceil(4790 / 255));
    const joined = new Uint8Array(whole.length);
    pieces.reduce((offset, piece) => (joined.set(piece, offset), offset + piece.length), 0);
    expect(joined.findIndex((byte, i) => byte !== whole[i])).to.equal(-1);
    expect(data.subarray(255 * bytesPerRow).some((b) => b !== 0), 'now they are').to.equal(true);
  });
});

describe('receipt raster stream, top decoded first', () => {
  async function streamed(jpeg: Uint8Array, maxWidth: number): Promise<Uint8Array> {
    const stream = await escposRasterStream(jpeg, maxWidth);
    const pieces: Uint8Array[] = [];
    for (let piece = await stream.next(); piece; piece = await stream.next()) pieces.push(piece);
    const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    pieces.reduce((offset, piece) => (joined.set(piece, offset), offset + piece.length), 0);
    return joined;
  }

  async function jpegOf(draw: (context: OffscreenCanvasRenderingContext2D) => void, width: number, height: number): Promise<Uint8Array> {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    draw(context);
    return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
  }

  it('is the box stream byte for byte when streamed, for every fixture, its top decoded on its own', async () => {
    const index = (await (await fetch('/shared-fixtures/receipts/index.json')).json()) as FixtureEntry[];
    for (const entry of index) {
      const jpeg = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.jpeg}`)).arrayBuffer());
      const reference = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.reference_escpos}`)).arrayBuffer());
      const top = await decodeGreyTop(jpeg, 255, 512);
      expect(top, `${entry.jpeg}: its top decodes on its own`).to.not.equal(null);
      const whole = await decodeGrey(jpeg, 512);
      for (let y = 0; y < 255; y++) {
        const a = top!.grey.subarray(y * top!.stride, y * top!.stride + entry.width);
        const b = whole.grey.subarray(y * whole.stride, y * whole.stride + entry.width);
        expect(a.findIndex((v, x) => v !== b[x]), `${entry.jpeg} row ${y}`).to.equal(-1);
      }
      top!.release();
      whole.release();
      const ours = await streamed(jpeg, 512);
      expect(ours.findIndex((byte, i) => byte !== reference[i]), `${entry.jpeg}: first byte that differs from the box's stream`).to.equal(-1);
      expect(ours.length, entry.jpeg).to.equal(reference.length);
    }
  });

  it('gives the dots of the whole decode when colour comes below the top (the rest through the canvas) or in it (no top decode)', async () => {
    const colour = (y: number) => (context: OffscreenCanvasRenderingContext2D) => {
      context.fillStyle = '#000';
      context.font = '28px sans-serif';
      for (let line = 40; line < 1200; line += 36) context.fillText(`Item ${line}  ....  12.50`, 10, line);
      const gradient = context.createLinearGradient(0, y, 512, y + 200);
      gradient.addColorStop(0, '#e53935');
      gradient.addColorStop(1, '#1e88e5');
      context.fillStyle = gradient;
      context.fillRect(0, y, 512, 200);
    };
    for (const [y, topDecodes] of [[700, true], [100, false], [250, false]] as const) {
      const jpeg = await jpegOf(colour(y), 512, 1200);
      const top = await decodeGreyTop(jpeg, 255, 512);
      expect(top !== null, `colour from row ${y}: top decoded on its own`).to.equal(topDecodes);
      top?.release();
      const rgba = await decodeImage(jpeg, 512);
      const expected = escposRaster(ditherToBitmap(rgba.rgba, rgba.width, rgba.height));
      const ours = await streamed(jpeg, 512);
      expect(ours.findIndex((byte, i) => byte !== expected[i]), `colour from row ${y}: first differing byte`).to.equal(-1);
      expect(ours.length).to.equal(expected.length);
    }
  });
});

describe('last print picture', () => {
  it('is the dots in black on white, pixel for pixel, rows not a whole number of bytes wide included', async () => {
    const bitmap = { width: 13, height: 3, bytesPerRow: 2, data: Uint8Array.of(0x80, 0x08, 0x00, 0x00, 0xff, 0xf8) };
    const picture = await createImageBitmap(await bitmapToPng(bitmap));
    const context = new OffscreenCanvas(13, 3).getContext('2d')!;
    context.drawImage(picture, 0, 0);
    const rgba = context.getImageData(0, 0, 13, 3).data;
    const dots = Array.from({ length: 39 }, (_, i) => (rgba[i * 4] === 0 ? 1 : 0));
    expect(dots).to.deep.equal([
      1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ]);
  });
});

describe('receipt decoding paths', () => {
  async function jpegOf(draw: (context: OffscreenCanvasRenderingContext2D) => void, width: number, height: number, type = 'image/jpeg'): Promise<Uint8Array> {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    draw(context);
    return new Uint8Array(await (await canvas.convertToBlob({ type, quality: 0.92 })).arrayBuffer());
  }

  function differingShare(a: Bitmap, b: Bitmap): number {
    expect([a.width, a.height]).to.deep.equal([b.width, b.height]);
    let differing = 0;
    for (let i = 0; i < a.data.length; i++) differing += popcount(a.data[i] ^ b.data[i]);
    return differing / (a.width * a.height);
  }

  it('gives the same dots from the JPEG Y plane (ImageDecoder) as through the canvas and Pillow luma, for every fixture', async () => {
    expect(typeof ImageDecoder, 'Chromium has WebCodecs ImageDecoder').to.equal('function');
    const index = (await (await fetch('/shared-fixtures/receipts/index.json')).json()) as FixtureEntry[];
    for (const entry of index) {
      const jpeg = new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${entry.jpeg}`)).arrayBuffer());
      const viaPlane = await imageToBitmap(jpeg, 512);
      const rgba = await decodeImage(jpeg, 512);
      expect(differingShare(viaPlane, ditherToBitmap(rgba.rgba, rgba.width, rgba.height)), entry.jpeg).to.equal(0);
    }
  });

  it('gives Pillow dots on a colour JPEG too (RGB→L through the canvas, not the Y plane)', async () => {
    const jpeg = await jpegOf((context) => {
      const gradient = context.createLinearGradient(0, 0, 512, 300);
      for (const [stop, colour] of [[0, '#e53935'], [0.3, '#43a047'], [0.6, '#1e88e5'], [1, '#fdd835']] as const) gradient.addColorStop(stop, colour);
      context.fillStyle = gradient;
      context.fillRect(0, 0, 512, 300);
      context.fillStyle = '#fff';
      context.font = 'bold 40px sans-serif';
      context.fillText('Logo & Co — 12.50 €', 20, 160);
    }, 512, 300);
    const viaPlane = await imageToBitmap(jpeg, 576);
    const rgba = await decodeImage(jpeg, 576);
    expect(differingShare(viaPlane, ditherToBitmap(rgba.rgba, rgba.width, rgba.height))).to.equal(0);
  });

  it('decodes PNGs (transparent parts are paper) and scales images wider than the printer', async () => {
    const png = await jpegOf((context) => {
      context.fillStyle = '#000';
      context.fillRect(0, 0, 8, 4);
    }, 16, 4, 'image/png');
    const bitmap = await imageToBitmap(png, 576);
    expect([bitmap.width, bitmap.height]).to.deep.equal([16, 4]);
    expect([...bitmap.data]).to.deep.equal([0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0]);
    const wide = await jpegOf((context) => {
      context.fillStyle = '#fff';
      context.fillRect(0, 0, 1024, 200);
    }, 1024, 200);
    const scaled = await imageToBitmap(wide, 576);
    expect([scaled.width, scaled.height]).to.deep.equal([576, 113]);
  });

  it('takes line-wrapped base64 and data URLs, and names the field of malformed base64', () => {
    expect([...decodeBase64Field({ receipt: 'AAEC\r\nAwQ=' }, 'receipt')]).to.deep.equal([0, 1, 2, 3, 4]);
    expect([...decodeBase64Field({ receipt: 'data:image/jpeg;base64,/9j/' }, 'receipt')]).to.deep.equal([0xff, 0xd8, 0xff]);
    expect(() => decodeBase64Field({ receipt: 'AA*B' }, 'receipt')).to.throw(PayloadError, '"receipt" is not valid base64');
    expect(() => decodeBase64Field({ receipt: ' \n' }, 'receipt')).to.throw(PayloadError, '"receipt" is empty');
    expect(() => decodeBase64Field({}, 'receipt')).to.throw(PayloadError, '"receipt" is missing');
  });
});
