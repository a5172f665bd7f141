import { expect } from 'chai';
import { deleteDB } from 'idb';
import { HubService } from '../../../workers/hub-service.ts';
import { IotLink } from '../../../src/hub/link/coordinator.ts';
import type { LinkIdentity } from '../../../src/hub/link/contract.ts';
import { openHubDb } from '../../../src/store/db.ts';
import { Activity } from '../../../src/hub/activity.ts';
import { Logger } from '../../../src/hub/logger.ts';
import { VirtualPrinter, VirtualUsb } from '../../../workers/virtual/virtual-printer.ts';
import { TEST_DRAWER_PRODUCT, TEST_DRAWER_VENDOR, testDrawerFactory } from '../../fakes/iot/test-drawer.ts';

/**
 * When the hub sends `/iot/setup` again (odoo-iot.md §3: at start, after pairing, and when the
 * devices, the address or the version change; never for a check that finds nothing new). The
 * network is played by `serverDouble`: the local server's /hub-server/info and Odoo's /iot/setup
 * answers, recording each registration body; everything else is a 404, so the bus stays down.
 */
const CHANNEL = 'iot_channel-0123456789abcdef0123456789abcdef';
const TOKEN = `http://shop.example.com?token=${'a'.repeat(32)}&db_uuid=u-1&enterprise_code=e-1&db_name=shop`;

interface SetupBody { iot_box: Record<string, unknown>; devices: Record<string, unknown> }

function serverDouble(info: { address: string }) {
  const registrations: SetupBody[] = [];
  const fetchDouble = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), location.href).pathname;
    if (path === '/hub-server/info') return Response.json({ mode: 'forward', odooOrigin: 'http://shop.example.com', address: info.address });
    if (path === '/iot/setup') {
      registrations.push((JSON.parse(String(init?.body)) as { params: SetupBody }).params);
      return Response.json({ jsonrpc: '2.0', id: null, result: CHANNEL });
    }
    return new Response('Not Found', { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch: fetchDouble, registrations };
}

async function until(check: () => boolean, what: string, ms = 3_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Quiet timings: checks every 100 ms, a bus that does not retry during the test. */
const timing = { registrationCheckMs: 100, busReconnectMinMs: 60_000 };

describe('registration is re-sent when, and only when, something Odoo knows changed', () => {
  const dbName = `iot-registration-${crypto.randomUUID()}`;
  after(() => deleteDB(dbName));

  it('on pairing, on a new address from the local server or the user, on a new device, on restart; never on a no-op check', async () => {
    const info = { address: '192.168.1.23' };
    const server = serverDouble(info);
    const usb = new VirtualUsb();
    const hub = new HubService({ dbName, fetch: server.fetch, sources: { usb: usb as unknown as USB }, factories: [testDrawerFactory], linkTiming: timing });
    await hub.start();
    expect(server.registrations).to.have.length(0);

    const answer = await hub.link.configure(TOKEN);
    expect(answer.ok, answer.message).to.equal(true);
    expect(server.registrations).to.have.length(1);
    expect(server.registrations[0].iot_box).to.include({ ip: '192.168.1.23', version: 'B0.0.0-19.0#test', token: 'a'.repeat(32) });

    // Several periodic checks (and explicit ones) with nothing new: nothing is sent.
    hub.link.checkRegistration();
    await pause(450);
    expect(server.registrations).to.have.length(1);

    // The local server now sees another LAN address: the periodic check re-registers with it.
    info.address = '192.168.1.77';
    await until(() => server.registrations.length === 2, 'a registration with the new address');
    expect(server.registrations[1].iot_box.ip).to.equal('192.168.1.77');
    expect(hub.snapshot().identity.address).to.equal('192.168.1.77');

    // The user's address wins over the local server's.
    await hub.setSetting('addressOverride', 'pos-1.shop.lan');
    await until(() => server.registrations.length === 3, 'a registration with the user\'s address');
    expect(server.registrations[2].iot_box.ip).to.equal('pos-1.shop.lan');
    info.address = '192.168.1.78';
    await pause(350);
    expect(server.registrations).to.have.length(3, 'the local server\'s address is not used while the user set one');

    // A device appears.
    const drawer = new VirtualPrinter({ vendorId: TEST_DRAWER_VENDOR, productId: TEST_DRAWER_PRODUCT, serialNumber: 'R1', productName: 'Test drawer' });
    usb.grant(drawer);
    usb.plug(drawer);
    await until(() => server.registrations.length === 4, 'a registration with the new device');
    expect(Object.keys(server.registrations[3].devices)).to.deep.equal(['usb_1209:0001_R1']);
    await pause(350);
    expect(server.registrations).to.have.length(4);
    await hub.stop();

    // A restart (which is how a new version arrives: the updated hub reloads) registers at once.
    const again = new HubService({ dbName, fetch: server.fetch, sources: { usb: usb as unknown as USB }, factories: [testDrawerFactory], linkTiming: timing });
    await again.start();
    await until(() => again.snapshot().link.registration.state === 'registered', 'the registration at start');
    expect(server.registrations).to.have.length(5);
    expect(server.registrations[4].iot_box).to.include({ ip: 'pos-1.shop.lan', version: 'B0.0.0-19.0#test' });
    await again.stop();
  });

  it('re-registers when the version it reports changes, and not for an identical check', async () => {
    const server = serverDouble({ address: '10.0.0.2' });
    const db = await openHubDb(`iot-registration-version-${crypto.randomUUID()}`);
    const identity: LinkIdentity = { identifier: '00112233aabbccdd', version: 'B0.1.0-19.0#aaaaaaa', address: '10.0.0.2' };
    const link = new IotLink({
      db, logger: new Logger(), activity: new Activity(), identity: () => identity, hubName: () => 'Till 1', pairingProxyUrl: () => '',
      devices: { get: () => undefined, listing: () => ({ devices: [], unclaimed: [] }), onChange: () => () => undefined, onDeviceEvent: () => () => undefined },
      onChange: () => undefined, fetch: server.fetch, timing,
    });
    await link.start();
    expect((await link.configure(TOKEN)).ok).to.equal(true);
    await pause(350);
    expect(server.registrations).to.have.length(1);
    identity.version = 'B0.2.0-19.0#bbbbbbb';
    await until(() => server.registrations.length === 2, 'a registration with the new version');
    expect(server.registrations[1].iot_box.version).to.equal('B0.2.0-19.0#bbbbbbb');
    await pause(350);
    expect(server.registrations).to.have.length(2);
    link.stop();
    const name = db.name;
    db.close();
    await deleteDB(name);
  });
});
