import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { HubDbSchema } from './schema.ts';

type UpgradeTx = IDBPTransaction<HubDbSchema, StoreNames<HubDbSchema>[], 'versionchange'>;
type Migration = (db: IDBPDatabase<HubDbSchema>, tx: UpgradeTx) => void;

/**
 * Each entry upgrades the database from version i to i + 1. Entries are only ever appended:
 * a hub that was closed on any older version must still open, with its pairing and its queue.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 1: what a paired hub needs to come back after a reload.
  (db) => {
    db.createObjectStore('settings', { keyPath: 'key' });
    db.createObjectStore('pairing', { keyPath: 'id' });
    db.createObjectStore('logs', { keyPath: 'seq', autoIncrement: true });
    db.createObjectStore('seenActions', { keyPath: 'id' }).createIndex('at', 'at');
  },
  // 2: the durable device queue and the outbox of results to Odoo.
  (db) => {
    const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
    jobs.createIndex('state', 'state');
    jobs.createIndex('createdAt', 'createdAt');
    jobs.createIndex('device', 'deviceIdentifier');
    db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
  },
  // 3: outgoing Odoo connections and per-device user settings.
  (db) => {
    db.createObjectStore('connections', { keyPath: 'id' }).createIndex('name', 'name', { unique: true });
    db.createObjectStore('devices', { keyPath: 'identifier' });
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function runMigrations(db: IDBPDatabase<HubDbSchema>, tx: UpgradeTx, oldVersion: number, newVersion: number): void {
  for (let v = oldVersion; v < newVersion; v++) MIGRATIONS[v](db, tx);
}
