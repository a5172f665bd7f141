import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ackMessage, channelAck, remoteDebugAck } from '../../../src/odoo/iot/results.ts';
import { isServerClearReplay, SERVER_CLEAR_GRACE_MS } from '../../../src/hub/link/bus-session.ts';
import { checkPairingProxyUrl } from '../../../src/odoo/iot/pairing-proxy-url.ts';

const HUB = '3f9a00112233aabb';

test('restart_odoo is acknowledged on the bus with the base fields, the hub as device', () => {
  assert.deepEqual(ackMessage(HUB, 's-1', {}, 1_730_000_000_120), {
    session_id: 's-1', iot_box_identifier: HUB, device_identifier: HUB, owner: 's-1', time: 1_730_000_000.12, status: 'success',
  });
});

test('test_connection is acknowledged like the box: base fields, no device, the measured qualities', () => {
  const ack = ackMessage(HUB, 's-2', { device_identifier: null, result: { lan_quality: 'fast', wan_quality: 'slow' } }, 1_000);
  assert.deepEqual(ack, {
    session_id: 's-2', iot_box_identifier: HUB, device_identifier: null, owner: 's-2', time: 1, status: 'success',
    result: { lan_quality: 'fast', wan_quality: 'slow' },
  });
});

test('WebRTC test_protocol / restart_odoo replies carry exactly owner, device_identifier, time, status', () => {
  assert.deepEqual(channelAck(HUB, 's-3', 2_500), { owner: 's-3', device_identifier: HUB, time: 2.5, status: 'success' });
});

test('remote_debug is answered in the box\'s exact shape, never enabled', () => {
  assert.deepEqual(remoteDebugAck(HUB), { session_id: 0, iot_box_identifier: HUB, device_identifier: null, status: 'success', result: { enabled: false } });
});

test('server_clear is a replay during the first 5 s after the bus opened, and real from then on', () => {
  const opened = 1_000_000;
  assert.equal(SERVER_CLEAR_GRACE_MS, 5_000);
  assert.equal(isServerClearReplay(opened, opened), true);
  assert.equal(isServerClearReplay(opened, opened + 4_999), true);
  assert.equal(isServerClearReplay(opened, opened + 5_000), false);
  assert.equal(isServerClearReplay(opened, opened + 60_000), false);
  assert.equal(isServerClearReplay(0, opened), false, 'never opened: nothing to replay');
});

test('the pairing proxy setting: empty means the local server, else a base http(s) address', () => {
  assert.deepEqual(checkPairingProxyUrl('  '), { ok: true, value: '' });
  assert.deepEqual(checkPairingProxyUrl('https://iot-proxy.example.com/'), { ok: true, value: 'https://iot-proxy.example.com' });
  assert.deepEqual(checkPairingProxyUrl('http://127.0.0.1:8070'), { ok: true, value: 'http://127.0.0.1:8070' });
  assert.deepEqual(checkPairingProxyUrl('http://localhost:8070'), { ok: true, value: 'http://localhost:8070' });
  const refused: Array<[string, RegExp]> = [
    ['iot proxy', /not a web address/],
    ['ftp://proxy.example.com', /must start with https:\/\//],
    ['http://proxy.example.com', /Use https:\/\/ for a proxy on another machine/],
    ['https://user:pw@proxy.example.com', /user name or password/],
    ['https://proxy.example.com/odoo-enterprise/iot/', /without a path .* https:\/\/proxy\.example\.com/],
    ['https://proxy.example.com/?x=1', /\? or # part/],
    [`https://${'a'.repeat(3000)}.com`, /characters long/],
  ];
  for (const [text, message] of refused) {
    const check = checkPairingProxyUrl(text);
    assert.equal(check.ok, false, text);
    assert.match(check.ok ? '' : check.message, message, text);
  }
});
