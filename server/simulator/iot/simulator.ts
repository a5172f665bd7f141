import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { BusStore } from './bus-store.ts';
import { BusWebsocket, type BusSocketInfo } from './bus-websocket.ts';
import { IOT_CHANNEL_PREFIX, PAIRING_CODE_TTL_MS, TOKEN_TTL_MS } from './constants.ts';
import { createIdentity, type DatabaseIdentity, type IdentityOptions } from './identity.ts';
import { IotChannel } from './iot-channel.ts';
import { isRecord } from './json-rpc.ts';
import { PairingProxy } from './pairing-proxy.ts';
import { IotRecords, type Registration } from './records.ts';
import { SessionStore } from './sessions.ts';
import { formatConnectionToken, TokenStore, type TokenCheck, type TokenGeneration } from './tokens.ts';

export interface IotSimulatorOptions extends IdentityOptions {
  /** Connection-token lifetime (default 15 min, odoo-iot.md §2.1). */
  tokenTtlMs?: number;
  /** Pairing-code lifetime on the proxy (default 5 min). */
  pairingCodeTtlMs?: number;
  /** Multi-database server: IoT routes and the bus need a database chosen by cookie or X-Odoo-Database. */
  multiDatabase?: boolean;
  /** Bus keep-alive before a 4002 close (default one hour). */
  busKeepAliveMs?: number;
  /** Ping after this much bus silence (default 45 s). */
  busPingAfterIdleMs?: number;
  /** The database of a session another part opened (the RPC part's /web/session/authenticate). */
  externalSessionDb?: (req: http.IncomingMessage) => string | null;
}

export type RegistrationOutcome = { accepted: true; created: boolean } | { accepted: false; reason: TokenCheck };

/** What the simulator saw, for tests and the simulator's pages. */
export interface IotSimulatorState {
  registrations: Array<{ identifier: string; accepted: boolean; reason: string | null; userAgent: string | null; database: string | null; at: number }>;
  confirmations: Array<{ params: Record<string, unknown>; forwarded: boolean; why: string | null; at: number }>;
  webrtcAnswers: Array<{ params: Record<string, unknown>; forwarded: boolean; at: number }>;
  printerAcks: Array<{ print_id: unknown; device_identifier: unknown; iot_mac: unknown; at: number }>;
  logs: Array<{ database: string | null; lines: string[]; at: number }>;
}

/**
 * The IoT side of a simulated Odoo database: `/iot/*` box routes, the bus websocket, the
 * `iot.channel`, connection tokens and the pairing proxy, with fault hooks for tests.
 */
export class IotSimulator {
  readonly identity: DatabaseIdentity;
  readonly tokens: TokenStore;
  readonly records = new IotRecords();
  readonly store = new BusStore();
  readonly bus: BusWebsocket;
  readonly channel: IotChannel;
  readonly sessions: SessionStore;
  readonly pairingProxy: PairingProxy;
  readonly state: IotSimulatorState = { registrations: [], confirmations: [], webrtcAnswers: [], printerAcks: [], logs: [] };
  /** The URL boxes are told to use (connection tokens, pairing): the local server's in demo mode. */
  publicUrl = '';
  private readonly multiDatabase: boolean;
  private readonly externalSessionDb: (req: http.IncomingMessage) => string | null;

  constructor(options: IotSimulatorOptions = {}, sessions = new SessionStore()) {
    this.identity = createIdentity(options);
    this.sessions = sessions;
    this.multiDatabase = options.multiDatabase ?? false;
    this.externalSessionDb = options.externalSessionDb ?? (() => null);
    this.tokens = new TokenStore(Date.now, options.tokenTtlMs ?? TOKEN_TTL_MS);
    this.pairingProxy = new PairingProxy(options.pairingCodeTtlMs ?? PAIRING_CODE_TTL_MS);
    this.bus = new BusWebsocket(this.store, {
      workerVersion: () => this.identity.workerVersion,
      keepAliveMs: options.busKeepAliveMs,
      pingAfterIdleMs: options.busPingAfterIdleMs,
      acceptsDatabase: (req) => this.databaseOf(req) !== null,
      onSubscribe: (info) => this.markConnected(info, true),
      onClose: (info) => this.markConnected(info, false),
    });
    this.channel = new IotChannel(`${IOT_CHANNEL_PREFIX}${randomBytes(16).toString('hex')}`, this.store, this.bus, this.identity, this.records);
  }

  /** The database a request reaches: session cookie, then X-Odoo-Database, then the only database. */
  databaseOf(req: http.IncomingMessage): string | null {
    const fromSession = this.sessions.get(req)?.db ?? this.externalSessionDb(req);
    if (fromSession) return fromSession === this.identity.dbName ? fromSession : null;
    const header = req.headers['x-odoo-database'];
    if (typeof header === 'string' && header) return header === this.identity.dbName ? header : null;
    return this.multiDatabase ? null : this.identity.dbName;
  }

  /** A new connection token and its copyable string in the asked generation's format. */
  issueToken(generation: TokenGeneration = '19', ttlMs?: number): { token: string; expiresAt: number; connectionString: string } {
    const issued = this.tokens.issue(ttlMs);
    return { token: issued.token, expiresAt: issued.expiresAt, connectionString: formatConnectionToken(generation, this.publicUrl, issued.token, this.identity) };
  }

  /**
   * /iot/setup: a known box re-registers freely; a new box needs a valid, unused token, which
   * its registration consumes.
   */
  register(registration: Registration, meta: { userAgent: string | null; database: string | null }): RegistrationOutcome {
    const known = this.records.box(registration.identifier);
    let outcome: RegistrationOutcome;
    if (known) outcome = { accepted: true, created: false };
    else {
      const check = this.tokens.check(registration.token);
      outcome = check === 'valid' ? { accepted: true, created: true } : { accepted: false, reason: check };
    }
    if (outcome.accepted) {
      this.records.register(registration, Date.now());
      if (outcome.created) this.tokens.consume(registration.token, registration.identifier);
    }
    this.state.registrations.push({
      identifier: registration.identifier,
      accepted: outcome.accepted,
      reason: outcome.accepted ? null : outcome.reason,
      userAgent: meta.userAgent,
      database: meta.database,
      at: Date.now(),
    });
    return outcome;
  }

  /**
   * /iot/box/send_websocket → `operation_confirmation` on the IoT channel. Unknown box or device:
   * dropped silently (odoo-iot.md §5). The box itself and `null` (remote_debug) count as devices.
   */
  confirmOperation(params: Record<string, unknown>): boolean {
    const box = typeof params.iot_box_identifier === 'string' ? this.records.box(params.iot_box_identifier) : undefined;
    const device = params.device_identifier;
    let why: string | null = null;
    if (!box) why = 'unknown box';
    else if (device !== null && device !== box.identifier && (typeof device !== 'string' || !this.records.device(box.identifier, device))) why = 'unknown device';
    else if (params.status === undefined) why = 'no status';
    this.state.confirmations.push({ params, forwarded: why === null, why, at: Date.now() });
    if (why) return false;
    this.channel.sendMessage(
      {
        session_id: params.session_id ?? null,
        iot_box_identifier: params.iot_box_identifier,
        device_identifier: device,
        message: { status: params.status, result: params.result ?? null, action_args: params.action_args ?? null },
      },
      'operation_confirmation',
    );
    return true;
  }

  /** /iot/box/webrtc_answer → `webrtc_answer` `{iot_box_identifier, answer}` for the POS that offered. */
  forwardWebrtcAnswer(params: Record<string, unknown>): boolean {
    const known = typeof params.iot_box_identifier === 'string' && !!this.records.box(params.iot_box_identifier);
    const forwarded = known && isRecord(params.answer);
    this.state.webrtcAnswers.push({ params, forwarded, at: Date.now() });
    if (forwarded) this.channel.sendMessage({ iot_box_identifier: params.iot_box_identifier, answer: params.answer }, 'webrtc_answer');
    return forwarded;
  }

  /** The IoT app's "delete": the box is told with `server_clear` and forgotten. */
  deleteBox(identifier: string): boolean {
    if (!this.records.box(identifier)) return false;
    this.channel.serverClear(identifier);
    return this.records.deleteBox(identifier);
  }

  /** Fault hooks. */
  readonly faults = {
    /** The websocket server goes away and comes back after `downMs`, keeping notification ids. */
    restartBus: (options?: { downMs?: number; graceful?: boolean }) => this.bus.restart(options),
    /** Drops bus sockets without a close handshake (all, or those of one box identifier). */
    killSockets: (identifier?: string) => this.bus.killSockets(identifier ? (info: BusSocketInfo) => info.identifier === identifier : undefined),
    /** Closes bus sockets as the keep-alive timeout does (4002). */
    closeIdle: (identifier?: string) => this.bus.closeSockets(4002, undefined, identifier ? (info: BusSocketInfo) => info.identifier === identifier : undefined),
    /** The connection token expires now. */
    expireToken: (token: string) => this.tokens.expire(token),
    /** The pairing code expires now. */
    expirePairingCode: (code: string) => this.pairingProxy.expire(code),
    /** The server moves to another worker version: browsers on the old one get OUTDATED_VERSION. */
    setWorkerVersion: (version: string) => {
      this.identity.workerVersion = version;
    },
  };

  close(): void {
    this.bus.close();
  }

  private markConnected(info: BusSocketInfo, connected: boolean): void {
    const box = info.identifier ? this.records.box(info.identifier) : undefined;
    if (!box) return;
    box.websocketConnected = connected || this.bus.connections.some((c) => c.identifier === box.identifier && c !== info);
  }
}
