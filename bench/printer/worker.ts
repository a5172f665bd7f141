// Runs in a dedicated worker in Chromium: each receipt from base64 JPEG to ESC/POS bytes, with
// the hub's pipeline and, side by side on the same image, receipt-printer-encoder's image().
// Both sides start from the same base64 string and decode it with the same function; each then
// decodes the JPEG the way it needs it (the encoder takes canvas ImageData, as its docs show).
// A second pass times each stage on its own, for the profile the group prints.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { imageToBitmap, escposRaster, ditherGrey } from '../../workers/imaging/index.ts';
import { decodeBase64Field } from '../../workers/drivers/printer/payload.ts';

const WARMUP = 5;
const RUNS = 31;
const STAGE_RUNS = 15;

export type Stages = Record<string, number>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function hub(base64: string): Promise<number> {
  const bytes = decodeBase64Field({ receipt: base64 }, 'receipt');
  return escposRaster(await imageToBitmap(bytes, 576)).length;
}

async function canvasPixels(bytes: Uint8Array): Promise<ImageData> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

function encode(image: ImageData): Uint8Array {
  return new ReceiptPrinterEncoder({ language: 'esc-pos', imageMode: 'raster' })
    .image(image as never, image.width, image.height, 'floydsteinberg')
    .cut()
    .encode();
}

async function encoder(base64: string): Promise<number> {
  const bytes = decodeBase64Field({ receipt: base64 }, 'receipt');
  return encode(await canvasPixels(bytes)).length;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The same steps as the two pipelines, one stage at a time (performance.now() is 0.1 ms coarse here). */
async function profile(base64: string): Promise<{ hub: Stages; encoder: Stages }> {
  const spans: Record<string, number[]> = {};
  const span = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const value = await fn();
    (spans[name] ??= []).push(performance.now() - start);
    return value;
  };
  let planes = new Uint8Array(0);
  for (let i = 0; i < STAGE_RUNS; i++) {
    const bytes = await span('hub base64', () => decodeBase64Field({ receipt: base64 }, 'receipt'));
    const decoder = new ImageDecoder({ data: bytes as Uint8Array<ArrayBuffer>, type: 'image/jpeg', colorSpaceConversion: 'none' });
    const frame = await span('hub decode (ImageDecoder)', async () => (await decoder.decode()).image);
    const { codedWidth: width, codedHeight: height } = frame;
    if (planes.length < frame.allocationSize()) planes = new Uint8Array(frame.allocationSize());
    const [luma] = await span('hub Y plane readback (copyTo)', () => frame.copyTo(planes));
    frame.close();
    decoder.close();
    const bitmap = await span('hub grey+dither+pack', () => ditherGrey(planes.subarray(luma.offset), luma.stride, width, height));
    await span('hub GS v 0 framing', () => escposRaster(bitmap));

    const again = await span('encoder base64', () => decodeBase64Field({ receipt: base64 }, 'receipt'));
    const bitmapImage = await span('encoder decode (createImageBitmap)', () => createImageBitmap(new Blob([again as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })));
    const image = await span('encoder readback (drawImage+getImageData)', () => {
      const context = new OffscreenCanvas(bitmapImage.width, bitmapImage.height).getContext('2d', { willReadFrequently: true })!;
      context.drawImage(bitmapImage, 0, 0);
      return context.getImageData(0, 0, bitmapImage.width, bitmapImage.height);
    });
    bitmapImage.close();
    await span('encoder image() floydsteinberg + encode', () => encode(image));
  }
  const pick = (prefix: string) => Object.fromEntries(Object.entries(spans).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), median(v)]));
  return { hub: pick('hub '), encoder: pick('encoder ') };
}

self.onmessage = async (event: MessageEvent<{ fixtures: Array<{ name: string; url: string }> }>) => {
  try {
    const results = [];
    for (const { name, url } of event.data.fixtures) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      const base64 = btoa(binary);
      for (let i = 0; i < WARMUP; i++) {
        await hub(base64);
        await encoder(base64);
      }
      const ours: number[] = [];
      const anchor: number[] = [];
      // Interleaved so both see the same machine state.
      for (let i = 0; i < RUNS; i++) {
        ours.push(await time(() => hub(base64)));
        anchor.push(await time(() => encoder(base64)));
      }
      // Against Pillow (its own process) the hub is timed in a loop of its own too: interleaved
      // with the encoder, the hub's runs also pay for the encoder's garbage (about 7 ms a run on
      // the 120-item receipt).
      const alone: number[] = [];
      for (let i = 0; i < RUNS; i++) alone.push(await time(() => hub(base64)));
      results.push({ name, hubMs: median(ours), hubAloneMs: median(alone), encoderMs: median(anchor), stages: await profile(base64) });
    }
    self.postMessage({ results });
  } catch (error) {
    self.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
};
