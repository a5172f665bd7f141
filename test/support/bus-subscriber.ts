/**
 * A plain subscriber of Odoo's bus, as a page of the web client is one: bind the session to the
 * database with `/web/login?db=`, open `/websocket?version=<the page's worker version>`,
 * subscribe, collect notifications. No reconnection, no de-duplication: the hub's own bus client
 * is what the tests test; this is the other end and the benchmark's anchor.
 */
import { BrowserLike } from './browser-like.ts';
import { openLoginPage } from '../../src/odoo/iot/session-info.ts';

export interface BusNotification {
  id: number;
  message: { type: string; payload: Record<string, unknown> };
}

export interface BusSubscriber {
  readonly page: BrowserLike;
  readonly notifications: BusNotification[];
  /** The first notification (already received or still to come) that `match` accepts. */
  next(match: (n: BusNotification) => boolean, timeoutMs?: number, what?: string): Promise<BusNotification>;
  /** Resolves once the server's close frame came; with its code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface SubscribeOptions {
  /** The origin the socket and the login page are reached at (Odoo itself or the hub's local server). */
  origin: string;
  database: string;
  channels: string[];
  last?: number;
  /**
   * The worker version, when the caller knows it (a logged-in page has it from its session info;
   * a wrong one to see it refused). Otherwise it is read from the login page, which also binds
   * the session to the database.
   */
  version?: string;
  page?: BrowserLike;
  /** Called for each notification as it arrives (to answer it at once). */
  onNotification?(notification: BusNotification): void;
}

export async function subscribeBus(options: SubscribeOptions): Promise<BusSubscriber> {
  const page = options.page ?? new BrowserLike(options.origin);
  const version = options.version ?? (await openLoginPage({ fetch: page.fetch, dbName: options.database }));
  if (!version) throw new Error(`the login page at ${options.origin} names no websocket_worker_version`);
  const socket = new page.WebSocket(`${options.origin.replace(/^http/, 'ws')}/websocket?version=${encodeURIComponent(version)}`);
  const notifications: BusNotification[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.onclose = (event) => resolve({ code: event.code, reason: event.reason });
  });
  socket.onmessage = (event) => {
    const frame = JSON.parse(String(event.data)) as BusNotification[];
    notifications.push(...frame);
    for (const notification of frame) options.onNotification?.(notification);
    for (const wake of waiters) wake();
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = (event) => reject(new Error(`the bus at ${options.origin} did not open: ${(event as { message?: string }).message ?? 'error'}`));
  });
  socket.send(JSON.stringify({ event_name: 'subscribe', data: { channels: options.channels, last: options.last ?? 0 } }));
  return {
    page,
    notifications,
    closed,
    close: () => socket.close(1000),
    next(match, timeoutMs = 10_000, what = 'a bus notification') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = notifications.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${JSON.stringify(notifications.map((n) => n.message.type))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
