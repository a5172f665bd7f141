// Group `netprint`: a receipt to a network printer through the local server's printer link,
// against the same receipt to the virtual USB printer in the same hub, same run, interleaved;
// and a 2-page PDF report to an office printer (a CUPS queue) through the local server, against
// `lp` handing the same file to the same CUPS. Everything on loopback: the virtual network
// printer on 127.0.0.1, a CUPS scheduler of the bench's own (test/support/cups-server.ts).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page, Worker } from 'playwright-core';
import { median, type Figure } from '../figures.ts';
import { launchChromium } from '../../test/support/chrome-session.ts';
import { link, openHub, openPos, startIotRig, waitLink, type PosResult } from '../../test/support/iot-e2e.ts';
import { buildFaultHub, hubWorker, pairByToken } from '../../test/support/iot-faults.ts';
import { pdfPageCount, reportPdf, startCups } from '../../test/support/cups-server.ts';
import { VirtualNetworkPrinter } from '../../server/printers/virtual-network-printer.ts';
import { boxPrinterIdentifier, socketUri } from '../../src/hub/network-printers.ts';
import type { FaultKitControl } from '../../test/fakes/iot/fault-kit.ts';

const RECEIPT = fileURLToPath(new URL('../../../shared/fixtures/receipts/receipt-s7-30items.jpg', import.meta.url));
const USB_PRINTER = 'usb_04b8:0202_FAULT1';
const OFFICE_QUEUE = 'Bench_Office';
const WARM_UP = 2;
const SAMPLES = 12;
const OFFICE_SAMPLES = 8;
/** After a job the driver reads the status once (250 ms), then every 3 s: a sample starts in between, on a quiet line. */
const QUIET_MS = 600;
/** A TM-T20III's pace, on both printers. */
const PRINTER_BYTES_PER_SECOND = 115_000;

const now = () => performance.timeOrigin + performance.now();

/** Sends one action from the POS page; resolves with its result and the wall-clock time it was sent. */
function send(pos: Page, args: { box: string; device: string; data: Record<string, unknown> }): Promise<{ sentAt: number; result: PosResult }> {
  return pos.evaluate(async (a) => {
    const sim = (window as unknown as { posSim: { action(x: unknown): Promise<PosResult> } }).posSim;
    const sentAt = performance.timeOrigin + performance.now();
    const result = await sim.action({ ...a, via: 'bus', timeoutMs: 60_000 });
    return { sentAt, result };
  }, args);
}

async function usbFirstByte(worker: Worker, pos: Page, box: string, receipt: string): Promise<number> {
  await worker.evaluate(() => (self as unknown as { faultKit: FaultKitControl }).faultKit.armFirstBytes());
  const { sentAt, result } = await send(pos, { box, device: USB_PRINTER, data: { action: 'print_receipt', receipt } });
  if (result.status !== 'success') throw new Error(`USB receipt: ${JSON.stringify(result.message)}`);
  const at = await worker.evaluate(() => (self as unknown as { faultKit: FaultKitControl }).faultKit.firstBytesAt());
  if (at === null) throw new Error('the virtual USB printer got nothing');
  return at - sentAt;
}

async function networkFirstByte(printer: VirtualNetworkPrinter, pos: Page, box: string, device: string, receipt: string): Promise<number> {
  const first = printer.nextBytes().then(now);
  const { sentAt, result } = await send(pos, { box, device, data: { action: 'print_receipt', receipt } });
  if (result.status !== 'success') throw new Error(`network receipt: ${JSON.stringify(result.message)}`);
  return (await first) - sentAt;
}

function lpSubmit(server: string, pdf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = execFile('lp', ['-h', server, '-d', OFFICE_QUEUE, '-t', 'anchor', '-'], { env: { ...process.env, LANG: 'C' } }, (error, stdout) => {
      if (error || !/request id is/.test(stdout)) reject(new Error(`lp: ${error?.message ?? stdout}`));
      else resolve(now() - started);
    });
    child.stdin!.end(pdf);
  });
}

export async function run(): Promise<Figure[]> {
  // The anchors first: a missing CUPS fails the group with its install step, never skips a row.
  const cups = await startCups();
  const printer = new VirtualNetworkPrinter({ bytesPerSecond: PRINTER_BYTES_PER_SECOND });
  await printer.plug();
  let accepted: ((at: number) => void) | null = null;
  const rig = await startIotRig(buildFaultHub(), { printerPorts: [printer.port], cupsServer: cups.server }, { onOfficeJobAccepted: () => accepted?.(now()) });
  const browser = await launchChromium();
  try {
    cups.addQueue(OFFICE_QUEUE);
    const context = await browser.newContext();
    const hub = await openHub(context, rig.hubServer.url);
    await pairByToken(hub, rig.sim.iot.issueToken('19').connectionString);
    const added = await hub.evaluate((target) => (document.querySelector('hub-app') as unknown as { hub: { api: { printers: { add(t: string, p: string): Promise<{ ok: boolean; message: string }> } } } }).hub.api.printers.add(target, 'escpos'), `127.0.0.1:${printer.port}`);
    if (!added.ok) throw new Error(added.message);
    const device = boxPrinterIdentifier(socketUri('127.0.0.1', printer.port));
    const office = boxPrinterIdentifier(OFFICE_QUEUE);
    await hub.evaluate(() => (document.querySelector('hub-app') as unknown as { hub: { api: { rescanDevices(): Promise<void> } } }).hub.api.rescanDevices());
    await waitLink(hub, () => true, 'the link');
    for (let i = 0; i < 100; i++) {
      const { devices } = await link(hub);
      if (devices.includes(device) && devices.includes(office) && devices.includes(USB_PRINTER)) break;
      if (i === 99) throw new Error(`the hub does not have the three printers: ${devices.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const box = (await link(hub)).identifier;
    const pos = await openPos(context, rig.sim);
    const worker = await hubWorker(hub);
    const receipt = readFileSync(RECEIPT).toString('base64');

    const usb: number[] = [];
    const network: number[] = [];
    for (let i = 0; i < WARM_UP + SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, QUIET_MS));
      const u = await usbFirstByte(worker, pos, box, receipt);
      await new Promise((r) => setTimeout(r, QUIET_MS));
      const n = await networkFirstByte(printer, pos, box, device, receipt);
      if (i >= WARM_UP) {
        usb.push(u);
        network.push(n);
      }
    }

    const pdf = reportPdf(2);
    if (pdfPageCount(pdf) !== 2) throw new Error('the bench report is not 2 pages');
    const pdfBase64 = pdf.toString('base64');
    const viaHub: number[] = [];
    const viaLp: number[] = [];
    for (let i = 0; i < WARM_UP + OFFICE_SAMPLES; i++) {
      const acceptedAt = new Promise<number>((resolve) => (accepted = resolve));
      const { sentAt, result } = await send(pos, { box, device: office, data: { action: '', document: pdfBase64 } });
      if (result.status !== 'success') throw new Error(`office print: ${JSON.stringify(result.message)}`);
      const hubMs = (await acceptedAt) - sentAt;
      const lpMs = await lpSubmit(cups.server, pdf);
      if (i >= WARM_UP) {
        viaHub.push(hubMs);
        viaLp.push(lpMs);
      }
    }
    // lp returns once CUPS took the job: the last one may still be printing.
    const expected = 2 * (WARM_UP + OFFICE_SAMPLES);
    for (let i = 0; i < 100 && cups.jobs(OFFICE_QUEUE).length < expected; i++) await new Promise((r) => setTimeout(r, 50));
    const printed = cups.jobs(OFFICE_QUEUE);
    if (printed.length < expected || printed.some((j) => pdfPageCount(j.bytes) !== 2)) throw new Error(`CUPS printed ${printed.length} jobs, not all of 2 pages`);
    console.log(`first byte (ms): network ${network.map((v) => v.toFixed(1)).join(' ')}; USB ${usb.map((v) => v.toFixed(1)).join(' ')}`);
    console.log(`office submit (ms): hub ${viaHub.map((v) => v.toFixed(1)).join(' ')}; lp ${viaLp.map((v) => v.toFixed(1)).join(' ')}`);
    const net = median(network);
    const direct = median(usb);
    return [
      { key: 'netprint.receipt_first_byte_ms', value: net, unit: 'ms', anchor: 'the same receipt to the virtual USB printer, same hub and run', anchor_value: direct },
      { key: 'netprint.vs_usb_ratio', value: net / direct, unit: 'x', goal: '<= 1.5' },
      { key: 'netprint.office_pdf_submit_ms', value: median(viaHub), unit: 'ms', anchor: 'lp handing the same 2-page PDF to the same CUPS', anchor_value: median(viaLp) },
    ];
  } finally {
    await browser.close();
    await rig.close();
    await printer.unplug();
    await cups.close();
  }
}
