/**
 * The link's registration with its database (`/iot/setup`, odoo-iot.md §3): sent at start and
 * after pairing, sent again when what Odoo knows of the hub (devices, address, version) changed,
 * retried with backoff while the server cannot be reached, and given up when the database
 * refuses. It reports `registered` and `refused`; the bus and the outbox are the coordinator's.
 */
import { describeError, type Logger } from '../logger.ts';
import { backoffDelay } from '../backoff.ts';
import type { DeviceDescription, GrantedDeviceInfo } from '../devices.ts';
import { NO_MAC } from '../identity.ts';
import { register, RegistrationError, setupBody, setupDevices } from '../../odoo/iot/registration.ts';
import type { Clock, TimerId } from './clock.ts';

export type RegistrationState = 'unpaired' | 'registering' | 'registered' | 'retrying' | 'refused';
export interface RegistrationStatus {
  state: RegistrationState;
  message: string;
}

export const REGISTRATION_RETRY_MS = 5_000;
/**
 * The box re-checks its devices every 3 s (iot_drivers/main.py `Manager.run`); the hub's devices
 * and settings trigger a check when they change, and this periodic one also catches a new LAN
 * address seen by the local server (one cheap loopback request per period).
 */
export const REGISTRATION_CHECK_MS = 30_000;
export const REGISTRATION_RETRY_MAX_MS = 60_000;

/** What the `/iot/setup` body is made of. */
export interface RegistrationFacts {
  identifier: string;
  address: string;
  version: string;
  name: string;
  devices: ReadonlyArray<{ description: DeviceDescription }>;
  unclaimed: GrantedDeviceInfo[];
}

/** What a registration is sent with: the pairing's token, to its database. */
export interface RegistrationTarget {
  readonly token: string;
  readonly dbName: string;
  readonly serverUrl: string;
}

export interface RegistrationEvents {
  /** The database took the registration and answered with the bus channel to listen on. */
  registered(channel: string): void;
  /** The database refused the hub: trying again cannot help until the user acts. */
  refused(message: string): void;
  changed(): void;
}

export interface RegistrationDeps {
  logger: Logger;
  clock: Clock;
  fetch?: typeof fetch;
  /** The pairing registered for now, or null when there is none. */
  target(): RegistrationTarget | null;
  /** What Odoo is told of the hub, as of now. */
  facts(): RegistrationFacts;
  /** Refreshes the facts the body is made of (the LAN address the local server sees) before a periodic check. */
  refreshIdentity?(): Promise<void>;
  retryMs?: number;
  retryMaxMs?: number;
  checkMs?: number;
  events: RegistrationEvents;
}

/** The words for a failed registration, shown to the user and logged. */
export function registrationMessage(error: unknown): string {
  return error instanceof RegistrationError ? error.message : `Could not register: ${describeError(error)}`;
}

/** Whether trying again later may help: anything but a refusal from the database. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof RegistrationError) || error.retryable;
}

export class Registration {
  private readonly log;
  private current: RegistrationStatus = { state: 'unpaired', message: '' };
  /** The body last registered (token left out): a check that finds the same sends nothing. */
  private registeredFingerprint = '';
  private registering: Promise<void> | null = null;
  private retryTimer: TimerId | null = null;
  private checkTimer: TimerId | null = null;
  private failures = 0;
  /** A new pairing's attempt, and the state it replaced: a refused candidate gives that state back. */
  private attempting: RegistrationStatus | null = null;
  private beforeAttempt: RegistrationStatus | null = null;
  private stopped = false;
  /** Bumped when the pairing is dropped: a registration still on its way then changes nothing. */
  private generation = 0;

  constructor(private readonly deps: RegistrationDeps) {
    this.log = deps.logger.scope('odoo');
  }

  get status(): RegistrationStatus {
    return { ...this.current };
  }

  /** Starts the periodic check. */
  start(): void {
    const every = this.deps.checkMs ?? REGISTRATION_CHECK_MS;
    const tick = () => {
      this.checkTimer = this.deps.clock.setTimeout(tick, every);
      void this.recheck();
    };
    this.checkTimer = this.deps.clock.setTimeout(tick, every);
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    if (this.checkTimer) this.deps.clock.clearTimeout(this.checkTimer);
    this.checkTimer = null;
  }

  /** Refreshes the outside facts, then checks (periodically, and when the network is back). */
  async recheck(): Promise<void> {
    try {
      await this.deps.refreshIdentity?.();
    } catch (error) {
      this.log.debug(`identity not refreshed: ${describeError(error)}`);
    }
    this.check();
  }

  /** Registers again when devices, address or version changed (the box checks every 3 s). */
  check(): void {
    if (!this.deps.target() || this.current.state !== 'registered') return;
    if (this.fingerprint() !== this.registeredFingerprint) void this.registerNow();
  }

  /** Registers the current target now; one registration at a time, a second call joins the first. */
  registerNow(): Promise<void> {
    if (this.registering) return this.registering;
    this.registering = this.run().finally(() => {
      this.registering = null;
      // Something may have changed while the registration was on its way.
      if (this.current.state === 'registered' && this.fingerprint() !== this.registeredFingerprint) void this.registerNow();
    });
    return this.registering;
  }

  /** A new pairing's first registration: returns its channel or throws; the coordinator then calls `confirm` or `failed`. */
  async attempt(candidate: RegistrationTarget): Promise<string> {
    this.beforeAttempt = this.current;
    this.current = { state: 'registering', message: '' };
    this.attempting = this.current;
    this.deps.events.changed();
    return this.send(candidate);
  }

  /** The registration of `target` answered with `channel`. */
  confirm(channel: string, target: RegistrationTarget): void {
    // A registration that was on its way when the hub stopped changes nothing any more.
    if (this.stopped) return;
    this.failures = 0;
    this.current = { state: 'registered', message: '' };
    this.log.info(`registered with ${target.serverUrl}`);
    this.deps.events.registered(channel);
    this.deps.events.changed();
  }

  /** Retries later when that may help, else gives up and reports the refusal. */
  failed(error: unknown): void {
    const message = registrationMessage(error);
    this.log.error(message);
    if (!isRetryable(error)) {
      this.current = { state: 'refused', message };
      this.deps.events.refused(message);
    } else {
      this.current = { state: 'retrying', message };
      const delay = backoffDelay(this.failures++, {
        minMs: this.deps.retryMs ?? REGISTRATION_RETRY_MS,
        maxMs: this.deps.retryMaxMs ?? REGISTRATION_RETRY_MAX_MS,
      });
      this.retryTimer = this.deps.clock.setTimeout(() => {
        this.retryTimer = null;
        void this.registerNow();
      }, delay);
    }
    this.deps.events.changed();
  }

  /** A refused candidate: with no pairing before it the hub is unpaired, and says why. */
  dismissed(message: string, paired: boolean): void {
    if (!paired) this.current = { state: 'unpaired', message };
    // The pairing in use goes on as it was, unless something about it changed meanwhile.
    else if (this.current === this.attempting && this.beforeAttempt) this.current = this.beforeAttempt;
    this.deps.events.changed();
  }

  /** The pairing is gone: nothing to retry, and the state says why. */
  reset(why: string): void {
    this.generation++;
    this.clearRetry();
    this.current = { state: 'unpaired', message: why };
  }

  private async run(): Promise<void> {
    const target = this.deps.target();
    if (!target) return;
    const generation = this.generation;
    const current = () => generation === this.generation && this.deps.target() === target;
    this.clearRetry();
    if (this.current.state !== 'registered') this.current = { state: 'registering', message: '' };
    this.deps.events.changed();
    try {
      const channel = await this.send(target);
      if (current()) this.confirm(channel, target);
    } catch (error) {
      if (current()) this.failed(error);
    }
  }

  private async send(target: RegistrationTarget): Promise<string> {
    const fingerprint = this.fingerprint();
    const channel = await register(this.body(target.token), { fetch: this.deps.fetch, dbName: target.dbName });
    this.registeredFingerprint = fingerprint;
    return channel;
  }

  private fingerprint(): string {
    return JSON.stringify(this.body(''));
  }

  private body(token: string) {
    const { identifier, address, version, name, devices, unclaimed } = this.deps.facts();
    return setupBody({ identifier, mac: NO_MAC, address, version, name }, token, setupDevices(devices.map((d) => d.description), unclaimed));
  }

  private clearRetry(): void {
    if (this.retryTimer) this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
