/**
 * `test_connection` (odoo-iot.md §4.1): the box answers `lan_quality` and `wan_quality`, each
 * fast / normal / slow / unreachable. The box pings its gateway and the internet (~1.7 s); the
 * hub times one cheap request to the machine that serves it (its LAN side) and one to the Odoo
 * server (its WAN side), a few tens of milliseconds in all.
 */
export type Quality = 'fast' | 'normal' | 'slow' | 'unreachable';

/** Round-trip times above which a link is no longer fast / normal (ping-like thresholds). */
export const FAST_BELOW_MS = 150;
export const NORMAL_BELOW_MS = 500;
const PROBE_TIMEOUT_MS = 3_000;
export const VERSION_INFO_PATH = '/web/webclient/version_info';

export function quality(ms: number | null): Quality {
  if (ms === null) return 'unreachable';
  return ms < FAST_BELOW_MS ? 'fast' : ms < NORMAL_BELOW_MS ? 'normal' : 'slow';
}

export async function measureConnection(options: { fetch?: typeof fetch; appUrl: string; dbName?: string }): Promise<{ lan_quality: Quality; wan_quality: Quality }> {
  const f = options.fetch ?? fetch;
  const time = async (run: () => Promise<Response>): Promise<number | null> => {
    const started = performance.now();
    try {
      const response = await run();
      await response.arrayBuffer();
      return response.status < 500 ? performance.now() - started : null;
    } catch {
      return null;
    }
  };
  const signal = () => AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const [lan, wan] = await Promise.all([
    time(() => f(options.appUrl, { method: 'HEAD', cache: 'no-store', signal: signal() })),
    time(() => f(VERSION_INFO_PATH, {
      method: 'POST', cache: 'no-store', signal: signal(),
      headers: { 'Content-Type': 'application/json', ...(options.dbName ? { 'X-Odoo-Database': options.dbName } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {} }),
    })),
  ]);
  return { lan_quality: quality(lan), wan_quality: quality(wan) };
}
