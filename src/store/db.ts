import { openDB, type IDBPDatabase } from 'idb';
import type { HubDbSchema } from './schema.ts';
import { runMigrations, SCHEMA_VERSION } from './migrations.ts';

export const HUB_DB_NAME = 'browser-iot-hub';

export type HubDb = IDBPDatabase<HubDbSchema>;

/**
 * Opens (and upgrades) the hub's database. `version` exists so tests can open an older schema.
 * When another context upgrades the database, this connection closes itself instead of
 * blocking the upgrade; `onVersionChange` lets the owner reopen or reload.
 */
export async function openHubDb(
  name = HUB_DB_NAME,
  { version = SCHEMA_VERSION, onVersionChange }: { version?: number; onVersionChange?: () => void } = {},
): Promise<HubDb> {
  const db = await openDB<HubDbSchema>(name, version, {
    upgrade(upgradeDb, oldVersion, newVersion, tx) {
      runMigrations(upgradeDb, tx, oldVersion, newVersion ?? version);
    },
    blocking() {
      db.close();
      onVersionChange?.();
    },
  });
  return db;
}
