import { expect } from 'chai';
import { DeviceManager, type DriverFactory } from '../../../workers/device-manager.ts';
import { usbPrinterFactory } from '../../../workers/drivers/printer/factory.ts';
import { PrinterDevice } from '../../../workers/drivers/printer/printer-device.ts';
import { identifyPrinter } from '../../../workers/drivers/printer/identify.ts';
import { usbLink } from '../../../workers/drivers/printer/printer-link.ts';
import { UsbPrinterChannel, USB_WRITE_CHUNK } from '../../../workers/transports/usb.ts';
import { VirtualPrinter, VirtualUsb, type VirtualPrinterOptions } from '../../../workers/virtual/virtual-printer.ts';
import { imageToBitmap, escposRaster } from '../../../workers/imaging/index.ts';
import { Logger } from '../../../src/hub/logger.ts';
import type { ActionOutcome, Device, DeviceEvent } from '../../../src/hub/devices.ts';
import { BreakdownRecorder, wallClock } from '../../../src/hub/breakdown.ts';

const log = new Logger().scope('test');

async function setup(options: VirtualPrinterOptions = {}, settings: Record<string, string | number | boolean> = {}, factories: DriverFactory[] = [usbPrinterFactory]) {
  const usb = new VirtualUsb();
  const printer = new VirtualPrinter(options);
  usb.grant(printer);
  usb.plug(printer);
  const manager = new DeviceManager({ usb: usb.source }, factories, { log, settingsFor: () => settings });
  await manager.start();
  const device = manager.listing().devices[0];
  expect(device, 'the printer driver claimed the virtual printer').to.exist;
  const events: DeviceEvent[] = [];
  manager.onDeviceEvent((e) => events.push(e));
  return { usb, printer, manager, device, events };
}

function run(device: Device, action: string, data: Record<string, unknown> = {}): Promise<ActionOutcome> {
  return device.run({ action, data, sessionId: 'session-1', actionUniqueId: null }, new AbortController().signal);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(`/shared-fixtures/receipts/${name}`)).arrayBuffer());
}

async function canvasJpeg(width: number, height: number): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
}

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Fails when `promise` takes longer than `ms`: the "error result within 1 s". */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms))]);
}

describe('printer driver with the virtual USB printer', () => {
  it('finds the printer-class interface (not interface 0) and identifies the printer from GET_DEVICE_ID', async () => {
    const { device, manager } = await setup();
    expect(device.description).to.deep.equal({
      identifier: 'usb_04b8:0202_VIRTUAL0001', name: 'EPSON TM-T20III', type: 'printer', manufacturer: 'EPSON', connection: 'direct', subtype: 'receipt_printer',
    });
    await manager.stop();
  });

  it('prints a receipt: the paper shows exactly the dots of the raster stream, cut once, and the last print is a PNG', async () => {
    const { device, printer, events, manager } = await setup();
    const jpeg = await fixture('receipt-s7-5items.jpg');
    const outcome = await run(device, 'print_receipt', { receipt: toBase64(jpeg) });
    expect(outcome).to.deep.equal({ status: 'success' });
    expect(printer.cuts).to.equal(1);
    const expected = await imageToBitmap(jpeg, 576);
    const page = printer.pages[0];
    expect(page.height).to.equal(expected.height);
    for (let y = 0; y < expected.height; y++) {
      expect([...page.data.subarray(y * page.bytesPerRow, y * page.bytesPerRow + expected.bytesPerRow)]).to.deep.equal([...expected.data.subarray(y * expected.bytesPerRow, (y + 1) * expected.bytesPerRow)]);
    }
    expect(events, 'the result is the only answer: no event for a print').to.deep.equal([]);
    const png = await (device as PrinterDevice).lastPrintPng();
    expect(png?.type).to.equal('image/png');
    const picture = await createImageBitmap(png!);
    expect([picture.width, picture.height]).to.deep.equal([expected.width, expected.height]);
    await manager.stop();
  });

  it('writes in chunks of at most 16 KiB, each awaited, and the chunks join to the exact stream', async () => {
    const { device, printer, manager } = await setup();
    const sizes: number[] = [];
    let inFlight = 0;
    const original = printer.transferOut.bind(printer);
    printer.transferOut = async (endpoint, data) => {
      inFlight++;
      expect(inFlight, 'one transfer at a time').to.equal(1);
      sizes.push((data as Uint8Array).byteLength);
      try {
        return await original(endpoint, data);
      } finally {
        inFlight--;
      }
    };
    const jpeg = await fixture('receipt-s7-30items.jpg');
    expect((await run(device, 'print_receipt', { receipt: toBase64(jpeg) })).status).to.equal('success');
    const stream = escposRaster(await imageToBitmap(jpeg, 576));
    const dataSizes = sizes.filter((n) => n !== 3); // DLE EOT queries before and after
    expect(dataSizes.every((n) => n <= USB_WRITE_CHUNK)).to.equal(true);
    // Streamed: one transfer per GS v 0 slice of 255 rows (the last one carries the cut).
    const sliceBytes = 8 + 255 * 64;
    const slices = Math.ceil(1730 / 255);
    expect(dataSizes).to.deep.equal([...Array(slices - 1).fill(sliceBytes), stream.length - (slices - 1) * sliceBytes]);
    expect(dataSizes.reduce((a, b) => a + b, 0)).to.equal(stream.length);
    const received = Uint8Array.from(printer.received);
    expect(received.indexOf(0x1d)).to.equal(9); // three DLE EOT queries first
    expect([...received.subarray(9, 9 + stream.length)]).to.deep.equal([...stream]);
    await manager.stop();
  });

  it('sends a receipt slice by slice and notes where the time went', async () => {
    const { device, printer, manager } = await setup();
    const jpeg = await fixture('receipt-s7-120items.jpg');
    const stream = escposRaster(await imageToBitmap(jpeg, 576));
    const timings = new BreakdownRecorder();
    let firstSliceAt = 0;
    let slices = 0;
    const original = printer.transferOut.bind(printer);
    printer.transferOut = (endpoint, data) => {
      if ((data as Uint8Array)[0] === 0x1d) {
        firstSliceAt ||= wallClock();
        slices++;
      }
      return original(endpoint, data);
    };
    const started = wallClock();
    const outcome = await device.run({ action: 'print_receipt', data: { receipt: toBase64(jpeg) }, sessionId: 's', actionUniqueId: null, timings }, new AbortController().signal);
    expect(outcome.status).to.equal('success');
    expect([...Uint8Array.from(printer.received).subarray(9, 9 + stream.length)]).to.deep.equal([...stream]);
    const { marks, spans } = timings.result();
    for (const span of ['base64', 'jpegDecode', 'dither', 'encode', 'statusBefore', 'statusAfter'] as const) expect(spans[span], span).to.be.a('number');
    expect(marks.firstByte).to.be.within(started, firstSliceAt);
    expect(marks.lastByte).to.be.greaterThan(marks.firstByte!);
    expect(slices).to.equal(Math.ceil(4790 / 255));
    await manager.stop();
  });

  it('a receipt prepared ahead (decoded, status read in the printer queue) prints the same stream; a bad one leaves the printer untouched', async () => {
    const { device, printer, manager } = await setup();
    const jpeg = await fixture('receipt-s7-30items.jpg');
    const stream = escposRaster(await imageToBitmap(jpeg, 576));
    const data = { receipt: toBase64(jpeg) };
    const timings = new BreakdownRecorder();
    const preparation = device.prepare!({ action: 'print_receipt', data, timings });
    const outcome = await device.run({ action: 'print_receipt', data, sessionId: 's', actionUniqueId: null, timings, preparation }, new AbortController().signal);
    preparation!.release();
    expect(outcome.status).to.equal('success');
    const received = Uint8Array.from(printer.received);
    expect(received.indexOf(0x1d)).to.equal(9);
    expect([...received.subarray(9, 9 + stream.length)]).to.deep.equal([...stream]);
    expect(timings.result().spans.statusBefore).to.be.a('number');
    const before = printer.received.length;
    const bad = { receipt: btoa('hello, I am text') };
    const refused = await device.run({ action: 'print_receipt', data: bad, sessionId: 's', actionUniqueId: null, preparation: device.prepare!({ action: 'print_receipt', data: bad }) }, new AbortController().signal);
    expect([refused.status, String(refused.result)]).to.deep.equal(['error', 'the data is not a JPEG or PNG image']);
    expect(printer.received.length).to.equal(before);
    await manager.stop();
  });

  it('a cancel mid-stream stops between two slices: what was sent is whole slices of the stream, nothing after', async () => {
    const { device, printer, manager } = await setup({ bytesPerSecond: 400_000 });
    const jpeg = await fixture('receipt-s7-120items.jpg');
    const stream = escposRaster(await imageToBitmap(jpeg, 576));
    const abort = new AbortController();
    const job = device.run({ action: 'print_receipt', data: { receipt: toBase64(jpeg) }, sessionId: 's', actionUniqueId: null }, abort.signal);
    await until(() => printer.received.length > 9 + 2 * 16_328);
    abort.abort();
    const outcome = await within(job, 1000);
    expect([outcome.status, outcome.message, outcome.result]).to.deep.equal(['error', 'ERROR_FAILED', 'the job was cancelled']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = Uint8Array.from(printer.received).subarray(9);
    const sliceBytes = 8 + 255 * 64;
    expect(sent.length % sliceBytes, 'whole slices only').to.equal(0);
    expect(sent.length).to.be.lessThan(stream.length - sliceBytes);
    expect([...sent]).to.deep.equal([...stream.subarray(0, sent.length)]);
    expect(printer.cuts).to.equal(0);
    await manager.stop();
  });

  it('opens the drawer with the box bytes: ESC/POS ESC = 1, ESC p 0, ESC p 1; Star BEL, SUB', async () => {
    const epson = await setup();
    expect(await run(epson.device, 'cashbox')).to.deep.equal({ status: 'success', result: true });
    expect(epson.printer.received).to.deep.equal([0x1b, 0x3d, 0x01, 0x1b, 0x70, 0x00, 0x19, 0x19, 0x1b, 0x70, 0x01, 0x19, 0x19]);
    expect(epson.printer.drawerKicks).to.deep.equal([0, 1]);
    await epson.manager.stop();
    const star = await setup({ protocol: 'star' });
    expect(await run(star.device, 'cashbox')).to.deep.equal({ status: 'success', result: true });
    expect(star.printer.received).to.deep.equal([0x07, 0x1a]);
    await star.manager.stop();
  });

  it('prints Star raster on a Star printer (identified by STR_T / CMD:STAR)', async () => {
    const { device, printer, manager } = await setup({ protocol: 'star' });
    const jpeg = await fixture('receipt-s7-5items.jpg');
    expect((await run(device, 'print_receipt', { receipt: toBase64(jpeg) })).status).to.equal('success');
    const bitmap = await imageToBitmap(jpeg, 576);
    expect(printer.received.slice(0, 10)).to.deep.equal([0x1b, 0x2a, 0x72, 0x41, 0x1b, 0x2a, 0x72, 0x50, 0x30, 0x00]);
    expect(printer.received.slice(-4)).to.deep.equal([0x1b, 0x2a, 0x72, 0x42]);
    expect(printer.received.length).to.equal(10 + bitmap.height * (3 + bitmap.bytesPerRow) + 4);
    expect(printer.pages[0].height).to.equal(bitmap.height);
    await manager.stop();
  });

  it('prints in column mode (ESC *) when the printer is set so, with the same dots on paper', async () => {
    const { device, printer, manager } = await setup({}, { imageMode: 'column' });
    const jpeg = await fixture('receipt-s7-5items.jpg');
    expect((await run(device, 'print_receipt', { receipt: toBase64(jpeg) })).status).to.equal('success');
    const bitmap = await imageToBitmap(jpeg, 576);
    expect(printer.received.slice(9, 12)).to.deep.equal([0x1b, 0x33, 0x10]);
    const page = printer.pages[0];
    expect(page.height).to.equal(Math.ceil(bitmap.height / 24) * 24);
    for (let y = 0; y < bitmap.height; y += 97) {
      expect([...page.data.subarray(y * page.bytesPerRow, y * page.bytesPerRow + bitmap.bytesPerRow)]).to.deep.equal([...bitmap.data.subarray(y * bitmap.bytesPerRow, (y + 1) * bitmap.bytesPerRow)]);
    }
    await manager.stop();
  });

  it('refuses to print without paper: ERROR_NO_PAPER as the result, nothing printed, then a status event after the result', async () => {
    const { device, printer, events, manager } = await setup();
    printer.paperOut = true;
    const outcome = await run(device, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-5items.jpg')) });
    expect(outcome.status).to.equal('error');
    expect(outcome.message).to.equal('ERROR_NO_PAPER');
    expect(printer.pages).to.have.length(0);
    expect(events, 'no event races the result').to.deep.equal([]);
    await until(() => events.length > 0);
    expect(events.map((e) => [e.outcome.status, e.outcome.message])).to.deep.equal([['error', 'ERROR_NO_PAPER']]);
    printer.paperOut = false;
    printer.paperLow = true;
    expect((await run(device, 'cashbox')).status).to.equal('success');
    const jpeg = toBase64(await fixture('receipt-s7-5items.jpg'));
    expect((await run(device, 'print_receipt', { receipt: jpeg })).status).to.equal('success');
    await until(() => events.length > 1);
    expect(events.at(-1)!.outcome).to.include({ status: 'warning', message: 'WARNING_LOW_PAPER' });
    await manager.stop();
  });

  it('reports a cover open as ERROR_OFFLINE', async () => {
    const { device, printer, manager } = await setup();
    printer.coverOpen = true;
    const outcome = await run(device, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-5items.jpg')) });
    expect([outcome.status, outcome.message]).to.deep.equal(['error', 'ERROR_OFFLINE']);
    await manager.stop();
  });

  it('answers ERROR_TIMEOUT when the printer does not take the data', async () => {
    const printer = new VirtualPrinter();
    const channel = await UsbPrinterChannel.open(printer, { chunkTimeoutMs: 200 });
    const profile = identifyPrinter({ deviceId: await channel.deviceId() }, {})!;
    const device = new PrinterDevice({ description: { identifier: 'p', name: 'p', type: 'printer', manufacturer: '', connection: 'direct', subtype: 'receipt_printer' }, profile, link: usbLink(channel), log });
    printer.stalled = true;
    const outcome = await run(device, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-5items.jpg')) });
    expect([outcome.status, outcome.message]).to.deep.equal(['error', 'ERROR_TIMEOUT']);
    await device.close();
  });

  it('gives an error result within 1 s when the printer is unplugged mid-job, and the replugged printer comes back without a new grant', async () => {
    const { usb, device, printer, manager } = await setup();
    const identifier = device.description.identifier;
    printer.stalled = true;
    const job = run(device, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-120items.jpg')) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    usb.unplug(printer);
    const outcome = await within(job, 1000);
    expect(outcome.status).to.equal('error');
    expect(outcome.message).to.equal('ERROR_UNREACHABLE');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(manager.listing().devices).to.have.length(0);

    const back = printer.replugged();
    usb.plug(back);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = manager.get(identifier);
    expect(again, 'the printer is back under the same identifier').to.exist;
    expect((await run(again!, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-5items.jpg')) })).status).to.equal('success');
    expect(back.cuts).to.equal(1);
    await manager.stop();
  });

  it('keeps the identifiers of identical printers without serial numbers across replugs (numbers freed on unplug)', async () => {
    const usb = new VirtualUsb();
    const options = { vendorId: 0x0416, productId: 0x5011, serialNumber: null, deviceId: 'MFG:Generic;CMD:ESC/POS;MDL:POS58;' };
    const first = new VirtualPrinter(options);
    const second = new VirtualPrinter(options);
    for (const printer of [first, second]) {
      usb.grant(printer);
      usb.plug(printer);
    }
    const manager = new DeviceManager({ usb: usb.source }, [usbPrinterFactory], { log, settingsFor: () => ({}) });
    await manager.start();
    const ids = () => manager.listing().devices.map((d) => d.description.identifier).sort();
    expect(ids()).to.deep.equal(['usb_0416:5011', 'usb_0416:5011_2']);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

    for (const [printer, identifier] of [[first, 'usb_0416:5011'], [second, 'usb_0416:5011_2']] as const) {
      const device = manager.listing().devices.find((d) => d.description.identifier === identifier)!;
      expect((device as PrinterDevice).description.identifier).to.equal(identifier);
      usb.unplug(printer);
      await settle();
      expect(ids()).to.have.length(1);
      const back = printer.replugged();
      usb.plug(back);
      await settle();
      // Chrome drops the grant of a device without a serial number when it is unplugged
      // (whatwg/usb#269): until the user picks it again, the page does not see it.
      expect(ids(), 'not visible without a new grant').to.have.length(1);
      usb.grantPlugged(back);
      await settle();
      expect(ids(), `${identifier} keeps its identifier`).to.deep.equal(['usb_0416:5011', 'usb_0416:5011_2']);
      const again = manager.get(identifier)!;
      expect((await run(again, 'cashbox')).status).to.equal('success');
      expect(back.drawerKicks).to.deep.equal([0, 1]);
    }
    await manager.stop();
  });

  it('gives an error within 1 s when unplugged while data flows', async () => {
    const { usb, device, printer, manager } = await setup();
    const job = run(device, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-120items.jpg')) });
    const started = printer.received.length;
    while (printer.received.length === started) await new Promise((resolve) => setTimeout(resolve, 1));
    usb.unplug(printer);
    const outcome = await within(job, 1000);
    expect([outcome.status, outcome.message]).to.deep.equal(['error', 'ERROR_UNREACHABLE']);
    await manager.stop();
  });

  it('turns malformed input into clear errors and keeps serving', async () => {
    const { device, printer, manager } = await setup();
    const truncated = (await fixture('receipt-s7-5items.jpg')).subarray(0, 20000);
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['print_receipt', { receipt: 'not base64 at all!' }, /not valid base64/],
      ['print_receipt', {}, /"receipt" is missing/],
      ['print_receipt', { receipt: btoa('hello, I am text') }, /not a JPEG or PNG/],
      ['print_receipt', { receipt: toBase64(truncated) }, /JPEG is truncated/],
      ['print_receipt', { receipt: toBase64(await canvasJpeg(8, 20000)) }, /20000 px tall/],
      ['print_receipt', { receipt: toBase64(await canvasJpeg(10000, 8)) }, /10000 px wide/],
      ['', { document: '' }, /"document" is empty/],
      ['', { document: btoa('%PDF-1.7 ...') }, /PDF cannot be printed on a receipt printer/],
      ['fly', {}, /no action "fly"/],
    ];
    for (const [action, data, reason] of cases) {
      const outcome = await run(device, action, data);
      expect(outcome.status, `${action} ${JSON.stringify(data).slice(0, 40)}`).to.equal('error');
      expect(String(outcome.result)).to.match(reason);
    }
    expect(printer.received).to.deep.equal([]);
    expect((await run(device, 'print_receipt', { receipt: toBase64(await fixture('receipt-s7-5items.jpg')) })).status).to.equal('success');
    await manager.stop();
  });

  it('passes ZPL through unchanged to a label printer and answers {print_id}', async () => {
    const { device, printer, manager } = await setup({ vendorId: 0x0a5f, productId: 0x0181, deviceId: 'MFG:Zebra Technologies;COMMAND SET:ZPL;MDL:ZD421;CLS:PRINTER;' });
    expect(device.description.subtype).to.equal('label_printer');
    const zpl = '^XA^FO50,50^A0N,40^FDHello^FS^XZ';
    const outcome = await run(device, '', { document: btoa(zpl), print_id: 'job-7' });
    expect(outcome).to.deep.equal({ status: 'success', result: { print_id: 'job-7' } });
    expect(String.fromCharCode(...printer.received)).to.equal(zpl);
    await manager.stop();
  });

  it('prints a status ticket naming the hub, its server and devices', async () => {
    const usb = new VirtualUsb();
    const printer = new VirtualPrinter();
    usb.grant(printer);
    usb.plug(printer);
    const manager = new DeviceManager({ usb: usb.source }, [usbPrinterFactory], {
      log, settingsFor: () => ({ language: 'fr' }),
      hubStatus: async () => ({ name: 'Shop hub', identifier: 'hub-1', version: '1.0', address: '192.168.1.5', server: 'https://shop.odoo.com', devices: ['EPSON TM-T20III'] }),
    });
    await manager.start();
    const device = manager.listing().devices[0];
    expect(await run(device, 'status')).to.deep.equal({ status: 'success' });
    expect(printer.cuts).to.equal(1);
    expect(printer.pages[0].height).to.be.greaterThan(200);
    const inked = printer.pages[0].data.reduce((n, b) => n + (b ? 1 : 0), 0);
    expect(inked).to.be.greaterThan(100);
    await manager.stop();
  });
});
