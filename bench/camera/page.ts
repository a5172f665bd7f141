// Runs in Chromium, served by bench/groups/camera.ts through vite on loopback.
import { SCENE_CHANGES, SCENE_CODES, backgroundFrame, sceneFrame, scenes, type FrameSize } from '../../test/browser/devices/camera-scenes.ts';
import type { CandidateRates } from './rates-worker.ts';

/** Warm-up (the decoder loads), then the measured stretch. */
const WARM_UP_MS = 1000;
const MEASURE_MS = 3000;

function once<T>(worker: Worker, send: unknown, transfer: Transferable[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data as T);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(send, transfer);
  });
}

async function rates() {
  const worker = new Worker(new URL('./rates-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await once<{ scenes: number; results: Record<string, CandidateRates> }>(worker, 'run');
  } finally {
    worker.terminate();
  }
}

/** Frames per second through the camera device, frames offered as fast as it takes them. */
async function fps(size: FrameSize, withCode: boolean) {
  const frames = withCode
    ? scenes(SCENE_CODES, SCENE_CHANGES.filter((c) => c.kind === 'upright' || c.name === 'rot90'), [size]).map(sceneFrame)
    : [0, 1, 2, 3].map((i) => backgroundFrame(size, 7000 + i));
  const worker = new Worker(new URL('./fps-worker.ts', import.meta.url), { type: 'module' });
  try {
    let i = 0;
    const feed = async (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        const bitmap = await createImageBitmap(frames[i++ % frames.length]);
        await once(worker, bitmap, [bitmap]);
      }
    };
    await feed(WARM_UP_MS);
    await once(worker, 'mark');
    await feed(MEASURE_MS);
    return await once<{ fps: number; offered: number; cut: number; decoded: number; scans: number }>(worker, 'stop');
  } finally {
    worker.terminate();
  }
}

(window as unknown as { runBench: () => Promise<unknown> }).runBench = async () => ({
  native: 'BarcodeDetector' in self,
  fps: {
    vgaWith: await fps('640x480', true), vgaWithout: await fps('640x480', false),
    hdWith: await fps('1280x720', true), hdWithout: await fps('1280x720', false),
  },
  rates: await rates(),
});
