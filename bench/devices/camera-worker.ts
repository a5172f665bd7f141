// Decodes frames in a dedicated worker, as the hub does, and reports frames per second.
import { BarcodeDecoder } from '../../workers/drivers/camera/barcode-decoder.ts';

self.onmessage = async (event: MessageEvent<{ frames: ArrayBuffer[]; width: number; height: number; seconds: number }>) => {
  const { frames, width, height, seconds } = event.data;
  const decoder = new BarcodeDecoder();
  await decoder.load();
  const views = frames.map((b) => new Uint8ClampedArray(b));
  decoder.decode(views[0], width, height); // warm-up
  let count = 0;
  let decoded = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    if (decoder.decode(views[count % views.length], width, height) !== null) decoded++;
    count++;
  }
  self.postMessage({ fps: (count * 1000) / (performance.now() - start), decoded });
};
