/**
 * The hub's bus websocket (odoo-iot.md §4): same-origin `/websocket?version=<worker version>`,
 * subscribe to the IoT channel with the persisted `last`, reconnect with backoff and jitter,
 * refetch the worker version on `OUTDATED_VERSION`, and hand each new notification over once.
 */
import { describeError, type ScopedLogger } from '../../hub/logger.ts';
import { parseBusFrame, type Notification } from './messages.ts';
import { fetchWorkerVersion, openLoginPage } from './session-info.ts';
import { backoffDelay } from '../../hub/backoff.ts';

export const WEBSOCKET_PATH = '/websocket';
/** websocket.py: a browser whose worker version differs is closed at once with this reason. */
export const OUTDATED_VERSION_REASON = 'OUTDATED_VERSION';
/** websocket.py `CloseCode.KEEP_ALIVE_TIMEOUT`: the server closes hour-old sockets; reconnect at once. */
export const KEEP_ALIVE_TIMEOUT_CODE = 4002;

/** A socket open this long (or that delivered a frame) counts as working: the backoff starts over. */
const STABLE_AFTER_MS = 5_000;

export type BusState = 'stopped' | 'connecting' | 'open' | 'waiting';

export interface BusClientOptions {
  channel: string;
  identifier: string;
  dbName: string;
  /** The highest notification id already handled. */
  last(): number;
  /** Called for each notification with an id above `last`, in order; awaited before the next. */
  onNotification(notification: Notification): Promise<void>;
  /** The highest id handled so far, after each frame (to persist). */
  onLast(last: number): void;
  onState?(state: BusState, detail: string): void;
  log: ScopedLogger;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Where the page lives; the websocket URL is built from its origin. */
  origin?: string;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export class BusClient {
  private socket: WebSocket | null = null;
  private version: string | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;
  private received = false;
  state: BusState = 'stopped';
  detail = '';
  /** When the current socket opened; `server_clear` is ignored just after (odoo-iot.md §4.1). */
  openedAt = 0;
  /** How many times the worker version was (re)fetched: shown in diagnostics and tests. */
  versionFetches = 0;

  constructor(private readonly options: BusClientOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
    this.setState('stopped', '');
  }

  /** Reconnect now (for example after the server came back or the page got its network back). */
  reconnectNow(): void {
    if (this.stopped || this.state === 'open' || this.state === 'connecting') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.connect();
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setState('connecting', '');
    const fetchOptions = { fetch: this.options.fetch, dbName: this.options.dbName };
    try {
      if (this.options.dbName) {
        // Binds this browser's session to the database before the socket opens (multi-database servers).
        const fromPage = await openLoginPage(fetchOptions);
        if (fromPage && !this.version) {
          this.version = fromPage;
          this.versionFetches++;
        }
      }
      if (!this.version) {
        this.version = await fetchWorkerVersion(fetchOptions);
        this.versionFetches++;
      }
    } catch (error) {
      if (generation === this.generation) this.retry(`cannot reach the Odoo server: ${describeError(error)}`);
      return;
    }
    if (generation !== this.generation || this.stopped) return;
    const origin = this.options.origin ?? self.location.origin;
    const url = `${origin.replace(/^http/, 'ws')}${WEBSOCKET_PATH}?version=${encodeURIComponent(this.version)}`;
    const Socket = this.options.WebSocket ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Socket(url);
    } catch (error) {
      this.retry(`cannot open the bus: ${describeError(error)}`);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.openedAt = Date.now();
      const last = this.options.last();
      socket.send(JSON.stringify({ event_name: 'subscribe', data: { channels: [this.options.channel], last, identifier: this.options.identifier } }));
      this.setState('open', `subscribed from ${last}`);
      this.options.log.info(`bus connected, subscribed to the IoT channel from notification ${last}`);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.received = true;
      if (typeof event.data !== 'string') return void this.options.log.warning('bus sent a binary frame: ignored');
      const receivedAt = performance.timeOrigin + performance.now();
      this.chain = this.chain.then(() => this.receive(event.data as string, receivedAt));
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Only a socket that worked for a while resets the backoff: a server that accepts and
      // closes at once must not turn reconnection into a busy loop.
      const stable = this.openedAt > 0 && (this.received || Date.now() - this.openedAt >= STABLE_AFTER_MS);
      this.openedAt = 0;
      this.received = false;
      if (this.stopped) return;
      if (stable) this.attempts = 0;
      if (event.reason === OUTDATED_VERSION_REASON) {
        // The server runs another bus version than we asked for: learn it again.
        this.options.log.info(`bus refused version ${this.version} (${OUTDATED_VERSION_REASON}): fetching the server's version`);
        this.version = null;
      }
      if ((event.reason === OUTDATED_VERSION_REASON || event.code === KEEP_ALIVE_TIMEOUT_CODE) && this.attempts === 0) {
        this.attempts++;
        return void this.reconnectSoon(0);
      }
      this.retry(`bus closed (code ${event.code}${event.reason ? `, ${event.reason}` : ''})`);
    };
  }

  private async receive(text: string, receivedAt: number): Promise<void> {
    let notifications: Notification[];
    try {
      notifications = parseBusFrame(text);
    } catch (error) {
      this.options.log.warning(`bad bus frame ignored: ${describeError(error)}`);
      return;
    }
    let last = this.options.last();
    const before = last;
    for (const notification of notifications) {
      // A resubscribe replays what came after `last`: anything at or below it was handled.
      if (notification.id <= last) continue;
      try {
        await this.options.onNotification({ ...notification, receivedAt });
      } catch (error) {
        this.options.log.error(`bus notification ${notification.id} (${notification.type}) failed: ${describeError(error)}`);
      }
      last = notification.id;
    }
    if (last > before) this.options.onLast(last);
  }

  private retry(reason: string): void {
    if (this.stopped) return;
    // Full jitter: many hubs that lost the same server do not come back in the same instant.
    const delay = backoffDelay(this.attempts, { minMs: this.options.reconnectMinMs ?? 500, maxMs: this.options.reconnectMaxMs ?? 30_000 });
    this.attempts++;
    this.options.log.info(`${reason}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    this.reconnectSoon(delay, reason);
  }

  private reconnectSoon(delay: number, reason = ''): void {
    this.setState('waiting', reason);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.connect();
    }, delay);
  }

  private setState(state: BusState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.options.onState?.(state, detail);
  }
}
