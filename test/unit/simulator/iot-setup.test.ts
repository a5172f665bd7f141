import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { formatConnectionToken } from '../../../server/simulator/iot/index.ts';
import { DEVICES, postJson, setupBody } from './helpers.ts';

describe('simulator /iot/setup (odoo-iot.md §3) and tokens (§2.1)', () => {
  let sim: RunningSimulator;
  before(async () => (sim = await startSimulator({ dbName: 'shop', dbUuid: 'uuid-1', enterpriseCode: 'M123' })));
  after(() => sim.close());

  it('issues 32-hex tokens in the three generations\' formats', () => {
    const { token, connectionString, expiresAt } = sim.iot.issueToken('19');
    assert.match(token, /^[0-9a-f]{32}$/);
    assert.ok(expiresAt - Date.now() > 14 * 60_000 && expiresAt - Date.now() <= 15 * 60_000);
    assert.equal(connectionString, `${sim.url}?token=${token}&db_uuid=uuid-1&enterprise_code=M123&db_name=shop`);
    assert.equal(formatConnectionToken('18', 'https://x.odoo.com/', 'abc', sim.iot.identity), 'https://x.odoo.com?token=abc&db_uuid=uuid-1&enterprise_code=M123');
    assert.equal(formatConnectionToken('old', 'https://x.odoo.com', 'abc', sim.iot.identity), 'https://x.odoo.com|abc|uuid-1|M123');
  });

  it('accepts a valid token, returns iot_channel-<32 hex>, stores the box and the accepted devices', async () => {
    const { token } = sim.iot.issueToken();
    const devices = { ...DEVICES, 'bad_type': { name: 'x', type: 'fridge', connection: 'direct' }, 'bad_conn': { name: 'y', type: 'printer', connection: 'usb' } };
    const { status, json } = await postJson(`${sim.url}/iot/setup`, setupBody('box-a', token, devices), { 'User-Agent': 'OdooIoTBox/1.0' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(json).sort(), ['id', 'jsonrpc', 'result']);
    assert.equal(json.jsonrpc, '2.0');
    assert.equal(json.id, null);
    assert.match(json.result, /^iot_channel-[0-9a-f]{32}$/);
    assert.equal(json.result, sim.iot.channel.name);
    const box = sim.iot.records.box('box-a')!;
    assert.equal(box.name, 'Virtual IoT Box');
    assert.equal(box.ip, '192.168.1.23');
    assert.equal(box.mac, '00:00:00:00:00:00');
    assert.deepEqual(sim.iot.records.devicesOf('box-a').map((d) => d.identifier).sort(), Object.keys(DEVICES).sort(), 'type/connection outside the value sets are ignored');
    assert.equal(sim.iot.records.device('box-a', 'usb_04b8:0e28')!.subtype, 'receipt_printer');
    assert.equal(sim.iot.state.registrations.at(-1)!.userAgent, 'OdooIoTBox/1.0');
  });

  it('consumes the token: a second box with it is refused with no result key', async () => {
    const { token } = sim.iot.issueToken();
    assert.ok((await postJson(`${sim.url}/iot/setup`, setupBody('box-b', token))).json.result);
    const { status, json, text } = await postJson(`${sim.url}/iot/setup`, setupBody('box-c', token));
    assert.equal(status, 200);
    assert.equal(text, '{"jsonrpc":"2.0","id":null}');
    assert.ok(!('result' in json));
    assert.equal(sim.iot.state.registrations.at(-1)!.reason, 'consumed');
    assert.equal(sim.iot.records.box('box-c'), undefined);
  });

  it('refuses wrong and expired tokens, and says which in its state', async () => {
    assert.ok(!('result' in (await postJson(`${sim.url}/iot/setup`, setupBody('box-d', 'f'.repeat(32)))).json));
    assert.equal(sim.iot.state.registrations.at(-1)!.reason, 'unknown');
    const { token } = sim.iot.issueToken();
    sim.iot.faults.expireToken(token);
    assert.ok(!('result' in (await postJson(`${sim.url}/iot/setup`, setupBody('box-d', token))).json));
    assert.equal(sim.iot.state.registrations.at(-1)!.reason, 'expired');
  });

  it('lets a known box re-register without a valid token and marks missing devices disconnected', async () => {
    const { json } = await postJson(`${sim.url}/iot/setup`, setupBody('box-a', 'used-or-empty', { 'usb_04b8:0e28': DEVICES['usb_04b8:0e28'] }));
    assert.equal(json.result, sim.iot.channel.name);
    assert.equal(sim.iot.records.device('box-a', 'usb_04b8:0e28')!.connected, true);
    assert.equal(sim.iot.records.device('box-a', 'serial_0403:6001_1')!.connected, false);
  });

  it('accepts the 18.0 body (name, identifier = MAC, no mac)', async () => {
    const { token } = sim.iot.issueToken();
    const body = { params: { iot_box: { name: 'Shop box', identifier: 'aa:bb:cc:dd:ee:ff', ip: '10.0.0.2', token, version: '18.0' }, devices: {} } };
    assert.equal((await postJson(`${sim.url}/iot/setup`, body)).json.result, sim.iot.channel.name);
    assert.equal(sim.iot.records.box('aa:bb:cc:dd:ee:ff')!.name, 'Shop box');
  });

  it('answers malformed bodies with a clear error', async () => {
    const bad = await fetch(`${sim.url}/iot/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"params":' });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Invalid JSON data/);
    const noBox = await postJson(`${sim.url}/iot/setup`, { params: {} });
    assert.equal(noBox.json.error.data.name, 'builtins.KeyError');
  });

  it('echoes the request id like an Odoo JSON route', async () => {
    const { token } = sim.iot.issueToken();
    const { json } = await postJson(`${sim.url}/iot/setup`, { ...setupBody('box-e', token), jsonrpc: '2.0', id: 7 });
    assert.equal(json.id, 7);
  });
});

describe('simulator on a multi-database server', () => {
  let sim: RunningSimulator;
  before(async () => (sim = await startSimulator({ dbName: 'shop', multiDatabase: true })));
  after(() => sim.close());

  it('needs /web/login?db= (cookie) or X-Odoo-Database before the IoT routes answer', async () => {
    const { token } = sim.iot.issueToken();
    assert.equal((await postJson(`${sim.url}/iot/setup`, setupBody('m1', token))).status, 404);
    assert.equal((await postJson(`${sim.url}/iot/setup`, setupBody('m1', token), { 'X-Odoo-Database': 'shop' })).json.result, sim.iot.channel.name);
    const other = await fetch(`${sim.url}/web/login?db=nope`, { redirect: 'manual' });
    assert.equal(other.status, 303);
    assert.equal(other.headers.get('location'), '/web/database/selector');
    const login = await fetch(`${sim.url}/web/login?db=shop`, { redirect: 'manual' });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    assert.match(cookie, /^session_id=[0-9a-f]{40}$/);
    assert.match(await login.text(), new RegExp(`"websocket_worker_version":"${sim.iot.identity.workerVersion}"`));
    const { token: t2 } = sim.iot.issueToken();
    assert.equal((await postJson(`${sim.url}/iot/setup`, setupBody('m2', t2), { Cookie: cookie })).json.result, sim.iot.channel.name);
  });
});
