import { expect } from 'chai';
import * as Comlink from 'comlink';
import { deleteDB } from 'idb';
import { HubService } from '../../../workers/hub-service.ts';
import type { HubApi } from '../../../src/app/hub-api.ts';
import { WindowDevices } from '../../../src/app/window-devices.ts';
import { VirtualSerialSource } from '../../../workers/virtual/virtual-serial-port.ts';
import { VirtualToledoScale } from '../../../workers/virtual/virtual-toledo.ts';
import { VirtualPoleDisplay } from '../../../workers/virtual/virtual-pole-display.ts';
import { serialScaleFactory } from '../../../workers/drivers/scale/index.ts';
import { poleDisplayFactory } from '../../../workers/drivers/display/pole-display.ts';
import { KEYBOARD_SCANNER_IDENTIFIER } from '../../../workers/drivers/scanner/keyboard-scanner-device.ts';
import { DISPLAY_WINDOW_IDENTIFIER } from '../../../workers/local-devices.ts';
import { VirtualCamera } from '../../../workers/virtual/virtual-camera.ts';
import { request, until } from './support.ts';

const noLocalServer = (async () => new Response('', { status: 404 })) as typeof fetch;
const signal = new AbortController().signal;

/** The hub as the window sees it: HubService behind comlink, like in the worker. */
async function startHub(dbName: string) {
  const source = new VirtualSerialSource();
  const scale = new VirtualToledoScale();
  const display = new VirtualPoleDisplay();
  source.plug(scale);
  source.plug(display);
  const hub = new HubService({ dbName, fetch: noLocalServer, sources: { serial: source }, factories: [poleDisplayFactory, serialScaleFactory] });
  await hub.start();
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(hub, port1);
  const api = Comlink.wrap(port2) as HubApi;
  const target = new EventTarget();
  const windowDevices = new WindowDevices(api, target);
  await windowDevices.attach();
  return { hub, api, scale, display, windowDevices, target };
}

function typeBurst(target: EventTarget, text: string) {
  for (const key of [...text, 'Enter']) target.dispatchEvent(new KeyboardEvent('keydown', { key }));
}

describe('the hub\'s devices as the window drives them', () => {
  const dbName = `hub-devices-${Math.random().toString(16).slice(2)}`;
  after(() => deleteDB(dbName));

  it('keyboard bursts become scans of the keyboard scanner device, with update_layout and update_is_scanner', async () => {
    const { hub, windowDevices, target } = await startHub(dbName);
    try {
      const scans = () => (hub.snapshot().recentEvents[KEYBOARD_SCANNER_IDENTIFIER] ?? []).map((e) => e.outcome.result);
      expect(hub.snapshot().devices.map((d) => d.identifier)).to.include(KEYBOARD_SCANNER_IDENTIFIER);
      typeBurst(target, '5901234123457');
      await until(() => scans().length === 1);
      const keyboard = hub.deviceManager.get(KEYBOARD_SCANNER_IDENTIFIER)!;
      await keyboard.run(request('update_layout', { layout: 'fr', variant: '' }), signal);
      typeBurst(target, 'qzerty');
      await until(() => scans().length === 2);
      expect(scans()).to.deep.equal(['5901234123457', 'awerty']);
      await keyboard.run(request('update_is_scanner', { is_scanner: false }), signal);
      typeBurst(target, '96385074');
      await new Promise((r) => setTimeout(r, 100));
      expect(scans()).to.have.length(2);
    } finally {
      await windowDevices.stop();
      await hub.stop();
    }
  });

  it('saves device settings, checks them, and reopens the device with them under the same identifier', async () => {
    const { hub, api, display, windowDevices } = await startHub(dbName);
    try {
      const scaleId = 'usb_0eb8:f000';
      const port = hub.snapshot().unclaimedDevices.find((d) => d.vendorId === 0x04b8)!;
      expect(port.identifier).to.equal('usb_04b8:0e15');
      await api.saveDeviceSettings(scaleId, { name: 'Deli counter scale', baudRate: '9600', odooSerie: '18' });
      const scale = hub.snapshot().devices.find((d) => d.identifier === scaleId)!;
      expect(scale.name).to.equal('Deli counter scale');
      expect(await api.deviceSettingsOf(scaleId)).to.deep.equal({ name: 'Deli counter scale', baudRate: 9600, odooSerie: 18 });
      let error = '';
      await api.saveDeviceSettings(scaleId, { baudRate: '1234' }).catch((e: Error) => (error = e.message));
      expect(error).to.match(/baudRate must be one of/);
      await api.saveDeviceSettings(scaleId, { '<img src=x>': 'x' }).catch((e: Error) => (error = e.message));
      expect(error).to.match(/unknown device setting/);
      // A port nobody claimed becomes a pole display once its protocol is set.
      await api.saveDeviceSettings(port.identifier!, { protocol: 'pole_display' });
      const pole = hub.deviceManager.get('usb_04b8:0e15')!;
      expect(pole.description.type).to.equal('display');
      await pole.run(request('set', { data: { lines: [{ productName: 'Milk', price: '1.10' }], amount: '1.10' } }), signal);
      expect(display.lines[1]).to.equal(`TOTAL${' '.repeat(11)}1.10`);
    } finally {
      await windowDevices.stop();
      await hub.stop();
    }
  });

  it('reads the live weight for the homepage without sending events to Odoo', async () => {
    const { hub, api, scale, windowDevices } = await startHub(dbName);
    try {
      scale.weight = 1.5;
      const reading = await api.scaleReading('usb_0eb8:f000');
      expect(reading).to.deep.equal({ weight: 1.5, status: { status: 'connected', message_title: '', message_body: '' } });
      expect(hub.snapshot().recentEvents['usb_0eb8:f000']).to.equal(undefined);
      expect(await api.scaleReading('nope')).to.equal(null);
    } finally {
      await windowDevices.stop();
      await hub.stop();
    }
  });

  it('camera frames cross to the hub (transferred) and scans show among its events', async () => {
    const { hub, api, windowDevices } = await startHub(dbName);
    try {
      await api.local.setEnabled('camera', true);
      const frame = await new VirtualCamera(11).bitmap(await createImageBitmap(await (await fetch('/shared-fixtures/barcodes/ean8-96385074.png')).blob()));
      await api.local.cameraFrame(Comlink.transfer(frame, [frame]));
      expect(frame.width).to.equal(0); // transferred, not copied
      await hub.local.cameraDevice!.idle();
      expect(hub.local.cameraDevice!.framesDecoded).to.equal(1);
      await until(() => (hub.snapshot().recentEvents.hub_camera ?? []).length === 1);
      expect(hub.snapshot().recentEvents.hub_camera[0].outcome.result).to.equal('96385074');
      await api.local.setEnabled('camera', false);
      expect(hub.snapshot().devices.map((d) => d.identifier)).to.not.include('hub_camera');
    } finally {
      await windowDevices.stop();
      await hub.stop();
    }
  });

  it('the display window device opens the POS customer display of the paired database in a window the hub manages', async () => {
    const { hub, api, windowDevices } = await startHub(dbName);
    const opened: Array<{ url: string; target: string }> = [];
    const fakeWindow = { closed: false, opener: {}, location: { href: '' }, close() { this.closed = true; } };
    // The browser's window.open, recorded: a test page may not open real windows without a click.
    (windowDevices.display as unknown as { opener: unknown }).opener = (url: string, target: string) => {
      opened.push({ url, target });
      fakeWindow.location.href = url;
      return fakeWindow;
    };
    try {
      await api.local.setEnabled('display', true);
      const display = hub.deviceManager.get(DISPLAY_WINDOW_IDENTIFIER)!;
      expect(display.description).to.include({ type: 'display', connection: 'hdmi' });
      expect((await display.run(request('open', { pos_id: 3, access_token: 'tok-123' }), signal)).result).to.match(/not paired/);
      expect((await display.run(request('update_url', { url: 'javascript:alert(1)' }), signal)).status).to.equal('error');
      expect(await display.run(request('update_url', { url: 'https://shop.example.com/status' }), signal)).to.deep.equal({ status: 'success', result: true });
      expect(opened).to.deep.equal([{ url: 'https://shop.example.com/status', target: 'hub-customer-display' }]);
      expect(fakeWindow.opener).to.equal(null);
      await display.run(request('update_url', { url: 'https://shop.example.com/other' }), signal);
      expect(opened).to.have.length(1);
      expect(fakeWindow.location.href).to.equal('https://shop.example.com/other');
      expect((await display.run(request('rotate_screen', { orientation: 'left' }), signal)).status).to.equal('error');
      await display.run(request('close'), signal);
      expect(fakeWindow.closed).to.equal(true);
      expect((await display.run(request('display_refresh'), signal)).result).to.match(/no customer display window/);
    } finally {
      await windowDevices.stop();
      await hub.stop();
    }
  });
});
