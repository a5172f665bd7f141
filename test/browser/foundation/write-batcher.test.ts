import { expect } from 'chai';
import { openHubDb, type HubDb } from '../../../src/store/db.ts';
import { WriteBatcher } from '../../../src/store/write-batcher.ts';
import type { JobRecord } from '../../../src/store/schema.ts';

const job = (id: string, state: JobRecord['state'] = 'queued'): JobRecord => ({
  id, actionUniqueId: null, deviceIdentifier: 'usb_1:1', action: 'cashbox', data: {}, sessionId: 's', state, createdAt: 1, updatedAt: 1,
});

describe('write batcher (group commit of the queue writes)', () => {
  let db: HubDb;
  let name: string;
  beforeEach(async () => {
    name = `batcher-${crypto.randomUUID()}`;
    db = await openHubDb(name);
  });
  afterEach(() => {
    db.close();
    indexedDB.deleteDatabase(name);
  });

  it('commits the writes queued in one task together, and each resolves once it is on disk', async () => {
    const batcher = new WriteBatcher(db);
    const writes = ['a', 'b', 'c'].map((id) => batcher.write(['jobs'], (tx) => tx.objectStore('jobs').put(job(id))));
    await Promise.all(writes);
    expect(batcher.stats).to.deep.equal({ transactions: 1, writes: 3 });
    // Another connection (as after a reload) sees them: resolved means committed.
    const other = await openHubDb(name);
    expect((await other.getAllKeys('jobs')).sort()).to.deep.equal(['a', 'b', 'c']);
    other.close();
  });

  it('commits in the order the writes were queued, also across transactions', async () => {
    const batcher = new WriteBatcher(db);
    const order: string[] = [];
    const first = batcher.write(['jobs'], (tx) => tx.objectStore('jobs').put(job('x', 'running'))).then(() => order.push('first'));
    await new Promise((r) => setTimeout(r, 0));
    // Queued while the first commits: a later state of the same job never lands before it.
    const second = batcher.write(['jobs', 'outbox'], (tx) => [
      tx.objectStore('jobs').put(job('x', 'done')),
      tx.objectStore('outbox').add({ createdAt: 2, expiresAt: null, body: { done: 'x' } }),
    ]).then(() => order.push('second'));
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first', 'second']);
    expect((await db.get('jobs', 'x'))!.state).to.equal('done');
    expect(await db.count('outbox')).to.equal(1);
  });

  it('a write that fails does not take the others of its batch with it', async () => {
    const batcher = new WriteBatcher(db);
    await batcher.write(['outbox'], (tx) => tx.objectStore('outbox').add({ seq: 7, createdAt: 1, expiresAt: null, body: 'taken' }));
    const good = batcher.write(['jobs'], (tx) => tx.objectStore('jobs').put(job('kept')));
    // `add` of an existing key fails its request and aborts the transaction it is in.
    const bad = batcher.write(['outbox'], (tx) => tx.objectStore('outbox').add({ seq: 7, createdAt: 2, expiresAt: null, body: 'again' }))
      .then(() => null, (error: Error) => error);
    const throwing = batcher.write(['jobs'], () => {
      throw new Error('bad record');
    }).then(() => null, (error: Error) => error);
    const after = batcher.write(['jobs'], (tx) => tx.objectStore('jobs').put(job('also kept')));
    await good;
    await after;
    expect((await bad)?.name).to.equal('ConstraintError');
    expect((await throwing)?.message).to.equal('bad record');
    expect((await db.getAllKeys('jobs')).sort()).to.deep.equal(['also kept', 'kept']);
    expect((await db.get('outbox', 7))!.body).to.equal('taken');
  });
});
