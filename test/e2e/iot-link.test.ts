import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chrome-session.ts';
import { buildE2eHub, link, openHub, openPos, posAction, startIotRig, waitHubReady, waitLink, type IotRig } from '../support/iot-e2e.ts';

/**
 * The hub as an IoT box of the Odoo simulator: one browser holds the hub window, the
 * simulator's POS page and its IoT app page. The hub's only device is the e2e test drawer.
 */
describe('IoT link with the Odoo simulator', () => {
  let browser: Browser;
  let context: BrowserContext;
  let rig: IotRig;
  let hub: Page;
  let pos: Page;
  let box = '';
  let drawer = '';

  before(async () => {
    const dist = buildE2eHub();
    [browser, rig] = await Promise.all([launchChromium(), startIotRig(dist)]);
    context = await browser.newContext();
    hub = await openHub(context, rig.hubServer.url);
    const l = await link(hub);
    box = l.identifier;
    drawer = l.devices[0];
    assert.match(drawer, /^usb_1209:0001_E2E1$/);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await rig?.close();
  });

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
    await hub.locator('[data-test=disconnect]').click();
    await waitLink(hub, (l) => !l.paired, 'the pairing to be forgotten');
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
    const again = await posAction(pos, { box, device: drawer, data: { action: 'cashbox' }, via: 'bus', actionId, timeoutMs: 1_500 });
    assert.equal(again.status, 'timeout', 'the repeated action is not run (and so not answered) again');
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
});
