import { expect } from 'chai';
import { PrinterDevice } from '../../../workers/drivers/printer/printer-device.ts';
import { identifyPrinter } from '../../../workers/drivers/printer/identify.ts';
import { usbLink } from '../../../workers/drivers/printer/printer-link.ts';
import { UsbPrinterChannel } from '../../../workers/transports/usb.ts';
import { VirtualPrinter } from '../../../workers/virtual/virtual-printer.ts';
import { Logger } from '../../../src/hub/logger.ts';
import type { ActionOutcome, DeviceEvent } from '../../../src/hub/devices.ts';

const log = new Logger().scope('test');
const POLL_MS = 40;

async function printerWithPolling(options: ConstructorParameters<typeof VirtualPrinter>[0] = {}, pollMs = POLL_MS) {
  const printer = new VirtualPrinter(options);
  const channel = await UsbPrinterChannel.open(printer);
  const profile = identifyPrinter({ deviceId: await channel.deviceId() }, {})!;
  const device = new PrinterDevice({
    description: { identifier: 'usb_04b8:0202', name: 'TM-T20III', type: 'printer', manufacturer: 'EPSON', connection: 'direct', subtype: 'receipt_printer' },
    profile, link: usbLink(channel), log, statusPollMs: pollMs,
  });
  const events: DeviceEvent[] = [];
  device.onEvent((event) => events.push(event));
  return { printer, device, events };
}

function statusQueries(printer: VirtualPrinter): number {
  let n = 0;
  for (let i = 0; i + 2 < printer.received.length; i++) if (printer.received[i] === 0x10 && printer.received[i + 1] === 0x04) n++;
  return n;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(5);
  }
}

function run(device: PrinterDevice, action: string, data: Record<string, unknown> = {}): Promise<ActionOutcome> {
  return device.run({ action, data, sessionId: 's', actionUniqueId: null }, new AbortController().signal);
}

describe('printer status while idle (DLE EOT polling)', () => {
  it('sends nothing while all is well, then one event per change: paper low, paper out, cover, drawer, back to normal', async () => {
    const { printer, device, events } = await printerWithPolling();
    await until(() => statusQueries(printer) >= 6);
    expect(events, 'a healthy printer sends no event').to.deep.equal([]);

    const changes: Array<[() => void, Partial<ActionOutcome>]> = [
      [() => (printer.paperLow = true), { status: 'warning', message: 'WARNING_LOW_PAPER' }],
      [() => (printer.paperOut = true), { status: 'error', message: 'ERROR_NO_PAPER' }],
      [() => { printer.paperOut = false; printer.paperLow = false; printer.coverOpen = true; }, { status: 'error', message: 'ERROR_OFFLINE' }],
      [() => (printer.coverOpen = false), { status: 'success' }],
      [() => (printer.drawerOpen = true), { status: 'success' }],
    ];
    for (const [change, expected] of changes) {
      const before = events.length;
      change();
      await until(() => events.length > before);
      // A few more polls: the same status is not sent again.
      const queries = statusQueries(printer);
      await until(() => statusQueries(printer) >= queries + 6);
      expect(events.length, JSON.stringify(expected)).to.equal(before + 1);
      expect(events.at(-1)!.outcome).to.include(expected);
    }
    expect((events.at(-1)!.outcome.result as { drawerOpen: boolean }).drawerOpen).to.equal(true);
    await device.close();
  });

  it('is bounded: three one-byte queries per period, none after close', async () => {
    const { printer, device } = await printerWithPolling();
    await sleep(POLL_MS * 10);
    const queries = statusQueries(printer);
    // 3 queries per poll, at most one poll per period (plus the first one).
    expect(queries).to.be.within(3, 3 * 11);
    await device.close();
    const after = printer.received.length;
    await sleep(POLL_MS * 4);
    expect(printer.received.length).to.equal(after);
  });

  it('never polls during a job and gives each action exactly one answer (its result, no event)', async () => {
    const { printer, device, events } = await printerWithPolling({}, 5);
    await until(() => statusQueries(printer) >= 3);
    const jpeg = new Uint8Array(await (await fetch('/shared-fixtures/receipts/receipt-s7-120items.jpg')).arrayBuffer());
    let binary = '';
    for (let i = 0; i < jpeg.length; i += 0x8000) binary += String.fromCharCode(...jpeg.subarray(i, i + 0x8000));
    const before = statusQueries(printer);
    const started = performance.now();
    const outcome = await run(device, 'print_receipt', { receipt: btoa(binary) });
    const took = performance.now() - started;
    expect(outcome).to.deep.equal({ status: 'success' });
    // The job's own 3 queries before and 3 after, plus at most one poll already under way.
    expect(took, 'the job lasts many poll periods').to.be.above(25);
    expect(statusQueries(printer) - before).to.be.within(6, 9);
    expect(printer.pages).to.have.length(1);
    expect((await run(device, 'cashbox')).status).to.equal('success');
    await until(() => events.length > 0);
    await sleep(50);
    expect(events, 'no event for the jobs; the drawer the kick opened is a status change').to.have.length(1);
    expect(events[0].outcome).to.include({ status: 'success' });
    expect((events[0].outcome.result as { drawerOpen: boolean }).drawerOpen).to.equal(true);
    await device.close();
  });

  it('a status answer that came late is dropped, never taken as the answer to the next query', async () => {
    // Drawer open: DLE EOT 1 answers 0x16; shifted onto DLE EOT 2, that byte reads "cover open" (a false ERROR_OFFLINE).
    const { printer, device, events } = await printerWithPolling();
    printer.drawerOpen = true;
    printer.answerLateOnceMs = 450;
    await until(() => printer.answerLateOnceMs === null);
    const queriesAtLate = statusQueries(printer);
    await until(() => statusQueries(printer) >= queriesAtLate + 9, 4000);
    expect(events.filter((e) => e.outcome.status === 'error'), 'no error from a shifted reply').to.deep.equal([]);
    const outcome = await run(device, 'cashbox');
    expect(outcome, 'a job after the late answer reads the true status').to.deep.equal({ status: 'success', result: true });
    await device.close();
  });
});
