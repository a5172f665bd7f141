// Runs in a dedicated worker, where the hub drives devices: Toledo read_once round trips, and
// HID POS scan-to-outbox latency through the IoT link's event path (device manager → action
// router → outbox append committed in IndexedDB).
import { VirtualSerialSource } from '../../workers/virtual/virtual-serial-port.ts';
import { VirtualToledoScale } from '../../workers/virtual/virtual-toledo.ts';
import { VirtualHidSource } from '../../workers/virtual/virtual-hid-device.ts';
import { VirtualHidScanner } from '../../workers/virtual/virtual-scanners.ts';
import { DeviceManager } from '../../workers/device-manager.ts';
import { serialScaleFactory } from '../../workers/drivers/scale/index.ts';
import { hidScannerFactory } from '../../workers/drivers/scanner/index.ts';
import { Logger } from '../../src/hub/logger.ts';
import { Activity } from '../../src/hub/activity.ts';
import { ActionRouter } from '../../src/hub/router.ts';
import { JobStore } from '../../src/hub/job-store.ts';
import { Outbox } from '../../src/hub/outbox.ts';
import { openHubDb } from '../../src/store/db.ts';

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

async function hidToOutbox() {
  const source = new VirtualHidSource();
  const scanner = new VirtualHidScanner();
  source.plug(scanner);
  const manager = new DeviceManager({ hid: source.asHid }, [hidScannerFactory], context());
  const db = await openHubDb(`bench-devices-${Math.random().toString(16).slice(2)}`);
  const log = new Logger();
  // Disabled: the messages stay in IndexedDB (no Odoo here); `append` resolves once written.
  const outbox = new Outbox(db, { send: async () => undefined, log: log.scope('outbox') });
  let written: (() => void) | null = null;
  const router = new ActionRouter({
    store: new JobStore(db), devices: manager, activity: new Activity(), log: log.scope('router'), hubIdentifier: () => 'bench',
    deliver: async (message, job, ttlMs) => {
      await outbox.append(message, ttlMs ? Date.now() + ttlMs : null, job ?? undefined);
      written?.();
    },
  });
  manager.onDeviceEvent((event) => void router.event(event));
  await manager.start();
  const latencies: number[] = [];
  for (let i = 0; i < 300; i++) {
    const done = new Promise<void>((resolve) => (written = resolve));
    const t0 = performance.now();
    scanner.scan(`59012341${String(i).padStart(5, '0')}`);
    await done;
    latencies.push(performance.now() - t0);
  }
  await manager.stop();
  db.close();
  return median(latencies);
}

self.onmessage = async () => {
  self.postMessage({ toledo: await toledo(), hid: await hidToOutbox() });
};
