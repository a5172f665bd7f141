import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PAIRING_PROXY_ORIGIN } from './forwarding.ts';
import { RAW_PRINTER_PORT, readPrinterPort } from '../src/hub/network-printers.ts';
import type { BrowseOptions } from './printers/dns-sd.ts';

/** Hostnames that always reach the local server; anything else must be allowed explicitly (DNS rebinding). */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];
/**
 * Off Odoo's own 8069 (HTTP) and 8072 (gevent/websocket), which a self-hosted shop's Odoo on the
 * same terminal holds; nothing in Odoo reaches the hub by port (docs/deploy.md, "The port").
 */
export const DEFAULT_PORT = 8079;
/** Large enough for a camera snapshot or a label document, small enough to keep a terminal safe. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface LocalServerConfig {
  /** The one Odoo origin forwarded to, or null for demo mode. */
  odooOrigin: string | null;
  /** Where `/odoo-enterprise/iot/*` (pairing codes) is forwarded; defaults to Odoo's iot-proxy.odoo.com. */
  pairingProxyOrigin?: string;
  host: string;
  port: number;
  allowedHosts: string[];
  maxBodyBytes: number;
  distDir: string;
  /** Where the local server keeps the hub's identifier (survives clearing site data); null keeps nothing. */
  dataDir?: string | null;
  /** The hub gets the demo's virtual devices beside the real ones, also against a real Odoo. */
  virtualDevices?: boolean;
  /** One console line per request (`--log-requests`); by default only refusals, errors and a periodic summary. */
  logRequests?: boolean;
  /** The TCP ports the printer bridge connects to (`--printer-port`, default 9100): no other port is ever reached. */
  printerPorts?: number[];
  /** The CUPS scheduler for office printing (`--cups-server host:port`), when not the terminal's own. */
  cupsServer?: string;
  /** Where DNS-SD queries go (tests: a responder on loopback); not a command-line option. */
  discovery?: BrowseOptions;
}

export class ConfigError extends Error {
  name = 'ConfigError';
}

export function parseOdooUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`Odoo URL "${raw}" is not a URL (expected e.g. https://shop.odoo.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`Odoo URL "${raw}" must start with http:// or https://`);
  if (url.username || url.password) throw new ConfigError('Odoo URL must not contain a user name or password');
  if (url.pathname !== '/' || url.search || url.hash) throw new ConfigError(`Odoo URL "${raw}" must be an origin only, without a path (e.g. ${url.origin})`);
  return url.origin;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): LocalServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      odoo: { type: 'string' },
      'pairing-proxy': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'max-body-mb': { type: 'string' },
      dist: { type: 'string' },
      'data-dir': { type: 'string' },
      'virtual-devices': { type: 'boolean' },
      'log-requests': { type: 'boolean' },
      'printer-port': { type: 'string', multiple: true },
      'cups-server': { type: 'string' },
    },
    strict: true,
  });
  const odoo = values.odoo ?? env.ODOO_URL ?? '';
  const port = Number(values.port ?? env.HUB_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port "${values.port ?? env.HUB_PORT}" is not a port number`);
  const maxBodyMb = Number(values['max-body-mb'] ?? DEFAULT_MAX_BODY_BYTES / 1024 / 1024);
  if (!(maxBodyMb > 0)) throw new ConfigError(`--max-body-mb "${values['max-body-mb']}" must be a positive number`);
  const printerPorts = (values['printer-port'] ?? [String(RAW_PRINTER_PORT)]).flatMap((p) => p.split(',')).map((p) => {
    const port = readPrinterPort(p.trim());
    if (port === null) throw new ConfigError(`--printer-port "${p}" is not a port number`);
    return port;
  });
  const extraHosts = [...(values['allowed-host'] ?? []), ...(env.HUB_ALLOWED_HOSTS?.split(',').filter(Boolean) ?? [])];
  return {
    odooOrigin: odoo ? parseOdooUrl(odoo) : null,
    pairingProxyOrigin: parseOdooUrl(values['pairing-proxy'] ?? env.IOT_PAIRING_PROXY ?? DEFAULT_PAIRING_PROXY_ORIGIN),
    host: values.host ?? env.HUB_HOST ?? '127.0.0.1',
    port,
    allowedHosts: [...LOOPBACK_HOSTNAMES, ...extraHosts.map((h) => h.toLowerCase())],
    maxBodyBytes: Math.round(maxBodyMb * 1024 * 1024),
    distDir: values.dist ?? fileURLToPath(new URL('../dist', import.meta.url)),
    dataDir: values['data-dir'] ?? env.HUB_DATA_DIR ?? defaultDataDir(env),
    virtualDevices: values['virtual-devices'] ?? env.HUB_VIRTUAL_DEVICES === '1',
    logRequests: values['log-requests'] ?? false,
    printerPorts,
    cupsServer: values['cups-server'] ?? env.HUB_CUPS_SERVER,
  };
}

/** XDG's state directory (~/.local/state), or %LOCALAPPDATA% on Windows. */
function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'browser-iot-hub');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'browser-iot-hub');
}
