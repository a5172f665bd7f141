import { expect } from 'chai';
import { openHubDb, type HubDb } from '../../../src/store/db.ts';
import { JobStore, REPRINTABLE_JOBS_KEPT } from '../../../src/hub/job-store.ts';
import { ActionRouter, HELD_MESSAGE, INTERRUPTED_MESSAGE } from '../../../src/hub/router.ts';
import { LIVE_ACTION_MAX_WAIT_MS } from '../../../src/hub/queue-policy.ts';
import { Activity } from '../../../src/hub/activity.ts';
import { Logger } from '../../../src/hub/logger.ts';
import type { ActionOutcome, ActionRequest, Device, DeviceEvent } from '../../../src/hub/devices.ts';
import type { IotAction } from '../../../src/odoo/iot/messages.ts';
import type { ResultMessage } from '../../../src/odoo/iot/results.ts';
import type { JobRecord } from '../../../src/store/schema.ts';
import { VirtualPrinter, VirtualUsb } from '../../../workers/virtual/virtual-printer.ts';
import { usbPrinterFactory } from '../../../workers/drivers/printer/factory.ts';

const log = new Logger().scope('test');
const PRINTER = 'usb_04b8:0202_Q1';

/** A printer that records what reached it, in order (`data.n`), and opens its drawer on `cashbox`. */
class RecordingPrinter implements Device {
  readonly description = { identifier: PRINTER, name: 'Recording printer', type: 'printer' as const, manufacturer: 'Test', connection: 'direct' as const, subtype: 'receipt_printer' };
  readonly printed: number[] = [];
  drawerOpenings = 0;
  delayMs = 0;
  async run(request: ActionRequest, signal: AbortSignal): Promise<ActionOutcome> {
    signal.throwIfAborted();
    if (this.delayMs) await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, this.delayMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
    if (request.action === 'cashbox') {
      this.drawerOpenings++;
      return { status: 'success', result: true };
    }
    this.printed.push(Number(request.data.n));
    return { status: 'success' };
  }
  onEvent(_listener: (event: DeviceEvent) => void): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

let dbs: HubDb[] = [];
async function until(check: () => boolean, ms = 3_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const receipt = (n: number, extra: Record<string, unknown> = {}): IotAction => ({
  via: 'bus', sessionId: `s${n}`, deviceIdentifiers: [PRINTER], action: 'print_receipt', actionUniqueId: `r${n}-${crypto.randomUUID()}`,
  data: { action: 'print_receipt', receipt: `${'x'.repeat(2_000)}${n}`, n, ...extra },
});
const drawer = (): IotAction => ({ via: 'bus', sessionId: 'drawer', deviceIdentifiers: [PRINTER], action: 'cashbox', actionUniqueId: crypto.randomUUID(), data: { action: 'cashbox' } });

async function rig(options: { holdMs?: number; present?: boolean; db?: HubDb } = {}) {
  const db = options.db ?? (await openHubDb(`iot-policy-${crypto.randomUUID()}`));
  if (!options.db) dbs.push(db);
  const printer = new RecordingPrinter();
  let present = options.present ?? true;
  const delivered: ResultMessage[] = [];
  const store = new JobStore(db);
  await store.load();
  const router = new ActionRouter({
    store, activity: new Activity(), log, hubIdentifier: () => 'hub0000000000001',
    devices: { get: (id) => (present && id === PRINTER ? printer : undefined) },
    knownDevice: (id) => id === PRINTER,
    holdMs: () => options.holdMs ?? 60_000,
    deliver: async (message, job) => {
      delivered.push(message);
      if (job) await db.put('jobs', job);
    },
  });
  return {
    db, store, router, printer, delivered,
    unplug() { present = false; router.devicesChanged(); },
    plug() { present = true; router.devicesChanged(); },
    finalOf: (session: string) => delivered.filter((m) => m.session_id === session && m.message !== HELD_MESSAGE),
  };
}

describe('queue policies (IndexedDB)', () => {
  afterEach(() => {
    for (const db of dbs) {
      db.close();
      indexedDB.deleteDatabase(db.name);
    }
    dbs = [];
  });

  it('holds receipts for an unplugged printer, says so, and prints them in order once when it returns', async () => {
    const r = await rig({ present: false });
    for (let n = 0; n < 20; n++) await r.router.accept(receipt(n));
    const held = r.delivered.filter((m) => m.message === HELD_MESSAGE);
    expect(held).to.have.length(20);
    expect(held[0]).to.include({ status: 'warning' });
    expect(String(held[0].result)).to.match(/printer is offline: the job is held/);
    expect(r.router.jobs().filter((j) => j.state === 'held')).to.have.length(20);
    r.plug();
    await until(() => r.printer.printed.length === 20);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.printer.printed).to.deep.equal([...Array(20).keys()]);
    expect(r.delivered.filter((m) => m.status === 'success')).to.have.length(20);
  });

  it('prints a receipt sent again while its twin is held only once, and says why', async () => {
    const r = await rig({ present: false });
    await r.router.accept(receipt(1));
    const again = { ...receipt(1), sessionId: 's1-again' };
    await r.router.accept(again);
    await r.router.accept(receipt(2));
    const answer = r.delivered.filter((m) => m.session_id === 's1-again');
    expect(answer).to.have.length(1);
    expect(answer[0]).to.include({ status: 'warning', message: HELD_MESSAGE });
    expect(String(answer[0].result)).to.match(/the same receipt is already waiting for it: it prints once/);
    r.plug();
    await until(() => r.printer.printed.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.printer.printed).to.deep.equal([1, 2]);
  });

  it('fails held receipts with a clear result once the hold time is over', async () => {
    const r = await rig({ present: false, holdMs: 200 });
    await r.router.accept(receipt(1));
    await until(() => r.finalOf('s1').length === 1);
    expect(r.finalOf('s1')[0]).to.include({ status: 'error', message: 'ERROR_OFFLINE' });
    expect(String(r.finalOf('s1')[0].result)).to.match(/stayed offline for 0.2 s: not printed/);
    r.plug();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.printer.printed).to.deep.equal([]);
  });

  it('never opens a drawer later: refused at once while the printer is away, not run when it returns', async () => {
    const r = await rig({ present: false });
    await r.router.accept(receipt(1));
    await r.router.accept(drawer());
    const answer = r.finalOf('drawer');
    expect(answer).to.have.length(1, 'answered at once');
    expect(answer[0]).to.include({ status: 'error', message: 'ERROR_OFFLINE' });
    expect(String(answer[0].result)).to.match(/drawer was not opened/);
    r.plug();
    await until(() => r.printer.printed.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.printer.drawerOpenings).to.equal(0);
  });

  it('does not open a drawer that waited longer than the live limit (after a restart)', async () => {
    const db = await openHubDb(`iot-policy-${crypto.randomUUID()}`);
    dbs.push(db);
    const old = Date.now() - LIVE_ACTION_MAX_WAIT_MS - 1_000;
    await db.put('jobs', { id: 'd@' + PRINTER, actionUniqueId: 'd', deviceIdentifier: PRINTER, action: 'cashbox', data: {}, sessionId: 'drawer', state: 'queued', createdAt: old, updatedAt: old });
    const r = await rig({ db });
    await r.router.resume();
    await until(() => r.finalOf('drawer').length === 1);
    expect(String(r.finalOf('drawer')[0].result)).to.match(/never done late/);
    expect(r.printer.drawerOpenings).to.equal(0);
  });

  it('a job running when the hub stopped is "may have printed": Discard or Reprint, never repeated by itself', async () => {
    const db = await openHubDb(`iot-policy-${crypto.randomUUID()}`);
    dbs.push(db);
    const job = (id: string, n: number): JobRecord => ({ id: `${id}@${PRINTER}`, actionUniqueId: id, deviceIdentifier: PRINTER, action: 'print_receipt', data: { receipt: 'y'.repeat(2_000), n }, sessionId: id, state: 'running', createdAt: n, updatedAt: n });
    await db.put('jobs', job('a', 1));
    await db.put('jobs', job('b', 2));
    const r = await rig({ db });
    await r.router.resume();
    expect(r.finalOf('a')[0]).to.include({ status: 'error', result: INTERRUPTED_MESSAGE });
    expect(r.router.jobs().filter((j) => j.state === 'uncertain').map((j) => j.id)).to.have.members([`a@${PRINTER}`, `b@${PRINTER}`]);
    expect(r.printer.printed).to.deep.equal([]);
    expect(await r.router.discard(`a@${PRINTER}`)).to.equal(true);
    expect((await db.get('jobs', `a@${PRINTER}`))?.state).to.equal('cancelled');
    const again = await r.router.repeat(`b@${PRINTER}`);
    expect(again.ok).to.equal(true);
    await until(() => r.printer.printed.length === 1);
    expect(r.printer.printed).to.deep.equal([2]);
    expect(r.router.jobs().find((j) => j.repeatOf === `b@${PRINTER}`)?.state).to.equal('done');
  });

  it('cancels a held job and a running one; retries a failed one', async () => {
    const r = await rig({ present: false, holdMs: 150 });
    await r.router.accept(receipt(1));
    await r.router.accept(receipt(2));
    const [first] = r.router.jobs();
    expect(await r.router.cancel(first.id)).to.equal(true);
    await until(() => r.finalOf('s2').length === 1);
    expect(r.finalOf('s1')[0]).to.include({ status: 'error', result: 'cancelled on the hub' });
    const failed = r.router.jobs().find((j) => j.sessionId === 's2')!;
    expect(failed.state).to.equal('failed');
    r.plug();
    r.printer.delayMs = 2_000;
    expect((await r.router.repeat(failed.id)).ok).to.equal(true);
    await until(() => r.router.jobs().some((j) => j.repeatOf === failed.id && j.state === 'running'));
    const running = r.router.jobs().find((j) => j.repeatOf === failed.id)!;
    expect(await r.router.cancel(running.id)).to.equal(true);
    await until(() => r.router.jobs().find((j) => j.id === running.id)?.state === 'cancelled');
    expect(r.printer.printed).to.deep.equal([]);
  });

  it('keeps the receipts of the newest finished jobs only; older ones cannot be repeated', async () => {
    const r = await rig();
    const n = REPRINTABLE_JOBS_KEPT + 5;
    for (let i = 0; i < n; i++) await r.router.accept(receipt(i));
    await until(() => r.printer.printed.length === n);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const all = await r.db.getAll('jobs');
    const withPayload = all.filter((j) => typeof (j.data as { receipt?: unknown }).receipt === 'string');
    expect(withPayload).to.have.length(REPRINTABLE_JOBS_KEPT);
    expect(all.filter((j) => j.trimmed)).to.have.length(5);
    expect(all.every((j) => typeof (j.data as { n?: unknown }).n === 'number'), 'what the queue shows stays').to.equal(true);
  });

  it('reports progress from the USB transport through the printer driver', async () => {
    const usb = new VirtualUsb();
    const handle = new VirtualPrinter({ serialNumber: 'PROG1' });
    usb.grant(handle);
    usb.plug(handle);
    const device = await usbPrinterFactory.open(handle, { log, settingsFor: () => ({}), ordinal: () => 1 });
    expect(device).to.not.equal(null);
    // A tall receipt: its raster is several 16 KiB chunks.
    const canvas = new OffscreenCanvas(576, 2_000);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 576, 2_000);
    context.fillStyle = '#000';
    for (let y = 0; y < 2_000; y += 40) context.fillRect(0, y, 576, 10);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    const steps: number[] = [];
    const outcome = await device!.run({ action: 'print_receipt', data: { receipt: btoa(binary) }, sessionId: 's', actionUniqueId: null, onProgress: (sent, total) => steps.push(sent / total) }, new AbortController().signal);
    expect(outcome.status).to.equal('success');
    expect(steps.length).to.be.greaterThan(3);
    expect(steps.at(-1)).to.equal(1);
    expect([...steps].sort((a, b) => a - b)).to.deep.equal(steps);
    expect(handle.cuts).to.equal(1);
    await device!.close();
  });
});
