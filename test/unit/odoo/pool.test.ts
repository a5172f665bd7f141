import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionPool } from '../../../src/odoo/pool.ts';
import { OdooClient } from '../../../src/odoo/client.ts';
import { OdooError } from '../../../src/odoo/errors.ts';
import { startRpcSimulator, type RpcSimulator } from '../../support/odoo-simulator.ts';

let sim: RpcSimulator;
before(async () => {
  sim = await startRpcSimulator();
  sim.state.registry.register('x.echo', { fields: {}, methods: { echo: { model: true, run: ({ args }) => args[0] } } });
});
after(() => sim.close());

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('connection pool', () => {
  it('200 concurrent calls on a pool of 3: at most 3 in flight, started in order of arrival, all complete', async () => {
    let clients = 0;
    const pool = new ConnectionPool({
      name: 'shop',
      size: 3,
      maxWaitMs: 10_000,
      create: () => {
        clients++;
        return new OdooClient({ protocol: 'JSON-RPC', host: sim.host, port: sim.port, database: 'shop', user: 'admin', secret: 'admin' }, { page: { origin: null, forwardedOdoo: null } });
      },
    });
    let inFlight = 0;
    let maxInFlight = 0;
    const started: number[] = [];
    const calls = Array.from({ length: 200 }, (_, i) =>
      pool.use(async (client) => {
        started.push(i);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        assert.ok(pool.inFlight <= 3);
        try {
          return await client.executeKw('x.echo', 'echo', [i]);
        } finally {
          inFlight--;
        }
      }),
    );
    const results = await Promise.all(calls);
    assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i));
    assert.deepEqual(started, Array.from({ length: 200 }, (_, i) => i));
    assert.equal(maxInFlight, 3);
    assert.equal(clients, 3, 'members are reused, not made per call');
    assert.equal(pool.inFlight, 0);
    assert.equal(pool.queued, 0);
  });

  it('completes in order of arrival when each call takes as long as the others', async () => {
    const pool = new ConnectionPool({ name: 'shop', size: 3, create: () => ({}) });
    const finished: number[] = [];
    const gates = Array.from({ length: 30 }, deferred);
    const calls = gates.map((gate, i) => pool.use(async () => {
      await gate.promise;
      finished.push(i);
    }));
    // Release in order of arrival; each call ends only when its own gate opens.
    for (const gate of gates) {
      gate.resolve();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(calls);
    assert.deepEqual(finished, Array.from({ length: 30 }, (_, i) => i));
  });

  it('a bounded wait fails with "no free connection to <name> after N s"', async () => {
    const pool = new ConnectionPool({ name: 'Shop HQ', size: 1, maxWaitMs: 200, create: () => ({}) });
    const hold = deferred();
    const busy = pool.use(() => hold.promise);
    await assert.rejects(pool.use(async () => 'never'), (error: OdooError) => error.kind === 'pool-timeout' && /^no free connection to Shop HQ after 0\.2 s/.test(error.message));
    // The timed-out waiter left the queue: the next caller gets the member once it is free.
    const next = pool.use(async () => 'next');
    hold.resolve();
    await busy;
    assert.equal(await next, 'next');
  });

  it('closing fails waiting calls at once, refuses new ones, lets calls in flight finish', async () => {
    const pool = new ConnectionPool({ name: 'shop', size: 1, maxWaitMs: 60_000, create: () => ({}) });
    const hold = deferred();
    const busy = pool.use(async () => {
      await hold.promise;
      return 'done';
    });
    const waiting = pool.use(async () => 'never');
    pool.close('was deleted');
    await assert.rejects(waiting, (error: OdooError) => error.kind === 'pool-closed' && error.message === 'the connection shop was deleted');
    await assert.rejects(pool.use(async () => 'x'), (error: OdooError) => error.kind === 'pool-closed');
    hold.resolve();
    assert.equal(await busy, 'done');
  });

  it('refuses a size that is not a positive integer', () => {
    assert.throws(() => new ConnectionPool({ name: 'x', size: 0, create: () => ({}) }), RangeError);
  });
});
