/**
 * What the hub page and its local server say to each other about network and office printers:
 * the routes, the printer list, and the bridge's control messages. A browser page cannot open a
 * TCP connection or reach the print system; the local server does it for the hub, only to the
 * printers listed here (server/printers/).
 */

/** GET: the printer list; POST `{host, port, protocol, name}`: add one; DELETE `?host=&port=`: remove it. */
export const PRINTERS_PATH = '/hub-server/printers';
/** POST: one DNS-SD query round now; answers the list with what it found. */
export const PRINTERS_DISCOVER_PATH = '/hub-server/printers/discover';
/** Websocket `?host=&port=`: bytes to and from one listed printer's raw TCP port. */
export const PRINTER_LINK_PATH = '/hub-server/printer-link';
/** POST `?queue=<name>` with a PDF body: prints it on a CUPS queue and answers the job's end. */
export const OFFICE_PRINT_PATH = '/hub-server/office-print';

/** The raw TCP port of ESC/POS, Star and ZPL network printers (HP JetDirect / AppSocket). */
export const RAW_PRINTER_PORT = 9100;
/** Far above any real list; bounds what the hub reads from the local server. */
const MAX_LIST_LENGTH = 256 * 1024;
const MAX_HOST_LENGTH = 253;

export type NetworkPrinterProtocol = 'escpos' | 'star' | 'zpl';
export const NETWORK_PRINTER_PROTOCOLS: readonly NetworkPrinterProtocol[] = ['escpos', 'star', 'zpl'];

/** A raw-TCP printer the hub may drive through the bridge. */
export interface NetworkPrinterEntry {
  host: string;
  port: number;
  /** What the user or the printer's DNS-SD record said; the device settings may change it. */
  protocol: NetworkPrinterProtocol;
  name: string;
  /** `added`: on the hub page; `discovered`: found by DNS-SD and confirmed by the user; `virtual`: the demo's. */
  source: 'added' | 'discovered' | 'virtual';
  /** An IEEE 1284 id from the printer's DNS-SD record (`usb_MFG`, `usb_MDL`, `usb_CMD`), when it had one. */
  deviceId: string | null;
}

/** A printer DNS-SD found that the user has not confirmed yet. */
export interface FoundPrinter {
  host: string;
  port: number;
  name: string;
  service: string;
  protocol: NetworkPrinterProtocol | null;
  deviceId: string | null;
}

export interface CupsQueue {
  name: string;
  /** The queue's device URI, e.g. `ipp://printer.local/ipp/print` or `usb://HP/LaserJet?serial=X`. */
  uri: string;
  /** `idle`, `printing`, `stopped`, as lpstat says. */
  state: string;
}

export interface PrinterList {
  /** The TCP ports the bridge connects to (`--printer-port`). */
  ports: number[];
  printers: NetworkPrinterEntry[];
  found: FoundPrinter[];
  cups: { available: boolean; reason: string; queues: CupsQueue[] };
}

/** Control messages of the printer link (bytes travel as binary frames, both ways). */
export type PrinterLinkMessage =
  | { type: 'open' }
  /** The bridge handed this many bytes of the last binary frame to the printer's connection. */
  | { type: 'ack'; bytes: number }
  | { type: 'closed'; reason: string };

/**
 * The identifier the IoT box gives a printer from its device URI (printer_interface_L.py
 * get_identifier): the URI without `:`, `/`, `.`, `\`, spaces, `uuid=` and `serial=`, so
 * `socket://192.168.1.50:9100` is `socket192168150` + `9100`. Odoo keeps a device's settings by it.
 */
export function boxPrinterIdentifier(uri: string): string {
  return uri.replace(/[:/.\\ ]|(uuid=)|(serial=)/g, '');
}

/** The device URI CUPS and the box give a raw-TCP printer. */
export function socketUri(host: string, port: number): string {
  return `socket://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Odoo's connection value for a CUPS queue, as the box decides it: USB queues are direct, the rest network. */
export function cupsConnection(uri: string): 'direct' | 'network' {
  return uri.includes('usb') ? 'direct' : 'network';
}

/**
 * A host name or an IP literal as a user types it ("192.168.1.50", "kitchen.local", "[fe80::1]"),
 * lower-cased, or a reason it is not one.
 */
export function readPrinterHost(raw: unknown): { host: string; problem?: undefined } | { host?: undefined; problem: string } {
  if (typeof raw !== 'string' || raw.trim() === '') return { problem: 'the printer host is missing (an IP address or a host name)' };
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.length > MAX_HOST_LENGTH) return { problem: `the printer host is longer than ${MAX_HOST_LENGTH} characters` };
  if (host.includes(':')) {
    if (!/^[0-9a-f:.]+$/.test(host) || !host.includes('::') && host.split(':').length !== 8) return { problem: `"${host.slice(0, 80)}" is not an IPv6 address` };
    return { host };
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/.test(host) || /-\.|-$/.test(host)) {
    return { problem: `"${host.slice(0, 80)}" is not a host name or an IP address` };
  }
  if (/^[0-9.]+$/.test(host) && !isIpv4(host)) return { problem: `"${host.slice(0, 80)}" is not an IPv4 address` };
  return { host: host.replace(/\.$/, '') };
}

export function readPrinterPort(raw: unknown): number | null {
  const port = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : raw;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535 ? port : null;
}

/** `host:port`, `host` (the raw port), `[v6]:port`: what the homepage's one field takes. */
export function readHostAndPort(text: string): { host: string; port: number; problem?: undefined } | { problem: string } {
  const trimmed = text.trim();
  let hostPart = trimmed;
  let portPart: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::([^:]*))?$/.exec(trimmed);
  if (bracketed) [hostPart, portPart] = [bracketed[1], bracketed[2]];
  else if (trimmed.split(':').length === 2) [hostPart, portPart] = trimmed.split(':');
  const host = readPrinterHost(hostPart);
  if (host.problem !== undefined) return { problem: host.problem };
  const port = portPart === undefined ? RAW_PRINTER_PORT : readPrinterPort(portPart);
  if (port === null) return { problem: `"${String(portPart).slice(0, 20)}" is not a port number (1 to 65535)` };
  return { host: host.host, port };
}

function isIpv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
}

/** The local server's list, or null for anything else (bounded, never throws). */
export function parsePrinterList(text: string): PrinterList | null {
  if (text.length > MAX_LIST_LENGTH) return null;
  let raw: Partial<PrinterList>;
  try {
    raw = JSON.parse(text) as Partial<PrinterList>;
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.ports) || !Array.isArray(raw.printers)) return null;
  const text_ = (value: unknown, max = 200) => (typeof value === 'string' ? value.slice(0, max) : '');
  const protocol = (value: unknown) => (NETWORK_PRINTER_PROTOCOLS.includes(value as NetworkPrinterProtocol) ? (value as NetworkPrinterProtocol) : null);
  const printers: NetworkPrinterEntry[] = [];
  for (const p of raw.printers as Array<Partial<NetworkPrinterEntry>>) {
    const host = readPrinterHost(p?.host);
    const port = readPrinterPort(p?.port);
    if (host.problem !== undefined || port === null) continue;
    printers.push({
      host: host.host, port, protocol: protocol(p.protocol) ?? 'escpos', name: text_(p.name) || `${host.host}:${port}`,
      source: p.source === 'discovered' || p.source === 'virtual' ? p.source : 'added', deviceId: text_(p.deviceId, 1024) || null,
    });
  }
  const found: FoundPrinter[] = [];
  for (const f of (Array.isArray(raw.found) ? raw.found : []) as Array<Partial<FoundPrinter>>) {
    const host = readPrinterHost(f?.host);
    const port = readPrinterPort(f?.port);
    if (host.problem !== undefined || port === null) continue;
    found.push({ host: host.host, port, name: text_(f.name) || host.host, service: text_(f.service, 64), protocol: protocol(f.protocol), deviceId: text_(f.deviceId, 1024) || null });
  }
  const cups = (raw.cups ?? {}) as Partial<PrinterList['cups']>;
  const queues = (Array.isArray(cups.queues) ? cups.queues : []).filter((q) => typeof q?.name === 'string' && q.name)
    .map((q) => ({ name: text_(q.name, 127), uri: text_(q.uri, 1024), state: text_(q.state, 40) }));
  return {
    ports: raw.ports.map(readPrinterPort).filter((p): p is number => p !== null),
    printers, found,
    cups: { available: cups.available === true, reason: text_(cups.reason, 400), queues },
  };
}
