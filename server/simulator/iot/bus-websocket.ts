import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BUS_KEEP_ALIVE_MS,
  BUS_MESSAGE_MAX_BYTES,
  BUS_PING_AFTER_IDLE_MS,
  BUS_RATE_LIMIT_BURST,
  BUS_RATE_LIMIT_DELAY_MS,
  CLOSE,
  OUTDATED_VERSION_REASON,
  REQUIRED_HANDSHAKE_HEADERS,
} from './constants.ts';
import { toWire, type BusStore, type BusNotification } from './bus-store.ts';

export interface BusSocketInfo {
  /** `identifier` sent in the subscribe (IoT boxes send theirs). */
  identifier: string | null;
  channels: string[];
  /** `last` of the first subscribe. */
  subscribedLast: number | null;
  /** Highest notification id sent on this socket. */
  lastSentId: number;
  version: string | null;
  userAgent: string | null;
}

export interface BusWebsocketOptions {
  workerVersion: () => string;
  /** Per-socket keep-alive before a 4002 close; Odoo adds up to half of it at random. */
  keepAliveMs?: number;
  pingAfterIdleMs?: number;
  /** Returns false to refuse the upgrade with 404 (multi-database server with no database chosen). */
  acceptsDatabase?: (req: http.IncomingMessage) => boolean;
  onSubscribe?: (info: BusSocketInfo) => void;
  onClose?: (info: BusSocketInfo) => void;
}

/** A subscribe event as websocket.py / ir.websocket `_prepare_subscribe_data` validate it. */
export function parseSubscribe(text: string): { channels: string[]; last: number; identifier: string | null } | { error: string } | null {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    return { error: `Invalid JSON data, ${(error as Error).message}` };
  }
  if (!request || typeof request !== 'object' || !('event_name' in request)) return { error: "Key 'event_name' is missing from request" };
  const { event_name: eventName, data } = request as { event_name: unknown; data?: Record<string, unknown> };
  if (eventName !== 'subscribe') return null;
  const channels = data?.channels;
  const last = data?.last ?? 0;
  if (!Array.isArray(channels) || !channels.every((c) => typeof c === 'string')) return { error: 'bus.Bus only string channels are allowed.' };
  if (typeof last !== 'number' || !Number.isInteger(last) || last < 0) return { error: 'bus.Bus last should be a non-negative integer.' };
  const identifier = typeof data?.identifier === 'string' ? data.identifier : null;
  return { channels, last, identifier };
}

class BusSocket {
  readonly info: BusSocketInfo;
  private channels = new Set<string>();
  private readonly frameTimes: number[] = [];
  private lastActivity = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(readonly ws: WebSocket, req: http.IncomingMessage, version: string | null, private readonly bus: BusWebsocket, options: Required<Pick<BusWebsocketOptions, 'keepAliveMs' | 'pingAfterIdleMs'>>) {
    this.info = { identifier: null, channels: [], subscribedLast: null, lastSentId: 0, version, userAgent: req.headers['user-agent'] ?? null };
    ws.on('message', (data, isBinary) => this.receive(isBinary ? null : data.toString('utf8')));
    ws.on('pong', () => (this.lastActivity = Date.now()));
    const keepAlive = options.keepAliveMs + Math.random() * (options.keepAliveMs / 2);
    this.timers.push(setTimeout(() => ws.close(CLOSE.KEEP_ALIVE_TIMEOUT), keepAlive));
    const tick = Math.max(10, Math.min(options.pingAfterIdleMs, 5_000));
    this.timers.push(setInterval(() => {
      if (Date.now() - this.lastActivity >= options.pingAfterIdleMs && ws.readyState === ws.OPEN) {
        this.lastActivity = Date.now();
        ws.ping();
      }
    }, tick));
    for (const timer of this.timers) timer.unref();
    ws.on('close', () => this.timers.forEach((t) => clearTimeout(t)));
  }

  subscribedTo(channel: string): boolean {
    return this.channels.has(channel);
  }

  /** Sends the rows this socket has not had yet, as one frame (websocket.py sends one list per dispatch). */
  dispatch(rows: BusNotification[]): void {
    const fresh = rows.filter((row) => row.id > this.info.lastSentId);
    if (!fresh.length || this.ws.readyState !== this.ws.OPEN) return;
    this.info.lastSentId = fresh.at(-1)!.id;
    this.lastActivity = Date.now();
    this.ws.send(JSON.stringify(fresh.map(toWire)));
  }

  private receive(text: string | null): void {
    this.lastActivity = Date.now();
    if (this.rateLimited()) return void this.ws.close(CLOSE.TRY_LATER);
    if (text === null) return;
    const subscribe = parseSubscribe(text);
    if (!subscribe) return;
    // Odoo logs a bad request and keeps the socket open.
    if ('error' in subscribe) return void this.bus.errors.push(subscribe.error);
    this.channels = new Set(subscribe.channels);
    this.info.channels = subscribe.channels;
    this.info.identifier = subscribe.identifier ?? this.info.identifier;
    // websocket.py `subscribe`: the client's `last` is taken once; later the server's own count rules.
    if (this.info.subscribedLast === null) {
      this.info.subscribedLast = subscribe.last;
      this.info.lastSentId = subscribe.last;
    }
    this.bus.subscribed(this);
    this.dispatch(this.bus.store.poll(this.channels, this.info.lastSentId));
  }

  /** websocket.py `_limit_rate`: at most BURST frames within BURST * DELAY. */
  private rateLimited(): boolean {
    const now = Date.now();
    if (this.frameTimes.length >= BUS_RATE_LIMIT_BURST && now - this.frameTimes[0] < BUS_RATE_LIMIT_DELAY_MS * BUS_RATE_LIMIT_BURST) return true;
    this.frameTimes.push(now);
    if (this.frameTimes.length > BUS_RATE_LIMIT_BURST) this.frameTimes.shift();
    return false;
  }
}

/** `/websocket`: the bus as Odoo's websocket.py serves it (version kill switch, subscribe, `last` replay, limits). */
export class BusWebsocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: BUS_MESSAGE_MAX_BYTES });
  private readonly sockets = new Set<BusSocket>();
  private down = false;
  /** Bad requests Odoo would log (invalid JSON, bad subscribe data). */
  readonly errors: string[] = [];

  constructor(readonly store: BusStore, private readonly options: BusWebsocketOptions) {}

  get connections(): BusSocketInfo[] {
    return [...this.sockets].map((s) => s.info);
  }

  /** Upgrade route for SimulatorHttp. */
  readonly upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean => {
    if (url.pathname !== '/websocket' && url.pathname !== '/websocket/') return false;
    if (this.down) {
      socket.destroy();
      return true;
    }
    const missing = REQUIRED_HANDSHAKE_HEADERS.filter((h) => !req.headers[h]);
    if (missing.length) {
      reject(socket, 400, `Empty or missing header(s): ${missing.join(', ')}`);
      return true;
    }
    if (this.options.acceptsDatabase && !this.options.acceptsDatabase(req)) {
      reject(socket, 404, 'no database selected: GET /web/login?db=<name> first');
      return true;
    }
    const version = url.searchParams.get('version');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const bus = new BusSocket(ws, req, version, this, {
        keepAliveMs: this.options.keepAliveMs ?? BUS_KEEP_ALIVE_MS,
        pingAfterIdleMs: this.options.pingAfterIdleMs ?? BUS_PING_AFTER_IDLE_MS,
      });
      this.sockets.add(bus);
      ws.on('close', () => {
        this.sockets.delete(bus);
        this.options.onClose?.(bus.info);
      });
      // websocket.py `_serve_forever`: only clients with a User-Agent (browsers) are held to the worker version.
      if (req.headers['user-agent'] && version !== this.options.workerVersion()) ws.close(CLOSE.CLEAN, OUTDATED_VERSION_REASON);
    });
    return true;
  };

  subscribed(socket: BusSocket): void {
    this.options.onSubscribe?.(socket.info);
  }

  /** Pushes a new notification to the sockets subscribed to its channel. */
  publish(row: BusNotification): void {
    for (const socket of this.sockets) if (socket.subscribedTo(row.channel)) socket.dispatch([row]);
  }

  /** Fault hook: drops every socket without a closing handshake (the client sees 1006). */
  killSockets(filter: (info: BusSocketInfo) => boolean = () => true): number {
    let killed = 0;
    for (const socket of this.sockets) if (filter(socket.info)) (socket.ws.terminate(), killed++);
    return killed;
  }

  /** Closes sockets with a code, like Odoo's `_kick_all` (1001) or the keep-alive timeout (4002). */
  closeSockets(code: number, reason?: string, filter: (info: BusSocketInfo) => boolean = () => true): number {
    let closed = 0;
    for (const socket of this.sockets) if (filter(socket.info)) (socket.ws.close(code, reason), closed++);
    return closed;
  }

  /**
   * Fault hook: the websocket server goes away (sockets dropped, or closed 1001 when `graceful`) and
   * refuses connections for `downMs`; notification ids and kept rows survive, as they live in the database.
   */
  async restart({ downMs = 0, graceful = false }: { downMs?: number; graceful?: boolean } = {}): Promise<void> {
    this.down = true;
    if (graceful) this.closeSockets(CLOSE.GOING_AWAY);
    else this.killSockets();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.down = false;
  }

  close(): void {
    this.killSockets();
    this.wss.close();
  }
}

function reject(socket: Duplex, status: number, message: string): void {
  const reasons: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found' };
  socket.end(`HTTP/1.1 ${status} ${reasons[status]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}
