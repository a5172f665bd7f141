import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browsePrinters, PRINTER_SERVICES } from '../../../server/printers/dns-sd.ts';
import { startDnsSdResponder } from '../../support/dns-sd-responder.ts';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { parsePrinterList, PRINTERS_DISCOVER_PATH, PRINTERS_PATH } from '../../../src/hub/network-printers.ts';

/** DNS-SD against a responder on loopback: unicast queries to its port, never a multicast packet. */
describe('printer discovery (DNS-SD)', () => {
  let responder: Awaited<ReturnType<typeof startDnsSdResponder>>;
  let hub: RunningServer;

  before(async () => {
    responder = await startDnsSdResponder([
      { instance: 'EPSON TM-T20III', service: '_pdl-datastream._tcp.local', host: 'tm-t20iii.local', address: '127.0.0.1', port: 9100, txt: ['txtvers=1', 'ty=EPSON TM-T20III', 'usb_MFG=EPSON', 'usb_MDL=TM-T20III', 'usb_CMD=ESC/POS'] },
      { instance: 'Zebra ZD421', service: '_pdl-datastream._tcp.local', host: 'zd421.local', address: '127.0.0.3', port: 9100, txt: ['ty=Zebra ZD421', 'usb_CMD=ZPL'] },
      { instance: 'Office Laser', service: '_ipp._tcp.local', host: 'laser.local', address: '127.0.0.4', port: 631, txt: ['ty=HP LaserJet', 'rp=ipp/print', 'pdl=application/pdf'] },
    ]);
    hub = await startHubServer({ discovery: { target: { address: '127.0.0.1', port: responder.port }, waitMs: 300 } });
  });
  after(async () => {
    await hub?.close();
    await responder?.close();
  });

  it('asks for the printer services the box browses and reads host, port, model and command set from the answers', async () => {
    const found = await browsePrinters({ target: { address: '127.0.0.1', port: responder.port }, waitMs: 300 });
    assert.deepEqual(new Set(responder.questions.map((q) => `${q.type} ${q.name}`)), new Set(PRINTER_SERVICES.map((s) => `PTR ${s}`)));
    const byName = Object.fromEntries(found.map((f) => [f.name, f]));
    assert.deepEqual(byName['EPSON TM-T20III'], { host: '127.0.0.1', port: 9100, name: 'EPSON TM-T20III', service: 'pdl-datastream', protocol: 'escpos', deviceId: 'MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;' });
    assert.equal(byName['Zebra ZD421'].protocol, 'zpl');
    assert.deepEqual([byName['HP LaserJet'].service, byName['HP LaserJet'].port], ['ipp', 631]);
  });

  it('offers what it found on the printer list only after a browse the hub asked for, and a confirmed one becomes a printer of the hub', async () => {
    const before = parsePrinterList(await (await fetch(new URL(PRINTERS_PATH, hub.url))).text());
    assert.deepEqual(before?.found, [], 'nothing is looked for unasked');
    const origin = `http://localhost:${hub.port}`;
    const asked = responder.questions.length;
    const answer = await fetch(new URL(PRINTERS_DISCOVER_PATH, hub.url), { method: 'POST', headers: { Origin: origin } });
    assert.equal(answer.status, 200);
    assert.ok(responder.questions.length > asked);
    const list = parsePrinterList(await answer.text());
    assert.equal(list?.found.length, 3);
    const confirm = await fetch(new URL(PRINTERS_PATH, hub.url), {
      method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify({ host: '127.0.0.1', port: 9100, confirm: true }),
    });
    assert.equal(confirm.status, 200);
    const after = parsePrinterList(await (await fetch(new URL(PRINTERS_PATH, hub.url))).text());
    assert.deepEqual(after?.printers.map((p) => [p.host, p.port, p.source, p.protocol, p.deviceId]), [['127.0.0.1', 9100, 'discovered', 'escpos', 'MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;']]);
    assert.equal(after?.found.length, 2, 'a printer the hub drives is no longer offered');
    const foreign = await fetch(new URL(PRINTERS_DISCOVER_PATH, hub.url), { method: 'POST', headers: { Origin: 'http://evil.example' } });
    assert.equal(foreign.status, 403, 'another page cannot make the hub look around');
  });
});
