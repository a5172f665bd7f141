/**
 * The hub's link with its Odoo database, as the worker sees it: the one object hub-service.ts
 * talks to. It wires the link's parts (pairing, registration, bus session, WebRTC channels,
 * delivery, job queue) and decides what each of their events leads to; the parts never call
 * one another. docs/link.md draws the parts and the direction of their events.
 */
import { proxyMarker } from 'comlink';
import type { ActionArrival } from '../breakdown.ts';
import type { PairingRecord } from '../../store/schema.ts';
import { RegistrationError } from '../../odoo/iot/registration.ts';
import { sleep, systemClock, type Clock, type TimerId } from './clock.ts';
import { candidateFromToken, Pairing } from './pairing.ts';
import { Registration, registrationMessage } from './registration.ts';
import { BusSession } from './bus-session.ts';
import { RtcChannels, type WindowHost } from './rtc-channels.ts';
import { Delivery } from './delivery.ts';
import { JobQueue } from './job-queue.ts';
import type { IotLinkDeps, LinkSnapshot } from './contract.ts';

const CHANGE_THROTTLE_MS = 100;
/** restart_odoo: how long the acknowledgement may take to leave before the reload. */
const RESTART_ACK_WAIT_MS = 3_000;

export class IotLink {
  /** Reached from the window as `api.link.*`: comlink calls it in place, never copies it. */
  readonly [proxyMarker] = true;
  private readonly log;
  private readonly clock: Clock;
  private readonly pairing: Pairing;
  private readonly registration: Registration;
  private readonly bus: BusSession;
  private readonly rtc: RtcChannels;
  private readonly delivery: Delivery;
  private readonly queue: JobQueue;
  private readonly unsubscribers: Array<() => void> = [];
  private changeTimer: TimerId | null = null;

  constructor(private readonly deps: IotLinkDeps) {
    const { db, logger, fetch, timing = {} } = deps;
    const clock = (this.clock = deps.clock ?? systemClock);
    const identifier = () => deps.identity().identifier;
    const dbName = () => this.pairing.current?.dbName;
    const changed = () => this.changed();
    this.log = logger.scope('odoo');
    this.pairing = new Pairing({
      db, logger, clock, fetch, identifier: identifier(), pairingProxyUrl: () => deps.pairingProxyUrl(),
      forwardedOdooOrigin: () => deps.forwardedOdooOrigin?.() ?? null, pageOrigin: () => self.location.origin,
      pollDelayMs: timing.pairingPollDelayMs, shownMs: timing.pairingShownMs,
      events: { codeAccepted: (candidate) => this.pairedByCode(candidate), changed },
    });
    this.registration = new Registration({
      logger, clock, fetch, target: () => this.pairing.current,
      facts: () => ({ ...deps.identity(), name: deps.hubName(), ...deps.devices.listing() }),
      refreshIdentity: deps.refreshIdentity, retryMs: timing.registrationRetryMs, retryMaxMs: timing.retryMaxMs, checkMs: timing.registrationCheckMs,
      events: {
        registered: (channel) => this.registered(channel),
        refused: () => {
          this.bus.stop();
          this.delivery.setEnabled(false);
        },
        changed,
      },
    });
    this.bus = new BusSession({
      logger, clock, fetch, identifier, last: () => this.pairing.last,
      reconnectMinMs: timing.busReconnectMinMs, reconnectMaxMs: timing.retryMaxMs,
      events: {
        action: async (action) => void (await this.queue.accept(action)),
        offer: (offer) => this.rtc.answerOffer(offer),
        reply: (message) => this.delivery.send(message),
        restart: () => void this.restart(),
        serverClear: async () => {
          await this.forget('the database removed this hub (server_clear)');
          this.pairing.askForCode();
        },
        serverUpdate: (serverUrl) => this.serverMoved(serverUrl),
        last: (last) => this.pairing.rememberLast(last),
        // The server is back: results waiting in the outbox can go.
        opened: () => this.delivery.kick(),
        changed,
      },
    });
    this.rtc = new RtcChannels({
      logger, clock, fetch, identifier, dbName,
      events: { action: async (action) => void (await this.queue.accept(action)), restart: () => void this.restart(), changed },
    });
    this.delivery = new Delivery({
      db, logger, clock, fetch, identifier, dbName, live: (message) => this.rtc.broadcast(message),
      retryMinMs: timing.outboxRetryMinMs, retryMaxMs: timing.retryMaxMs,
      events: { serverUnreachable: () => this.bus.reconnectNow(), changed },
    });
    this.queue = new JobQueue({
      db, logger, clock, activity: deps.activity, devices: deps.devices, hubIdentifier: identifier,
      deliver: (message, job, ttlMs, onSent) => this.delivery.deliver(message, job, ttlMs, onSent),
      acknowledgeOdoo18: (action, device) => void this.delivery.acknowledgeOdoo18(action, device),
      changed,
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.queue.load(), this.delivery.load()]);
    await this.pairing.load();
    const { devices } = this.deps;
    this.unsubscribers.push(
      devices.onChange(() => this.registration.check()),
      devices.onDeviceEvent((event) => this.queue.deviceEvent(event)),
      devices.onChange(() => this.queue.devicesChanged()),
    );
    await this.queue.start();
    // Back on a network (maybe another one): try the server now rather than at the end of a backoff wait, and the address may have changed.
    const online = () => {
      this.bus.reconnectNow();
      this.delivery.kick();
      void this.registration.recheck();
    };
    self.addEventListener('online', online);
    this.unsubscribers.push(() => self.removeEventListener('online', online));
    this.registration.start();
    if (this.pairing.current) void this.registration.registerNow();
    else this.pairing.askForCode();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.registration.stop();
    this.bus.stop();
    this.pairing.stop();
    this.delivery.setEnabled(false);
    this.queue.stop();
    if (this.changeTimer) this.clock.clearTimeout(this.changeTimer);
  }

  snapshot(): LinkSnapshot {
    const p = this.pairing.current;
    const bus = this.bus.snapshot;
    return {
      paired: p !== null, serverUrl: p?.serverUrl ?? '', dbName: p?.dbName ?? '', pairedAt: p?.pairedAt ?? 0,
      registration: this.registration.status, serverNotice: this.pairing.serverNotice,
      bus: { state: bus.state, detail: bus.detail, last: p?.lastBusId ?? 0, versionFetches: bus.versionFetches, openedAt: bus.openedAt },
      pairingCode: this.pairing.codeState, channels: this.rtc.count,
      outbox: { pending: this.delivery.pending, lastError: this.delivery.lastError },
      jobs: this.queue.jobs(), duplicatesDropped: this.queue.duplicatesDropped, knownDevices: this.queue.knownDevices(),
    };
  }

  /** Queue section: cancel a waiting or running job. */
  cancelJob(id: string): Promise<boolean> {
    return this.queue.cancel(id);
  }

  /** Queue section: Retry (failed) or Reprint ("may have printed"). */
  repeatJob(id: string): Promise<{ ok: boolean; message: string }> {
    return this.queue.repeat(id);
  }

  /** Queue section: Discard a "may have printed" job. */
  discardJob(id: string): Promise<boolean> {
    return this.queue.discard(id);
  }

  /** How long print jobs wait for this device when it is offline or unplugged (a device setting). */
  setHoldMinutes(identifier: string, minutes: number): Promise<void> {
    return this.queue.setHoldMinutes(identifier, minutes);
  }

  /** The Configure dialog: a pasted connection token. Returns what to tell the user. */
  async configure(text: string): Promise<{ ok: boolean; message: string }> {
    const parsed = candidateFromToken(text, this.clock.now());
    if (!parsed.ok) return { ok: false, message: parsed.message };
    const result = await this.pairWith(parsed.candidate);
    return result.ok ? { ok: true, message: result.message + parsed.note } : result;
  }

  /**
   * Disconnect: forget the pairing here and ask for a pairing code again. Like the box's
   * "disconnect" (iot_drivers homepage `/iot_drivers/server_clear` → `helpers.disconnect_from_server`,
   * which only clears its own configuration), Odoo is not told: it keeps the hub in its IoT app,
   * shown disconnected once the bus socket closes, until someone deletes it there.
   */
  async disconnect(): Promise<void> {
    await this.forget('disconnected by the user');
    this.pairing.askForCode();
  }

  /** "Ask for a new code": five more minutes with a fresh code. */
  newPairingCode(): void {
    if (!this.pairing.current) this.pairing.askForCode();
  }

  attachWindow(host: WindowHost): void {
    this.rtc.attachWindow(host);
  }

  channelsChanged(count: number): void {
    this.rtc.channelsChanged(count);
  }

  /** A text message from a WebRTC `iot` channel, already reassembled by the window (`arrival`: when its chunks came). */
  channelMessage(channelId: string, text: string, arrival?: ActionArrival): Promise<void> {
    return this.rtc.channelMessage(channelId, text, arrival);
  }

  /** Re-sends the registration when devices, address or version changed. */
  checkRegistration(): void {
    this.registration.check();
  }

  private async pairWith(candidate: PairingRecord): Promise<{ ok: boolean; message: string }> {
    const wasPaired = this.pairing.current !== null;
    let channel: string;
    try {
      channel = await this.registration.attempt(candidate);
    } catch (error) {
      const message = registrationMessage(error);
      if (error instanceof RegistrationError && error.retryable) {
        // The server is unreachable now: keep the pairing and keep trying.
        await this.adopt(candidate);
        this.registration.failed(error);
        return { ok: false, message };
      }
      // A refused token changes nothing: the hub stays as it was (paired elsewhere, or not at all).
      this.registration.dismissed(message, wasPaired);
      return { ok: false, message };
    }
    await this.adopt({ ...candidate, channel });
    this.registration.confirm(channel, candidate);
    return { ok: true, message: `Connected to ${candidate.serverUrl}${candidate.dbName ? ` (${candidate.dbName})` : ''}.` };
  }

  private async adopt(candidate: PairingRecord): Promise<void> {
    // Another database: results waiting for the old one mean nothing there.
    if (this.pairing.isOtherDatabase(candidate)) await this.delivery.clear();
    await this.pairing.adopt(candidate);
  }

  private async pairedByCode(candidate: PairingRecord): Promise<void> {
    const outcome = await this.pairWith(candidate);
    if (!outcome.ok) this.log.error(`pairing by code: ${outcome.message}`);
  }

  private registered(channel: string): void {
    const pairing = this.pairing.current;
    if (!pairing) return;
    void this.pairing.setChannel(channel);
    this.delivery.setEnabled(true);
    this.bus.start(channel, pairing.dbName);
  }

  private async serverMoved(serverUrl: string): Promise<void> {
    if (!this.pairing.current) return void this.log.warning('server_update without a usable server_url ignored');
    await this.pairing.moveTo(serverUrl);
    this.changed();
    // The box re-registers with the new URL at its next check; the hub does it at once.
    await this.registration.registerNow();
  }

  private async restart(): Promise<void> {
    this.log.info('restart requested by the database');
    await Promise.race([this.delivery.drained(), sleep(this.clock, RESTART_ACK_WAIT_MS)]);
    await this.deps.activity.whenIdle();
    // The bus position is saved lazily; a reload before it is saved would replay restart_odoo
    // after the restart, and restart again (the box, too, saves it when its socket closes).
    await this.pairing.saveNow();
    if (!this.rtc.reloadWindow()) this.log.warning('restart requested but no hub window can reload');
  }

  private async forget(why: string): Promise<void> {
    this.log.info(`pairing forgotten: ${why}`);
    this.registration.reset(why);
    this.bus.end();
    this.delivery.setEnabled(false);
    await this.delivery.clear();
    await this.pairing.forget();
    this.changed();
  }

  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = this.clock.setTimeout(() => {
      this.changeTimer = null;
      this.deps.onChange();
    }, CHANGE_THROTTLE_MS);
  }
}
