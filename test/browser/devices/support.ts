import { Logger } from '../../../src/hub/logger.ts';
import type { DeviceEvent } from '../../../src/hub/devices.ts';
import { DeviceManager, type DeviceSources, type DriverContext, type DriverFactory } from '../../../workers/device-manager.ts';

export function context(settings: Record<string, Record<string, string | number | boolean>> = {}): DriverContext & { logger: Logger } {
  const logger = new Logger();
  const counts = new Map<string, number>();
  return {
    logger,
    log: logger.scope('devices'),
    settingsFor: (id) => settings[id] ?? {},
    ordinal: (t, v, p) => {
      const key = `${t}:${v}:${p}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts.get(key)!;
    },
  };
}

export async function startManager(sources: DeviceSources, factories: readonly DriverFactory[], settings = {}) {
  const manager = new DeviceManager(sources, factories, context(settings));
  const events: DeviceEvent[] = [];
  manager.onDeviceEvent((e) => events.push(e));
  await manager.start();
  return { manager, events };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

export function request(action: string, data: Record<string, unknown> = {}) {
  return { action, data, sessionId: 's1', actionUniqueId: null };
}
