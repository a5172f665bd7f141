// Runs in Chromium, served by bench/groups/devices.ts through vite on loopback.
import { VirtualCamera, FRAME_HEIGHT, FRAME_WIDTH } from '../../workers/virtual/virtual-camera.ts';

/** Scale and scanner figures come from a worker, as the hub runs its drivers. */
async function inWorker(): Promise<{ toledo: { overhead: number; roundTrip: number }; hid: number }> {
  const worker = new Worker(new URL('./devices-worker.ts', import.meta.url), { type: 'module' });
  const result = await new Promise<{ toledo: { overhead: number; roundTrip: number }; hid: number }>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage('run');
  });
  worker.terminate();
  return result;
}

async function cameraFps(withCode: boolean): Promise<number> {
  const camera = new VirtualCamera(5);
  const files = ['ean13-5901234123457.png', 'upca-036000291452.png', 'code128-POS_ORDER_000117.png', 'qrcode-https___example_com_pos_.png'];
  const frames: ImageData[] = [];
  for (let i = 0; i < 8; i++) {
    const code = withCode ? await createImageBitmap(await (await fetch(`/shared-fixtures/barcodes/${files[i % files.length]}`)).blob()) : null;
    frames.push(camera.frame(code));
  }
  const worker = new Worker(new URL('./camera-worker.ts', import.meta.url), { type: 'module' });
  const result = await new Promise<{ fps: number; decoded: number }>((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage({ frames: frames.map((f) => f.data.buffer), width: FRAME_WIDTH, height: FRAME_HEIGHT, seconds: 3 });
  });
  worker.terminate();
  if (withCode && result.decoded === 0) throw new Error('no code decoded in frames with a code');
  return result.fps;
}

(window as unknown as { runBench: () => Promise<unknown> }).runBench = async () => ({
  ...(await inWorker()),
  fpsWith: await cameraFps(true),
  fpsWithout: await cameraFps(false),
});
