import { expect } from 'chai';
import { VirtualHidSource } from '../../../workers/virtual/virtual-hid-device.ts';
import { VirtualSerialSource } from '../../../workers/virtual/virtual-serial-port.ts';
import { VirtualHidScanner, VirtualSerialScanner } from '../../../workers/virtual/virtual-scanners.ts';
import { hidScannerFactory, serialScannerFactory } from '../../../workers/drivers/scanner/index.ts';
import { SCANNED_DATA_LENGTH, scannedDataReports } from '../../../workers/drivers/scanner/hid-pos-report.ts';
import { setOdooSerie } from '../../../workers/drivers/odoo-serie.ts';
import { request, sleep, startManager, until } from './support.ts';

const signal = new AbortController().signal;

describe('HID POS scanner (virtual)', () => {
  async function hid() {
    const source = new VirtualHidSource();
    const scanner = new VirtualHidScanner();
    source.plug(scanner);
    const started = await startManager({ hid: source.asHid }, [hidScannerFactory]);
    return { source, scanner, ...started, device: started.manager.listing().devices[0] };
  }

  it('turns each scan into one event, long codes across several reports', async () => {
    const { scanner, events, device, manager } = await hid();
    expect(device.description).to.include({ type: 'scanner', identifier: 'usb_0c2e:0b87', connection: 'direct' });
    scanner.scan('5901234123457');
    const long = 'https://example.com/pos/ticket/' + 'x'.repeat(150);
    scanner.scan(long, ']Q1');
    await until(() => events.length === 2);
    expect(events.map((e) => e.outcome.result)).to.deep.equal(['5901234123457', long]);
    expect(events[0].outcome).to.deep.equal({ status: 'success', result: '5901234123457' });
    await manager.stop();
  });

  it('adds value on 18.0', async () => {
    const { scanner, events, manager } = await hid();
    setOdooSerie(18);
    try {
      scanner.scan('96385074');
      await until(() => events.length === 1);
      expect(events[0].outcome.fields).to.deep.equal({ value: '96385074' });
    } finally {
      setOdooSerie(19);
    }
    await manager.stop();
  });

  it('reports of the wrong length or id are a warning, never a scan, and scanning goes on', async () => {
    const { scanner, events, device, manager } = await hid();
    scanner.report(2, new Uint8Array(10));
    scanner.report(7, new Uint8Array(SCANNED_DATA_LENGTH));
    const bad = scannedDataReports('123')[0];
    bad[0] = 200;
    scanner.report(2, bad);
    scanner.scan('036000291452');
    await until(() => events.length === 4);
    expect(events.slice(0, 3).map((e) => e.outcome.status)).to.deep.equal(['warning', 'warning', 'warning']);
    expect(events[0].outcome.message).to.match(/report of 10 bytes, expected 63/);
    expect(events[3].outcome.result).to.equal('036000291452');
    expect((await device.run(request('status'), signal)).status).to.equal('success');
    await manager.stop();
  });

  it('update_layout and update_is_scanner are accepted', async () => {
    const { device, manager } = await hid();
    expect(await device.run(request('update_layout', { layout: 'fr', variant: '' }), signal)).to.deep.equal({ status: 'success', result: true });
    expect(await device.run(request('update_is_scanner', { is_scanner: false }), signal)).to.deep.equal({ status: 'success', result: true });
    expect((await device.run(request('update_layout', {}), signal)).status).to.equal('error');
    await manager.stop();
  });
});

describe('serial scanner (virtual)', () => {
  async function serial(suffix: string, settings: Record<string, unknown> = {}) {
    const source = new VirtualSerialSource();
    const scanner = new VirtualSerialScanner(suffix);
    source.plug(scanner);
    const started = await startManager({ serial: source }, [serialScannerFactory], { 'usb_05e0:1701': { protocol: 'serial_scanner', ...settings } });
    return { scanner, ...started };
  }

  it('is claimed only when the settings say serial_scanner', async () => {
    const source = new VirtualSerialSource();
    source.plug(new VirtualSerialScanner());
    const { manager } = await startManager({ serial: source }, [serialScannerFactory]);
    expect(manager.listing().devices).to.have.length(0);
    await manager.stop();
  });

  it('splits CR, LF and CR LF terminated scans', async () => {
    const { scanner, events, manager } = await serial('\r\n');
    scanner.scan('POS-ORDER-000117');
    scanner.suffix = '\n';
    scanner.scan('5901234123457');
    await until(() => events.length === 2);
    expect(events.map((e) => e.outcome.result)).to.deep.equal(['POS-ORDER-000117', '5901234123457']);
    await manager.stop();
  });

  it('ends a scan without suffix after the idle gap', async () => {
    const { scanner, events, manager } = await serial('');
    scanner.scan('96385074');
    await sleep(100);
    expect(events).to.have.length(0);
    await until(() => events.length === 1, 2000);
    expect(events[0].outcome.result).to.equal('96385074');
    await manager.stop();
  });

  it('garbage and wrong baud give a warning with a hint, not a scan', async () => {
    const { scanner, events, manager } = await serial('\r');
    scanner.raw(Uint8Array.of(0x01, 0xff, 0x13, 0x0d));
    await until(() => events.length === 1);
    expect(events[0].outcome).to.include({ status: 'warning' });
    await manager.stop();
    const wrong = await serial('\r', { baudRate: 19200 });
    wrong.scanner.scan('5901234123457');
    await until(() => wrong.events.length >= 1);
    expect(wrong.events.every((e) => e.outcome.status === 'warning')).to.equal(true);
    expect(wrong.events.map((e) => e.outcome.message).join()).to.match(/FramingError.*9600|19200 baud/);
    await wrong.manager.stop();
  });
});
