// Runs in a dedicated worker, where the hub drives devices: the hub's own overhead on a Toledo
// read_once (device timing taken out), and
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

/**
 * The hub's path for device actions and events: router → job store → outbox append committed in
 * IndexedDB (disabled: no Odoo here; `append` resolves once written). `queued` hears each result.
 */
async function hubPipeline(manager: DeviceManager, name: string, queued: () => void) {
  const db = await openHubDb(`bench-${name}-${Math.random().toString(16).slice(2)}`);
  const log = new Logger();
  const outbox = new Outbox(db, { send: async () => undefined, log: log.scope('outbox') });
  const router = new ActionRouter({
    store: new JobStore(db), devices: manager, activity: new Activity(), log: log.scope('router'), hubIdentifier: () => 'bench',
    deliver: async (message, job, ttlMs) => {
      await outbox.append(message, ttlMs ? Date.now() + ttlMs : null, job ?? undefined);
      queued();
    },
  });
  return { router, close: () => db.close() };
}

/**
 * Toledo read_once through the hub, with the virtual scale's timing taken out: from the action
 * accepted to the request bytes reaching the port, plus from the last reply byte readable to the
 * result written in the outbox. Everything between (wire time, the scale's answer) is the device's.
 */
async function toledo() {
  const source = new VirtualSerialSource();
  const scale = new VirtualToledoScale();
  scale.weight = 1.234;
  source.plug(scale);
  const manager = new DeviceManager({ serial: source }, [serialScaleFactory], context());
  await manager.start();
  const device = manager.listing().devices[0].description.identifier;
  let firstWrite = 0;
  let lastReply = 0;
  scale.onWire = (event, at) => {
    if (event === 'host-wrote' && firstWrite === 0) firstWrite = at;
    if (event === 'device-sent') lastReply = at;
  };
  let resultQueued: () => void = () => undefined;
  const hub = await hubPipeline(manager, 'toledo', () => resultQueued());
  const overheads: number[] = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < 40; i++) {
    firstWrite = 0;
    const queued = new Promise<void>((resolve) => (resultQueued = resolve));
    const accepted = performance.now();
    await hub.router.accept({ via: 'bus', sessionId: 'bench', deviceIdentifiers: [device], action: 'read_once', actionUniqueId: `toledo-${i}`, data: { action: 'read_once' } });
    await queued;
    const done = performance.now();
    if (firstWrite === 0 || lastReply < firstWrite) throw new Error('the scale saw no request, or sent no reply after it');
    overheads.push(firstWrite - accepted + (done - lastReply));
    roundTrips.push(done - accepted);
  }
  await manager.stop();
  hub.close();
  return { overhead: median(overheads), roundTrip: median(roundTrips) };
}

async function hidToOutbox() {
  const source = new VirtualHidSource();
  const scanner = new VirtualHidScanner();
  source.plug(scanner);
  const manager = new DeviceManager({ hid: source.asHid }, [hidScannerFactory], context());
  let written: (() => void) | null = null;
  const hub = await hubPipeline(manager, 'hid', () => written?.());
  manager.onDeviceEvent((event) => void hub.router.event(event));
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
  hub.close();
  return median(latencies);
}

self.onmessage = async () => {
  self.postMessage({ toledo: await toledo(), hid: await hidToOutbox() });
};
