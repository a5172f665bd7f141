import dgram from 'node:dgram';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import type { FoundPrinter, NetworkPrinterProtocol } from '../../src/hub/network-printers.ts';

/** The mDNS group and port (RFC 6762 §3). */
export const MDNS_TARGET = { address: '224.0.0.251', port: 5353 } as const;
/**
 * The printer services the box browses (printer_interface_L.py start_zeroconf_listener):
 * raw TCP (AppSocket / JetDirect, port 9100 — what the hub drives), LPD and IPP (office printers, through CUPS).
 */
export const PRINTER_SERVICES = ['_pdl-datastream._tcp.local', '_printer._tcp.local', '_ipp._tcp.local'] as const;
/** How long one browse listens for answers: printers answer within a second (RFC 6762 §6: 20–120 ms delay). */
export const BROWSE_WAIT_MS = 1_500;
/** mDNS messages fit an Ethernet frame or at most 9000 bytes (RFC 6762 §17). */
const MAX_MESSAGE_BYTES = 9_000;
const MAX_FOUND = 100;

export interface BrowseOptions {
  /** Where the query goes: the mDNS group, or a responder on loopback in the tests (never another address there). */
  target?: { address: string; port: number };
  waitMs?: number;
}

/**
 * One DNS-SD browse for printers: a PTR query for each printer service sent from an ephemeral
 * port, so responders answer by unicast to it (RFC 6762 §6.7, legacy unicast) and nothing joins
 * the multicast group. Answers are read from their records (PTR → SRV → A, TXT for the model and
 * command set), each message bounded; malformed ones are skipped.
 */
export async function browsePrinters(options: BrowseOptions = {}): Promise<FoundPrinter[]> {
  const target = options.target ?? MDNS_TARGET;
  const socket = dgram.createSocket({ type: target.address.includes(':') ? 'udp6' : 'udp4' });
  const records: Answer[] = [];
  socket.on('message', (message) => {
    if (message.length > MAX_MESSAGE_BYTES) return;
    let decoded: Packet;
    try {
      decoded = dnsPacket.decode(message);
    } catch {
      return;
    }
    if (decoded.type !== 'response') return;
    for (const record of [...(decoded.answers ?? []), ...(decoded.additionals ?? [])]) if (records.length < MAX_FOUND * 8) records.push(record);
  });
  const query = dnsPacket.encode({
    type: 'query', id: Math.floor(Math.random() * 0xffff), flags: 0,
    questions: PRINTER_SERVICES.map((name) => ({ type: 'PTR', name, class: 'IN' })),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => socket.send(query, target.port, target.address, (error) => (error ? reject(error) : resolve())));
    await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? BROWSE_WAIT_MS));
  } finally {
    socket.close();
  }
  return printersFrom(records);
}

/** Printers from the records of the answers: one per service instance that has an SRV record. */
export function printersFrom(records: Answer[]): FoundPrinter[] {
  const byName = new Map<string, Answer[]>();
  for (const record of records) {
    const key = String(record.name ?? '').toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), record]);
  }
  const found = new Map<string, FoundPrinter>();
  for (const record of records) {
    if (record.type !== 'PTR' || typeof record.data !== 'string') continue;
    const service = PRINTER_SERVICES.find((s) => s === String(record.name).toLowerCase());
    if (!service) continue;
    const instance = record.data;
    const own = byName.get(instance.toLowerCase()) ?? [];
    const srv = own.find((r) => r.type === 'SRV');
    if (!srv || srv.type !== 'SRV' || !srv.data || typeof srv.data.target !== 'string' || typeof srv.data.port !== 'number') continue;
    const address = (byName.get(srv.data.target.toLowerCase()) ?? []).find((r) => r.type === 'A');
    const txt = txtFields(own.find((r) => r.type === 'TXT'));
    const host = (address?.type === 'A' && typeof address.data === 'string' ? address.data : srv.data.target.replace(/\.$/, '')).slice(0, 253);
    const deviceId = txt.usb_MFG || txt.usb_MDL || txt.usb_CMD
      ? `MFG:${txt.usb_MFG ?? ''};CMD:${txt.usb_CMD ?? ''};MDL:${txt.usb_MDL ?? ''};`.slice(0, 1024) : null;
    const name = (txt.ty || instance.slice(0, instance.length - service.length - 1) || host).slice(0, 120);
    const entry: FoundPrinter = { host, port: srv.data.port, name, service: service.split('.')[0].slice(1), protocol: protocolFrom(txt), deviceId };
    found.set(`${entry.service}|${host}|${entry.port}`, entry);
    if (found.size >= MAX_FOUND) break;
  }
  return [...found.values()];
}

/** TXT `key=value` strings (RFC 6763 §6); keys compared as the printers send them, bounded. */
function txtFields(record: Answer | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!record || record.type !== 'TXT') return fields;
  const data = Array.isArray(record.data) ? record.data : [record.data];
  for (const item of data.slice(0, 64)) {
    const text = typeof item === 'string' ? item : Buffer.isBuffer(item) ? item.toString('latin1') : '';
    const at = text.indexOf('=');
    if (at > 0) fields[text.slice(0, at)] = text.slice(at + 1, at + 1 + 255);
  }
  return fields;
}

/** The command set a printer's TXT names (Bonjour Printing 1.2 §9: usb_CMD, as the IEEE 1284 CMD field). */
function protocolFrom(txt: Record<string, string>): NetworkPrinterProtocol | null {
  const commands = `${txt.usb_CMD ?? ''},${txt.pdl ?? ''}`.toUpperCase();
  if (/ZPL|ESCLABEL/.test(commands)) return 'zpl';
  if (/STAR/.test(commands)) return 'star';
  if (/ESC\/POS|ESCPOS/.test(commands)) return 'escpos';
  return null;
}
