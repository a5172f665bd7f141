import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { postJson } from '../../unit/simulator/helpers.ts';
import { candidateFromToken, Pairing, unreachableServerNotice } from '../../../src/hub/link/pairing.ts';
import { systemClock } from '../../../src/hub/link/clock.ts';
import type { PairingRecord } from '../../../src/store/schema.ts';
import { openTestDb, recordingLogger, until } from './support.ts';

/** The pairing part alone: what a token or a code makes of it, and what it keeps. */
describe('pairing (link part)', () => {
  let sim: RunningSimulator;
  before(async () => (sim = await startSimulator()));
  const parts: Pairing[] = [];
  after(() => {
    for (const part of parts) part.stop();
    return sim.close();
  });

  async function pairing(forwarded: string | null = null) {
    const db = await openTestDb();
    const accepted: PairingRecord[] = [];
    const { logger, lines } = recordingLogger();
    const part = new Pairing({
      db, logger, clock: systemClock, identifier: 'pairing-hub-1', pairingProxyUrl: () => sim.url, forwardedOdooOrigin: () => forwarded,
      pageOrigin: () => 'http://127.0.0.1:8080', pollDelayMs: () => 20,
      events: { codeAccepted: async (candidate) => void accepted.push(candidate), changed: () => undefined },
    });
    await part.load();
    parts.push(part);
    return { db, part, accepted, lines };
  }

  it('a pasted token is a candidate pairing, or says what is wrong with it', () => {
    const { connectionString, token } = sim.iot.issueToken();
    const parsed = candidateFromToken(connectionString, 42);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.ok && { ...parsed.candidate, serverUrl: '' }, {
      id: 'current', serverUrl: '', token, dbUuid: sim.iot.identity.dbUuid, enterpriseCode: sim.iot.identity.enterpriseCode,
      dbName: sim.iot.identity.dbName, channel: '', lastBusId: 0, pairedAt: 42,
    });
    assert.match(parsed.ok ? parsed.note : '', /^ Note: the token names a localhost server/, 'the simulator is on 127.0.0.1');
    const bad = candidateFromToken('not a token', 42);
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.message.length > 0);
  });

  it('shows a code and reports the pairing the database granted through the proxy, without adopting it', async () => {
    const { part, accepted } = await pairing();
    part.askForCode();
    await until(() => part.codeState.state === 'showing', 'a code to show');
    const code = part.codeState.state === 'showing' ? part.codeState.code : '';
    const { token } = sim.iot.issueToken();
    const grant = { database_url: `${sim.url}/`, token, db_uuid: sim.iot.identity.dbUuid, enterprise_code: sim.iot.identity.enterpriseCode };
    assert.equal((await postJson(`${sim.url}/odoo-enterprise/iot/connect-db`, { params: { pairing_code: code, ...grant } })).json.result, true);
    await until(() => accepted.length === 1, 'the granted pairing');
    assert.equal(accepted[0].serverUrl, sim.url, 'the URL without its trailing slash');
    assert.equal(accepted[0].token, token);
    assert.equal(part.current, null, 'adopting is the coordinator\'s decision');
    assert.equal(part.codeState.state, 'off');
  });

  it('adopts, survives a reload, follows server_update, and forgets', async () => {
    const { db, part } = await pairing('http://127.0.0.1:8069');
    const candidate = candidateFromToken(sim.iot.issueToken().connectionString, 1);
    assert.ok(candidate.ok);
    await part.adopt({ ...candidate.candidate, serverUrl: 'http://127.0.0.1:8069', channel: 'iot_channel-1' });
    assert.equal(part.isOtherDatabase({ ...candidate.candidate, serverUrl: 'http://127.0.0.1:8069' }), false);
    assert.equal(part.isOtherDatabase({ ...candidate.candidate, dbName: 'other' }), true);

    await part.moveTo('https://moved.example.com');
    assert.match(part.serverNotice, /now lives at https:\/\/moved\.example\.com.*--odoo https:\/\/moved\.example\.com/);
    const again = new Pairing({
      db, logger: recordingLogger().logger, clock: systemClock, identifier: 'pairing-hub-1', pairingProxyUrl: () => sim.url,
      forwardedOdooOrigin: () => 'http://127.0.0.1:8069', pageOrigin: () => 'http://127.0.0.1:8080', events: { codeAccepted: async () => undefined, changed: () => undefined },
    });
    await again.load();
    assert.equal(again.current?.serverUrl, 'https://moved.example.com');
    assert.equal(again.current?.channel, 'iot_channel-1');
    assert.ok(again.serverNotice, 'the notice is there after a reload too');

    await part.forget();
    assert.equal(part.current, null);
    assert.equal(part.serverNotice, '');
    assert.equal(await db.get('pairing', 'current'), undefined);
  });

  it('a database outside the origins the hub reaches gets a notice; its own origin or the forwarded one do not', () => {
    const forwarded = 'http://127.0.0.1:8069';
    assert.equal(unreachableServerNotice('https://shop.example.com', null, 'http://127.0.0.1:8080'), '', 'no local server forwarding: nothing to say');
    assert.equal(unreachableServerNotice('http://127.0.0.1:8069/odoo', forwarded, 'http://127.0.0.1:8080'), '');
    assert.equal(unreachableServerNotice('http://127.0.0.1:8080', forwarded, 'http://127.0.0.1:8080'), '');
    assert.equal(unreachableServerNotice('not a url', forwarded, 'http://127.0.0.1:8080'), '');
    assert.match(unreachableServerNotice('https://shop.example.com', forwarded, 'http://127.0.0.1:8080'), /forwards to http:\/\/127\.0\.0\.1:8069/);
  });
});
