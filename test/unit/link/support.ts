// The link's parts run here in Node, against the Odoo simulator on loopback, with an IndexedDB
// that lives in memory (fake-indexeddb implements the IndexedDB API itself; the hub's own
// schema and migrations run on it).
import 'fake-indexeddb/auto';
import { createServer } from 'node:net';
import { WebSocket as NodeWebSocket } from 'ws';
import { openHubDb, type HubDb } from '../../../src/store/db.ts';
import { Logger } from '../../../src/hub/logger.ts';
import type { Clock, TimerId } from '../../../src/hub/link/clock.ts';
import type { RunningSimulator } from '../../../server/simulator/index.ts';

export function openTestDb(): Promise<HubDb> {
  return openHubDb(`link-${crypto.randomUUID()}`);
}

/** The hub calls Odoo on same-origin paths; here they go to `base()` (read at each call, so a test can move the server). */
export function fetchAt(base: () => string): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) => fetch(new URL(String(input), base()), init)) as typeof fetch;
}

/** A loopback URL where nothing listens (a port just freed): connections to it are refused. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/**
 * A browser's bus socket: Chrome sends Origin, which the bus requires, and a failed socket is
 * an `error` event followed by `close`, never an exception (ws throws on an unheard `error`).
 */
export function browserSocket(sim: RunningSimulator): typeof WebSocket {
  return class extends NodeWebSocket {
    constructor(url: string) {
      super(url, { headers: { Origin: sim.url, 'User-Agent': 'Mozilla/5.0 link-unit-test' } });
      this.on('error', () => undefined);
    }
  } as unknown as typeof WebSocket;
}

/** A logger whose lines the test can read. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const logger = new Logger();
  const lines: string[] = [];
  logger.addSink((record) => lines.push(`${record.level} ${record.source}: ${record.message}`));
  return { logger, lines };
}

/** A clock that moves only when the test says so: retry and save timings without waiting for them. */
export class ManualClock implements Clock {
  private time: number;
  private readonly timers = new Map<number, { at: number; ms: number; callback: () => void }>();
  private next = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerId {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, ms, callback });
    return id as unknown as TimerId;
  }

  clearTimeout(timer: TimerId): void {
    this.timers.delete(timer as unknown as number);
  }

  /** The delays of the timers still waiting, in the order they were set. */
  get waiting(): number[] {
    return [...this.timers.values()].map((t) => t.ms);
  }

  /** Moves time on by `ms`, firing each timer that falls due, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
