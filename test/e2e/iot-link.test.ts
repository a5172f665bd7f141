import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import {
  buildE2eHub, link, openPos, posAction, rtcBoxMessage, waitFor, waitHubReady, waitLink, type IotRig, openIotSession, type IotSession,
} from '../support/iot-e2e.ts';
import { TEST_DRAWER_IDENTIFIER } from '../fakes/iot/test-drawer.ts';

/**
 * The hub as an IoT box of the Odoo simulator: one browser holds the hub window, the
 * simulator's POS page and its IoT app page. Actions go to the e2e test drawer.
 */
describe('IoT link with the Odoo simulator', () => {
  let session: IotSession;
  let context: BrowserContext;
  let rig: IotRig;
  let hub: Page;
  let pos: Page;
  let box = '';
  let drawer = '';

  before(async () => {
    session = await openIotSession(buildE2eHub());
    ({ context, rig, hub } = session);
    const l = await link(hub);
    box = l.identifier;
    // The hub's own devices (the window's keyboard scanner...) are listed too: the drawer is the USB one.
    drawer = l.devices.find((d) => d === TEST_DRAWER_IDENTIFIER) ?? '';
    assert.equal(drawer, 'usb_1209:0001_E2E1');
  });
  after(() => session?.close());

  it('pairs by code entered in the IoT app, registers, and its devices appear there', async () => {
    const shown = await waitLink(hub, (l) => l.pairingCode.state === 'showing', 'a pairing code');
    const code = shown.pairingCode.state === 'showing' ? shown.pairingCode.code : '';
    assert.equal(await hub.locator('[data-test=pairing-code]').textContent(), code);
    const iotApp = await context.newPage();
    await iotApp.goto(rig.sim.iotAppUrl);
    await iotApp.locator('#code').fill(code);
    await iotApp.locator('#pair').click();
    await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'registration after pairing by code');
    assert.match(await hub.locator('hub-pairing-section [data-test=pairing-code-state]').textContent() ?? '', /Not needed/);
    await iotApp.reload();
    await iotApp.getByText('Test cash drawer').waitFor({ timeout: 5_000 });
    const registration = rig.sim.iot.state.registrations.at(-1)!;
    assert.equal(registration.identifier, box);
    assert.equal(registration.accepted, true);
    await iotApp.close();
  });

  it('explains wrong, expired and used tokens, then pairs by token', async () => {
    assert.match(await hub.locator('[data-test=disconnect-help]').textContent() ?? '', /forgets the database on this hub only, as an IoT box does: Odoo is not told/);
    const registrations = rig.sim.iot.state.registrations.length;
    await hub.locator('[data-test=disconnect]').click();
    await waitLink(hub, (l) => !l.paired, 'the pairing to be forgotten');
    // As the box's disconnect: Odoo is told nothing; it keeps the box, disconnected once the bus closes.
    await waitFor(() => rig.sim.iot.records.box(box)?.websocketConnected === false, 'the simulator to see the bus close');
    assert.equal(rig.sim.iot.state.registrations.length, registrations);
    assert.ok(rig.sim.iot.deleteBox(box), 'the database forgets the box too, so a token is needed again');

    const tryToken = async (token: string) => {
      await hub.locator('[data-test=configure]').click();
      await hub.locator('[data-test=token-input]').fill(token);
      await hub.locator('[data-test=connect]').click();
      const message = hub.locator('[data-test=token-message]');
      await message.waitFor({ timeout: 5_000 });
      const text = (await message.textContent()) ?? '';
      await hub.getByRole('button', { name: 'Close' }).click();
      return text;
    };
    assert.match(await tryToken('https://shop.example.com'), /web address without a token/);
    assert.match(await tryToken('hello'), /not a connection token/);

    const expired = rig.sim.iot.issueToken('19');
    rig.sim.iot.faults.expireToken(expired.token);
    assert.match(await tryToken(expired.connectionString), /refused the hub: the connection token is wrong, expired .* or already used/);

    const used = rig.sim.iot.issueToken('18');
    const other = await fetch(`${rig.sim.url}/iot/setup`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ params: { iot_box: { identifier: 'another0box00001', mac: '00:00:00:00:00:00', ip: '10.0.0.9', token: used.token, version: 'B0.1.0-19.0' }, devices: {} } }),
    }).then((r) => r.json());
    assert.match(other.result, /^iot_channel-/);
    assert.match(await tryToken(used.connectionString), /already used/);
    assert.equal((await link(hub)).paired, false, 'a refused token leaves the hub unpaired');

    const good = rig.sim.iot.issueToken('19');
    assert.match(await tryToken(good.connectionString), /^Connected to /);
    await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'registration by token');
    const registration = rig.sim.iot.state.registrations.at(-1)!;
    assert.equal(registration.database, rig.sim.iot.identity.dbName, 'X-Odoo-Database names the database of a 19.0 token');
    assert.ok(!(await hub.content()).includes(good.token), 'the token is never shown');
  });

  it('runs an action over WebRTC and one over the bus on the device; results reach the POS', async () => {
    pos = await openPos(context, rig.sim);
    const rtc = await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'webrtc' });
    assert.equal(rtc.via, 'webrtc');
    assert.equal(rtc.ok, true, JSON.stringify(rtc));
    assert.deepEqual((rtc.message as { result: unknown }).result, { opened: true, runs: 1 });
    const bus = await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus' });
    assert.equal(bus.via, 'bus');
    assert.equal(bus.ok, true, JSON.stringify(bus));
    assert.deepEqual((bus.message as { result: unknown }).result, { opened: true, runs: 1 });
    const unknown = await posAction(pos, { box, device: 'usb_dead:beef', data: { action: 'cashbox' }, via: 'webrtc' });
    assert.equal(unknown.status, 'disconnected', 'an unknown device answers disconnected');
    await waitLink(hub, (l) => l.outbox.pending === 0, 'the outbox to drain');
  });

  it('runs an action_unique_id delivered twice (again after a bus reconnect) once', async () => {
    const actionId = crypto.randomUUID();
    const first = await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus', actionId });
    assert.deepEqual((first.message as { result: unknown }).result, { opened: true, runs: 1 });
    assert.equal(rig.sim.iot.faults.killSockets(box), 1);
    await waitLink(hub, (l) => l.bus.state === 'open', 'the bus to come back');
    const droppedBefore = (await link(hub)).duplicatesDropped;
    const again = posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus', actionId, timeoutMs: 1_500 });
    // The hub got the second delivery and dropped it (not a delivery lost on the way).
    await waitLink(hub, (l) => l.duplicatesDropped === droppedBefore + 1, 'the hub to drop the second delivery');
    assert.equal((await again).status, 'timeout', 'the repeated action is not run (and so not answered) again');
    const jobs = (await link(hub)).jobs.filter((j) => j.id.startsWith(actionId));
    assert.equal(jobs.length, 1);
  });

  it('delivers the result of an action queued before a reload, once', async () => {
    const slow = posAction(pos, { box, device: drawer, data: { action: 'cashbox', delay_ms: 1_500 }, via: 'bus' });
    await waitLink(hub, (l) => l.jobs.some((j) => j.state === 'running'), 'the slow job to run');
    const queuedId = crypto.randomUUID();
    const queued = posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus', actionId: queuedId });
    await waitLink(hub, (l) => l.jobs.some((j) => j.id.startsWith(queuedId) && j.state === 'queued'), 'the second job to wait in the queue');
    await hub.reload();
    await waitHubReady(hub);
    const result = await queued;
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual((result.message as { result: unknown }).result, { opened: true, runs: 1 });
    const interrupted = await slow;
    assert.equal(interrupted.status, 'error');
    assert.match(String(interrupted.message.result), /restarted while this action ran/);
    await new Promise((r) => setTimeout(r, 500));
    const counts = await pos.evaluate((id) => (window as unknown as { posSim: { received(id: string): unknown } }).posSim.received(id), queuedId);
    assert.deepEqual(counts, { bus: 1, webrtc: 0 }, 'the result reached the POS exactly once');
  });

  it('misses nothing when the simulator restarts mid-stream: reconnects and resubscribes with last', async () => {
    await waitLink(hub, (l) => l.bus.state === 'open', 'the bus');
    const lastBefore = (await link(hub)).bus.last;
    const restart = rig.sim.iot.faults.restartBus({ downMs: 1_000 });
    // While the bus is down the POS cannot listen, but the database still queues actions for the box.
    const sessions = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const session of sessions) {
      const answer = await fetch(`${rig.sim.url}/web/dataset/call_kw/iot.channel/send_message`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { model: 'iot.channel', method: 'send_message', kwargs: {}, args: [
          { iot_identifiers: [box], iot_identifier: box, session_id: session, device_identifiers: [drawer], device_identifier: drawer, action: 'cashbox', action_unique_id: session },
          'iot_action'] } }),
      }).then((r) => r.json());
      assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    }
    await restart;
    await waitLink(hub, (l) => l.bus.state === 'open' && l.outbox.pending === 0 && sessions.every((s) => l.jobs.some((j) => j.id.startsWith(s) && j.state === 'done')), 'the five actions to run');
    const confirmed = (s: string) => rig.sim.iot.state.confirmations.filter((c) => c.params.session_id === s && c.forwarded).length;
    assert.deepEqual(sessions.map(confirmed), [1, 1, 1, 1, 1], 'each result reached the database exactly once');
    const resubscribed = rig.sim.iot.bus.connections.find((c) => c.identifier === box);
    assert.ok(resubscribed && resubscribed.subscribedLast !== null && resubscribed.subscribedLast >= lastBefore, `resubscribed from ${resubscribed?.subscribedLast}`);
  });

  it('refetches the bus version on OUTDATED_VERSION', async () => {
    const fetches = (await link(hub)).bus.versionFetches;
    rig.sim.iot.faults.setWorkerVersion('19.0-3');
    rig.sim.iot.faults.killSockets(box);
    await waitLink(hub, (l) => l.bus.versionFetches > fetches && l.bus.state === 'open', 'a new bus version');
    const connection = rig.sim.iot.bus.connections.find((c) => c.identifier === box);
    assert.equal(connection?.version, '19.0-3');
    pos = await openPos(context, rig.sim);
    const r = await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus' });
    assert.equal(r.ok, true);
  });

  const confirmation = (sessionId: unknown) => waitFor(() => rig.sim.iot.state.confirmations.find((c) => c.params.session_id === sessionId), `the confirmation of ${String(sessionId)}`);
  const fields = (o: object) => Object.keys(o).sort();

  it('answers test_connection with measured qualities and remote_debug with enabled: false, in the box\'s shapes', async () => {
    const session = crypto.randomUUID();
    rig.sim.iot.channel.sendBoxCommand('test_connection', box, session);
    const test = await confirmation(session);
    assert.deepEqual(fields(test.params), ['device_identifier', 'iot_box_identifier', 'owner', 'result', 'session_id', 'status', 'time']);
    assert.equal(test.forwarded, true);
    assert.deepEqual({ ...test.params, time: 0, result: 0 }, { session_id: session, owner: session, iot_box_identifier: box, device_identifier: null, status: 'success', time: 0, result: 0 });
    const result = test.params.result as Record<string, unknown>;
    assert.deepEqual(fields(result), ['lan_quality', 'wan_quality']);
    for (const q of [result.lan_quality, result.wan_quality]) assert.ok(['fast', 'normal', 'slow'].includes(q as string), `loopback is reachable: ${String(q)}`);
    assert.ok(Math.abs((test.params.time as number) - Date.now() / 1000) < 60);

    const before = rig.sim.iot.state.confirmations.length;
    rig.sim.iot.channel.remoteDebug(box, true, 'a-remote-access-token');
    const debug = await waitFor(() => rig.sim.iot.state.confirmations.slice(before).find((c) => c.params.session_id === 0), 'the remote_debug answer');
    assert.deepEqual(debug.params, { session_id: 0, iot_box_identifier: box, device_identifier: null, status: 'success', result: { enabled: false } });
  });

  it('sends results and events with exactly the fields of the protocol, on the bus and on WebRTC', async () => {
    const busId = crypto.randomUUID();
    assert.equal((await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus', actionId: busId })).ok, true);
    const bus = await confirmation(busId);
    // The test drawer is a printer: it answers with the printer driver's status event, no action_args.
    assert.deepEqual({ ...bus.params, time: 0 }, {
      value: '', owner: busId, session_id: busId, iot_box_identifier: box, device_identifier: drawer, time: 0, status: 'success',
      result: { opened: true, runs: 1 }, message: null,
    });
    assert.equal(typeof bus.params.time, 'number');

    // A device event goes to the session that acted on the device last (the box's owner).
    const emitId = crypto.randomUUID();
    await posAction(pos, { box, device: drawer, data: { action: 'emit', value: 'scanned-4006381333931' }, via: 'bus', actionId: emitId });
    const event = await waitFor(() => rig.sim.iot.state.confirmations.find((c) => c.params.session_id === emitId && c.params.result === 'scanned-4006381333931'), 'the device event');
    assert.deepEqual({ ...event.params, time: 0 }, {
      value: '', owner: emitId, session_id: emitId, iot_box_identifier: box, device_identifier: drawer, time: 0, status: 'success', result: 'scanned-4006381333931', message: null,
    });

    const goneId = crypto.randomUUID();
    const gone = await posAction(pos, { box, device: 'usb_dead:beef', data: { action: 'cashbox' }, via: 'bus', actionId: goneId, timeoutMs: 1_000 });
    assert.equal(gone.status, 'timeout', 'the server drops a result for a device it does not know');
    const dropped = await confirmation(goneId);
    assert.deepEqual({ ...dropped.params, time: 0 }, { owner: goneId, session_id: goneId, iot_box_identifier: box, device_identifier: 'usb_dead:beef', time: 0, status: 'disconnected' });
    assert.equal(dropped.why, 'unknown device');

    // The POS page checks the connection state, which may trail the channel's opening a little.
    for (let i = 0; i < 40; i++) {
      const state = await pos.evaluate((b) => (window as unknown as { posSim: { openWebRtc(b: string): Promise<{ state: string }> } }).posSim.openWebRtc(b), box);
      if (state.state === 'connected') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const rtcId = crypto.randomUUID();
    const rtc = await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'webrtc', actionId: rtcId });
    assert.equal(rtc.via, 'webrtc');
    assert.deepEqual({ ...rtc.message, time: 0 }, {
      value: '', owner: rtcId, session_id: rtcId, iot_box_identifier: box, device_identifier: drawer, time: 0, status: 'success',
      result: { opened: true, runs: 1 }, message: null,
    });
    const rtcGoneId = crypto.randomUUID();
    const rtcGone = await posAction(pos, { box, device: 'usb_dead:beef', data: { action: 'cashbox' }, via: 'webrtc', actionId: rtcGoneId });
    assert.deepEqual({ ...rtcGone.message, time: 0 }, { owner: rtcGoneId, session_id: rtcGoneId, iot_box_identifier: box, device_identifier: 'usb_dead:beef', time: 0, status: 'disconnected' });
  });

  it('runs an Odoo 18 iot_action (iotDevice form) and acknowledges it on /iot/printer/status', async () => {
    // The simulator's 18.0 database sends actions in the iotDevice form (iot_channel.ts sendAction).
    rig.sim.iot.identity.serverSerie = '18.0';
    try {
      const printId = `print-${crypto.randomUUID()}`;
      const { notification } = rig.sim.iot.channel.sendAction({ box, device: drawer, data: { print_id: printId, document: Buffer.from('\x1b@hello\n').toString('base64') } });
      const payload = notification.payload as Record<string, unknown>;
      assert.deepEqual(fields(payload), ['device_identifier', 'document', 'iotDevice', 'print_id']);
      const ack = await waitFor(() => rig.sim.iot.state.printerAcks.find((a) => a.print_id === printId), 'the /iot/printer/status acknowledgement');
      assert.deepEqual({ ...ack, at: 0 }, { print_id: printId, device_identifier: drawer, iot_mac: box, at: 0 });
    } finally {
      rig.sim.iot.identity.serverSerie = '19.0';
    }
  });

  it('follows server_update: keeps the new URL, re-registers, and says when its local server cannot reach it', async () => {
    const original = (await link(hub)).serverUrl;
    let registrations = rig.sim.iot.state.registrations.length;
    rig.sim.iot.channel.serverUpdate(box, 'https://moved.example.com/');
    let l = await waitLink(hub, (x) => x.serverUrl === 'https://moved.example.com' && rig.sim.iot.state.registrations.length > registrations, 'the move and a new registration');
    assert.match(l.serverNotice, /now lives at https:\/\/moved\.example\.com, .* --odoo https:\/\/moved\.example\.com/);
    assert.match(await hub.locator('[data-test=server-notice]').textContent() ?? '', /--odoo https:\/\/moved\.example\.com/);
    registrations = rig.sim.iot.state.registrations.length;
    rig.sim.iot.channel.serverUpdate(box, original);
    l = await waitLink(hub, (x) => x.serverUrl === original && rig.sim.iot.state.registrations.length > registrations, 'the move back');
    assert.equal(l.serverNotice, '');
    assert.equal(rig.sim.iot.state.registrations.at(-1)?.accepted, true);
  });

  it('explains in the Odoo section a registration the database refuses', async () => {
    // The database forgets the hub without telling it; the next registration (a new address) is refused.
    assert.ok(rig.sim.iot.records.deleteBox(box));
    await hub.evaluate(() => (document.querySelector('hub-app') as unknown as { hub: { api: { setSetting(k: string, v: string): Promise<void> } } }).hub.api.setSetting('addressOverride', 'till-1.shop.lan'));
    await waitLink(hub, (l) => l.registration.state === 'refused', 'the refusal');
    assert.equal(await hub.locator('[data-test=registration]').textContent(), 'refused by the database');
    assert.match(await hub.locator('[data-test=registration-message]').textContent() ?? '', /refused the hub: the connection token is wrong, expired .* or the hub was deleted in the IoT app/);
    await hub.evaluate(() => (document.querySelector('hub-app') as unknown as { hub: { api: { setSetting(k: string, v: string): Promise<void> } } }).hub.api.setSetting('addressOverride', ''));
    // Pair again with a fresh token for the tests that follow.
    const token = rig.sim.iot.issueToken('19');
    const answer = await hub.evaluate((t) => (document.querySelector('hub-app') as unknown as { hub: { api: { link: { configure(t: string): Promise<{ ok: boolean; message: string }> } } } }).hub.api.link.configure(t), token.connectionString);
    assert.equal(answer.ok, true, answer.message);
    await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'registration with the new token');
  });

  it('restarts on restart_odoo over the bus: acknowledges, reloads, and comes back paired', async () => {
    const registrations = rig.sim.iot.state.registrations.length;
    const reloaded = hub.waitForEvent('load', { timeout: 10_000 });
    const session = crypto.randomUUID();
    rig.sim.iot.channel.sendBoxCommand('restart_odoo', box, session);
    const ack = await confirmation(session);
    assert.deepEqual({ ...ack.params, time: 0 }, { session_id: session, owner: session, iot_box_identifier: box, device_identifier: box, status: 'success', time: 0 });
    assert.equal(ack.forwarded, true);
    await reloaded;
    await waitHubReady(hub);
    await waitLink(hub, (l) => l.paired && l.registration.state === 'registered' && l.bus.state === 'open', 'the hub back after the restart');
    assert.ok(rig.sim.iot.state.registrations.length > registrations, 'registered again at start');
    // The restart_odoo it acted on is not replayed to the restarted hub (which would restart again).
    const again = hub.waitForEvent('load', { timeout: 1_500 }).then(() => true, () => false);
    assert.equal(await again, false, 'the hub restarted once');
  });

  it('restarts on restart_odoo over WebRTC; a server_clear replayed in the first 5 s is ignored, a later one forgets the pairing', async () => {
    pos = await openPos(context, rig.sim);
    const reloaded = hub.waitForEvent('load', { timeout: 10_000 });
    const session = crypto.randomUUID();
    const reply = await rtcBoxMessage(pos, box, 'restart_odoo', session);
    assert.deepEqual({ ...reply, time: 0 }, { owner: session, device_identifier: box, time: 0, status: 'success' });
    await reloaded;
    await waitHubReady(hub);
    let l = await waitLink(hub, (x) => x.paired && x.registration.state === 'registered' && x.bus.state === 'open', 'the hub back after the WebRTC restart');

    // Right after connecting, as a subscribe with an old `last` would replay it: ignored.
    rig.sim.iot.channel.serverClear(box);
    // Notifications are handled in order: once the next one is answered, the server_clear was handled.
    const probe = crypto.randomUUID();
    rig.sim.iot.channel.sendBoxCommand('test_connection', box, probe);
    await confirmation(probe);
    l = await link(hub);
    assert.ok(Date.now() - l.bus.openedAt < 5_000, 'still within 5 s of connecting');
    assert.equal(l.paired, true, 'a server_clear within 5 s of connecting is ignored');

    await new Promise((r) => setTimeout(r, Math.max(0, l.bus.openedAt + 5_000 - Date.now())));
    assert.ok(rig.sim.iot.deleteBox(box));
    l = await waitLink(hub, (x) => !x.paired, 'the pairing to be forgotten after server_clear');
    assert.match(l.registration.message, /server_clear/);
    await waitLink(hub, (x) => x.pairingCode.state === 'showing', 'a new pairing code');
  });
});
