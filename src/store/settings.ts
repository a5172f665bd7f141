import type { HubDb } from './db.ts';

/** Everything the user can set on the hub, with the value a fresh hub starts with. */
export const DEFAULT_SETTINGS = {
  /** The hub's version of the IoT box's "Automatic drivers update" switch. */
  autoUpdate: true,
  /** The name the database shows for this hub. */
  hubName: 'Browser IoT Hub',
  /** The address Odoo shows for this hub; empty means "as the local server reports it". */
  addressOverride: '',
  /**
   * Where the hub asks for a pairing code (odoo-iot.md §2.2). Empty means the hub's own origin,
   * which the local server forwards to the pairing proxy (the real one is https://iot-proxy.odoo.com).
   */
  pairingProxyUrl: '',
  /** The demo's virtual printer, scale and scanner beside the real devices (always on in demo mode). */
  virtualDevices: false,
};

export type HubSettings = typeof DEFAULT_SETTINGS;
export type SettingKey = keyof HubSettings;

export async function readSettings(db: HubDb): Promise<HubSettings> {
  const stored = await db.getAll('settings');
  const settings: HubSettings = { ...DEFAULT_SETTINGS };
  for (const { key, value } of stored) {
    if (key in DEFAULT_SETTINGS && typeof value === typeof DEFAULT_SETTINGS[key as SettingKey]) {
      (settings as Record<string, unknown>)[key] = value;
    }
  }
  return settings;
}

export async function writeSetting<K extends SettingKey>(db: HubDb, key: K, value: HubSettings[K]): Promise<void> {
  if (typeof value !== typeof DEFAULT_SETTINGS[key]) {
    throw new TypeError(`setting ${key} must be a ${typeof DEFAULT_SETTINGS[key]}, got ${typeof value}`);
  }
  await db.put('settings', { key, value });
}
