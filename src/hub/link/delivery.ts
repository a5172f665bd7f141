/**
 * The link's delivery of results and device events to Odoo (odoo-iot.md §5, §6): each goes live
 * on the open WebRTC channels first, then into the outbox, which posts them to
 * `/iot/box/send_websocket` in the order they were written, across outages and reloads.
 */
import type { HubDb } from '../../store/db.ts';
import type { JobRecord } from '../../store/schema.ts';
import { describeError, type Logger } from '../logger.ts';
import { Outbox, Undeliverable } from '../outbox.ts';
import { IotHttpError, postIotJson } from '../../odoo/iot/http.ts';
import type { IotAction } from '../../odoo/iot/messages.ts';
import { PRINTER_STATUS_PATH, SEND_WEBSOCKET_PATH, type ResultMessage } from '../../odoo/iot/results.ts';
import type { Clock } from './clock.ts';

/** When a path took a result (wall-clock ms). */
export type SentListener = (path: 'webrtc' | 'bus', at: number) => void;

export interface DeliveryEvents {
  /** A post failed in a way a reconnect may cure: the server may be back before the bus knows. */
  serverUnreachable(): void;
  changed(): void;
}

export interface DeliveryDeps {
  db: HubDb;
  logger: Logger;
  clock: Clock;
  identifier(): string;
  /** The paired database's name, for `X-Odoo-Database`. */
  dbName(): string | undefined;
  /** Sends a message on the live paths (the open WebRTC channels); resolves with when it left, or null. */
  live(message: ResultMessage): Promise<number | null>;
  fetch?: typeof fetch;
  retryMinMs?: number;
  retryMaxMs?: number;
  events: DeliveryEvents;
}

/** A 4xx other than a timeout or a rate limit: the server will never take this message. */
function refusedForGood(error: unknown): boolean {
  return error instanceof IotHttpError && error.status !== null && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

export class Delivery {
  private readonly outbox: Outbox;

  constructor(private readonly deps: DeliveryDeps) {
    this.outbox = new Outbox(deps.db, {
      send: (body) => this.post(body),
      log: deps.logger.scope('outbox'),
      onChange: () => deps.events.changed(),
      retryMinMs: deps.retryMinMs,
      retryMaxMs: deps.retryMaxMs,
    });
  }

  load(): Promise<void> {
    return this.outbox.load();
  }

  get pending(): number {
    return this.outbox.pending;
  }

  get lastError(): string {
    return this.outbox.lastError;
  }

  /**
   * A result or event on every path; `job` is finished in the same write as the outbox entry.
   * `onSent` learns when each path took it (the job's breakdown).
   */
  async deliver(message: ResultMessage, job: JobRecord | null, ttlMs?: number, onSent?: SentListener): Promise<void> {
    // Live first: an open channel works even while the Odoo server is unreachable.
    void this.deps.live(message).then((at) => at !== null && onSent?.('webrtc', at));
    await this.outbox.append(message, ttlMs ? this.deps.clock.now() + ttlMs : null, job ?? undefined, onSent && ((at) => onSent('bus', at)));
  }

  /** A message for Odoo only (an acknowledgement of a bus message). */
  send(message: ResultMessage): Promise<void> {
    return this.outbox.append(message);
  }

  /** Odoo 18 prints are acknowledged on their own route, once, without the outbox. */
  async acknowledgeOdoo18(action: IotAction, deviceIdentifier: string): Promise<void> {
    try {
      const body = { print_id: action.odoo18?.printId ?? null, device_identifier: deviceIdentifier, iot_mac: this.deps.identifier() };
      await postIotJson(PRINTER_STATUS_PATH, body, { fetch: this.deps.fetch, dbName: this.deps.dbName() });
    } catch (error) {
      this.deps.logger.scope('odoo').warning(`Odoo 18 print acknowledgement failed: ${describeError(error)}`);
    }
  }

  /** Posting is allowed only while the hub is registered with a database. */
  setEnabled(enabled: boolean): void {
    this.outbox.setEnabled(enabled);
  }

  /** Try now (the network or the server is back). */
  kick(): void {
    this.outbox.kick();
  }

  /** Resolves when everything written so far has been posted (or posting is off). */
  drained(): Promise<void> {
    return this.outbox.drained();
  }

  /** Forgets what waits: it belongs to a database the hub no longer talks to. */
  clear(): Promise<void> {
    return this.outbox.clear();
  }

  private async post(body: unknown): Promise<void> {
    try {
      await postIotJson(SEND_WEBSOCKET_PATH, body as Record<string, unknown>, { fetch: this.deps.fetch, dbName: this.deps.dbName() });
    } catch (error) {
      if (refusedForGood(error)) throw new Undeliverable((error as Error).message);
      this.deps.events.serverUnreachable();
      throw error;
    }
  }
}
