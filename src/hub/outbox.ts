import type { HubDb } from '../store/db.ts';
import type { JobRecord, OutboxRecord } from '../store/schema.ts';
import type { ScopedLogger } from './logger.ts';
import { describeError } from './logger.ts';
import { backoffDelay } from './backoff.ts';
import { writeBatcher, type WriteBatcher } from '../store/write-batcher.ts';

/**
 * Results and device events on their way to Odoo (`/iot/box/send_websocket`). Every message is
 * written to IndexedDB before it is sent and deleted once the server took it, and they leave
 * strictly in the order they were written: a reload or a network outage delays them, never
 * loses or reorders them.
 */
export interface OutboxOptions {
  /** Sends one message; throws `RetryLater` (or any error) to try again later, `Undeliverable` to drop it. */
  send(body: unknown): Promise<void>;
  log: ScopedLogger;
  onChange?(): void;
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** The server refused this message for good (a 4xx): retrying cannot help. */
export class Undeliverable extends Error {
  name = 'Undeliverable';
}

const READ_BATCH = 64;

export class Outbox {
  private enabled = false;
  private flushing: Promise<void> | null = null;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private count = 0;
  /** Who waits to hear that a message left, by outbox sequence number (in memory: a reload forgets them). */
  private readonly sentListeners = new Map<number, (at: number) => void>();
  lastError = '';
  private readonly writes: WriteBatcher;

  constructor(private readonly db: HubDb, private readonly options: OutboxOptions) {
    this.writes = writeBatcher(db);
  }

  async load(): Promise<void> {
    this.count = await this.db.count('outbox');
  }

  get pending(): number {
    return this.count;
  }

  /**
   * Writes a message (and, in the same commit, the job it finishes) and starts a flush;
   * `onSent` hears when Odoo took it (wall-clock ms, performance.timeOrigin-based).
   */
  async append(body: unknown, expiresAt: number | null = null, job?: JobRecord, onSent?: (at: number) => void): Promise<void> {
    const record: OutboxRecord = { createdAt: Date.now(), expiresAt, body };
    await this.writes.write(job ? ['outbox', 'jobs'] : ['outbox'], (tx) => {
      const added = tx.objectStore('outbox').add(record);
      // Set before the transaction commits, so a flush already running cannot send it unheard.
      if (onSent) void added.then((seq) => this.sentListeners.set(seq, onSent), () => undefined);
      return [added, ...(job ? [tx.objectStore('jobs').put(job)] : [])];
    });
    this.count++;
    this.options.onChange?.();
    this.kick();
  }

  /** Sending is allowed only while the hub is registered with a database. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) this.kick();
    else this.clearRetry();
  }

  /** Try now (the network or the server is back). */
  kick(): void {
    if (!this.enabled) return;
    this.clearRetry();
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when everything written so far has been sent (or the outbox is disabled). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Forgets everything waiting (the pairing was removed: those results belong to another database). */
  async clear(): Promise<void> {
    this.sentListeners.clear();
    await this.db.clear('outbox');
    this.count = 0;
    this.options.onChange?.();
  }

  private async flush(): Promise<void> {
    while (this.enabled) {
      const batch = await this.db.getAll('outbox', null, READ_BATCH);
      if (batch.length === 0) return;
      for (const record of batch) {
        if (!this.enabled) return;
        if (record.expiresAt === null || record.expiresAt > Date.now()) {
          try {
            await this.options.send(record.body);
            this.sentListeners.get(record.seq!)?.(performance.timeOrigin + performance.now());
          } catch (error) {
            if (!(error instanceof Undeliverable)) {
              this.scheduleRetry(error);
              return;
            }
            this.options.log.warning(`a message to Odoo was refused and dropped: ${describeError(error)}`);
          }
        }
        this.sentListeners.delete(record.seq!);
        await this.writes.write(['outbox'], (tx) => tx.objectStore('outbox').delete(record.seq!));
        this.count = Math.max(0, this.count - 1);
        if (this.failures) {
          this.failures = 0;
          this.lastError = '';
          this.options.log.info('Odoo takes results again');
        }
        this.options.onChange?.();
      }
    }
  }

  private scheduleRetry(error: unknown): void {
    const delay = backoffDelay(this.failures, { minMs: this.options.retryMinMs ?? 500, maxMs: this.options.retryMaxMs ?? 30_000 });
    this.failures++;
    this.lastError = describeError(error);
    if (this.failures === 1) this.options.log.warning(`results wait in the outbox: ${this.lastError}`);
    this.options.onChange?.();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
