import type { HubDb } from '../store/db.ts';
import type { JobRecord, JobState } from '../store/schema.ts';

/**
 * The jobs and seen action ids in IndexedDB (the QueueStore of the job queue, in the spirit of
 * workbox-background-sync): a job is written before its device is touched, and an
 * `action_unique_id` is remembered so that a bus replay or a reload never runs it twice.
 */
/** The box keeps 256 ids in memory; the hub keeps more, across reloads, and trims in batches. */
export const SEEN_ACTIONS_KEPT = 10_000;
const SEEN_TRIM_BATCH = 500;
/** Finished jobs kept for the Queue section and diagnostics. */
export const FINISHED_JOBS_KEPT = 500;
/** idb 'relaxed' durability: committed to the OS, survives a reload or a crashed tab, which is what matters here. */
const RELAXED = { durability: 'relaxed' } as const;

export class JobStore {
  private readonly seen = new Set<string>();
  private seenCount = 0;

  constructor(private readonly db: HubDb) {}

  async load(): Promise<void> {
    for (const key of await this.db.getAllKeys('seenActions')) this.seen.add(key);
    this.seenCount = this.seen.size;
  }

  hasSeen(actionUniqueId: string): boolean {
    return this.seen.has(actionUniqueId);
  }

  /**
   * Writes the jobs of one action and marks its id seen, in one transaction. Returns false when
   * the id was already seen (another path delivered it first).
   */
  async admit(actionUniqueId: string | null, jobs: JobRecord[]): Promise<boolean> {
    if (actionUniqueId !== null) {
      if (this.seen.has(actionUniqueId)) return false;
      // Claim it before the await so a concurrent delivery of the same id is refused at once.
      this.seen.add(actionUniqueId);
    }
    try {
      const tx = this.db.transaction(['jobs', 'seenActions'], 'readwrite', RELAXED);
      if (actionUniqueId !== null) void tx.objectStore('seenActions').put({ id: actionUniqueId, at: Date.now() });
      for (const job of jobs) void tx.objectStore('jobs').put(job);
      await tx.done;
    } catch (error) {
      if (actionUniqueId !== null) this.seen.delete(actionUniqueId);
      throw error;
    }
    if (actionUniqueId !== null && ++this.seenCount > SEEN_ACTIONS_KEPT + SEEN_TRIM_BATCH) await this.trimSeen();
    return true;
  }

  async update(job: JobRecord, state: JobState, result?: unknown): Promise<void> {
    job.state = state;
    job.updatedAt = Date.now();
    if (result !== undefined) job.result = result;
    await this.db.put('jobs', job);
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

  /** Deletes the oldest finished jobs beyond what is kept. */
  async trimFinished(): Promise<void> {
    const tx = this.db.transaction('jobs', 'readwrite', RELAXED);
    let excess = (await tx.store.count()) - FINISHED_JOBS_KEPT;
    let cursor = await tx.store.index('createdAt').openCursor();
    while (cursor && excess > 0) {
      if (!['queued', 'running', 'held'].includes(cursor.value.state)) {
        await cursor.delete();
        excess--;
      }
      cursor = await cursor.continue();
    }
    await tx.done;
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
