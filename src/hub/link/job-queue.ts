/**
 * The link's job queue: the router that turns actions into jobs, the store that keeps them, and
 * the printers the hub has driven (so a job for an unplugged printer waits, as long as that
 * printer's hold setting says). Results leave through the `deliver` it is given.
 */
import type { HubDb } from '../../store/db.ts';
import type { DeviceRecord, JobRecord, JobState } from '../../store/schema.ts';
import type { Device, DeviceEvent } from '../devices.ts';
import type { Activity } from '../activity.ts';
import { describeError, type Logger } from '../logger.ts';
import { JobStore } from '../job-store.ts';
import { ActionRouter } from '../router.ts';
import { HOLD_MINUTES_MAX, HOLD_SETTING, holdMsFrom, holdsWhileOffline, jobKind } from '../queue-policy.ts';
import type { IotAction } from '../../odoo/iot/messages.ts';
import type { ResultMessage } from '../../odoo/iot/results.ts';
import type { Clock, TimerId } from './clock.ts';
import type { JobBreakdown } from '../breakdown.ts';
import type { SentListener } from './delivery.ts';

/** The one-time trim of old job payloads waits this long after start. */
const STORE_SWEEP_DELAY_MS = 5_000;

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

export interface JobQueueDeps {
  db: HubDb;
  logger: Logger;
  clock: Clock;
  activity: Activity;
  devices: {
    get(identifier: string): Device | undefined;
    listing(): { devices: Device[] };
  };
  hubIdentifier(): string;
  deliver(message: ResultMessage, job: JobRecord | null, ttlMs?: number, onSent?: SentListener): Promise<void>;
  acknowledgeOdoo18(action: IotAction, deviceIdentifier: string): void;
  changed(): void;
}

export function summarizeJob(job: JobRecord & { progress?: number }): LinkJob {
  // A device that answers nothing but success leaves null: nothing to show, not the word "null".
  const result = job.result === undefined || job.result === null ? '' : typeof job.result === 'string' ? job.result : JSON.stringify(job.result);
  return {
    id: job.id, deviceIdentifier: job.deviceIdentifier, action: job.action, state: job.state,
    createdAt: job.createdAt, updatedAt: job.updatedAt, result: (result ?? '').slice(0, 200),
    progress: job.progress, heldAt: job.heldAt, repeatOf: job.repeatOf,
    repeatable: !job.trimmed && holdsWhileOffline(jobKind(job.action)), breakdown: job.breakdown,
  };
}

export class JobQueue {
  private readonly log;
  private readonly store: JobStore;
  private readonly router: ActionRouter;
  /** Printers this hub has driven (the `devices` store), present or not. */
  private readonly known = new Map<string, DeviceRecord>();
  private sweepTimer: TimerId | null = null;

  constructor(private readonly deps: JobQueueDeps) {
    this.log = deps.logger.scope('odoo');
    this.store = new JobStore(deps.db);
    this.router = new ActionRouter({
      store: this.store,
      devices: deps.devices,
      activity: deps.activity,
      log: deps.logger.scope('router'),
      hubIdentifier: () => deps.hubIdentifier(),
      deliver: (message, job, ttlMs, onSent) => deps.deliver(message, job, ttlMs, onSent),
      acknowledgeOdoo18: (action, device) => deps.acknowledgeOdoo18(action, device),
      knownDevice: (identifier) => this.known.has(identifier),
      holdMs: (identifier) => holdMsFrom(this.known.get(identifier)?.settings),
      onChange: () => deps.changed(),
    });
  }

  /** Reads the stored jobs and devices (before anything else of the link starts). */
  async load(): Promise<void> {
    await Promise.all([this.store.load(), this.loadKnownDevices()]);
  }

  /** Remembers the devices present, runs the jobs a restart interrupted, trims old payloads a little later. */
  async start(): Promise<void> {
    await this.rememberDevices();
    await this.router.resume();
    // Payloads a crash left behind are trimmed once the hub is up, not on the way to ready.
    this.sweepTimer = this.deps.clock.setTimeout(() => {
      this.sweepTimer = null;
      void this.store.sweep().catch((e) => this.log.warning(`job history not trimmed: ${describeError(e)}`));
    }, STORE_SWEEP_DELAY_MS);
  }

  stop(): void {
    if (this.sweepTimer) this.deps.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  accept(action: IotAction): Promise<boolean> {
    return this.router.accept(action);
  }

  deviceEvent(event: DeviceEvent): void {
    void this.router.event(event).catch((e) => this.log.error(`device event lost: ${describeError(e)}`));
  }

  devicesChanged(): void {
    void this.rememberDevices();
    this.router.devicesChanged();
  }

  cancel(id: string): Promise<boolean> {
    return this.router.cancel(id);
  }

  repeat(id: string): Promise<{ ok: boolean; message: string }> {
    return this.router.repeat(id);
  }

  discard(id: string): Promise<boolean> {
    return this.router.discard(id);
  }

  jobs(): LinkJob[] {
    return this.router.jobs().map(summarizeJob);
  }

  get duplicatesDropped(): number {
    return this.router.duplicatesDropped;
  }

  knownDevices(): KnownDevice[] {
    return [...this.known.values()].map((d) => ({
      identifier: d.identifier, name: d.name ?? d.identifier, online: !!this.deps.devices.get(d.identifier), holdMinutes: holdMsFrom(d.settings) / 60_000,
    }));
  }

  /** How long print jobs wait for this device when it is offline or unplugged (a device setting). */
  async setHoldMinutes(identifier: string, minutes: number): Promise<void> {
    const known = this.known.get(identifier);
    if (!known) throw new Error(`no device ${identifier.slice(0, 80)} on this hub`);
    if (!Number.isFinite(minutes) || minutes < 0 || minutes > HOLD_MINUTES_MAX) throw new RangeError(`the hold time must be between 0 and ${HOLD_MINUTES_MAX} minutes`);
    const record = (await this.deps.db.get('devices', identifier)) ?? known;
    const updated: DeviceRecord = { ...record, settings: { ...record.settings, [HOLD_SETTING]: minutes } };
    await this.deps.db.put('devices', updated);
    this.known.set(identifier, updated);
    this.log.info(`print jobs for ${identifier} wait up to ${minutes} min when it is away`);
    this.deps.changed();
  }

  private async loadKnownDevices(): Promise<void> {
    for (const record of await this.deps.db.getAll('devices')) this.known.set(record.identifier, record);
  }

  /** Devices that can hold print jobs are remembered, so a job for an unplugged printer waits instead of failing. */
  private async rememberDevices(): Promise<void> {
    const now = this.deps.clock.now();
    for (const device of this.deps.devices.listing().devices) {
      const { identifier, name, type } = device.description;
      if (type !== 'printer' || this.known.has(identifier)) continue;
      const record: DeviceRecord = (await this.deps.db.get('devices', identifier)) ?? { identifier, settings: {}, lastSeen: now };
      if (!record.name) record.name = name;
      record.lastSeen = now;
      this.known.set(identifier, record);
      await this.deps.db.put('devices', record);
    }
  }
}
