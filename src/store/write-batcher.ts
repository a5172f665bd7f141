import type { IDBPTransaction, StoreNames } from 'idb';
import type { HubDb } from './db.ts';
import type { HubDbSchema } from './schema.ts';

/**
 * Group commit for the queue's writes (job admitted, job running, result + finished job in the
 * outbox). Each IndexedDB transaction costs a round trip to the browser's storage process, and
 * transactions on the same stores run one after the other anyway, so while one is committing,
 * the writes that arrive meanwhile wait and then commit together in the next one. A write still
 * resolves only once its own transaction is committed, so "written before the device is
 * touched" holds for each, and writes commit in the order they were queued. A transaction
 * starts one task after its first write is queued (so the writes that code running on the same
 * results queues join it), never later: nothing waits for a batch to fill.
 */
type Store = StoreNames<HubDbSchema>;
export type BatchTransaction = IDBPTransaction<HubDbSchema, Store[], 'readwrite'>;
/**
 * Queues its requests on the transaction synchronously (no await: the transaction would commit)
 * and returns them, so that a failed request names the error rather than the abort it causes.
 */
export type BatchWrite = (tx: BatchTransaction) => Promise<unknown> | Array<Promise<unknown>>;

interface Request {
  stores: readonly Store[];
  write: BatchWrite;
  resolve(): void;
  reject(error: unknown): void;
}

/** idb 'relaxed' durability: committed to the OS, survives a reload or a crashed tab, which is what matters here. */
const RELAXED = { durability: 'relaxed' } as const;

export class WriteBatcher {
  private waiting: Request[] = [];
  private committing = false;
  private batches = 0;
  private writes = 0;

  constructor(private readonly db: HubDb) {}

  write(stores: readonly Store[], write: BatchWrite): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ stores, write, resolve, reject });
      this.pump();
    });
  }

  /** Transactions committed and writes they carried, for the benchmark's account of where time goes. */
  get stats(): { transactions: number; writes: number } {
    return { transactions: this.batches, writes: this.writes };
  }

  private pump(): void {
    if (this.committing || this.waiting.length === 0) return;
    this.committing = true;
    nextTask(() => {
      const batch = this.waiting;
      this.waiting = [];
      void this.commit(batch).finally(() => {
        this.committing = false;
        this.pump();
      });
    });
  }

  private async commit(batch: Request[]): Promise<void> {
    try {
      await this.run(batch);
      for (const request of batch) request.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // One bad write aborts the whole transaction: the others must not fail with it.
      for (const request of batch) {
        try {
          await this.run([request]);
          request.resolve();
        } catch (own) {
          request.reject(own);
        }
      }
    }
  }

  private async run(batch: Request[]): Promise<void> {
    const stores = [...new Set(batch.flatMap((request) => request.stores))];
    const tx = this.db.transaction(stores, 'readwrite', RELAXED);
    let failure: { error: unknown } | null = null;
    const fail = (error: unknown) => {
      failure ??= { error };
    };
    try {
      for (const request of batch) {
        const requests = request.write(tx);
        for (const pending of Array.isArray(requests) ? requests : [requests]) pending.catch(fail);
      }
    } catch (error) {
      // A write that throws while queuing its requests fails the transaction like a failed request.
      fail(error);
      tx.abort();
    }
    try {
      await tx.done;
    } catch (aborted) {
      throw failure ? (failure as { error: unknown }).error : aborted;
    }
    this.batches++;
    this.writes += batch.length;
  }
}

type PostTask = (callback: () => void, options: { priority: 'user-blocking' }) => Promise<void>;

/** A new task, not a timer: timers nested from timers are clamped to 4 ms. */
function nextTask(callback: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(callback, { priority: 'user-blocking' });
  else setTimeout(callback, 0);
}

const batchers = new WeakMap<HubDb, WriteBatcher>();

/** The one batcher of a database connection, shared by the job store and the outbox. */
export function writeBatcher(db: HubDb): WriteBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new WriteBatcher(db);
    batchers.set(db, batcher);
  }
  return batcher;
}
