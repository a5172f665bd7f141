import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { registerBox } from '../../unit/simulator/helpers.ts';
import { Delivery } from '../../../src/hub/link/delivery.ts';
import { systemClock } from '../../../src/hub/link/clock.ts';
import { resultMessage, SEND_WEBSOCKET_PATH, type ResultMessage } from '../../../src/odoo/iot/results.ts';
import type { JobRecord } from '../../../src/store/schema.ts';
import { fetchAt, openTestDb, recordingLogger, unreachableUrl, until } from './support.ts';

/**
 * Delivery alone: results go live on the channels at once, then to Odoo in the order they were
 * written, whatever happens to the server in between; refused ones are dropped, late events too.
 */
const BOX = 'dlv-0000000001';
const DEVICE = 'usb_04b8:0e28';

function result(sessionId: string): ResultMessage {
  return resultMessage({ hubIdentifier: BOX, deviceIdentifier: DEVICE, sessionId, data: { action: 'cashbox' }, deviceType: 'printer' }, { status: 'success' });
}

/** Parts still sending when a test fails stop here, so the run ends. */
const started: Delivery[] = [];

async function delivery(base: () => string) {
  const db = await openTestDb();
  const live: string[] = [];
  const unreachable = { count: 0 };
  const { logger, lines } = recordingLogger();
  const part = new Delivery({
    db, logger, clock: systemClock, identifier: () => BOX, dbName: () => undefined, fetch: fetchAt(base),
    live: async (message) => (live.push(String(message.session_id)), null), retryMinMs: 10, retryMaxMs: 20,
    events: { serverUnreachable: () => unreachable.count++, changed: () => undefined },
  });
  await part.load();
  started.push(part);
  return { db, part, live, unreachable, lines };
}

/** A loopback Odoo that answers `/iot/box/send_websocket` as `answer` says, and records what it took. */
async function scriptedOdoo(answer: (sessionId: string) => number) {
  const taken: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const sessionId = String(JSON.parse(body).params.session_id);
      const status = req.url === SEND_WEBSOCKET_PATH ? answer(sessionId) : 404;
      if (status === 200) taken.push(sessionId);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, result: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const close = () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  return { url, taken, close };
}

describe('delivery (link part)', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
    await registerBox(sim, BOX);
  });
  after(() => {
    for (const part of started) part.setEnabled(false);
    return sim.close();
  });

  const confirmed = () => sim.iot.state.confirmations.filter((c) => c.params.iot_box_identifier === BOX).map((c) => String(c.params.session_id));

  it('sends live at once, then to Odoo in the order written; an outage delays them, never reorders or loses one', async () => {
    let base = await unreachableUrl();
    const { part, live, unreachable } = await delivery(() => base);
    const ids = ['o1', 'o2', 'o3', 'o4', 'o5'];
    for (const id of ids) await part.deliver(result(id), null);
    assert.deepEqual(live, ids, 'each result went live as it came');
    assert.equal(part.pending, 5, 'nothing is posted before the hub is registered');
    assert.deepEqual(confirmed(), []);

    part.setEnabled(true);
    await until(() => unreachable.count >= 2, 'a couple of failed posts');
    assert.match(part.lastError, /unreachable/);
    assert.equal(part.pending, 5);

    base = sim.url;
    await until(() => part.pending === 0, 'the outbox to empty');
    assert.deepEqual(confirmed(), ids);
    assert.equal(part.lastError, '');
  });

  it('drops a message Odoo refuses for good (4xx) and keeps trying one it may take later (5xx, 408, 429), in order', async () => {
    const tries = new Map<string, number>();
    const odoo = await scriptedOdoo((id) => {
      const n = (tries.get(id) ?? 0) + 1;
      tries.set(id, n);
      if (id === 'refused') return 400;
      if (id === 'busy') return n === 1 ? 503 : n === 2 ? 429 : n === 3 ? 408 : 200;
      return 200;
    });
    const { part, lines } = await delivery(() => odoo.url);
    try {
      for (const id of ['r1', 'refused', 'r2', 'busy', 'r3']) await part.deliver(result(id), null);
      part.setEnabled(true);
      await until(() => part.pending === 0, 'the outbox to empty');
      assert.deepEqual(odoo.taken, ['r1', 'r2', 'busy', 'r3']);
      assert.equal(tries.get('refused'), 1, 'a refused message is not sent again');
      assert.equal(tries.get('busy'), 4);
      assert.ok(lines.some((l) => /refused and dropped: Undeliverable: .*HTTP 400/.test(l)));
    } finally {
      await odoo.close();
    }
  });

  it('drops an event whose time to live ran out before it could go; results never expire', async () => {
    const { part } = await delivery(() => sim.url);
    await part.deliver(result('weight-late'), null, 1);
    await part.deliver(result('result-kept'), null);
    await new Promise((r) => setTimeout(r, 10));
    part.setEnabled(true);
    await until(() => part.pending === 0, 'the outbox to empty');
    assert.ok(confirmed().includes('result-kept'));
    assert.ok(!confirmed().includes('weight-late'));
  });

  it('writes the job a result finishes in the same transaction as the result', async () => {
    const { db, part } = await delivery(() => sim.url);
    const job: JobRecord = {
      id: 'job-1', actionUniqueId: 'u-1', deviceIdentifier: DEVICE, action: 'cashbox', data: {}, sessionId: 'j1', state: 'done', createdAt: 1, updatedAt: 2, result: true,
    };
    await part.deliver(result('j1'), job);
    assert.equal((await db.get('jobs', 'job-1'))?.state, 'done');
    assert.equal(await db.count('outbox'), 1);
  });
});
