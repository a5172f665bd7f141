// Runs in Chromium, served by bench/groups/devices.ts through vite on loopback.
import { VirtualSerialSource } from '../../workers/virtual/virtual-serial-port.ts';
import { VirtualToledoScale } from '../../workers/virtual/virtual-toledo.ts';
import { VirtualHidSource } from '../../workers/virtual/virtual-hid-device.ts';
import { VirtualHidScanner } from '../../workers/virtual/virtual-scanners.ts';
import { VirtualCamera, FRAME_HEIGHT, FRAME_WIDTH } from '../../workers/virtual/virtual-camera.ts';
import { DeviceManager } from '../../workers/device-manager.ts';
import { serialScaleFactory } from '../../workers/drivers/scale/index.ts';
import { hidScannerFactory } from '../../workers/drivers/scanner/index.ts';
import { Logger } from '../../src/hub/logger.ts';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
const context = () => ({ log: new Logger().scope('bench'), settingsFor: () => ({}), ordinal: () => 1 });
const signal = new AbortController().signal;
const request = (action: string) => ({ action, data: {}, sessionId: 'bench', actionUniqueId: null });

async function toledo() {
  const source = new VirtualSerialSource();
  const scale = new VirtualToledoScale();
  scale.weight = 1.234;
  source.plug(scale);
  const manager = new DeviceManager({ serial: source }, [serialScaleFactory], context());
  await manager.start();
  const device = manager.listing().devices[0];
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    await device.run(request('read_once'), signal);
    times.push(performance.now() - t0);
  }
  // `W` out, then STX + 7 digits + CR back, at 9600 baud 7E1.
  const wire = (1 + 9) * scale.byteTimeMs;
  await manager.stop();
  return { roundTrip: median(times), wire };
}

async function hidLatency() {
  const source = new VirtualHidSource();
  const scanner = new VirtualHidScanner();
  source.plug(scanner);
  const manager = new DeviceManager({ hid: source.asHid }, [hidScannerFactory], context());
  let received = 0;
  manager.onDeviceEvent(() => {
    received = performance.now();
  });
  await manager.start();
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    scanner.scan(`59012341${String(i).padStart(5, '0')}`);
    latencies.push(received - t0);
    await new Promise((r) => setTimeout(r, 0));
  }
  await manager.stop();
  return median(latencies);
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
  toledo: await toledo(),
  hid: await hidLatency(),
  fpsWith: await cameraFps(true),
  fpsWithout: await cameraFps(false),
});
