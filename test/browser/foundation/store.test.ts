import { expect } from 'chai';
import { openDB, deleteDB } from 'idb';
import { openHubDb } from '../../../src/store/db.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { readSettings, writeSetting } from '../../../src/store/settings.ts';
import { LogRing } from '../../../src/store/log-ring.ts';

const ALL_STORES = ['connections', 'devices', 'jobs', 'logs', 'outbox', 'pairing', 'seenActions', 'settings'];

function uniqueName() {
  return `hub-test-${Math.random().toString(16).slice(2)}`;
}

describe('hub store', () => {
  it('creates every store at the current version', async () => {
    const name = uniqueName();
    const db = await openHubDb(name);
    expect(db.version).to.equal(SCHEMA_VERSION);
    expect([...db.objectStoreNames].sort()).to.deep.equal(ALL_STORES);
    db.close();
    await deleteDB(name);
  });

  it('keeps what it stored across a close and reopen (a reload)', async () => {
    const name = uniqueName();
    let db = await openHubDb(name);
    await writeSetting(db, 'hubName', 'Counter 2');
    await db.put('pairing', {
      id: 'current', serverUrl: 'https://shop.example.com', token: 't', dbUuid: 'u', enterpriseCode: 'c',
      dbName: 'shop', channel: 'iot_channel-x', lastBusId: 42, pairedAt: 1,
    });
    db.close();
    db = await openHubDb(name);
    expect((await readSettings(db)).hubName).to.equal('Counter 2');
    expect((await db.get('pairing', 'current'))?.lastBusId).to.equal(42);
    db.close();
    await deleteDB(name);
  });

  it('upgrades a database left at schema version 1 without losing its pairing and settings', async () => {
    const name = uniqueName();
    // Version 1 exactly as a hub of that version created it.
    const old = await openDB(name, 1, { upgrade: (db, _o, _n, tx) => MIGRATIONS[0](db as never, tx as never) });
    await old.put('settings', { key: 'autoUpdate', value: false });
    await old.put('pairing', { id: 'current', serverUrl: 'https://shop.example.com', token: 'tok', dbUuid: 'u', enterpriseCode: 'c', dbName: 'shop', channel: 'iot_channel-1', lastBusId: 7, pairedAt: 1 });
    await old.put('seenActions', { id: 'action-1', at: 5 });
    expect([...old.objectStoreNames]).to.not.include('jobs');
    old.close();

    const db = await openHubDb(name);
    expect(db.version).to.equal(SCHEMA_VERSION);
    expect([...db.objectStoreNames].sort()).to.deep.equal(ALL_STORES);
    expect((await readSettings(db)).autoUpdate).to.equal(false);
    expect((await db.get('pairing', 'current'))?.channel).to.equal('iot_channel-1');
    expect(await db.get('seenActions', 'action-1')).to.deep.equal({ id: 'action-1', at: 5 });
    await db.add('outbox', { createdAt: 1, expiresAt: null, body: { status: 'success' } });
    await db.put('connections', {
      id: 'c1', name: 'Main', isActive: true, host: 'shop', port: 8069, database: 'shop', user: 'admin',
      protocol: 'JSON-RPC', poolSize: 3, secret: 's',
    });
    let duplicate: unknown = null;
    try {
      await db.put('connections', { id: 'c2', name: 'Main', isActive: true, host: 'h', port: 1, database: 'd', user: 'u', protocol: 'JSON-2', poolSize: 1, secret: 's' });
    } catch (error) {
      duplicate = error;
    }
    expect((duplicate as DOMException)?.name, 'connection names are unique').to.equal('ConstraintError');
    db.close();
    await deleteDB(name);
  });

  it('refuses a setting of the wrong type with a clear error', async () => {
    const name = uniqueName();
    const db = await openHubDb(name);
    let error: Error | null = null;
    try {
      await writeSetting(db, 'autoUpdate', 'yes' as never);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal('setting autoUpdate must be a boolean, got string');
    db.close();
    await deleteDB(name);
  });

  it('keeps the log bounded to its capacity, newest lines kept', async () => {
    const name = uniqueName();
    const db = await openHubDb(name);
    const ring = new LogRing(db, 50, 10);
    for (let i = 0; i < 125; i++) await ring.append({ time: i, level: 'info', source: 'test', message: `line ${i}` });
    await ring.trim();
    const all = await ring.all();
    expect(all.length).to.equal(50);
    expect(all[0].message).to.equal('line 75');
    expect((await ring.tail(3)).map((l) => l.message)).to.deep.equal(['line 122', 'line 123', 'line 124']);
    db.close();
    await deleteDB(name);
  });
});
