import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { link, openIotSession, openPos, posAction, waitLink, type IotRig, type IotSession } from '../support/iot-e2e.ts';
import { actionIds, buildFaultHub, burstReceipts, hubWorker, pairByToken, receiptImages, storedJobs } from '../support/iot-faults.ts';
import { VirtualNetworkPrinter } from '../../server/printers/virtual-network-printer.ts';
import { decodeReceiptNumber, type FaultKitControl } from '../fakes/iot/fault-kit.ts';
import { boxPrinterIdentifier, socketUri } from '../../src/hub/network-printers.ts';
import { startDnsSdResponder } from '../support/dns-sd-responder.ts';


/**
 * A network receipt printer through the real local server: the virtual network printer on a
 * loopback TCP port (the same printer mechanism as the virtual USB printer), added on the
 * homepage, driven by the real printer driver over the printer link. The fault build's virtual
 * USB printer is the other path the bytes are compared with.
 */
describe('network receipt printer through the local server', () => {
  let printer: VirtualNetworkPrinter;
  /** A second printer, advertised by a DNS-SD responder on loopback: found, then confirmed on the homepage. */
  let bar: VirtualNetworkPrinter;
  let responder: Awaited<ReturnType<typeof startDnsSdResponder>>;
  let session: IotSession;
  let context: BrowserContext;
  let rig: IotRig;
  let hub: Page;
  let pos: Page;
  let box = '';
  let device = '';
  const usbDevice = 'usb_04b8:0202_FAULT1';
  const numbers = (from: number, to: number) => printer.pages.map(decodeReceiptNumber).filter((n) => n >= from && n < to);

  before(async () => {
    // At a TM-T20III's pace (as the fault build's USB printer), so switching it off lands mid-receipt.
    printer = new VirtualNetworkPrinter({ bytesPerSecond: 115_000 });
    await printer.plug();
    device = boxPrinterIdentifier(socketUri('127.0.0.1', printer.port));
    bar = new VirtualNetworkPrinter({ protocol: 'star' });
    await bar.plug();
    responder = await startDnsSdResponder([{ instance: 'Star TSP143IIILAN', service: '_pdl-datastream._tcp.local', host: 'tsp143.local', address: '127.0.0.1', port: bar.port, txt: ['ty=Star TSP143IIILAN', 'usb_MFG=Star', 'usb_CMD=STAR'] }]);
    session = await openIotSession(buildFaultHub(), {
      printerPorts: [printer.port, bar.port], discovery: { target: { address: '127.0.0.1', port: responder.port }, waitMs: 300 },
    });
    ({ context, rig, hub } = session);
    await pairByToken(hub, rig.sim.iot.issueToken('19').connectionString);
    box = (await link(hub)).identifier;
    pos = await openPos(context, rig.sim);
  });
  after(async () => {
    await session?.close();
    await printer?.unplug();
    await bar?.unplug();
    await responder?.close();
  });

  it('is added by host:port on the homepage and registered as the box registers it', async () => {
    assert.equal(device, `socket127001${printer.port}`);
    const form = hub.locator('hub-network-printers [data-test=network-printer-form]');
    await form.locator('input[name=target]').fill(`127.0.0.1:${printer.port}`);
    await form.locator('button[type=submit]').click();
    await waitLink(hub, () => true, 'the link');
    await hub.waitForFunction((id) => (document.querySelector('hub-app') as unknown as { snapshot: { devices: Array<{ identifier: string }> } }).snapshot.devices.some((d) => d.identifier === id), device, { timeout: 10_000 });
    const record = await (async () => {
      for (let i = 0; i < 100; i++) {
        const found = rig.sim.iot.records.device(box, device);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    })();
    assert.ok(record, 'Odoo got the network printer');
    assert.deepEqual([record.type, record.connection, record.subtype], ['printer', 'network', 'receipt_printer']);
    await hub.locator(`hub-network-printers [data-test=network-printers] li[data-port="${printer.port}"] .ok`).waitFor({ timeout: 5_000 });
    assert.equal(printer.connections, 1, 'one TCP connection to the printer');
  });

  it('offers a printer DNS-SD found, drives it only once confirmed, and prints on it in its own language (Star)', async () => {
    const barDevice = boxPrinterIdentifier(socketUri('127.0.0.1', bar.port));
    await hub.locator('hub-network-printers [data-test=discover-printers]').click();
    const found = hub.locator(`hub-network-printers [data-test=found-printers] li[data-port="${bar.port}"]`);
    await found.waitFor({ timeout: 5_000 });
    assert.match(await found.textContent() ?? '', /Star TSP143IIILAN \(pdl-datastream\)/);
    assert.equal(bar.connections, 0, 'not driven before the user confirms');
    await found.getByRole('button', { name: 'Drive this printer' }).click();
    await hub.waitForFunction((id) => (document.querySelector('hub-app') as unknown as { snapshot: { devices: Array<{ identifier: string }> } }).snapshot.devices.some((d) => d.identifier === id), barDevice, { timeout: 10_000 });
    const [image] = await receiptImages(pos, 3, 1);
    const answer = await posAction(pos, { box, device: barDevice, via: 'bus', data: { action: 'print_receipt', receipt: image } });
    assert.equal(answer.status, 'success', JSON.stringify(answer.message));
    assert.equal(bar.pages.length, 1, 'the Star raster was cut once');
    assert.equal(decodeReceiptNumber(bar.pages[0]), 3);
  });

  it('prints a receipt with the same bytes as the USB path', async () => {
    const [image] = await receiptImages(pos, 7, 1);
    const worker = await hubWorker(hub);
    const usbBefore = (await worker.evaluate(() => (self as unknown as { faultKit: FaultKitControl }).faultKit.jobBytes())).length;
    const networkBefore = printer.mechanism.jobBytes.length;
    const viaUsb = await posAction(pos, { box, device: usbDevice, via: 'bus', data: { action: 'print_receipt', receipt: image } });
    const viaNetwork = await posAction(pos, { box, device, via: 'bus', data: { action: 'print_receipt', receipt: image } });
    assert.deepEqual([viaUsb.status, viaNetwork.status], ['success', 'success'], JSON.stringify(viaNetwork.message));
    const usbBytes = (await worker.evaluate(() => (self as unknown as { faultKit: FaultKitControl }).faultKit.jobBytes())).slice(usbBefore);
    const networkBytes = printer.mechanism.jobBytes.slice(networkBefore);
    assert.ok(networkBytes.length > 10_000, `${networkBytes.length} bytes`);
    assert.ok(Buffer.from(networkBytes).equals(Buffer.from(usbBytes)), `network ${networkBytes.length} bytes, USB ${usbBytes.length} bytes`);
    assert.equal(decodeReceiptNumber(printer.pages.at(-1)!), 7);
  });

  it('switched off mid-burst, then back: each receipt once or "may have printed", in order, none lost', async () => {
    const count = 20;
    const images = await receiptImages(pos, 20, count);
    const sent = actionIds('netburst', count);
    // Over the POS's WebRTC channel: one ordered channel, so arrival order is sending order.
    await pos.waitForFunction(async (b) => (await (window as unknown as { posSim: { openWebRtc(b: string): Promise<{ state: string }> } }).posSim.openWebRtc(b)).state === 'connected', box, { timeout: 10_000, polling: 200 });
    const burst = burstReceipts(pos, { box, device, images, via: 'webrtc', ids: sent, timeoutMs: 30_000 });
    const deadline = Date.now() + 20_000;
    while (numbers(20, 40).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await printer.unplug();
    const cutAt = numbers(20, 40).length;
    await waitLink(hub, (l) => l.knownDevices.some((d) => d.identifier === device && !d.online), 'the printer to be away');
    const held = await waitLink(hub, (l) => l.jobs.some((j) => j.deviceIdentifier === device && j.state === 'held'), 'jobs held while it is off');
    assert.ok(held.jobs.some((j) => j.state === 'held'));
    await new Promise((r) => setTimeout(r, 1_000));
    await printer.plug();
    await burst;
    await waitLink(hub, (l) => !l.jobs.some((j) => j.deviceIdentifier === device && ['queued', 'running', 'held'].includes(j.state)), 'every job to finish', 60_000);
    const states = new Map((await storedJobs(hub)).filter((j) => j.actionUniqueId && sent.includes(j.actionUniqueId)).map((j) => [j.actionUniqueId!, j.state]));
    const printed = numbers(20, 40);
    assert.deepEqual(printed, [...printed].sort((a, b) => a - b), `printed in order: ${printed}`);
    let once = 0;
    let mayHave = 0;
    for (let i = 0; i < count; i++) {
      const times = printed.filter((n) => n === 20 + i).length;
      const state = states.get(sent[i]);
      assert.ok(times <= 1, `receipt ${i} printed ${times} times`);
      if (state === 'done') {
        assert.equal(times, 1, `receipt ${i} is done, so it printed once`);
        once++;
      } else {
        assert.equal(state, 'uncertain', `receipt ${i} is ${state}`);
        mayHave++;
      }
    }
    assert.ok(mayHave <= 1, `only the receipt being sent when the printer went off may have printed (${mayHave})`);
    console.log(`# network printer off after ${cutAt} receipts: ${once} printed exactly once, ${mayHave} may have printed, 0 lost, 0 twice`);
  });

  it('hears an open cover from Epson ASB at once, between two status polls', async () => {
    const received = printer.mechanism.received;
    const queriesSince = (from: number) => {
      let n = 0;
      for (let i = from; i + 1 < received.length; i++) if (received[i] === 0x10 && received[i + 1] === 0x04) n++;
      return n;
    };
    // Right after a poll the next one is 3 s away: what the hub learns before it came by ASB.
    const before = received.length;
    for (let i = 0; i < 100 && queriesSince(before) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    const mark = received.length;
    printer.mechanism.coverOpen = true;
    const eventFor = (cover: boolean) => hub.waitForFunction(({ id, cover }) => {
      const events = (document.querySelector('hub-app') as unknown as { snapshot: { recentEvents: Record<string, Array<{ outcome: { result?: { coverOpen?: boolean } } }>> } }).snapshot.recentEvents[id] ?? [];
      return events.at(-1)?.outcome.result?.coverOpen === cover;
    }, { id: device, cover }, { timeout: 5_000 });
    await eventFor(true);
    assert.equal(queriesSince(mark), 0, 'no status query was sent: the printer said it by itself');
    printer.mechanism.coverOpen = false;
    await eventFor(false);
  });

  it('reports paper out: a status event, and a receipt refused with ERROR_NO_PAPER', async () => {
    printer.mechanism.paperOut = true;
    const [image] = await receiptImages(pos, 99, 1);
    const answer = await posAction(pos, { box, device, via: 'bus', data: { action: 'print_receipt', receipt: image } });
    assert.equal(answer.status, 'error', JSON.stringify(answer));
    // Odoo forwards a box message's status and result to the POS.
    assert.equal(answer.message.result, 'the printer reports ERROR_NO_PAPER');
    assert.equal(printer.pages.filter((p) => decodeReceiptNumber(p) === 99).length, 0, 'nothing printed');
    await hub.waitForFunction((id) => {
      const events = (document.querySelector('hub-app') as unknown as { snapshot: { recentEvents: Record<string, Array<{ outcome: { message?: string } }>> } }).snapshot.recentEvents[id] ?? [];
      return events.some((e) => e.outcome.message === 'ERROR_NO_PAPER');
    }, device, { timeout: 10_000 });
    printer.mechanism.paperOut = false;
  });
});
