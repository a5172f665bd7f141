import { createServer } from 'node:net';
import { ConfigError } from './config.ts';
import { LOCAL_SERVER_INFO_PATH, parseLocalServerInfo } from '../src/hub/local-server-info.ts';

/** Odoo's own JSON-RPC route for its version (odoo-rpc.md): how a taken port is recognised as an Odoo. */
const ODOO_VERSION_ROUTE = '/web/webclient/version_info';
const PROBE_TIMEOUT_MS = 1_000;
/** How far past the taken port a free one is looked for to suggest. */
const FREE_PORT_SEARCH = 20;
const LOOPBACK_LISTEN = ['127.0.0.1', 'localhost', '::1'];

/**
 * The one line `npm start` prints when its port is taken: by what, when it can tell (an Odoo
 * answering there is the usual case on a self-hosted shop's terminal), and a `--port` that is
 * free. Only a loopback listen address is probed.
 */
export async function portTakenError(host: string, port: number): Promise<ConfigError> {
  const loopback = LOOPBACK_LISTEN.includes(host);
  const taker = loopback ? await whatAnswers(host, port) : null;
  const free = await freePortAfter(host, port);
  const by = taker ? ` by ${taker}` : ' by another program';
  const use = free ? `start with --port ${free} (or HUB_PORT=${free})` : 'start with --port <a free port>';
  return new ConfigError(`port ${port} on ${host} is already taken${by}: ${use}`);
}

async function whatAnswers(host: string, port: number): Promise<string | null> {
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // A hub started twice is the likeliest taker on a terminal; it also forwards Odoo's version route.
  const hub = await anotherHub(origin);
  if (hub) return hub;
  try {
    const response = await fetch(`${origin}${ODOO_VERSION_ROUTE}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: {}, id: 1 }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const text = (await response.text()).slice(0, 4096);
    const serie = odooSerie(text);
    return serie ? `an Odoo ${serie} server` : `a web server (HTTP ${response.status}, not an Odoo)`;
  } catch {
    return null;
  }
}

async function anotherHub(origin: string): Promise<string | null> {
  try {
    const response = await fetch(`${origin}${LOCAL_SERVER_INFO_PATH}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const info = response.ok ? parseLocalServerInfo(await response.text()) : null;
    return info ? `a Browser IoT Hub already running (open ${origin}/)` : null;
  } catch {
    return null;
  }
}

/** `server_serie` from a version_info answer, or null (bounded, never throws). */
export function odooSerie(text: string): string | null {
  try {
    const serie = (JSON.parse(text) as { result?: { server_serie?: unknown } })?.result?.server_serie;
    return typeof serie === 'string' && /^[\w.~-]{1,20}$/.test(serie) ? serie : null;
  } catch {
    return null;
  }
}

async function freePortAfter(host: string, port: number): Promise<number | null> {
  for (let candidate = port + 1; candidate <= Math.min(65535, port + FREE_PORT_SEARCH); candidate++) {
    if (await canListen(host, candidate)) return candidate;
  }
  return null;
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
