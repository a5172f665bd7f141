import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { registerBox } from '../../unit/simulator/helpers.ts';
import { BusSession, type BusSessionEvents } from '../../../src/hub/link/bus-session.ts';
import { LAST_ID_SAVE_MS, Pairing } from '../../../src/hub/link/pairing.ts';
import { systemClock } from '../../../src/hub/link/clock.ts';
import type { IotAction } from '../../../src/odoo/iot/messages.ts';
import type { PairingRecord } from '../../../src/store/schema.ts';
import { browserSocket, fetchAt, ManualClock, openTestDb, recordingLogger, until } from './support.ts';

/**
 * The bus position (`last`): the bus session subscribes from it, hands over only what lies
 * above it, in order, and reports how far it got; the pairing keeps it with the channel, saves
 * it a moment later, and starts a new channel from 0.
 */
describe('bus session: subscribe from last, dispatch above it in order, report it', () => {
  let sim: RunningSimulator;
  let channel: string;
  const BOX = 'bus-00000000001';
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

  it('a notification for another box moves last on but is not handed over', async () => {
    const last = { value: sim.iot.store.highestId };
    const { bus, actions } = session(last);
    bus.start(channel, sim.iot.identity.dbName);
    await until(() => bus.snapshot.state === 'open', 'the bus to open');
    const other = sim.iot.channel.sendAction({ box: 'another-box', device: 'usb_04b8:0e28', data: { action: 'cashbox', action_unique_id: 'x1' } }).notification.id;
    await until(() => last.value === other, 'last past the other box\'s notification');
    assert.deepEqual(actions, []);
    bus.end();
  });
});

describe('pairing: keeps the bus position with its channel', () => {
  const record = (channel: string): PairingRecord => ({
    id: 'current', serverUrl: 'http://127.0.0.1:8069', token: 't'.repeat(32), dbUuid: 'u', enterpriseCode: 'e', dbName: 'shop', channel, lastBusId: 0, pairedAt: 1,
  });

  async function pairing() {
    const db = await openTestDb();
    const clock = new ManualClock();
    const { logger } = recordingLogger();
    const part = new Pairing({
      db, logger, clock, identifier: 'p-1', pairingProxyUrl: () => '', forwardedOdooOrigin: () => null, pageOrigin: () => 'http://127.0.0.1:8080',
      events: { codeAccepted: async () => undefined, changed: () => undefined },
    });
    await part.load();
    const stored = async () => (await db.get('pairing', 'current'))?.lastBusId;
    return { db, clock, part, stored };
  }

  it('holds the newest position at once and saves it once per moment', async () => {
    const { clock, part, stored } = await pairing();
    await part.adopt(record('iot_channel-a'));
    part.rememberLast(5);
    part.rememberLast(7);
    assert.equal(part.last, 7);
    assert.equal(await stored(), 0, 'not saved yet');
    assert.deepEqual(clock.waiting, [LAST_ID_SAVE_MS], 'one save for both');
    clock.advance(LAST_ID_SAVE_MS);
    await until(async () => (await stored()) === 7, 'the coalesced save');
    part.rememberLast(9);
    await part.saveNow();
    assert.equal(await stored(), 9, 'saved at once before a reload');
    assert.deepEqual(clock.waiting, []);
  });

  it('a new channel starts from 0; the same channel keeps its position; a forgotten pairing saves nothing late', async () => {
    const { db, clock, part, stored } = await pairing();
    await part.adopt(record('iot_channel-a'));
    part.rememberLast(12);
    await part.saveNow();
    await part.adopt(record('iot_channel-a'));
    assert.equal(part.last, 12, 'pairing again on the same channel keeps the position');
    part.rememberLast(13);
    await part.setChannel('iot_channel-b');
    assert.equal(part.last, 0);
    assert.equal(await stored(), 0);
    assert.deepEqual(clock.waiting, [], 'the old channel\'s pending save is dropped');
    part.rememberLast(3);
    await part.forget();
    clock.advance(LAST_ID_SAVE_MS);
    assert.equal(await db.get('pairing', 'current'), undefined);
    assert.equal(part.last, 0);
  });
});
