import type { HubDb } from './db.ts';
import type { LogRecord } from './schema.ts';

/** Keeps the newest `capacity` log lines; older ones are deleted in batches, not per line. */
export class LogRing {
  private sinceTrim = 0;

  constructor(
    private readonly db: HubDb,
    readonly capacity = 5000,
    private readonly trimEvery = 100,
  ) {}

  async append(record: Omit<LogRecord, 'seq'>): Promise<number> {
    const seq = await this.db.add('logs', record as LogRecord);
    if (++this.sinceTrim >= this.trimEvery) {
      this.sinceTrim = 0;
      await this.trim();
    }
    return seq;
  }

  async trim(): Promise<void> {
    const tx = this.db.transaction('logs', 'readwrite');
    const excess = (await tx.store.count()) - this.capacity;
    if (excess > 0) {
      let cursor = await tx.store.openCursor();
      for (let i = 0; i < excess && cursor; i++) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  /** The newest `limit` lines, oldest first. */
  async tail(limit: number): Promise<LogRecord[]> {
    const lines: LogRecord[] = [];
    let cursor = await this.db.transaction('logs').store.openCursor(null, 'prev');
    while (cursor && lines.length < limit) {
      lines.push(cursor.value);
      cursor = await cursor.continue();
    }
    return lines.reverse();
  }

  async all(): Promise<LogRecord[]> {
    return this.db.getAll('logs');
  }
}
