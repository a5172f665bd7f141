import { WebSocket } from 'ws';
import type { RunningSimulator } from '../../../server/simulator/index.ts';

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: the caller checks text */
  }
  return { status: response.status, json, text, headers: response.headers };
}

export const DEVICES = {
  'usb_04b8:0e28': { name: 'EPSON TM-T20III', type: 'printer', manufacturer: 'Epson', connection: 'direct', subtype: 'receipt_printer' },
  'serial_0403:6001_1': { name: 'Toledo 8217', type: 'scale', manufacturer: 'Toledo', connection: 'serial', subtype: '' },
};

export function setupBody(identifier: string, token: string, devices: Record<string, unknown> = DEVICES) {
  return { params: { iot_box: { identifier, mac: '00:00:00:00:00:00', ip: '192.168.1.23', token, version: 'B1.0-19.0' }, devices } };
}

/** Registers a box with a fresh token and returns the channel. */
export async function registerBox(sim: RunningSimulator, identifier: string, devices: Record<string, unknown> = DEVICES): Promise<string> {
  const { token } = sim.iot.issueToken();
  const { json } = await postJson(`${sim.url}/iot/setup`, setupBody(identifier, token, devices));
  return json.result;
}

export interface BusClient {
  ws: WebSocket;
  frames: any[][];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the next notifications until `count` have arrived in total. */
  waitFor(count: number, timeoutMs?: number): Promise<any[]>;
  subscribe(channels: string[], last: number, identifier?: string): void;
}

/** A bus client that behaves like a browser (Origin + User-Agent headers). */
export async function openBus(sim: RunningSimulator, version: string | null = sim.iot.identity.workerVersion, headers: Record<string, string> = {}): Promise<BusClient> {
  const url = `${sim.url.replace('http', 'ws')}/websocket${version === null ? '' : `?version=${encodeURIComponent(version)}`}`;
  const ws = new WebSocket(url, { headers: { Origin: sim.url, 'User-Agent': 'Mozilla/5.0 test', ...headers } });
  const frames: any[][] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const all = () => frames.flat();
  return {
    ws,
    frames,
    closed,
    subscribe: (channels, last, identifier) => ws.send(JSON.stringify({ event_name: 'subscribe', data: { channels, last, ...(identifier ? { identifier } : {}) } })),
    waitFor: (count, timeoutMs = 2000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited for ${count} notifications, got ${all().length}: ${JSON.stringify(all())}`)), timeoutMs);
        const check = () => {
          if (all().length >= count) {
            clearTimeout(timer);
            resolve(all());
          } else waiters.push(check);
        };
        check();
      }),
  };
}
