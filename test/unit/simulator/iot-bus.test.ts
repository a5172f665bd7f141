import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { openBus, postJson, registerBox } from './helpers.ts';

describe('simulator bus websocket (odoo-iot.md §4) and result routes (§5, §6)', () => {
  let sim: RunningSimulator;
  let channel: string;
  before(async () => {
    sim = await startSimulator();
    channel = await registerBox(sim, 'box-1');
  });
  after(() => sim.close());

  it('closes a browser on another worker version with 1000 OUTDATED_VERSION, after accepting it', async () => {
    const bus = await openBus(sim, '17.0-1');
    assert.deepEqual(await bus.closed, { code: 1000, reason: 'OUTDATED_VERSION' });
    const noVersion = await openBus(sim, null);
    assert.equal((await noVersion.closed).reason, 'OUTDATED_VERSION');
  });

  it('holds only clients with a User-Agent to the version (the real box sends none)', async () => {
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/websocket?version=old`, { headers: { Origin: sim.url } });
    await new Promise((resolve) => ws.once('open', resolve));
    const outcome = await Promise.race([new Promise((r) => ws.once('close', () => r('closed'))), new Promise((r) => setTimeout(() => r('open'), 150))]);
    assert.equal(outcome, 'open');
    ws.close();
  });

  it('refuses a handshake without Origin (websocket.py required headers)', async () => {
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/websocket?version=${sim.iot.identity.workerVersion}`);
    const status = await new Promise((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)));
    assert.equal(status, 400);
  });

  it('pushes notifications as [{id, message: {type, payload}}] with growing ids, and replays id > last after subscribe', async () => {
    const first = sim.iot.channel.sendAction({ box: 'box-1', device: 'usb_04b8:0e28', data: { action: 'cashbox', action_unique_id: 'u1' }, sessionId: 's1' });
    const second = sim.iot.channel.sendAction({ box: 'box-1', device: 'usb_04b8:0e28', data: { action: 'cashbox', action_unique_id: 'u2' }, sessionId: 's2' });
    assert.ok(second.notification.id > first.notification.id);
    const bus = await openBus(sim);
    bus.subscribe([channel], first.notification.id, 'box-1');
    const [replayed] = await bus.waitFor(1);
    assert.deepEqual(Object.keys(replayed).sort(), ['id', 'message']);
    assert.equal(replayed.id, second.notification.id);
    assert.deepEqual(replayed.message, {
      type: 'iot_action',
      payload: { iot_identifiers: ['box-1'], iot_identifier: 'box-1', session_id: 's2', device_identifiers: ['usb_04b8:0e28'], device_identifier: 'usb_04b8:0e28', action: 'cashbox', action_unique_id: 'u2' },
    });
    assert.equal(sim.iot.records.box('box-1')!.websocketConnected, true);
    // last: 0 gets the recent history (the last ~50 s).
    const fresh = await openBus(sim);
    fresh.subscribe([channel], 0);
    const history = await fresh.waitFor(2);
    assert.deepEqual(history.map((n) => n.id).slice(-2), [first.notification.id, second.notification.id]);
    bus.ws.close();
    fresh.ws.close();
  });

  it('keeps ids across a websocket restart and replays what was missed', async () => {
    const bus = await openBus(sim);
    bus.subscribe([channel], sim.iot.store.highestId, 'box-1');
    await new Promise((r) => setTimeout(r, 50));
    const restarting = sim.iot.faults.restartBus({ downMs: 100 });
    assert.equal((await bus.closed).code, 1006);
    const missed = sim.iot.channel.sendBoxCommand('test_connection', 'box-1', 'tc-1');
    await restarting;
    const again = await openBus(sim);
    again.subscribe([channel], missed.id - 1, 'box-1');
    const [got] = await again.waitFor(1);
    assert.equal(got.id, missed.id);
    assert.deepEqual(got.message, { type: 'test_connection', payload: { iot_identifiers: ['box-1'], iot_identifier: 'box-1', session_id: 'tc-1' } });
    again.ws.close();
  });

  it('rebroadcasts /iot/box/send_websocket as operation_confirmation and drops unknown box or device', async () => {
    const bus = await openBus(sim);
    bus.subscribe([channel], sim.iot.store.highestId);
    await new Promise((r) => setTimeout(r, 30));
    const params = { session_id: 's9', iot_box_identifier: 'box-1', device_identifier: 'usb_04b8:0e28', status: 'success', result: true, action_args: { action: 'cashbox', session_id: 's9' }, owner: 's9', time: 1730000000.12 };
    const answer = await postJson(`${sim.url}/iot/box/send_websocket`, { params });
    assert.equal(answer.text, '{"jsonrpc":"2.0","id":null}');
    await postJson(`${sim.url}/iot/box/send_websocket`, { params: { ...params, iot_box_identifier: 'nobody' } });
    await postJson(`${sim.url}/iot/box/send_websocket`, { params: { ...params, device_identifier: 'usb_dead:beef' } });
    const [confirmation] = await bus.waitFor(1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(bus.frames.flat().length, 1, 'unknown box / device are dropped silently');
    assert.deepEqual(confirmation.message, {
      type: 'operation_confirmation',
      payload: { session_id: 's9', iot_box_identifier: 'box-1', device_identifier: 'usb_04b8:0e28', message: { status: 'success', result: true, action_args: { action: 'cashbox', session_id: 's9' } } },
    });
    assert.deepEqual(sim.iot.state.confirmations.slice(-2).map((c) => c.why), ['unknown box', 'unknown device']);
    bus.ws.close();
  });

  it('rebroadcasts /iot/box/webrtc_answer as webrtc_answer {iot_box_identifier, answer}', async () => {
    const bus = await openBus(sim);
    bus.subscribe([channel], sim.iot.store.highestId);
    await new Promise((r) => setTimeout(r, 30));
    const answer = { sdp: 'v=0\r\n', type: 'answer' };
    await postJson(`${sim.url}/iot/box/webrtc_answer`, { params: { iot_box_identifier: 'box-1', answer } });
    const [got] = await bus.waitFor(1);
    assert.deepEqual(got.message, { type: 'webrtc_answer', payload: { iot_box_identifier: 'box-1', answer } });
    bus.ws.close();
  });

  it('lets the POS send through /web/dataset/call_kw/iot.channel/send_message and read iot.box', async () => {
    const bus = await openBus(sim);
    bus.subscribe([channel], sim.iot.store.highestId);
    await new Promise((r) => setTimeout(r, 30));
    const ch = await postJson(`${sim.url}/web/dataset/call_kw/iot.channel/get_iot_channel`, { jsonrpc: '2.0', method: 'call', id: 1, params: { model: 'iot.channel', method: 'get_iot_channel', args: [], kwargs: {} } });
    assert.equal(ch.json.result, channel);
    const message = { iot_identifiers: ['box-1'], iot_identifier: 'box-1', session_id: 'pos-1', offer: { sdp: 'x', type: 'offer' } };
    const sent = await postJson(`${sim.url}/web/dataset/call_kw/iot.channel/send_message`, { jsonrpc: '2.0', method: 'call', id: 2, params: { model: 'iot.channel', method: 'send_message', args: [message, 'webrtc_offer'], kwargs: {} } });
    assert.deepEqual(sent.json, { jsonrpc: '2.0', id: 2 });
    const [got] = await bus.waitFor(1);
    assert.deepEqual(got.message, { type: 'webrtc_offer', payload: message });
    const boxes = await postJson(`${sim.url}/web/dataset/call_kw/iot.box/search_read`, { jsonrpc: '2.0', method: 'call', id: 3, params: { model: 'iot.box', method: 'search_read', args: [[['identifier', '=', 'box-1']], ['ip', 'identifier', 'version']], kwargs: {} } });
    assert.deepEqual(boxes.json.result, [{ id: sim.iot.records.box('box-1')!.id, ip: '192.168.1.23', identifier: 'box-1', version: 'B1.0-19.0' }]);
    bus.ws.close();
  });

  it('keeps the socket open on a bad subscribe and closes with 1013 past the frame rate limit', async () => {
    const bus = await openBus(sim);
    bus.ws.send('{not json');
    bus.ws.send(JSON.stringify({ event_name: 'subscribe', data: { channels: [1], last: 0 } }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(bus.ws.readyState, WebSocket.OPEN);
    assert.match(sim.iot.bus.errors.join('\n'), /Invalid JSON data/);
    assert.match(sim.iot.bus.errors.join('\n'), /only string channels/);
    for (let i = 0; i < 12; i++) bus.ws.send(JSON.stringify({ event_name: 'update_presence', data: {} }));
    assert.equal((await bus.closed).code, 1013);
  });

  it('closes idle sockets with 4002 on demand', async () => {
    const bus = await openBus(sim);
    bus.subscribe([channel], sim.iot.store.highestId, 'box-1');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(sim.iot.faults.closeIdle('box-1'), 1);
    assert.equal((await bus.closed).code, 4002);
  });
});

describe('simulator as an 18.0 database', () => {
  let sim: RunningSimulator;
  before(async () => (sim = await startSimulator({ serverSerie: '18.0' })));
  after(() => sim.close());

  it('uses worker version 18.0-7 and sends iot_action in the iotDevice form', async () => {
    assert.equal(sim.iot.identity.workerVersion, '18.0-7');
    const channel = await registerBox(sim, 'aa:bb:cc:dd:ee:ff');
    const bus = await openBus(sim);
    bus.subscribe([channel], sim.iot.store.highestId);
    await new Promise((r) => setTimeout(r, 30));
    sim.iot.channel.sendAction({ box: 'aa:bb:cc:dd:ee:ff', device: 'usb_04b8:0e28', data: { print_id: 42, document: 'AAEC' } });
    const [got] = await bus.waitFor(1);
    const deviceId = sim.iot.records.device('aa:bb:cc:dd:ee:ff', 'usb_04b8:0e28')!.id;
    assert.deepEqual(got.message, {
      type: 'iot_action',
      payload: { iotDevice: { iotIdentifiers: ['aa:bb:cc:dd:ee:ff'], identifiers: [{ identifier: 'usb_04b8:0e28', id: deviceId }] }, device_identifier: 'usb_04b8:0e28', print_id: 42, document: 'AAEC' },
    });
    const ack = await postJson(`${sim.url}/iot/printer/status`, { params: { print_id: 42, device_identifier: 'usb_04b8:0e28', iot_mac: 'aa:bb:cc:dd:ee:ff' } });
    assert.equal(ack.status, 200);
    assert.equal(sim.iot.state.printerAcks.at(-1)!.print_id, 42);
    bus.ws.close();
  });
});

describe('simulator IoT records over the RPC part and the pages API', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ dbName: 'shop' });
    await registerBox(sim, 'box-r');
  });
  after(() => sim.close());

  it('reads iot.box / iot.device with execute_kw and sends iot.channel.send_message', async () => {
    const call = (model: string, method: string, args: unknown[], kwargs = {}) =>
      postJson(`${sim.url}/jsonrpc`, { jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: ['shop', 2, 'admin', model, method, args, kwargs] } });
    const boxes = await call('iot.box', 'search_read', [[['identifier', '=', 'box-r']], ['identifier', 'ip']]);
    assert.deepEqual(boxes.json.result, [{ id: sim.iot.records.box('box-r')!.id, identifier: 'box-r', ip: '192.168.1.23' }]);
    const devices = await call('iot.device', 'search_read', [[['iot_id', '=', sim.iot.records.box('box-r')!.id]], ['identifier', 'type', 'subtype', 'connected']]);
    assert.equal(devices.json.result.length, 2);
    assert.ok(devices.json.result.some((d: any) => d.identifier === 'usb_04b8:0e28' && d.type === 'printer' && d.subtype === 'receipt_printer' && d.connected === true));
    const before = sim.iot.store.highestId;
    const sent = await call('iot.channel', 'send_message', [{ iot_identifiers: ['box-r'], session_id: 's' }, 'restart_odoo']);
    assert.deepEqual(sent.json, { jsonrpc: '2.0', id: 1 });
    assert.equal(sim.iot.store.highestId, before + 1);
    assert.equal((await call('iot.channel', 'get_iot_channel', [])).json.result, sim.iot.channel.name);
  });

  it('has websocket_worker_version in the logged-in session info', async () => {
    const auth = await postJson(`${sim.url}/web/session/authenticate`, { jsonrpc: '2.0', id: 1, params: { db: 'shop', login: 'admin', password: 'admin' } });
    const cookie = auth.headers.get('set-cookie')!.split(';')[0];
    const info = await postJson(`${sim.url}/web/session/get_session_info`, { jsonrpc: '2.0', id: 2, params: {} }, { Cookie: cookie });
    assert.equal(info.json.result.websocket_worker_version, '19.0-2');
  });

  it('serves the POS and IoT app pages and their state/token API', async () => {
    assert.match(await (await fetch(sim.posUrl)).text(), /pos\.js/);
    assert.match(await (await fetch(sim.iotAppUrl)).text(), /iot-app\.js/);
    assert.equal((await fetch(`${sim.posUrl}pos.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    const state = await (await fetch(`${sim.url}/iot-sim/api/state`)).json();
    assert.equal(state.channel, sim.iot.channel.name);
    assert.equal(state.workerVersion, '19.0-2');
    assert.deepEqual(state.boxes.map((b: any) => [b.identifier, b.devices.length]), [['box-r', 2]]);
    const token = await postJson(`${sim.url}/iot-sim/api/token`, { generation: 'old' });
    assert.equal(token.json.connectionString, `${sim.url}|${token.json.token}|${sim.iot.identity.dbUuid}|${sim.iot.identity.enterpriseCode}`);
    assert.equal((await fetch(`${sim.url}/iot-sim/api/token`, { method: 'POST', body: '{x' })).status, 400);
  });
});
