// Runs in a dedicated worker in Chromium: each receipt from base64 JPEG to ESC/POS bytes, with
// the hub's pipeline and, side by side on the same image, receipt-printer-encoder's image().
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { imageToBitmap, escposRaster } from '../../workers/imaging/index.ts';
import { decodeBase64Field } from '../../workers/drivers/printer/payload.ts';

const WARMUP = 3;
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function hub(base64: string): Promise<number> {
  const bytes = decodeBase64Field({ receipt: base64 }, 'receipt');
  return escposRaster(await imageToBitmap(bytes, 576)).length;
}

async function encoder(base64: string): Promise<number> {
  const bytes = decodeBase64Field({ receipt: base64 }, 'receipt');
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const encoded = new ReceiptPrinterEncoder({ language: 'esc-pos', imageMode: 'raster' })
    .image(image as never, canvas.width, canvas.height, 'floydsteinberg')
    .cut()
    .encode();
  return encoded.length;
}

async function time(fn: () => Promise<number>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
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
      results.push({ name, hubMs: median(ours), encoderMs: median(anchor) });
    }
    self.postMessage({ results });
  } catch (error) {
    self.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
};
