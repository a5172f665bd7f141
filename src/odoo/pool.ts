import { OdooError } from './errors.ts';

export const DEFAULT_POOL_SIZE = 3;
/** How long a call may wait for a free connection before it fails. */
export const DEFAULT_POOL_WAIT_MS = 30_000;

export interface PoolOptions<T> {
  /** The connection's name, for messages. */
  name: string;
  size: number;
  maxWaitMs?: number;
  /** Makes one member (a logged-in client); called lazily, at most `size` times. */
  create: () => T;
}

interface Waiter<T> {
  grant: (member: T) => void;
  fail: (error: OdooError) => void;
}

/**
 * At most `size` calls in flight per connection. Further calls wait in order of arrival, each at
 * most `maxWaitMs`, then fail with "no free connection to <name> after N s". Closing the pool
 * fails every waiting call at once and refuses new ones; calls in flight finish.
 */
export class ConnectionPool<T> {
  private readonly idle: T[] = [];
  private readonly waiting: Waiter<T>[] = [];
  private busy = 0;
  private closedReason: string | null = null;

  constructor(private readonly options: PoolOptions<T>) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`pool size must be a positive integer, not ${options.size}`);
  }

  get inFlight(): number {
    return this.busy;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async use<R>(run: (member: T) => Promise<R>): Promise<R> {
    const member = await this.acquire();
    try {
      return await run(member);
    } finally {
      this.release(member);
    }
  }

  close(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    const error = this.closedError();
    for (const waiter of this.waiting.splice(0)) waiter.fail(error);
    this.idle.length = 0;
  }

  private acquire(): Promise<T> {
    if (this.closedReason !== null) return Promise.reject(this.closedError());
    if (this.busy < this.options.size && this.waiting.length === 0) {
      this.busy++;
      return Promise.resolve(this.idle.pop() ?? this.make());
    }
    const maxWaitMs = this.options.maxWaitMs ?? DEFAULT_POOL_WAIT_MS;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        grant: (member) => {
          clearTimeout(timer);
          resolve(member);
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new OdooError('pool-timeout', `no free connection to ${this.options.name} after ${formatSeconds(maxWaitMs)} s (all ${this.options.size} busy)`));
      }, maxWaitMs);
      this.waiting.push(waiter);
    });
  }

  /** A freed member goes straight to the first waiter, so order of arrival holds. */
  private release(member: T): void {
    if (this.closedReason !== null) {
      this.busy--;
      return;
    }
    const next = this.waiting.shift();
    if (next) next.grant(member);
    else {
      this.busy--;
      this.idle.push(member);
    }
  }

  private make(): T {
    return this.options.create();
  }

  private closedError(): OdooError {
    return new OdooError('pool-closed', `the connection ${this.options.name} ${this.closedReason}`);
  }
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
