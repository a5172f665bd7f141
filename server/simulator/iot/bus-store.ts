import { BUS_FIRST_POLL_WINDOW_MS, BUS_RETENTION_MS } from './constants.ts';

/** One `bus.bus` row: what a socket receives as `{id, message: {type, payload}}`. */
export interface BusNotification {
  id: number;
  channel: string;
  type: string;
  payload: unknown;
  createdAt: number;
}

/** The wire form of a notification inside a bus frame (websocket.py `_dispatch_bus_notifications`). */
export interface WireNotification {
  id: number;
  message: { type: string; payload: unknown };
}

export function toWire(notification: BusNotification): WireNotification {
  return { id: notification.id, message: { type: notification.type, payload: notification.payload } };
}

/**
 * The `bus.bus` table: ids only grow (they survive a restart of the websocket server), rows older
 * than `BUS_RETENTION_MS` are collected.
 */
export class BusStore {
  private rows: BusNotification[] = [];
  private lastId = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get highestId(): number {
    return this.lastId;
  }

  add(channel: string, type: string, payload: unknown): BusNotification {
    this.collect();
    const row = { id: ++this.lastId, channel, type, payload, createdAt: this.now() };
    this.rows.push(row);
    return row;
  }

  /** bus.py `_poll`: `last == 0` gives the last 50 s of the channels, otherwise every kept row with `id > last`. */
  poll(channels: ReadonlySet<string>, last: number): BusNotification[] {
    this.collect();
    const since = this.now() - BUS_FIRST_POLL_WINDOW_MS;
    return this.rows.filter((row) => channels.has(row.channel) && (last === 0 ? row.createdAt > since : row.id > last));
  }

  private collect(): void {
    const horizon = this.now() - BUS_RETENTION_MS;
    if (this.rows.length && this.rows[0].createdAt < horizon) this.rows = this.rows.filter((row) => row.createdAt >= horizon);
  }
}
