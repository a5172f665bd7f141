import type { ActionOutcome, Device, DeviceEvent } from './devices.ts';
import type { JobRecord } from '../store/schema.ts';
import type { Activity } from './activity.ts';
import type { ScopedLogger } from './logger.ts';
import { describeError } from './logger.ts';
import type { JobStore } from './job-store.ts';
import type { IotAction } from '../odoo/iot/messages.ts';
import { resultMessage, type ResultMessage } from '../odoo/iot/results.ts';

/**
 * Turns each action (from the bus or a WebRTC channel) into one job per addressed device:
 * de-duplicated by `action_unique_id`, written to IndexedDB before the device is touched, run
 * one at a time per device, and answered through `deliver` (live channels and the outbox).
 */
export interface RouterDeps {
  store: JobStore;
  devices: { get(identifier: string): Device | undefined };
  activity: Activity;
  log: ScopedLogger;
  hubIdentifier(): string;
  /** Sends a result or event on every path; `job` is finished in the same write as the outbox entry. */
  deliver(message: ResultMessage, job: JobRecord | null, ttlMs?: number): Promise<void>;
  /** Odoo 18 prints are acknowledged on their own route once done. */
  acknowledgeOdoo18?(action: IotAction, deviceIdentifier: string): void;
  onChange?(): void;
  jobTimeoutMs?: number;
}

/** A device that has not answered in this long is treated as failed, so its queue moves on. */
export const JOB_TIMEOUT_MS = 120_000;
/** Jobs the Queue section lists. */
export const RECENT_JOBS_SHOWN = 50;
export const INTERRUPTED_MESSAGE =
  'the hub restarted while this action ran: it may or may not have completed (check the device before trying again)';

export class ActionRouter {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly owners = new Map<string, string>();
  private readonly recent: JobRecord[] = [];
  private sequence = 0;

  constructor(private readonly deps: RouterDeps) {}

  /** Returns false when the action was a duplicate and nothing was done. */
  async accept(action: IotAction): Promise<boolean> {
    if (action.actionUniqueId !== null && this.deps.store.hasSeen(action.actionUniqueId)) {
      this.deps.log.debug(`action ${action.actionUniqueId} (${action.via}) already handled: ignored`);
      return false;
    }
    const now = Date.now();
    const base = action.actionUniqueId ?? `${now.toString(36)}-${(++this.sequence).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
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
    }));
    if (!(await this.deps.store.admit(action.actionUniqueId, jobs))) return false;
    for (const job of jobs) this.schedule(job, action);
    this.deps.onChange?.();
    return true;
  }

  /** After a reload: queued jobs run; jobs that were running are reported as uncertain, never repeated. */
  async resume(): Promise<void> {
    for (const job of await this.deps.store.unfinished()) {
      if (job.state === 'running') {
        this.remember(job);
        job.state = 'uncertain';
        job.updatedAt = Date.now();
        job.result = INTERRUPTED_MESSAGE;
        this.deps.log.warning(`${job.action || 'default action'} on ${job.deviceIdentifier}: ${INTERRUPTED_MESSAGE}`);
        await this.deps.deliver(this.message(job, { status: 'error', result: INTERRUPTED_MESSAGE }), job);
      } else {
        this.schedule(job, null);
      }
    }
  }

  /** A device event goes to whoever acted on the device last (the box's `owner`). */
  event(event: DeviceEvent): Promise<void> {
    const sessionId = this.owners.get(event.deviceIdentifier) ?? '';
    const message = resultMessage(
      { hubIdentifier: this.deps.hubIdentifier(), deviceIdentifier: event.deviceIdentifier, sessionId, data: {} },
      event.outcome,
    );
    return this.deps.deliver(message, null, event.ttlMs);
  }

  recentJobs(): JobRecord[] {
    return this.recent.map((job) => ({ ...job }));
  }

  private schedule(job: JobRecord, action: IotAction | null): void {
    this.remember(job);
    const lane = this.lanes.get(job.deviceIdentifier) ?? Promise.resolve();
    const next = lane.then(() => this.run(job, action));
    this.lanes.set(job.deviceIdentifier, next);
    void next.finally(() => {
      if (this.lanes.get(job.deviceIdentifier) === next) this.lanes.delete(job.deviceIdentifier);
    });
  }

  private async run(job: JobRecord, action: IotAction | null): Promise<void> {
    const device = this.deps.devices.get(job.deviceIdentifier);
    this.owners.set(job.deviceIdentifier, job.sessionId);
    if (!device) {
      job.state = 'failed';
      job.result = 'disconnected';
      job.updatedAt = Date.now();
      this.deps.log.warning(`${job.action || 'default action'} for ${job.deviceIdentifier}: no such device on this hub`);
      await this.safeDeliver(this.message(job, { status: 'disconnected' }), job);
      return;
    }
    const done = this.deps.activity.begin();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`the device did not answer within ${(this.deps.jobTimeoutMs ?? JOB_TIMEOUT_MS) / 1000} s`)), this.deps.jobTimeoutMs ?? JOB_TIMEOUT_MS);
    let outcome: ActionOutcome;
    try {
      await this.deps.store.update(job, 'running');
      this.deps.onChange?.();
      outcome = await Promise.race([
        device.run({ action: job.action, data: actionData(job), sessionId: job.sessionId, actionUniqueId: job.actionUniqueId }, abort.signal),
        new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true })),
      ]);
    } catch (error) {
      outcome = { status: 'error', result: describeError(error).replace(/^Error: /, '') };
    } finally {
      clearTimeout(timer);
    }
    try {
      job.state = outcome.status === 'success' || outcome.status === 'warning' ? 'done' : 'failed';
      job.result = outcome.result ?? outcome.message ?? null;
      job.updatedAt = Date.now();
      await this.safeDeliver(this.message(job, outcome), job);
      if (action?.odoo18 && job.state === 'done') this.deps.acknowledgeOdoo18?.(action, job.deviceIdentifier);
    } finally {
      done();
    }
  }

  private async safeDeliver(message: ResultMessage, job: JobRecord): Promise<void> {
    try {
      await this.deps.deliver(message, job);
    } catch (error) {
      this.deps.log.error(`the result of ${job.id} could not be stored: ${describeError(error)}`);
    }
    this.deps.onChange?.();
  }

  private message(job: JobRecord, outcome: ActionOutcome): ResultMessage {
    return resultMessage(
      { hubIdentifier: this.deps.hubIdentifier(), deviceIdentifier: job.deviceIdentifier, sessionId: job.sessionId, data: actionData(job) },
      outcome,
    );
  }

  private remember(job: JobRecord): void {
    this.recent.unshift(job);
    if (this.recent.length > RECENT_JOBS_SHOWN) this.recent.pop();
  }
}

function actionData(job: JobRecord): Record<string, unknown> {
  const { odoo18: _ignored, ...data } = (job.data ?? {}) as Record<string, unknown>;
  return data;
}
