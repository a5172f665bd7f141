import type { ActionOutcome, Device, DeviceEvent, OdooDeviceType, Preparation } from './devices.ts';
import type { JobRecord, JobState } from '../store/schema.ts';
import type { Activity } from './activity.ts';
import type { ScopedLogger } from './logger.ts';
import { describeError } from './logger.ts';
import type { JobStore } from './job-store.ts';
import type { IotAction } from '../odoo/iot/messages.ts';
import { resultMessage, type ResultMessage } from '../odoo/iot/results.ts';
import { BreakdownRecorder, wallClock, type JobBreakdown } from './breakdown.ts';
import { DEFAULT_HOLD_MS, holdsWhileOffline, jobKind, maxWaitMs, QUEUE_TEXT, type JobKind } from './queue-policy.ts';

/**
 * Turns each action (from the bus or a WebRTC channel) into one job per addressed device:
 * de-duplicated by `action_unique_id`, written to IndexedDB before the device is touched, run
 * one at a time per device, and answered through `deliver` (live channels and the outbox).
 * Print jobs for a device that is away are held (queue-policy.ts); drawer and scale actions
 * are never run late.
 */
export interface RouterDeps {
  store: JobStore;
  devices: { get(identifier: string): Device | undefined };
  activity: Activity;
  log: ScopedLogger;
  hubIdentifier(): string;
  /**
   * Sends a result or event on every path; `job` is finished in the same write as the outbox
   * entry. `onSent` hears when it left on each path (the job's breakdown).
   */
  deliver(message: ResultMessage, job: JobRecord | null, ttlMs?: number, onSent?: (path: 'webrtc' | 'bus', at: number) => void): Promise<void>;
  /** Odoo 18 prints are acknowledged on their own route once done. */
  acknowledgeOdoo18?(action: IotAction, deviceIdentifier: string): void;
  onChange?(): void;
  jobTimeoutMs?: number;
  /** Whether this hub has driven the device before (it is unplugged or offline now, not unknown). */
  knownDevice?(identifier: string): boolean;
  /** How long print jobs wait for this device when it is away. */
  holdMs?(identifier: string): number;
}

/** A device that has not answered in this long is treated as failed, so its queue moves on. */
export const JOB_TIMEOUT_MS = 120_000;
/** Finished jobs the Queue section lists. */
export const RECENT_JOBS_SHOWN = 50;
/** Unfinished jobs the Queue section lists (a long outage can queue more; they all still run). */
export const LIVE_JOBS_SHOWN = 300;
/** odoo-iot.md §7 printer codes: the queue's own results use the one Odoo shows for an offline printer. */
const ERROR_OFFLINE = 'ERROR_OFFLINE';
/** Not an Odoo code: a warning result telling the POS the job waits for its printer. */
export const HELD_MESSAGE = 'HELD';
export const INTERRUPTED_MESSAGE =
  'the hub restarted while this action ran: it may or may not have completed (check the device before trying again)';
/** Progress is pushed to the homepage at most this often per job. */
const PROGRESS_STEP = 0.05;

export class ActionRouter {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly owners = new Map<string, string>();
  /** Jobs not finished yet, by id, in arrival order. */
  private readonly live = new Map<string, JobRecord>();
  /** Finished jobs, newest first. */
  private recent: JobRecord[] = [];
  private readonly progress = new Map<string, number>();
  private readonly running = new Map<string, AbortController>();
  /** Lanes waiting for a device to come back (or a cancel) are woken here. */
  private waiters = new Set<() => void>();
  private sequence = 0;
  private duplicates = 0;
  /** Jobs whose device started preparing them at arrival (its line was free), with their timings. */
  private readonly prepared = new Map<string, { device: Device; preparation: Preparation | undefined; timings: BreakdownRecorder }>();

  constructor(private readonly deps: RouterDeps) {}

  /** Deliveries dropped because their action_unique_id was already handled (a retry, a second path). */
  get duplicatesDropped(): number {
    return this.duplicates;
  }

  /** Returns false when the action was a duplicate and nothing was done. */
  async accept(action: IotAction): Promise<boolean> {
    if (action.actionUniqueId !== null && this.deps.store.hasSeen(action.actionUniqueId)) {
      this.deps.log.debug(`action ${action.actionUniqueId} (${action.via}) already handled: ignored`);
      this.duplicates++;
      return false;
    }
    const now = Date.now();
    const base = action.actionUniqueId ?? this.localId(now);
    const marks: JobBreakdown['marks'] = action.arrival ? { received: action.arrival.receivedAt, complete: action.arrival.completeAt } : { received: wallClock() };
    const jobs: JobRecord[] = action.deviceIdentifiers.map((device) => ({
      id: `${base}@${device}`,
      actionUniqueId: action.actionUniqueId,
      deviceIdentifier: device,
      action: action.action,
      data: { ...action.data, ...(action.odoo18 ? { odoo18: true } : {}) },
      sessionId: action.sessionId,
      state: 'queued',
      createdAt: now,
      updatedAt: now,
      breakdown: { via: action.via, marks: { ...marks }, spans: {} },
    }));
    // A device with nothing to do starts on the job (decoding a receipt) while it is written to
    // IndexedDB, and the job is written as running at once: its turn is now, so the write that
    // says so is the one that queues it (one 800 KB record written instead of two, 6-8 ms less
    // before the first byte of a long receipt). A reload then reports it "may have printed",
    // as it does for any job stored as running: written before anything reaches the device, it
    // never prints twice, and is never lost.
    for (const job of jobs) if (this.prepareEarly(job)) job.state = 'running';
    if (!(await this.deps.store.admit(action.actionUniqueId, jobs))) {
      for (const job of jobs) this.releasePrepared(job.id);
      this.duplicates++;
      return false;
    }
    const accepted = wallClock();
    for (const job of jobs) job.breakdown!.marks.accepted = accepted;
    for (const job of jobs) await this.dispatch(job, action);
    this.deps.onChange?.();
    return true;
  }

  /**
   * After a reload: queued and held jobs go back in line; jobs that were running are reported as
   * uncertain ("may have printed"), never repeated by themselves.
   */
  async resume(): Promise<void> {
    this.recent = (await this.deps.store.recent(RECENT_JOBS_SHOWN + LIVE_JOBS_SHOWN)).filter((j) => !isLive(j)).slice(0, RECENT_JOBS_SHOWN);
    for (const job of await this.deps.store.unfinished()) {
      if (job.state === 'running') {
        job.state = 'uncertain';
        job.updatedAt = Date.now();
        job.result = INTERRUPTED_MESSAGE;
        this.deps.log.warning(`${job.action || 'default action'} on ${job.deviceIdentifier}: ${INTERRUPTED_MESSAGE}`);
        await this.finish(job, { status: 'error', result: INTERRUPTED_MESSAGE });
      } else {
        await this.dispatch(job, null);
      }
    }
  }

  /** The device list changed: held jobs whose device is back go on. */
  devicesChanged(): void {
    this.wake();
  }

  /** A device event goes to whoever acted on the device last (the box's `owner`). */
  event(event: DeviceEvent): Promise<void> {
    const sessionId = this.owners.get(event.deviceIdentifier) ?? '';
    const message = resultMessage(
      { hubIdentifier: this.deps.hubIdentifier(), deviceIdentifier: event.deviceIdentifier, sessionId, data: {}, deviceType: this.deviceType(event.deviceIdentifier, '') },
      event.outcome,
    );
    return this.deps.deliver(message, null, event.ttlMs);
  }

  /** Unfinished jobs in arrival order, then the newest finished ones. */
  jobs(): Array<JobRecord & { progress?: number }> {
    const live = [...this.live.values()].slice(0, LIVE_JOBS_SHOWN).map((job) => ({ ...job, progress: this.progress.get(job.id) }));
    return [...live, ...this.recent.map((job) => ({ ...job }))];
  }

  /** Cancel: a waiting job is dropped, a running one is aborted. The POS gets an error result. */
  async cancel(id: string): Promise<boolean> {
    const job = this.live.get(id);
    if (!job) return false;
    if (job.state === 'running') {
      this.running.get(id)?.abort(new Error(QUEUE_TEXT.cancelled));
      return true;
    }
    job.state = 'cancelled';
    job.result = QUEUE_TEXT.cancelled;
    job.updatedAt = Date.now();
    await this.finish(job, { status: 'error', result: QUEUE_TEXT.cancelled });
    this.wake();
    return true;
  }

  /** Discard a "may have printed" job: it printed, or the cashier decided it does not matter. */
  async discard(id: string): Promise<boolean> {
    const index = this.recent.findIndex((j) => j.id === id && j.state === 'uncertain');
    const job = index >= 0 ? this.recent[index] : await this.deps.store.get(id);
    if (!job || job.state !== 'uncertain') return false;
    job.state = 'cancelled';
    job.result = QUEUE_TEXT.discarded;
    job.updatedAt = Date.now();
    await this.deps.store.update(job, 'cancelled');
    this.remember(job);
    this.deps.onChange?.();
    return true;
  }

  /**
   * Retry a failed job or reprint a "may have printed" one: a new job with the same data, at the
   * end of the device's line. The original stays as it was, so nothing runs twice unasked.
   */
  async repeat(id: string): Promise<{ ok: boolean; message: string }> {
    const original = this.recent.find((j) => j.id === id) ?? (await this.deps.store.get(id));
    if (!original || isLive(original)) return { ok: false, message: 'only a finished job can be sent again' };
    if (original.state === 'done') return { ok: false, message: 'this job is done; send it again from Odoo' };
    if (!this.deps.store.canRepeat(original)) return { ok: false, message: 'this job is too old: its receipt was not kept, print it again from Odoo' };
    const now = Date.now();
    const job: JobRecord = {
      id: `${this.localId(now)}@${original.deviceIdentifier}`, actionUniqueId: null, deviceIdentifier: original.deviceIdentifier,
      action: original.action, data: original.data, sessionId: original.sessionId, state: 'queued', createdAt: now, updatedAt: now, repeatOf: original.id,
    };
    await this.deps.store.admit(null, [job]);
    await this.dispatch(job, null);
    this.deps.onChange?.();
    return { ok: true, message: 'sent again' };
  }

  /**
   * Decides at once what can be decided at once (a drawer for an absent printer fails now, a
   * print for an absent printer is held now and says so), then puts the job in its device's line.
   */
  private async dispatch(job: JobRecord, action: IotAction | null): Promise<void> {
    this.live.set(job.id, job);
    const kind = jobKind(job.action);
    if (!this.deps.devices.get(job.deviceIdentifier)) {
      if (!holdsWhileOffline(kind) || !this.known(job.deviceIdentifier)) return this.failOffline(job, kind);
      if (job.state !== 'held') {
        const twin = this.heldTwin(job);
        if (twin) return this.joinTwin(job, twin);
        await this.markHeld(job);
      }
    }
    const lane = this.lanes.get(job.deviceIdentifier) ?? Promise.resolve();
    const next = lane.then(() => this.run(job, action, kind));
    this.lanes.set(job.deviceIdentifier, next);
    void next.finally(() => {
      if (this.lanes.get(job.deviceIdentifier) === next) this.lanes.delete(job.deviceIdentifier);
    });
  }

  private async run(job: JobRecord, action: IotAction | null, kind: JobKind): Promise<void> {
    // The device a print was cut off from before it reached it: the job waits for the next one.
    let gone: Device | undefined;
    for (;;) {
      if (job.state === 'cancelled') return;
      let device = this.present(job.deviceIdentifier, gone);
      if (!device && holdsWhileOffline(kind) && this.known(job.deviceIdentifier)) {
        device = await this.waitForDevice(job, gone);
        if ((job.state as JobState) === 'cancelled') return;
        if (!device) {
          const minutes = this.holdMs(job.deviceIdentifier) / 60_000;
          job.state = 'failed';
          job.result = QUEUE_TEXT.holdExpired(minutes);
          job.updatedAt = Date.now();
          this.deps.log.warning(`${job.action || 'print'} for ${job.deviceIdentifier}: ${job.result}`);
          return this.finish(job, { status: 'error', message: ERROR_OFFLINE, result: job.result });
        }
      }
      if (!device) return this.failOffline(job, kind);
      const limit = maxWaitMs(kind);
      const waited = Date.now() - job.createdAt;
      if (limit !== null && waited > limit) {
        job.state = 'failed';
        job.result = QUEUE_TEXT.tooLate(kind, waited);
        job.updatedAt = Date.now();
        this.deps.log.warning(`${job.action} on ${job.deviceIdentifier}: ${job.result}`);
        return this.finish(job, { status: 'error', result: job.result });
      }
      if (!(await this.execute(job, device, action, kind))) return;
      gone = device;
    }
  }

  private present(identifier: string, gone: Device | undefined): Device | undefined {
    const device = this.deps.devices.get(identifier);
    return device === gone ? undefined : device;
  }

  /** Runs the job on the device; true when the device went away before any of it reached it (the job waits again). */
  private async execute(job: JobRecord, device: Device, action: IotAction | null, kind: JobKind): Promise<boolean> {
    this.owners.set(job.deviceIdentifier, job.sessionId);
    const done = this.deps.activity.begin();
    const abort = new AbortController();
    this.running.set(job.id, abort);
    const timeoutMs = this.deps.jobTimeoutMs ?? JOB_TIMEOUT_MS;
    const timer = setTimeout(() => abort.abort(new Error(`the device did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    let outcome: ActionOutcome;
    const early = this.prepared.get(job.id);
    this.prepared.delete(job.id);
    if (early && early.device !== device) early.preparation?.release();
    const timings = early?.timings ?? new BreakdownRecorder();
    // Started now at the latest: it runs while the 'running' state is written.
    const preparation = early?.device === device ? early.preparation : device.prepare?.({ action: job.action, data: actionData(job), timings });
    // Only the admit of a job for a free device leaves it running before its run (a held or
    // requeued job is not): it is stored so already.
    const storedRunning = job.state === 'running';
    try {
      const runningStored = (storedRunning ? Promise.resolve() : this.deps.store.update(job, 'running')).then(() => {
        this.deps.onChange?.();
        // Cancelled while the state was being written: the device does nothing.
        abort.signal.throwIfAborted();
        if (job.breakdown) job.breakdown.marks.started = wallClock();
      });
      runningStored.catch(() => undefined);
      // A device that waits for the stored state before it acts may start its checks meanwhile.
      if (!device.awaitsRunningStored) await runningStored;
      outcome = await Promise.race([
        device.run({
          action: job.action, data: actionData(job), sessionId: job.sessionId, actionUniqueId: job.actionUniqueId,
          onProgress: (sent, total) => this.reportProgress(job.id, sent, total), timings, preparation, runningStored,
        }, abort.signal),
        new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true })),
      ]);
    } catch (error) {
      outcome = { status: 'error', result: describeError(error).replace(/^Error: /, '') };
    } finally {
      if (job.breakdown) job.breakdown.marks.done = wallClock();
      preparation?.release();
      clearTimeout(timer);
      this.running.delete(job.id);
      this.progress.delete(job.id);
    }
    const cancelled = abort.signal.aborted && (abort.signal.reason as Error)?.message === QUEUE_TEXT.cancelled;
    if (!cancelled && outcome.cutOff === 'none' && holdsWhileOffline(kind) && this.known(job.deviceIdentifier)) {
      this.deps.log.info(`${job.action || 'print'} for ${job.deviceIdentifier}: the device went away before the job reached it; it waits for the device`);
      job.state = 'queued';
      done();
      return true;
    }
    const cutOff = !cancelled && outcome.cutOff === 'partial' && holdsWhileOffline(kind);
    job.state = cancelled ? 'cancelled' : cutOff ? 'uncertain' : outcome.status === 'success' || outcome.status === 'warning' ? 'done' : 'failed';
    if (cutOff) outcome = { ...outcome, result: QUEUE_TEXT.cutOff(String(outcome.result ?? outcome.message ?? '')) };
    job.result = outcome.result ?? outcome.message ?? null;
    job.updatedAt = Date.now();
    if (job.breakdown) {
      const measured = timings.result();
      Object.assign(job.breakdown.spans, measured.spans);
      Object.assign(job.breakdown.marks, measured.marks);
    }
    // The result is queued for writing now; the device's next job goes on without waiting for the
    // commit. Writes commit in the order they were queued (write-batcher.ts), so the next job's
    // 'running' is never on disk before this result, and the two can share one transaction.
    const written = this.finish(job, outcome);
    void written
      .then(() => {
        if (action?.odoo18 && job.state === 'done') this.deps.acknowledgeOdoo18?.(action, job.deviceIdentifier);
      })
      .finally(done);
    return false;
  }

  private async markHeld(job: JobRecord): Promise<void> {
    job.state = 'held';
    job.heldAt = Date.now();
    job.updatedAt = job.heldAt;
    job.result = QUEUE_TEXT.held(this.holdMs(job.deviceIdentifier) / 60_000);
    this.deps.log.info(`${job.action || 'print'} for ${job.deviceIdentifier}: ${job.result}`);
    await this.safeDeliver(this.message(job, { status: 'warning', message: HELD_MESSAGE, result: job.result }), job);
  }

  /**
   * The POS shows a held print as not printed, so a cashier may send the same receipt again:
   * while the first copy waits for its printer, the same bytes for the same printer are the same
   * print, and printing both when it returns would be the double print the hub must never make.
   */
  private heldTwin(job: JobRecord): JobRecord | undefined {
    const payload = printPayload(job);
    for (const other of this.live.values()) {
      if (other.id !== job.id && other.state === 'held' && other.deviceIdentifier === job.deviceIdentifier
        && other.action === job.action && printPayload(other) === payload) return other;
    }
    return undefined;
  }

  private async joinTwin(job: JobRecord, twin: JobRecord): Promise<void> {
    job.state = 'cancelled';
    job.result = QUEUE_TEXT.sameAsHeld(this.holdMs(job.deviceIdentifier) / 60_000);
    job.updatedAt = Date.now();
    this.deps.log.info(`${job.action || 'print'} for ${job.deviceIdentifier}: the same as held job ${twin.id}, printed once`);
    await this.finish(job, { status: 'warning', message: HELD_MESSAGE, result: job.result });
  }

  /** Waits for the device to come back (not `gone`, the one it just lost), until the hold time (counted from when the job was held) runs out. */
  private async waitForDevice(job: JobRecord, gone?: Device): Promise<Device | undefined> {
    if (job.state !== 'held') await this.markHeld(job);
    const deadline = (job.heldAt ?? Date.now()) + this.holdMs(job.deviceIdentifier);
    for (;;) {
      const device = this.present(job.deviceIdentifier, gone);
      if (device || job.state === 'cancelled') return device;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  private failOffline(job: JobRecord, kind: JobKind): Promise<void> {
    job.state = 'failed';
    job.updatedAt = Date.now();
    if (kind === 'drawer' && this.known(job.deviceIdentifier)) {
      job.result = QUEUE_TEXT.drawerOffline;
      this.deps.log.warning(`cashbox for ${job.deviceIdentifier}: ${job.result}`);
      return this.finish(job, { status: 'error', message: ERROR_OFFLINE, result: job.result });
    }
    if (kind === 'scale' && this.known(job.deviceIdentifier)) {
      job.result = QUEUE_TEXT.scaleOffline;
      this.deps.log.warning(`${job.action} for ${job.deviceIdentifier}: ${job.result}`);
      return this.finish(job, { status: 'disconnected' });
    }
    job.result = 'disconnected';
    this.deps.log.warning(`${job.action || 'default action'} for ${job.deviceIdentifier}: no such device on this hub`);
    return this.finish(job, { status: 'disconnected' });
  }

  /** Writes the finished job with its result (one transaction) and moves it to the recent list. */
  private async finish(job: JobRecord, outcome: ActionOutcome): Promise<void> {
    this.releasePrepared(job.id);
    this.live.delete(job.id);
    this.remember(job);
    const onSent = (path: 'webrtc' | 'bus', at: number) => {
      if (!job.breakdown) return;
      job.breakdown.marks[path === 'webrtc' ? 'resultSentWebrtc' : 'resultSentBus'] ??= at;
      this.deps.onChange?.();
    };
    await this.safeDeliver(this.message(job, outcome), job, onSent);
    void this.deps.store.finished(job).catch((error) => this.deps.log.warning(`finished jobs not trimmed: ${describeError(error)}`));
  }

  private async safeDeliver(message: ResultMessage, job: JobRecord, onSent?: (path: 'webrtc' | 'bus', at: number) => void): Promise<void> {
    try {
      await this.deps.deliver(message, job, undefined, onSent);
    } catch (error) {
      this.deps.log.error(`the result of ${job.id} could not be stored: ${describeError(error)}`);
    }
    this.deps.onChange?.();
  }

  /** True when the device's line is free: the job runs next, and its device prepares it now. */
  private prepareEarly(job: JobRecord): boolean {
    const device = this.deps.devices.get(job.deviceIdentifier);
    // One job prepared ahead per device: a burst of receipts must not decode them all at once.
    if (!device?.prepare || this.lanes.has(job.deviceIdentifier) || [...this.prepared.values()].some((p) => p.device === device)) return false;
    const timings = new BreakdownRecorder();
    // Kept even when the device had nothing to prepare: it marks the job as the device's next.
    this.prepared.set(job.id, { device, timings, preparation: device.prepare({ action: job.action, data: actionData(job), timings }) });
    return true;
  }

  private releasePrepared(id: string): void {
    this.prepared.get(id)?.preparation?.release();
    this.prepared.delete(id);
  }

  private reportProgress(id: string, sent: number, total: number): void {
    if (total <= 0) return;
    const share = Math.min(1, sent / total);
    const before = this.progress.get(id) ?? 0;
    this.progress.set(id, share);
    if (share - before >= PROGRESS_STEP || share === 1) this.deps.onChange?.();
  }

  private message(job: JobRecord, outcome: ActionOutcome): ResultMessage {
    return resultMessage(
      { hubIdentifier: this.deps.hubIdentifier(), deviceIdentifier: job.deviceIdentifier, sessionId: job.sessionId, data: actionData(job), deviceType: this.deviceType(job.deviceIdentifier, job.action) },
      outcome,
    );
  }

  /** The device's Odoo type; for one that is away, what its action says (a print or a drawer is a printer's). */
  private deviceType(identifier: string, action: string): OdooDeviceType | null {
    const device = this.deps.devices.get(identifier);
    if (device) return device.description.type;
    const kind = jobKind(action);
    return kind === 'print' || kind === 'drawer' ? 'printer' : null;
  }

  private remember(job: JobRecord): void {
    this.recent = [job, ...this.recent.filter((j) => j.id !== job.id)].slice(0, RECENT_JOBS_SHOWN);
  }

  private known(identifier: string): boolean {
    return this.deps.knownDevice?.(identifier) ?? false;
  }

  private holdMs(identifier: string): number {
    return this.deps.holdMs?.(identifier) ?? DEFAULT_HOLD_MS;
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private localId(now: number): string {
    return `${now.toString(36)}-${(++this.sequence).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  }
}

function isLive(job: JobRecord): boolean {
  return job.state === 'queued' || job.state === 'running' || job.state === 'held';
}

function actionData(job: JobRecord): Record<string, unknown> {
  const { odoo18: _ignored, ...data } = (job.data ?? {}) as Record<string, unknown>;
  return data;
}

/** What a print job puts on paper: the receipt image or the raw document (none for a status ticket). */
function printPayload(job: JobRecord): string {
  const data = job.data as { receipt?: unknown; document?: unknown } | null;
  return `${String(data?.receipt ?? '')}\u0000${String(data?.document ?? '')}`;
}
