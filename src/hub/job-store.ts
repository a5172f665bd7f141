import type { HubDb } from '../store/db.ts';
import type { JobRecord, JobState } from '../store/schema.ts';
import { writeBatcher, type WriteBatcher } from '../store/write-batcher.ts';

/**
 * The jobs and seen action ids in IndexedDB (the QueueStore of the job queue, in the spirit of
 * workbox-background-sync): a job is written before its device is touched, and an
 * `action_unique_id` is remembered so that a bus replay or a reload never runs it twice.
 */
/** The box keeps 256 ids in memory; the hub keeps more, across reloads, and trims in batches. */
export const SEEN_ACTIONS_KEPT = 10_000;
const SEEN_TRIM_BATCH = 500;
/** Finished jobs kept (as small summaries) for the Queue section and diagnostics. */
export const FINISHED_JOBS_KEPT = 10_000;
const FINISHED_TRIM_BATCH = 500;
/** The newest finished jobs keep their receipt or document so they can be shown and reprinted... */
export const REPRINTABLE_JOBS_KEPT = 20;
/** ...as long as those payloads stay under this many characters together (base64 text). */
export const REPRINTABLE_CHARS_KEPT = 8 * 1024 * 1024;
/** Action data fields longer than this are payload (a receipt image, a document), dropped when trimmed. */
const PAYLOAD_FIELD_MIN_CHARS = 1024;
const FINISHED_STATES = new Set<JobState>(['done', 'failed', 'uncertain', 'cancelled']);
/** idb 'relaxed' durability: committed to the OS, survives a reload or a crashed tab, which is what matters here. */
const RELAXED = { durability: 'relaxed' } as const;

export class JobStore {
  private readonly seen = new Set<string>();
  private seenCount = 0;
  /** Finished jobs that still carry their payload, oldest first. */
  private readonly reprintable: Array<{ id: string; chars: number }> = [];
  private reprintableChars = 0;
  private finishedCount = 0;
  private trimming: Promise<void> = Promise.resolve();
  private readonly writes: WriteBatcher;

  constructor(private readonly db: HubDb) {
    this.writes = writeBatcher(db);
  }

  async load(): Promise<void> {
    for (const key of await this.db.getAllKeys('seenActions')) this.seen.add(key);
    this.seenCount = this.seen.size;
  }

  hasSeen(actionUniqueId: string): boolean {
    return this.seen.has(actionUniqueId);
  }

  /**
   * Writes the jobs of one action and marks its id seen, in one commit. Returns false when
   * the id was already seen (another path delivered it first).
   */
  async admit(actionUniqueId: string | null, jobs: JobRecord[]): Promise<boolean> {
    if (actionUniqueId !== null) {
      if (this.seen.has(actionUniqueId)) return false;
      // Claim it before the await so a concurrent delivery of the same id is refused at once.
      this.seen.add(actionUniqueId);
    }
    try {
      await this.writes.write(['jobs', 'seenActions'], (tx) => [
        ...(actionUniqueId !== null ? [tx.objectStore('seenActions').put({ id: actionUniqueId, at: Date.now() })] : []),
        ...jobs.map((job) => tx.objectStore('jobs').put(job)),
      ]);
    } catch (error) {
      if (actionUniqueId !== null) this.seen.delete(actionUniqueId);
      throw error;
    }
    if (actionUniqueId !== null && ++this.seenCount > SEEN_ACTIONS_KEPT + SEEN_TRIM_BATCH) await this.trimSeen();
    return true;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.db.get('jobs', id);
  }

  async update(job: JobRecord, state: JobState, result?: unknown): Promise<void> {
    job.state = state;
    job.updatedAt = Date.now();
    if (result !== undefined) job.result = result;
    await this.writes.write(['jobs'], (tx) => tx.objectStore('jobs').put(job));
  }

  /** Jobs a reload interrupted, oldest first. */
  async unfinished(): Promise<JobRecord[]> {
    const tx = this.db.transaction('jobs');
    const [queued, running, held] = await Promise.all(
      (['queued', 'running', 'held'] as const).map((s) => tx.store.index('state').getAll(s)),
    );
    return [...queued, ...running, ...held].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** The newest jobs, newest first. */
  async recent(limit: number): Promise<JobRecord[]> {
    const jobs: JobRecord[] = [];
    let cursor = await this.db.transaction('jobs').store.index('createdAt').openCursor(null, 'prev');
    while (cursor && jobs.length < limit) {
      jobs.push(cursor.value);
      cursor = await cursor.continue();
    }
    return jobs;
  }

  /**
   * Once after start, off the path to ready: counts the finished jobs and drops the payloads of
   * all but the newest reprintable ones (a hub that crashed may have left more behind).
   */
  async sweep(): Promise<void> {
    const run = async () => {
      const tx = this.db.transaction('jobs', 'readwrite', RELAXED);
      let cursor = await tx.store.index('createdAt').openCursor(null, 'prev');
      const kept: Array<{ id: string; chars: number }> = [];
      let chars = 0;
      let finished = 0;
      while (cursor) {
        const job = cursor.value;
        if (FINISHED_STATES.has(job.state)) {
          finished++;
          const size = payloadChars(job);
          if (size > 0) {
            if (kept.length < REPRINTABLE_JOBS_KEPT && chars + size <= REPRINTABLE_CHARS_KEPT) {
              kept.unshift({ id: job.id, chars: size });
              chars += size;
            } else await cursor.update(trimmed(job));
          }
        }
        cursor = await cursor.continue();
      }
      await tx.done;
      this.reprintable.splice(0, this.reprintable.length, ...kept);
      this.reprintableChars = chars;
      this.finishedCount = finished;
    };
    this.trimming = this.trimming.then(run, run);
    await this.trimming;
    if (this.finishedCount > FINISHED_JOBS_KEPT) await this.trimFinished();
  }

  /**
   * A job just finished (its record is already written): older payloads beyond what is kept for
   * reprints are dropped, and the oldest summaries once there are too many.
   */
  async finished(job: JobRecord): Promise<void> {
    this.finishedCount++;
    const size = payloadChars(job);
    if (size > 0) {
      this.reprintable.push({ id: job.id, chars: size });
      this.reprintableChars += size;
    }
    const drop: string[] = [];
    while (this.reprintable.length > REPRINTABLE_JOBS_KEPT || (this.reprintable.length > 1 && this.reprintableChars > REPRINTABLE_CHARS_KEPT)) {
      const oldest = this.reprintable.shift()!;
      this.reprintableChars -= oldest.chars;
      drop.push(oldest.id);
    }
    if (drop.length) {
      const run = async () => {
        const tx = this.db.transaction('jobs', 'readwrite', RELAXED);
        for (const id of drop) {
          const stored = await tx.store.get(id);
          if (stored && FINISHED_STATES.has(stored.state)) await tx.store.put(trimmed(stored));
        }
        await tx.done;
      };
      this.trimming = this.trimming.then(run, run);
      await this.trimming;
    }
    if (this.finishedCount > FINISHED_JOBS_KEPT + FINISHED_TRIM_BATCH) await this.trimFinished();
  }

  /** Whether a finished job still has what it takes to run again. */
  canRepeat(job: JobRecord): boolean {
    return !job.trimmed;
  }

  /** Deletes the oldest finished jobs beyond what is kept. */
  async trimFinished(): Promise<void> {
    const run = async () => {
      const tx = this.db.transaction('jobs', 'readwrite', RELAXED);
      let excess = this.finishedCount - FINISHED_JOBS_KEPT;
      let cursor = await tx.store.index('createdAt').openCursor();
      while (cursor && excess > 0) {
        if (FINISHED_STATES.has(cursor.value.state)) {
          await cursor.delete();
          excess--;
          this.finishedCount--;
        }
        cursor = await cursor.continue();
      }
      await tx.done;
    };
    this.trimming = this.trimming.then(run, run);
    await this.trimming;
  }

  private async trimSeen(): Promise<void> {
    const tx = this.db.transaction('seenActions', 'readwrite', RELAXED);
    let excess = (await tx.store.count()) - SEEN_ACTIONS_KEPT;
    let cursor = await tx.store.index('at').openCursor();
    while (cursor && excess-- > 0) {
      this.seen.delete(cursor.value.id);
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
    this.seenCount = this.seen.size;
  }
}

function payloadChars(job: JobRecord): number {
  if (job.trimmed || !job.data || typeof job.data !== 'object') return 0;
  let chars = 0;
  for (const value of Object.values(job.data as Record<string, unknown>)) {
    if (typeof value === 'string' && value.length >= PAYLOAD_FIELD_MIN_CHARS) chars += value.length;
  }
  return chars;
}

/** The job without its payload fields: what the Queue section shows stays (action, device, result, times). */
function trimmed(job: JobRecord): JobRecord {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((job.data ?? {}) as Record<string, unknown>)) {
    if (!(typeof value === 'string' && value.length >= PAYLOAD_FIELD_MIN_CHARS)) data[key] = value;
  }
  return { ...job, data, trimmed: true };
}
