import { proxyMarker } from 'comlink';
import type { HubDb } from '../store/db.ts';
import type { DeviceRecord, JobRecord, JobState, PairingRecord } from '../store/schema.ts';
import type { DeviceDescription, DeviceEvent, GrantedDeviceInfo, Device } from './devices.ts';
import { NO_MAC } from './identity.ts';
import type { Activity } from './activity.ts';
import { describeError, type Logger } from './logger.ts';
import { JobStore } from './job-store.ts';
import { Outbox, Undeliverable } from './outbox.ts';
import { ActionRouter } from './router.ts';
import { backoffDelay } from './backoff.ts';
import { HOLD_MINUTES_MAX, HOLD_SETTING, holdMsFrom, holdsWhileOffline, jobKind } from './queue-policy.ts';
import { parseConnectionToken, TokenError, type ConnectionToken } from '../odoo/iot/token.ts';
import { register, RegistrationError, setupBody, setupDevices } from '../odoo/iot/registration.ts';
import { BusClient, type BusState } from '../odoo/iot/bus-client.ts';
import { PairingCodeFlow, type PairingCodeState, type PairingResult } from '../odoo/iot/pairing-code.ts';
import { loadPairing, savePairing, forgetPairing } from '../odoo/iot/pairing-store.ts';
import { postIotJson, IotHttpError } from '../odoo/iot/http.ts';
import {
  FrameError, isForHub, parseBusAction, parseChannelMessage, parseWebrtcOffer, type IotAction, type Notification,
} from '../odoo/iot/messages.ts';
import { ackMessage, channelAck, remoteDebugAck, PRINTER_STATUS_PATH, SEND_WEBSOCKET_PATH, WEBRTC_ANSWER_PATH, type ResultMessage } from '../odoo/iot/results.ts';
import { measureConnection } from '../odoo/iot/connection-test.ts';
import { wallClock, type ActionArrival, type JobBreakdown } from './breakdown.ts';

/**
 * The hub's link with its Odoo database: pairing (token or code), registration, the bus, the
 * WebRTC channels the window holds, and the router, job queue and outbox behind them.
 */
export interface LinkIdentity {
  identifier: string;
  version: string;
  address: string;
}

/** What only the window can do: WebRTC and reloading the page. Registered by the window over comlink. */
export interface WindowHost {
  /** Answers an offer (non-trickle) and returns the complete answer. */
  answerOffer(offer: { type: 'offer'; sdp: string }): Promise<{ type: string; sdp: string }>;
  /** Sends text on one channel, or on every open channel when `channelId` is null; returns when it left (wall-clock ms), if it did. */
  send(channelId: string | null, text: string): number | null | void;
  reload(): void;
}

export interface IotLinkTiming {
  pairingPollDelayMs?(n: number): number;
  pairingShownMs?: number;
  busReconnectMinMs?: number;
  registrationRetryMs?: number;
  outboxRetryMinMs?: number;
  /** How often the registration facts (address, devices, version) are re-checked. */
  registrationCheckMs?: number;
  /** The longest wait between two tries to reach the server (bus, outbox, registration). */
  retryMaxMs?: number;
}

export interface IotLinkDeps {
  db: HubDb;
  logger: Logger;
  activity: Activity;
  identity(): LinkIdentity;
  hubName(): string;
  pairingProxyUrl(): string;
  /**
   * Refreshes what `identity()` returns from outside facts (the local server's view of the LAN
   * address); called before each periodic registration check.
   */
  refreshIdentity?(): Promise<void>;
  /** The Odoo origin the local server forwards to, when it does; null when unknown (same origin or demo). */
  forwardedOdooOrigin?(): string | null;
  devices: {
    get(identifier: string): Device | undefined;
    listing(): { devices: Device[]; unclaimed: GrantedDeviceInfo[] };
    onChange(listener: () => void): () => void;
    onDeviceEvent(listener: (event: DeviceEvent) => void): () => void;
  };
  onChange(): void;
  fetch?: typeof fetch;
  timing?: IotLinkTiming;
}

export type RegistrationState = 'unpaired' | 'registering' | 'registered' | 'retrying' | 'refused';

export interface LinkJob {
  id: string;
  deviceIdentifier: string;
  action: string;
  state: JobState;
  createdAt: number;
  updatedAt: number;
  result: string;
  /** Share of a long job sent to the device (0..1) while it runs. */
  progress?: number;
  heldAt?: number;
  /** Print jobs can be sent again (Retry, Reprint) while their data is kept. */
  repeatable: boolean;
  repeatOf?: string;
  /** Where the job's time went (src/hub/breakdown.ts). */
  breakdown?: JobBreakdown;
}

/** A device the hub has driven, with how long its print jobs wait when it is away. */
export interface KnownDevice {
  identifier: string;
  name: string;
  online: boolean;
  holdMinutes: number;
}

export interface LinkSnapshot {
  paired: boolean;
  serverUrl: string;
  dbName: string;
  pairedAt: number;
  registration: { state: RegistrationState; message: string };
  /** Why the hub may not reach the database's current URL (after server_update), or ''. */
  serverNotice: string;
  bus: { state: BusState; detail: string; last: number; versionFetches: number; openedAt: number };
  pairingCode: PairingCodeState;
  channels: number;
  outbox: { pending: number; lastError: string };
  jobs: LinkJob[];
  /** Actions received again with an action_unique_id already handled, and dropped. */
  duplicatesDropped: number;
  knownDevices: KnownDevice[];
}

/** odoo-iot.md §4.1: a `server_clear` this soon after connecting is a replay of an old one. */
export const SERVER_CLEAR_GRACE_MS = 5_000;
const REGISTRATION_RETRY_MS = 5_000;
/**
 * The box re-checks its devices every 3 s (iot_drivers/main.py `Manager.run`); the hub's devices
 * and settings trigger a check when they change, and this periodic one also catches a new LAN
 * address seen by the local server (one cheap loopback request per period).
 */
const REGISTRATION_CHECK_MS = 30_000;
const REGISTRATION_RETRY_MAX_MS = 60_000;
const CHANGE_THROTTLE_MS = 100;
/** restart_odoo: how long the acknowledgement may take to leave before the reload. */
const RESTART_ACK_WAIT_MS = 3_000;
const LAST_ID_SAVE_MS = 250;
const HOST_WAIT_MS = 2_000;
/** The one-time trim of old job payloads waits this long after start. */
const STORE_SWEEP_DELAY_MS = 5_000;

export class IotLink {
  /** Reached from the window as `api.link.*`: comlink calls it in place, never copies it. */
  readonly [proxyMarker] = true;
  private readonly log;
  private readonly store: JobStore;
  private readonly outbox: Outbox;
  private readonly router: ActionRouter;
  private readonly pairingFlow: PairingCodeFlow;
  private pairing: PairingRecord | null = null;
  private bus: BusClient | null = null;
  private host: WindowHost | null = null;
  private hostAttached!: () => void;
  /** Offers that arrive while the window is still attaching wait for it a little. */
  private readonly hostReady = new Promise<void>((resolve) => (this.hostAttached = resolve));
  private channels = 0;
  private registration: { state: RegistrationState; message: string } = { state: 'unpaired', message: '' };
  private registeredFingerprint = '';
  private registering: Promise<void> | null = null;
  private registrationRetry: ReturnType<typeof setTimeout> | null = null;
  private registrationFailures = 0;
  private offers: Promise<void> = Promise.resolve();
  private changeTimer: ReturnType<typeof setTimeout> | null = null;
  private lastIdTimer: ReturnType<typeof setTimeout> | null = null;
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  /** Set when the database moved (server_update) to a server the hub cannot reach from here. */
  private serverNotice = '';
  private readonly unsubscribers: Array<() => void> = [];
  /** Printers this hub has driven (the `devices` store), present or not. */
  private readonly knownDevices = new Map<string, DeviceRecord>();

  constructor(private readonly deps: IotLinkDeps) {
    this.log = deps.logger.scope('odoo');
    this.store = new JobStore(deps.db);
    this.outbox = new Outbox(deps.db, {
      send: (body) => this.sendToOdoo(body),
      log: deps.logger.scope('outbox'),
      onChange: () => this.changed(),
      retryMinMs: deps.timing?.outboxRetryMinMs,
      retryMaxMs: deps.timing?.retryMaxMs,
    });
    this.router = new ActionRouter({
      store: this.store,
      devices: deps.devices,
      activity: deps.activity,
      log: deps.logger.scope('router'),
      hubIdentifier: () => deps.identity().identifier,
      deliver: (message, job, ttlMs, onSent) => this.deliver(message, job, ttlMs, onSent),
      acknowledgeOdoo18: (action, device) => void this.acknowledgeOdoo18(action, device),
      knownDevice: (identifier) => this.knownDevices.has(identifier),
      holdMs: (identifier) => holdMsFrom(this.knownDevices.get(identifier)?.settings),
      onChange: () => this.changed(),
    });
    this.pairingFlow = new PairingCodeFlow({
      identifier: deps.identity().identifier,
      proxyUrl: () => deps.pairingProxyUrl(),
      onPaired: (result) => this.pairedByCode(result),
      onState: () => this.changed(),
      log: deps.logger.scope('pairing'),
      fetch: deps.fetch,
      pollDelayMs: deps.timing?.pairingPollDelayMs,
      shownMs: deps.timing?.pairingShownMs,
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.store.load(), this.outbox.load(), this.loadKnownDevices()]);
    this.pairing = await loadPairing(this.deps.db);
    this.unsubscribers.push(
      this.deps.devices.onChange(() => this.checkRegistration()),
      this.deps.devices.onDeviceEvent((event) => void this.router.event(event).catch((e) => this.log.error(`device event lost: ${describeError(e)}`))),
    );
    this.unsubscribers.push(this.deps.devices.onChange(() => {
      void this.rememberDevices();
      this.router.devicesChanged();
    }));
    await this.rememberDevices();
    await this.router.resume();
    // Payloads a crash left behind are trimmed once the hub is up, not on the way to ready.
    const sweep = setTimeout(() => void this.store.sweep().catch((e) => this.log.warning(`job history not trimmed: ${describeError(e)}`)), STORE_SWEEP_DELAY_MS);
    this.unsubscribers.push(() => clearTimeout(sweep));
    // The network is back: try the server now rather than at the end of a backoff wait.
    const reconnect = () => {
      this.bus?.reconnectNow();
      this.outbox.kick();
    };
    self.addEventListener('online', reconnect);
    this.unsubscribers.push(() => self.removeEventListener('online', reconnect));
    this.checkTimer = setInterval(() => void this.periodicCheck(), this.deps.timing?.registrationCheckMs ?? REGISTRATION_CHECK_MS);
    // Back on a network (maybe another one): the address may have changed.
    const online = () => void this.periodicCheck();
    self.addEventListener('online', online);
    this.unsubscribers.push(() => self.removeEventListener('online', online));
    if (this.pairing) {
      this.serverNotice = this.unreachableServerNotice(this.pairing.serverUrl);
      void this.registerNow();
    } else this.pairingFlow.start();
  }

  stop(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.bus?.stop();
    this.pairingFlow.stop();
    this.outbox.setEnabled(false);
    for (const timer of [this.registrationRetry, this.changeTimer, this.lastIdTimer]) if (timer) clearTimeout(timer);
    if (this.checkTimer) clearInterval(this.checkTimer);
  }

  snapshot(): LinkSnapshot {
    const p = this.pairing;
    return {
      paired: p !== null,
      serverUrl: p?.serverUrl ?? '',
      dbName: p?.dbName ?? '',
      pairedAt: p?.pairedAt ?? 0,
      registration: { ...this.registration },
      serverNotice: this.serverNotice,
      bus: {
        state: this.bus?.state ?? 'stopped', detail: this.bus?.detail ?? '', last: p?.lastBusId ?? 0,
        versionFetches: this.bus?.versionFetches ?? 0, openedAt: this.busOpenedAt,
      },
      pairingCode: this.pairingFlow.state,
      channels: this.channels,
      outbox: { pending: this.outbox.pending, lastError: this.outbox.lastError },
      jobs: this.router.jobs().map(summarizeJob),
      duplicatesDropped: this.router.duplicatesDropped,
      knownDevices: [...this.knownDevices.values()].map((d) => ({
        identifier: d.identifier, name: d.name ?? d.identifier, online: !!this.deps.devices.get(d.identifier), holdMinutes: holdMsFrom(d.settings) / 60_000,
      })),
    };
  }

  /** Queue section: cancel a waiting or running job. */
  cancelJob(id: string): Promise<boolean> {
    return this.router.cancel(id);
  }

  /** Queue section: Retry (failed) or Reprint ("may have printed"). */
  repeatJob(id: string): Promise<{ ok: boolean; message: string }> {
    return this.router.repeat(id);
  }

  /** Queue section: Discard a "may have printed" job. */
  discardJob(id: string): Promise<boolean> {
    return this.router.discard(id);
  }

  /** How long print jobs wait for this device when it is offline or unplugged (a device setting). */
  async setHoldMinutes(identifier: string, minutes: number): Promise<void> {
    const known = this.knownDevices.get(identifier);
    if (!known) throw new Error(`no device ${identifier.slice(0, 80)} on this hub`);
    if (!Number.isFinite(minutes) || minutes < 0 || minutes > HOLD_MINUTES_MAX) throw new RangeError(`the hold time must be between 0 and ${HOLD_MINUTES_MAX} minutes`);
    const record = (await this.deps.db.get('devices', identifier)) ?? known;
    const updated: DeviceRecord = { ...record, settings: { ...record.settings, [HOLD_SETTING]: minutes } };
    await this.deps.db.put('devices', updated);
    this.knownDevices.set(identifier, updated);
    this.log.info(`print jobs for ${identifier} wait up to ${minutes} min when it is away`);
    this.changed();
  }

  private async loadKnownDevices(): Promise<void> {
    for (const record of await this.deps.db.getAll('devices')) this.knownDevices.set(record.identifier, record);
  }

  /** Devices that can hold print jobs are remembered, so a job for an unplugged printer waits instead of failing. */
  private async rememberDevices(): Promise<void> {
    const now = Date.now();
    for (const device of this.deps.devices.listing().devices) {
      const { identifier, name, type } = device.description;
      if (type !== 'printer' || this.knownDevices.has(identifier)) continue;
      const record: DeviceRecord = (await this.deps.db.get('devices', identifier)) ?? { identifier, settings: {}, lastSeen: now };
      if (!record.name) record.name = name;
      record.lastSeen = now;
      this.knownDevices.set(identifier, record);
      await this.deps.db.put('devices', record);
    }
  }

  /** The Configure dialog: a pasted connection token. Returns what to tell the user. */
  async configure(text: string): Promise<{ ok: boolean; message: string }> {
    let token: ConnectionToken;
    try {
      token = parseConnectionToken(text);
    } catch (error) {
      return { ok: false, message: error instanceof TokenError ? error.message : describeError(error) };
    }
    const candidate: PairingRecord = {
      id: 'current', serverUrl: token.serverUrl, token: token.token, dbUuid: token.dbUuid, enterpriseCode: token.enterpriseCode,
      dbName: token.dbName, channel: '', lastBusId: 0, pairedAt: Date.now(),
    };
    const result = await this.pairWith(candidate);
    if (result.ok && token.localhost) {
      result.message += ' Note: the token names a localhost server, which a real IoT box refuses; fine for development only.';
    }
    return result;
  }

  /**
   * Disconnect: forget the pairing here and ask for a pairing code again. Like the box's
   * "disconnect" (iot_drivers homepage `/iot_drivers/server_clear` → `helpers.disconnect_from_server`,
   * which only clears its own configuration), Odoo is not told: it keeps the hub in its IoT app,
   * shown disconnected once the bus socket closes, until someone deletes it there.
   */
  async disconnect(): Promise<void> {
    await this.forget('disconnected by the user');
    this.pairingFlow.start();
  }

  /** "Ask for a new code": five more minutes with a fresh code. */
  newPairingCode(): void {
    if (!this.pairing) this.pairingFlow.start();
  }

  attachWindow(host: WindowHost): void {
    this.host = host;
    this.hostAttached();
  }

  channelsChanged(count: number): void {
    this.channels = count;
    this.changed();
  }

  /** A text message from a WebRTC `iot` channel, already reassembled by the window (`arrival`: when its chunks came). */
  async channelMessage(channelId: string, text: string, arrival?: ActionArrival): Promise<void> {
    let message;
    try {
      message = parseChannelMessage(text);
    } catch (error) {
      this.log.warning(`bad WebRTC message ignored: ${describeError(error)}`);
      return;
    }
    const identifier = this.deps.identity().identifier;
    if (message.kind === 'iot_action') {
      await this.router.accept(arrival ? { ...message.action, arrival } : message.action);
      return;
    }
    this.host?.send(channelId, JSON.stringify(channelAck(identifier, message.sessionId)));
    if (message.kind === 'restart_odoo') void this.restart();
  }

  private async pairWith(candidate: PairingRecord): Promise<{ ok: boolean; message: string }> {
    const previous = this.pairing;
    this.registration = { state: 'registering', message: '' };
    this.changed();
    let channel: string;
    try {
      channel = await this.registerWith(candidate);
    } catch (error) {
      const message = error instanceof RegistrationError ? error.message : `Could not register: ${describeError(error)}`;
      if (error instanceof RegistrationError && error.retryable) {
        // The server is unreachable now: keep the pairing and keep trying.
        await this.adopt(candidate, previous);
        this.registrationFailed(error);
        return { ok: false, message };
      }
      // A refused token changes nothing: the hub stays as it was (paired elsewhere, or not at all).
      if (!previous) this.registration = { state: 'unpaired', message };
      this.changed();
      return { ok: false, message };
    }
    candidate.channel = channel;
    await this.adopt(candidate, previous);
    this.registered(channel);
    return { ok: true, message: `Connected to ${candidate.serverUrl}${candidate.dbName ? ` (${candidate.dbName})` : ''}.` };
  }

  private async adopt(candidate: PairingRecord, previous: PairingRecord | null): Promise<void> {
    if (previous && (previous.serverUrl !== candidate.serverUrl || previous.dbName !== candidate.dbName)) {
      // Another database: results and bus position of the old one mean nothing there.
      await this.outbox.clear();
    }
    if (previous?.channel && previous.channel === candidate.channel) candidate.lastBusId = previous.lastBusId;
    this.pairing = candidate;
    await savePairing(this.deps.db, candidate);
    this.pairingFlow.stop();
  }

  private async pairedByCode(result: PairingResult): Promise<void> {
    let serverUrl = result.url;
    try {
      serverUrl = new URL(result.url).href.replace(/\/+$/, '');
    } catch {
      this.log.warning('the pairing proxy gave a database URL that is not a URL; kept as given');
    }
    const outcome = await this.pairWith({
      id: 'current', serverUrl, token: result.token, dbUuid: result.dbUuid, enterpriseCode: result.enterpriseCode,
      dbName: '', channel: '', lastBusId: 0, pairedAt: Date.now(),
    });
    if (!outcome.ok) this.log.error(`pairing by code: ${outcome.message}`);
  }

  private fingerprint(): string {
    const body = this.setupBody('');
    return JSON.stringify(body);
  }

  private setupBody(token: string) {
    const identity = this.deps.identity();
    const { devices, unclaimed } = this.deps.devices.listing();
    return setupBody(
      { identifier: identity.identifier, mac: NO_MAC, address: identity.address, version: identity.version, name: this.deps.hubName() },
      token,
      setupDevices(devices.map((d) => d.description as DeviceDescription), unclaimed),
    );
  }

  private async registerWith(pairing: PairingRecord): Promise<string> {
    const fingerprint = this.fingerprint();
    const channel = await register(this.setupBody(pairing.token), { fetch: this.deps.fetch, dbName: pairing.dbName });
    this.registeredFingerprint = fingerprint;
    return channel;
  }

  private async periodicCheck(): Promise<void> {
    try {
      await this.deps.refreshIdentity?.();
    } catch (error) {
      this.log.debug(`identity not refreshed: ${describeError(error)}`);
    }
    this.checkRegistration();
  }

  /** Re-sends the registration when devices, address or version changed (the box checks every 3 s). */
  checkRegistration(): void {
    if (!this.pairing || this.registration.state !== 'registered') return;
    if (this.fingerprint() !== this.registeredFingerprint) void this.registerNow();
  }

  private registerNow(): Promise<void> {
    if (this.registering) return this.registering;
    this.registering = (async () => {
      const pairing = this.pairing;
      if (!pairing) return;
      if (this.registrationRetry) clearTimeout(this.registrationRetry);
      this.registrationRetry = null;
      if (this.registration.state !== 'registered') this.registration = { state: 'registering', message: '' };
      this.changed();
      try {
        const channel = await this.registerWith(pairing);
        if (this.pairing !== pairing) return;
        if (channel !== pairing.channel) {
          pairing.channel = channel;
          pairing.lastBusId = 0;
          await savePairing(this.deps.db, pairing);
        }
        this.registered(channel);
      } catch (error) {
        if (this.pairing === pairing) this.registrationFailed(error);
      }
    })().finally(() => {
      this.registering = null;
      // Something may have changed while the registration was on its way.
      if (this.registration.state === 'registered' && this.fingerprint() !== this.registeredFingerprint) void this.registerNow();
    });
    return this.registering;
  }

  private registered(channel: string): void {
    // A registration that was on its way when the hub stopped changes nothing any more.
    if (this.stopped) return;
    this.registrationFailures = 0;
    this.registration = { state: 'registered', message: '' };
    this.log.info(`registered with ${this.pairing?.serverUrl}`);
    this.outbox.setEnabled(true);
    this.startBus(channel);
    this.changed();
  }

  private registrationFailed(error: unknown): void {
    const retryable = !(error instanceof RegistrationError) || error.retryable;
    const message = error instanceof RegistrationError ? error.message : `Could not register: ${describeError(error)}`;
    this.log.error(message);
    if (!retryable) {
      this.registration = { state: 'refused', message };
      this.bus?.stop();
      this.outbox.setEnabled(false);
    } else {
      this.registration = { state: 'retrying', message };
      const delay = backoffDelay(this.registrationFailures++, {
        minMs: this.deps.timing?.registrationRetryMs ?? REGISTRATION_RETRY_MS,
        maxMs: this.deps.timing?.retryMaxMs ?? REGISTRATION_RETRY_MAX_MS,
      });
      this.registrationRetry = setTimeout(() => void this.registerNow(), delay);
    }
    this.changed();
  }

  private startBus(channel: string): void {
    const pairing = this.pairing!;
    if (this.bus && this.busChannel === channel && this.bus.state !== 'stopped') return;
    this.bus?.stop();
    this.busChannel = channel;
    this.bus = new BusClient({
      channel,
      identifier: this.deps.identity().identifier,
      dbName: pairing.dbName,
      last: () => this.pairing?.lastBusId ?? 0,
      onNotification: (n) => this.onNotification(n),
      onLast: (last) => this.rememberLast(last),
      onState: (state) => {
        // The server is back: results waiting in the outbox can go.
        if (state === 'open') {
          this.busOpenedAt = Date.now();
          this.outbox.kick();
        }
        this.changed();
      },
      log: this.deps.logger.scope('bus'),
      fetch: this.deps.fetch,
      reconnectMinMs: this.deps.timing?.busReconnectMinMs,
      reconnectMaxMs: this.deps.timing?.retryMaxMs,
    });
    this.bus.start();
  }

  private busChannel = '';
  /** When the bus last opened: it stays set while a closed socket's last frames are handled. */
  private busOpenedAt = 0;

  private rememberLast(last: number): void {
    const pairing = this.pairing;
    if (!pairing) return;
    pairing.lastBusId = last;
    if (this.lastIdTimer) return;
    // Coalesced: a replay after a crash is harmless, actions are de-duplicated by id.
    this.lastIdTimer = setTimeout(() => {
      this.lastIdTimer = null;
      if (this.pairing === pairing) void savePairing(this.deps.db, pairing).catch((e) => this.log.warning(`bus position not saved: ${describeError(e)}`));
    }, LAST_ID_SAVE_MS);
  }

  private async onNotification({ id, type, payload, receivedAt }: Notification): Promise<void> {
    const identifier = this.deps.identity().identifier;
    if (type === 'bundle_changed' || type === 'operation_confirmation' || type === 'webrtc_answer') return;
    if (!isForHub(payload, identifier)) return;
    try {
      switch (type) {
        case 'iot_action':
          await this.router.accept({ ...parseBusAction(payload), arrival: { receivedAt: receivedAt ?? wallClock(), completeAt: wallClock() } });
          return;
        case 'webrtc_offer':
          this.answerOffer(parseWebrtcOffer(payload).offer);
          return;
        case 'restart_odoo':
          await this.outbox.append(ackMessage(identifier, stringId(payload.session_id)));
          void this.restart();
          return;
        case 'test_connection': {
          const result = await measureConnection({ fetch: this.deps.fetch, appUrl: appUrl(), dbName: this.pairing?.dbName });
          await this.outbox.append(ackMessage(identifier, stringId(payload.session_id), { device_identifier: null, result }));
          return;
        }
        case 'server_clear':
          if (isServerClearReplay(this.busOpenedAt, Date.now())) {
            this.log.info(`server_clear (notification ${id}) right after connecting: a replay of an old one, ignored`);
            return;
          }
          await this.forget('the database removed this hub (server_clear)');
          this.pairingFlow.start();
          return;
        case 'server_update':
          await this.serverUpdate(payload.server_url);
          return;
        case 'remote_debug':
          await this.outbox.append(remoteDebugAck(identifier));
          this.log.info('remote debugging was requested: this hub has no remote shell, answered enabled: false');
          return;
        default:
          this.log.debug(`bus message ${type} ignored`);
      }
    } catch (error) {
      if (error instanceof FrameError) this.log.warning(`bad ${type} (notification ${id}) ignored: ${error.message}`);
      else throw error;
    }
  }

  private answerOffer(offer: { type: 'offer'; sdp: string }): void {
    // Answers carry no session id, so concurrent offers are answered one at a time, in order.
    this.offers = this.offers.then(async () => {
      await Promise.race([this.hostReady, sleep(HOST_WAIT_MS)]);
      if (!this.host) return void this.log.warning('WebRTC offer ignored: no hub window to answer it');
      try {
        const answer = await this.host.answerOffer(offer);
        const identifier = this.deps.identity().identifier;
        await postIotJson(WEBRTC_ANSWER_PATH, { iot_box_identifier: identifier, answer: { type: answer.type, sdp: answer.sdp } }, { fetch: this.deps.fetch, dbName: this.pairing?.dbName });
      } catch (error) {
        this.log.warning(`WebRTC offer not answered: ${describeError(error)}`);
      }
    });
  }

  private async deliver(message: ResultMessage, job: JobRecord | null, ttlMs?: number, onSent?: (path: 'webrtc' | 'bus', at: number) => void): Promise<void> {
    // Live first: an open channel works even while the Odoo server is unreachable.
    if (this.host && this.channels > 0) {
      try {
        void Promise.resolve(this.host.send(null, channelText(message))).then((at) => typeof at === 'number' && onSent?.('webrtc', at), () => undefined);
      } catch (error) {
        this.log.warning(`WebRTC send failed: ${describeError(error)}`);
      }
    }
    await this.outbox.append(message, ttlMs ? Date.now() + ttlMs : null, job ?? undefined, onSent && ((at) => onSent('bus', at)));
  }

  private async sendToOdoo(body: unknown): Promise<void> {
    try {
      await postIotJson(SEND_WEBSOCKET_PATH, body as Record<string, unknown>, { fetch: this.deps.fetch, dbName: this.pairing?.dbName });
    } catch (error) {
      if (error instanceof IotHttpError && error.status !== null && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
        throw new Undeliverable(error.message);
      }
      this.bus?.reconnectNow();
      throw error;
    }
  }

  private async acknowledgeOdoo18(action: IotAction, deviceIdentifier: string): Promise<void> {
    try {
      await postIotJson(PRINTER_STATUS_PATH, { print_id: action.odoo18?.printId ?? null, device_identifier: deviceIdentifier, iot_mac: this.deps.identity().identifier }, { fetch: this.deps.fetch, dbName: this.pairing?.dbName });
    } catch (error) {
      this.log.warning(`Odoo 18 print acknowledgement failed: ${describeError(error)}`);
    }
  }

  private async serverUpdate(raw: unknown): Promise<void> {
    if (!this.pairing || typeof raw !== 'string' || raw.length > 2048) return void this.log.warning('server_update without a usable server_url ignored');
    let url: URL;
    try {
      url = new URL(raw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      return void this.log.warning('server_update with a server_url that is not an http(s) URL ignored');
    }
    this.pairing.serverUrl = url.href.replace(/\/+$/, '');
    await savePairing(this.deps.db, this.pairing);
    this.serverNotice = this.unreachableServerNotice(this.pairing.serverUrl);
    this.log.info(`the database moved to ${this.pairing.serverUrl}`);
    if (this.serverNotice) this.log.warning(this.serverNotice);
    this.changed();
    // The box re-registers with the new URL at its next check; the hub does it at once.
    await this.registerNow();
  }

  /**
   * The hub reaches Odoo through same-origin paths: its own origin, or the one Odoo its local
   * server forwards to. A database URL outside those cannot be reached from this page.
   */
  private unreachableServerNotice(serverUrl: string): string {
    const forwarded = this.deps.forwardedOdooOrigin?.() ?? null;
    if (!forwarded) return '';
    let origin: string;
    try {
      origin = new URL(serverUrl).origin;
    } catch {
      return '';
    }
    if (origin === new URL(forwarded).origin || origin === self.location.origin) return '';
    return `The database now lives at ${origin}, but this hub reaches Odoo through its local server, which forwards to ${new URL(forwarded).origin}. ` +
      `Restart the local server with --odoo ${origin} so the hub follows it.`;
  }

  private async restart(): Promise<void> {
    this.log.info('restart requested by the database');
    await Promise.race([this.outbox.drained(), sleep(RESTART_ACK_WAIT_MS)]);
    await this.deps.activity.whenIdle();
    // The bus position is saved lazily; a reload before it is saved would replay restart_odoo
    // after the restart, and restart again (the box, too, saves it when its socket closes).
    if (this.pairing) await savePairing(this.deps.db, this.pairing).catch((e) => this.log.warning(`bus position not saved: ${describeError(e)}`));
    if (this.host) this.host.reload();
    else this.log.warning('restart requested but no hub window can reload');
  }

  private async forget(why: string): Promise<void> {
    this.log.info(`pairing forgotten: ${why}`);
    const previous = this.pairing;
    this.pairing = null;
    this.bus?.stop();
    this.bus = null;
    this.busChannel = '';
    if (this.registrationRetry) clearTimeout(this.registrationRetry);
    this.registrationRetry = null;
    this.outbox.setEnabled(false);
    await this.outbox.clear();
    await forgetPairing(this.deps.db, previous);
    this.registration = { state: 'unpaired', message: why };
    this.serverNotice = '';
    this.changed();
  }

  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.deps.onChange();
    }, CHANGE_THROTTLE_MS);
  }
}

/**
 * The box's channel advertises `max-message-size` 65536 (odoo-iot.md §6) and Chrome refuses to
 * send more than the peer accepts: a result echoing a whole receipt in `action_args` keeps only
 * what the POS matches on.
 */
export const CHANNEL_MESSAGE_MAX = 65_536;

export function channelText(message: ResultMessage): string {
  const text = JSON.stringify(message);
  if (text.length < CHANNEL_MESSAGE_MAX) return text;
  const { action_args: args, ...rest } = message;
  const kept = { action: args?.action, action_unique_id: args?.action_unique_id, session_id: args?.session_id ?? message.session_id };
  return JSON.stringify({ ...rest, action_args: kept });
}

function summarizeJob(job: JobRecord & { progress?: number }): LinkJob {
  // A device that answers nothing but success leaves null: nothing to show, not the word "null".
  const result = job.result === undefined || job.result === null ? '' : typeof job.result === 'string' ? job.result : JSON.stringify(job.result);
  return {
    id: job.id, deviceIdentifier: job.deviceIdentifier, action: job.action, state: job.state,
    createdAt: job.createdAt, updatedAt: job.updatedAt, result: (result ?? '').slice(0, 200),
    progress: job.progress, heldAt: job.heldAt, repeatOf: job.repeatOf,
    repeatable: !job.trimmed && holdsWhileOffline(jobKind(job.action)), breakdown: job.breakdown,
  };
}

/** odoo-iot.md §4.1: a `server_clear` this soon after the socket opened is a replay of an old one. */
export function isServerClearReplay(openedAt: number, now: number): boolean {
  return openedAt > 0 && now - openedAt < SERVER_CLEAR_GRACE_MS;
}

function stringId(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function appUrl(): string {
  return new URL('./', self.location.href).href;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

