import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { Registration, REGISTRATION_RETRY_MS, type RegistrationFacts, type RegistrationTarget } from '../../../src/hub/link/registration.ts';
import { fetchAt, ManualClock, recordingLogger, unreachableUrl, until } from './support.ts';

/**
 * The registration part alone, against the simulator's /iot/setup: what it sends, when it
 * sends it again, how it retries an unreachable server and gives up on a refusal.
 */
function facts(identifier: string): RegistrationFacts {
  return { identifier, address: '192.168.1.23', version: 'B0.1.0-19.0#test', name: 'Till 1', devices: [], unclaimed: [] };
}

function setup(sim: RunningSimulator, identifier: string, options: { base?: () => string; target?: RegistrationTarget | null } = {}) {
  const clock = new ManualClock();
  const { logger, lines } = recordingLogger();
  const events = { registered: [] as string[], refused: [] as string[] };
  const hub = { facts: facts(identifier), target: options.target ?? null };
  const registration = new Registration({
    logger, clock, fetch: fetchAt(options.base ?? (() => sim.url)),
    target: () => hub.target, facts: () => hub.facts,
    events: { registered: (channel) => events.registered.push(channel), refused: (message) => events.refused.push(message), changed: () => undefined },
  });
  return { clock, lines, events, hub, registration };
}

const sent = (sim: RunningSimulator, identifier: string) => sim.iot.state.registrations.filter((r) => r.identifier === identifier);

describe('registration (link part)', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  it('registers the pairing, reports the channel, and sends again only when a fact Odoo knows changed', async () => {
    const { token } = sim.iot.issueToken();
    const { registration, events, hub } = setup(sim, 'reg-0000000001');
    hub.target = { token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
    await registration.registerNow();
    assert.deepEqual(registration.status, { state: 'registered', message: '' });
    assert.deepEqual(events.registered, [sim.iot.channel.name]);
    assert.equal(sim.iot.records.box('reg-0000000001')?.ip, '192.168.1.23');

    registration.check();
    registration.check();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sent(sim, 'reg-0000000001').length, 1, 'a check that finds nothing new sends nothing');

    hub.facts = { ...hub.facts, address: '192.168.1.77' };
    registration.check();
    await until(() => sent(sim, 'reg-0000000001').length === 2, 'the registration with the new address');
    await until(() => events.registered.length === 2, 'the second channel report');
    assert.equal(sim.iot.records.box('reg-0000000001')?.ip, '192.168.1.77');
  });

  it('retries an unreachable server with a growing backoff, and registers once it is back', async () => {
    const { token } = sim.iot.issueToken();
    let base = await unreachableUrl();
    const { registration, events, hub, clock, lines } = setup(sim, 'reg-0000000002', { base: () => base });
    hub.target = { token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
    await registration.registerNow();
    assert.equal(registration.status.state, 'retrying');
    assert.match(registration.status.message, /unreachable.*The hub will try again/);
    assert.ok(lines.some((l) => l.startsWith('error odoo: Could not register with the database')));
    assert.equal(clock.waiting.length, 1, 'one retry is waiting');
    assert.ok(clock.waiting[0] >= 0 && clock.waiting[0] < REGISTRATION_RETRY_MS);

    // Each failed retry waits up to twice as long as the one before (full jitter below that cap).
    clock.advance(clock.waiting[0]);
    await until(() => clock.waiting.length === 1, 'the second retry to be scheduled');
    assert.ok(clock.waiting[0] < 2 * REGISTRATION_RETRY_MS);
    assert.equal(events.registered.length, 0);

    base = sim.url;
    clock.advance(clock.waiting[0]);
    await until(() => registration.status.state === 'registered', 'the registration once the server is back');
    assert.deepEqual(events.registered, [sim.iot.channel.name]);
    assert.equal(clock.waiting.length, 0, 'nothing left to retry');
    assert.deepEqual(events.refused, []);
  });

  it('gives up on a refusal: reports it once, keeps no retry, and a check sends nothing', async () => {
    const { token } = sim.iot.issueToken();
    sim.iot.faults.expireToken(token);
    const { registration, events, hub, clock } = setup(sim, 'reg-0000000003');
    hub.target = { token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
    await registration.registerNow();
    assert.equal(registration.status.state, 'refused');
    assert.match(registration.status.message, /refused the hub: the connection token is wrong, expired/);
    assert.deepEqual(events.refused, [registration.status.message]);
    assert.deepEqual(clock.waiting, []);
    hub.facts = { ...hub.facts, address: '10.0.0.9' };
    registration.check();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sent(sim, 'reg-0000000003').length, 1);
  });

  it('a hub deleted in the IoT app is refused at its next registration', async () => {
    const { token } = sim.iot.issueToken();
    const { registration, events, hub } = setup(sim, 'reg-0000000004');
    hub.target = { token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
    await registration.registerNow();
    assert.equal(registration.status.state, 'registered');
    sim.iot.deleteBox('reg-0000000004');
    hub.facts = { ...hub.facts, version: 'B0.2.0-19.0#test' };
    registration.check();
    await until(() => registration.status.state === 'refused', 'the refusal');
    assert.equal(events.refused.length, 1);
  });

  it('a registration still on its way when the pairing is dropped changes nothing', async () => {
    const { token } = sim.iot.issueToken();
    const { registration, events, hub } = setup(sim, 'reg-0000000005');
    hub.target = { token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
    const onItsWay = registration.registerNow();
    registration.reset('disconnected by the user');
    hub.target = null;
    await onItsWay;
    assert.deepEqual(registration.status, { state: 'unpaired', message: 'disconnected by the user' });
    assert.deepEqual(events.registered, []);
  });

  it('a first registration (attempt) returns the channel or throws, and confirm or failed decide the state', async () => {
    const { registration, events } = setup(sim, 'reg-0000000006');
    const target = { token: sim.iot.issueToken().token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
    const channel = await registration.attempt(target);
    assert.equal(registration.status.state, 'registering', 'the coordinator adopts the pairing before it confirms');
    registration.confirm(channel, target);
    assert.equal(registration.status.state, 'registered');
    assert.deepEqual(events.registered, [channel]);

    const refused = setup(sim, 'reg-0000000007');
    await assert.rejects(refused.registration.attempt({ ...target, token: 'n'.repeat(32) }), /wrong, expired/);
    refused.registration.dismissed('refused', false);
    assert.deepEqual(refused.registration.status, { state: 'unpaired', message: 'refused' });
    assert.deepEqual(refused.events.refused, [], 'a refused candidate is not a refused pairing');
  });

  it('a refused new token leaves a paired hub registered as it was, not stuck registering', async () => {
    // The new token is for another database, which does not know this hub (the one in use would let it re-register).
    const other = await startSimulator();
    try {
      let base = sim.url;
      const { registration, hub } = setup(sim, 'reg-0000000008', { base: () => base });
      hub.target = { token: sim.iot.issueToken().token, dbName: sim.iot.identity.dbName, serverUrl: sim.url };
      await registration.registerNow();
      assert.equal(registration.status.state, 'registered');
      base = other.url;
      await assert.rejects(registration.attempt({ token: 'n'.repeat(32), dbName: other.iot.identity.dbName, serverUrl: other.url }), /wrong, expired/);
      assert.equal(registration.status.state, 'registering');
      registration.dismissed('refused', true);
      assert.deepEqual(registration.status, { state: 'registered', message: '' });
    } finally {
      await other.close();
    }
  });
});
