import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register, RegistrationError, setupBody, setupDevices } from '../../../src/odoo/iot/registration.ts';
import type { DeviceDescription } from '../../../src/hub/devices.ts';

const identity = { identifier: '3f9a00112233aabb', mac: '00:00:00:00:00:00', address: '192.168.1.23', version: 'B0.1.0-19.0', name: 'Till 1' };

function answering(status: number, body: unknown, seen: Array<{ url: string; init: RequestInit }> = []): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
}

test('devices are sent only in the value sets the server accepts, printers with a subtype', () => {
  const devices = [
    { identifier: 'usb_04b8:0e28', name: 'EPSON TM-T20III', type: 'printer', manufacturer: 'Epson', connection: 'direct', subtype: 'receipt_printer' },
    { identifier: 'usb_0001:0002', name: 'Odd printer', type: 'printer', manufacturer: '', connection: 'direct', subtype: 'weird' },
    { identifier: 'serial_0403:6001_1', name: 'Toledo 8217', type: 'scale', manufacturer: 'Toledo', connection: 'serial', subtype: 'x' },
    { identifier: 'bad', name: 'Bad', type: 'robot', manufacturer: '', connection: 'direct', subtype: '' },
    { identifier: 'bad2', name: 'Bad2', type: 'scale', manufacturer: '', connection: 'usb', subtype: '' },
  ] as unknown as DeviceDescription[];
  const out = setupDevices(devices, [{ transport: 'hid', label: 'Mystery HID', vendorId: 0x1234, productId: 0xabcd }]);
  assert.deepEqual(Object.keys(out), ['usb_04b8:0e28', 'usb_0001:0002', 'serial_0403:6001_1', 'hid_1234:abcd']);
  assert.equal(out['usb_0001:0002'].subtype, 'receipt_printer');
  assert.equal(out['serial_0403:6001_1'].subtype, '');
  assert.deepEqual(out['hid_1234:abcd'], { name: 'Mystery HID', type: 'unsupported', manufacturer: '', connection: 'direct', subtype: '' });
});

test('registration posts the box body with X-Odoo-Database and returns the channel', async () => {
  const seen: Array<{ url: string; init: RequestInit }> = [];
  const channel = await register(setupBody(identity, 'tok', {}), { fetch: answering(200, { jsonrpc: '2.0', id: null, result: 'iot_channel-0123456789abcdef0123456789abcdef' }, seen), dbName: 'shop' });
  assert.equal(channel, 'iot_channel-0123456789abcdef0123456789abcdef');
  assert.equal(seen[0].url, '/iot/setup');
  assert.equal((seen[0].init.headers as Record<string, string>)['X-Odoo-Database'], 'shop');
  const body = JSON.parse(seen[0].init.body as string);
  assert.deepEqual(body.params.iot_box, { identifier: identity.identifier, mac: identity.mac, ip: identity.address, token: 'tok', version: identity.version, name: 'Till 1' });
});

const refusals: Array<[string, number, unknown, RegExp, boolean]> = [
  ['no result key (a real 19.0 refusal)', 200, { jsonrpc: '2.0', id: null }, /wrong, expired .* or already used/, false],
  ['a null result', 200, { jsonrpc: '2.0', id: null, result: null }, /wrong, expired/, false],
  ['404: no IoT app', 404, '<html>Not Found</html>', /no IoT app/, false],
  ['500', 500, 'boom', /will try again/, true],
  ['403', 403, 'Forbidden', /refused the registration \(HTTP 403 \(Forbidden\)\)\. Check that the hub reaches the right Odoo server/, false],
  ['a JSON-RPC error', 200, { jsonrpc: '2.0', id: null, error: { message: 'Odoo Server Error', data: { message: 'KeyError' } } }, /Odoo Server Error: KeyError/, false],
  ['something else than a channel', 200, { result: 42 }, /not a bus channel/, false],
];
for (const [what, status, body, message, retryable] of refusals) {
  test(`a refused registration is explained: ${what}`, async () => {
    await assert.rejects(register(setupBody(identity, 't', {}), { fetch: answering(status, body) }), (e: unknown) =>
      e instanceof RegistrationError && message.test(e.message) && e.retryable === retryable);
  });
}

test('an unreachable server is a retryable registration error', async () => {
  const down = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
  await assert.rejects(register(setupBody(identity, 't', {}), { fetch: down }), (e: unknown) => e instanceof RegistrationError && e.retryable && /unreachable/.test(e.message));
});
