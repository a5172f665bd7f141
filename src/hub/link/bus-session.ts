/**
 * The link's bus session (odoo-iot.md §4, §4.1): one bus client on the registered channel,
 * subscribed from the bus position the pairing keeps, and each notification for this hub turned
 * into one event (an action, an offer, restart, server_clear, server_update) or the reply the
 * box gives it (restart_odoo, test_connection, remote_debug). What the events do is the
 * coordinator's.
 */
import { BusClient, type BusState } from '../../odoo/iot/bus-client.ts';
import {
  FrameError, isForHub, parseBusAction, parseWebrtcOffer, type IotAction, type Notification, type WebrtcOffer,
} from '../../odoo/iot/messages.ts';
import { ackMessage, remoteDebugAck, type ResultMessage } from '../../odoo/iot/results.ts';
import { measureConnection } from '../../odoo/iot/connection-test.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from './clock.ts';
import { wallClock } from '../breakdown.ts';

/** odoo-iot.md §4.1: a `server_clear` this soon after connecting is a replay of an old one. */
export const SERVER_CLEAR_GRACE_MS = 5_000;
/** Longer than any URL a database would give itself. */
const SERVER_URL_MAX = 2048;
/** Messages on the IoT channel meant for the POS or other listeners, not for a box. */
const NOT_FOR_BOXES = new Set(['bundle_changed', 'operation_confirmation', 'webrtc_answer']);

export interface BusSessionEvents {
  action(action: IotAction): Promise<void>;
  offer(offer: WebrtcOffer['offer']): void;
  /** The box's reply to a bus message, for Odoo. */
  reply(message: ResultMessage): Promise<void>;
  /** `restart_odoo`, once its reply is on its way. */
  restart(): void;
  /** The database removed this hub. */
  serverClear(): Promise<void>;
  /** The database lives at this (checked) URL now. */
  serverUpdate(serverUrl: string): Promise<void>;
  /** Notifications up to `last` were handled. */
  last(last: number): void;
  /** The socket opened: the server is reachable again. */
  opened(): void;
  changed(): void;
}

export interface BusSessionDeps {
  logger: Logger;
  clock: Clock;
  identifier(): string;
  /** The highest notification id already handled on the channel. */
  last(): number;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Where the page lives (the socket URL is built from it); the worker's own origin unless given. */
  origin?: string;
  /** The hub's own page, timed by test_connection as the LAN side; the worker's unless given. */
  appUrl?: string;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  events: BusSessionEvents;
}

export interface BusSnapshot {
  state: BusState;
  detail: string;
  versionFetches: number;
  openedAt: number;
}

/** odoo-iot.md §4.1: a `server_clear` this soon after the socket opened is a replay of an old one. */
export function isServerClearReplay(openedAt: number, now: number): boolean {
  return openedAt > 0 && now - openedAt < SERVER_CLEAR_GRACE_MS;
}

/** `server_update`'s `server_url` as a base URL without trailing slashes, or what is wrong with it. */
export function parseServerUrl(raw: unknown): { ok: true; url: string } | { ok: false; problem: string } {
  if (typeof raw !== 'string' || raw.length > SERVER_URL_MAX) return { ok: false, problem: 'without a usable server_url' };
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return { ok: true, url: url.href.replace(/\/+$/, '') };
  } catch {
    return { ok: false, problem: 'with a server_url that is not an http(s) URL' };
  }
}

function stringId(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export class BusSession {
  private readonly log;
  private client: BusClient | null = null;
  private channel = '';
  private dbName = '';
  /** When the bus last opened: it stays set while a closed socket's last frames are handled. */
  private openedAt = 0;

  constructor(private readonly deps: BusSessionDeps) {
    this.log = deps.logger.scope('odoo');
  }

  get snapshot(): BusSnapshot {
    return {
      state: this.client?.state ?? 'stopped', detail: this.client?.detail ?? '',
      versionFetches: this.client?.versionFetches ?? 0, openedAt: this.openedAt,
    };
  }

  /** Listens on `channel` (a running session on the same channel is kept as it is). */
  start(channel: string, dbName: string): void {
    if (this.client && this.channel === channel && this.client.state !== 'stopped') return;
    this.client?.stop();
    this.channel = channel;
    this.dbName = dbName;
    const { events } = this.deps;
    this.client = new BusClient({
      channel,
      identifier: this.deps.identifier(),
      dbName,
      last: () => this.deps.last(),
      onNotification: (n) => this.dispatch(n),
      onLast: (last) => events.last(last),
      onState: (state) => {
        if (state === 'open') {
          this.openedAt = this.deps.clock.now();
          events.opened();
        }
        events.changed();
      },
      log: this.deps.logger.scope('bus'),
      fetch: this.deps.fetch,
      WebSocket: this.deps.WebSocket,
      origin: this.deps.origin,
      reconnectMinMs: this.deps.reconnectMinMs,
      reconnectMaxMs: this.deps.reconnectMaxMs,
    });
    this.client.start();
  }

  /** Closes the socket; a later `start` on the same channel opens it again. */
  stop(): void {
    this.client?.stop();
  }

  /** Closes the socket and forgets the channel (the pairing is gone). */
  end(): void {
    this.client?.stop();
    this.client = null;
    this.channel = '';
  }

  /** Try the server now rather than at the end of a backoff wait. */
  reconnectNow(): void {
    this.client?.reconnectNow();
  }

  private async dispatch({ id, type, payload, receivedAt }: Notification): Promise<void> {
    const identifier = this.deps.identifier();
    if (NOT_FOR_BOXES.has(type) || !isForHub(payload, identifier)) return;
    const { events } = this.deps;
    try {
      switch (type) {
        case 'iot_action':
          return await events.action({ ...parseBusAction(payload), arrival: { receivedAt: receivedAt ?? wallClock(), completeAt: wallClock() } });
        case 'webrtc_offer':
          return events.offer(parseWebrtcOffer(payload).offer);
        case 'restart_odoo':
          await events.reply(ackMessage(identifier, stringId(payload.session_id)));
          return events.restart();
        case 'test_connection': {
          const appUrl = this.deps.appUrl ?? new URL('./', self.location.href).href;
          const result = await measureConnection({ fetch: this.deps.fetch, appUrl, dbName: this.dbName });
          return await events.reply(ackMessage(identifier, stringId(payload.session_id), { device_identifier: null, result }));
        }
        case 'server_clear':
          if (isServerClearReplay(this.openedAt, this.deps.clock.now())) {
            return this.log.info(`server_clear (notification ${id}) right after connecting: a replay of an old one, ignored`);
          }
          return await events.serverClear();
        case 'server_update': {
          const parsed = parseServerUrl(payload.server_url);
          if (!parsed.ok) return this.log.warning(`server_update ${parsed.problem} ignored`);
          return await events.serverUpdate(parsed.url);
        }
        case 'remote_debug':
          await events.reply(remoteDebugAck(identifier));
          return this.log.info('remote debugging was requested: this hub has no remote shell, answered enabled: false');
        default:
          this.log.debug(`bus message ${type} ignored`);
      }
    } catch (error) {
      if (error instanceof FrameError) this.log.warning(`bad ${type} (notification ${id}) ignored: ${error.message}`);
      else throw error;
    }
  }
}
