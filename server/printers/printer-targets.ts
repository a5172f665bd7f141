import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  NETWORK_PRINTER_PROTOCOLS, readPrinterHost, readPrinterPort, type FoundPrinter, type NetworkPrinterEntry, type NetworkPrinterProtocol,
} from '../../src/hub/network-printers.ts';

const TARGETS_FILE = 'printers.json';
/** A shop has a handful of printers; a list this long is not a shop's. */
export const MAX_PRINTERS = 64;
const MAX_FILE_BYTES = 64 * 1024;

/**
 * The only places the printer bridge connects to: printers the user added on the hub page or
 * confirmed from discovery, on one of the configured printer ports, plus the demo's virtual
 * printer. Kept in `<data dir>/printers.json` (0600) when the server has a data directory.
 */
export class PrinterTargets {
  private readonly entries = new Map<string, NetworkPrinterEntry>();
  private loaded: Promise<void> | null = null;

  constructor(readonly ports: readonly number[], private readonly dir: string | null) {}

  async list(): Promise<NetworkPrinterEntry[]> {
    await this.load();
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /** Why the bridge must not connect to host:port, or null when it may. */
  async refusal(host: string, port: number): Promise<string | null> {
    await this.load();
    const entry = this.entries.get(key(host, port));
    if (!this.ports.includes(port) && entry?.source !== 'virtual') {
      return `port ${port} is not a printer port of this hub (${this.ports.join(', ')}; start it with --printer-port ${port} to allow it)`;
    }
    if (!entry) return `${host}:${port} is not a printer of this hub: add it on the hub page first (or confirm it from the printers found)`;
    return null;
  }

  /** Adds (or renames) a printer; throws a readable error for a bad host, port or protocol. */
  async add(input: { host?: unknown; port?: unknown; protocol?: unknown; name?: unknown; deviceId?: unknown }, source: NetworkPrinterEntry['source']): Promise<NetworkPrinterEntry> {
    await this.load();
    const host = readPrinterHost(input.host);
    if (host.problem !== undefined) throw new TargetError(host.problem);
    const port = readPrinterPort(input.port);
    if (port === null) throw new TargetError(`"${String(input.port).slice(0, 20)}" is not a port number`);
    if (source !== 'virtual' && !this.ports.includes(port)) {
      throw new TargetError(`port ${port} is not a printer port of this hub (${this.ports.join(', ')}): start the hub with --printer-port ${port} to allow it`);
    }
    const protocol = input.protocol ?? 'escpos';
    if (!NETWORK_PRINTER_PROTOCOLS.includes(protocol as NetworkPrinterProtocol)) throw new TargetError(`"${String(protocol).slice(0, 20)}" is not a printer protocol (escpos, star or zpl)`);
    if (!this.entries.has(key(host.host, port)) && this.entries.size >= MAX_PRINTERS) throw new TargetError(`this hub already has ${MAX_PRINTERS} network printers`);
    const name = typeof input.name === 'string' && input.name.trim() ? input.name.trim().slice(0, 120) : `${host.host}:${port}`;
    const deviceId = typeof input.deviceId === 'string' && input.deviceId ? input.deviceId.slice(0, 1024) : null;
    const entry: NetworkPrinterEntry = { host: host.host, port, protocol: protocol as NetworkPrinterProtocol, name, source, deviceId };
    this.entries.set(key(host.host, port), entry);
    if (source !== 'virtual') await this.save();
    return { ...entry };
  }

  /** A found printer the user confirmed: added with what its DNS-SD record said. */
  confirm(found: FoundPrinter): Promise<NetworkPrinterEntry> {
    return this.add({ ...found, protocol: found.protocol ?? 'escpos' }, 'discovered');
  }

  async remove(host: string, port: number): Promise<boolean> {
    await this.load();
    const removed = this.entries.delete(key(host, port));
    if (removed) await this.save();
    return removed;
  }

  private load(): Promise<void> {
    this.loaded ??= this.readFile();
    return this.loaded;
  }

  private async readFile(): Promise<void> {
    if (!this.dir) return;
    let text: string;
    try {
      text = await readFile(join(this.dir, TARGETS_FILE), 'utf8');
    } catch {
      return;
    }
    for (const entry of parseTargetsFile(text)) this.entries.set(key(entry.host, entry.port), entry);
  }

  private async save(): Promise<void> {
    if (!this.dir) return;
    const kept = [...this.entries.values()].filter((e) => e.source !== 'virtual');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, TARGETS_FILE);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ printers: kept }, null, 1)}\n`, { mode: 0o600 });
    await rename(temp, path);
  }
}

export class TargetError extends Error {
  override name = 'TargetError';
}

/** The printers in a targets file; anything that is not one is skipped (bounded, never throws). */
export function parseTargetsFile(text: string): NetworkPrinterEntry[] {
  if (text.length > MAX_FILE_BYTES) return [];
  let printers: unknown;
  try {
    printers = (JSON.parse(text) as { printers?: unknown })?.printers;
  } catch {
    return [];
  }
  if (!Array.isArray(printers)) return [];
  const out: NetworkPrinterEntry[] = [];
  for (const p of printers.slice(0, MAX_PRINTERS) as Array<Partial<NetworkPrinterEntry>>) {
    const host = readPrinterHost(p?.host);
    const port = readPrinterPort(p?.port);
    if (host.problem !== undefined || port === null || !NETWORK_PRINTER_PROTOCOLS.includes(p.protocol as NetworkPrinterProtocol)) continue;
    out.push({
      host: host.host, port, protocol: p.protocol as NetworkPrinterProtocol, name: typeof p.name === 'string' ? p.name.slice(0, 120) : `${host.host}:${port}`,
      source: p.source === 'discovered' ? 'discovered' : 'added', deviceId: typeof p.deviceId === 'string' ? p.deviceId.slice(0, 1024) : null,
    });
  }
  return out;
}

function key(host: string, port: number): string {
  return `${host.toLowerCase()}|${port}`;
}
