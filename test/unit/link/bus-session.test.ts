import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { registerBox } from '../../unit/simulator/helpers.ts';
import { BusSession, SERVER_CLEAR_GRACE_MS, type BusSessionEvents } from '../../../src/hub/link/bus-session.ts';
import { systemClock } from '../../../src/hub/link/clock.ts';
import type { IotAction } from '../../../src/odoo/iot/messages.ts';
import type { ResultMessage } from '../../../src/odoo/iot/results.ts';
import { browserSocket, fetchAt, ManualClock, recordingLogger, until } from './support.ts';

/**
 * The bus session alone, on the simulator's bus: it subscribes from the bus position (`last`)
 * it is given, hands over only what lies above it, in order, and reports how far it got; each
 * message for this hub becomes one event or the box's reply, or a log line saying why not.
 */
describe('bus session (link part)', () => {
  let sim: RunningSimulator;
  let channel: string;
  const BOX = 'bss-00000000001';
  before(async () => {
    sim = await startSimulator();
    channel = await registerBox(sim, BOX);
  });
  const sessions: BusSession[] = [];
  after(() => {
    for (const session of sessions) session.end();
    return sim.close();
  });

  function session(last: { value: number }) {
    const actions: IotAction[] = [];
    const reported: number[] = [];
    const { logger, lines } = recordingLogger();
    const refuse = async () => assert.fail('not sent in this test');
    const events: BusSessionEvents = {
      action: async (action) => void actions.push(action),
      offer: () => assert.fail('no offer is sent'),
      reply: refuse, restart: () => assert.fail('no restart is sent'), serverClear: refuse, serverUpdate: refuse,
      last: (n) => {
        reported.push(n);
        last.value = n;
      },
      opened: () => undefined,
      changed: () => undefined,
    };
    const bus = new BusSession({
      logger, clock: systemClock, identifier: () => BOX, last: () => last.value,
      fetch: fetchAt(() => sim.url), WebSocket: browserSocket(sim), origin: sim.url, reconnectMinMs: 20, reconnectMaxMs: 50, events,
    });
    sessions.push(bus);
    return { bus, actions, reported, lines };
  }

  const send = (id: string) => sim.iot.channel.sendAction({ box: BOX, device: 'usb_04b8:0e28', data: { action: 'cashbox', action_unique_id: id } }).notification.id;

  it('hands over only the notifications above last, in order, and reports the highest', async () => {
    const first = send('a1');
    const second = send('a2');
    const third = send('a3');
    const last = { value: first };
    const { bus, actions, reported } = session(last);
    bus.start(channel, sim.iot.identity.dbName);
    await until(() => actions.length === 2, 'the two notifications above last');
    assert.deepEqual(actions.map((a) => a.actionUniqueId), ['a2', 'a3']);
    assert.equal(reported.at(-1), third);
    assert.ok(reported.every((n) => n > first && n <= third));
    assert.ok(second < third);

    const fourth = send('a4');
    await until(() => last.value === fourth, 'the live notification');
    assert.deepEqual(actions.map((a) => a.actionUniqueId), ['a2', 'a3', 'a4']);
    bus.end();
  });

  it('after the bus restarts, resubscribes from the reported last: what was missed arrives once, nothing twice', async () => {
    const last = { value: sim.iot.store.highestId };
    const { bus, actions } = session(last);
    bus.start(channel, sim.iot.identity.dbName);
    await until(() => bus.snapshot.state === 'open', 'the bus to open');
    const before = send('b1');
    await until(() => last.value === before, 'b1');
    const restarting = sim.iot.faults.restartBus({ downMs: 100 });
    await until(() => bus.snapshot.state !== 'open', 'the bus to drop');
    const missed = send('b2');
    await restarting;
    await until(() => last.value === missed, 'the missed notification after the restart');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(actions.map((a) => a.actionUniqueId), ['b1', 'b2']);
    bus.end();
  });

  async function open() {
    const clock = new ManualClock(Date.now());
    const seen: string[] = [];
    const replies: ResultMessage[] = [];
    const { logger, lines } = recordingLogger();
    let last = sim.iot.store.highestId;
    const bus = new BusSession({
      logger, clock, identifier: () => BOX, last: () => last, fetch: fetchAt(() => sim.url), WebSocket: browserSocket(sim), origin: sim.url,
      appUrl: `${sim.url}/`,
      events: {
        action: async (action) => void seen.push(`action ${action.action}`),
        offer: (offer) => void seen.push(`offer ${offer.sdp.slice(0, 3)}`),
        reply: async (message) => void replies.push(message),
        restart: () => void seen.push('restart'),
        serverClear: async () => void seen.push('server_clear'),
        serverUpdate: async (url) => void seen.push(`server_update ${url}`),
        last: (n) => (last = n),
        opened: () => void seen.push('opened'),
        changed: () => undefined,
      },
    });
    sessions.push(bus);
    bus.start(channel, sim.iot.identity.dbName);
    await until(() => bus.snapshot.state === 'open', 'the bus to open');
    const send = (type: string, fields: Record<string, unknown>) => {
      const id = sim.iot.channel.sendMessage({ iot_identifiers: [BOX], iot_identifier: BOX, ...fields }, type).id;
      return until(() => last >= id, `${type} to be handled`);
    };
    return { bus, clock, seen, replies, lines, send };
  }

  it('turns each box message into its event or the box\'s reply, in order', async () => {
    const { bus, seen, replies, send } = await open();
    sim.iot.channel.sendAction({ box: BOX, device: 'usb_04b8:0e28', data: { action: 'cashbox', action_unique_id: 'e1' } });
    await send('restart_odoo', { session_id: 'r-1' });
    await send('test_connection', { session_id: 't-1' });
    await send('webrtc_offer', { offer: { type: 'offer', sdp: 'v=0\r\n' } });
    await send('server_update', { server_url: 'https://shop.example.com/' });
    await send('remote_debug', {});
    assert.deepEqual(seen, ['opened', 'action cashbox', 'restart', 'offer v=0', 'server_update https://shop.example.com']);
    assert.deepEqual(replies.map((r) => [r.session_id, r.device_identifier, r.status]), [['r-1', BOX, 'success'], ['t-1', null, 'success'], [0, null, 'success']]);
    assert.deepEqual(Object.keys(replies[1].result as object).sort(), ['lan_quality', 'wan_quality']);
    assert.notEqual((replies[1].result as { lan_quality: string }).lan_quality, 'unreachable', 'the hub\'s own page answered');
    assert.deepEqual(replies[2].result, { enabled: false });
    assert.equal(bus.snapshot.openedAt > 0, true);
    bus.end();
    assert.equal(bus.snapshot.state, 'stopped');
  });

  it('ignores a server_clear right after connecting (a replay), and acts on one later', async () => {
    const { bus, clock, seen, lines, send } = await open();
    await send('server_clear', {});
    assert.ok(!seen.includes('server_clear'));
    assert.ok(lines.some((l) => /^info odoo: server_clear \(notification \d+\) right after connecting: a replay of an old one, ignored$/.test(l)));
    clock.advance(SERVER_CLEAR_GRACE_MS);
    await send('server_clear', {});
    assert.deepEqual(seen.filter((s) => s === 'server_clear'), ['server_clear']);
    bus.end();
  });

  it('says why it did not use a message: another hub\'s, an unknown type, a malformed one, a bad server_url', async () => {
    const { bus, seen, lines, send } = await open();
    const other = sim.iot.channel.sendMessage({ iot_identifiers: ['someone-else'], session_id: 'x' }, 'restart_odoo').id;
    await send('iot_action_v2', {});
    await send('webrtc_offer', { offer: { type: 'offer', sdp: 'not sdp' } });
    await send('server_update', { server_url: 'ftp://shop.example.com' });
    await send('server_update', { server_url: 42 });
    assert.deepEqual(seen, ['opened'], `nothing was handed over (notification ${other} was for another hub)`);
    assert.ok(lines.includes('debug odoo: bus message iot_action_v2 ignored'));
    assert.ok(lines.some((l) => /^warning odoo: bad webrtc_offer \(notification \d+\) ignored: webrtc_offer has no SDP offer$/.test(l)));
    assert.ok(lines.includes('warning odoo: server_update with a server_url that is not an http(s) URL ignored'));
    assert.ok(lines.includes('warning odoo: server_update without a usable server_url ignored'));
    bus.end();
  });
});
