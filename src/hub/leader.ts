/**
 * Exactly one window drives the devices (shared/protocol/devices.md: only one context can
 * claim a USB interface). Every window queues for the same Web Lock; the holder is the hub,
 * the others wait and take over by themselves when it closes, or on request by stealing it.
 */
export const HUB_LOCK_NAME = 'browser-iot-hub/leader';

export type LeaderRole = 'waiting' | 'hub' | 'lost';

export interface LeaderCallbacks {
  /** This window holds the lock: start the hub. A rejection releases the lock for another window. */
  onLeader(): Promise<void> | void;
  /** Another window stole the lock: stop driving devices at once. */
  onLost(): void;
}

export class LeaderElection {
  private release: (() => void) | null = null;
  private queued: AbortController | null = null;
  role: LeaderRole = 'waiting';

  constructor(
    private readonly callbacks: LeaderCallbacks,
    private readonly locks: LockManager = navigator.locks,
  ) {}

  /** Queue for the lock. Resolves once this window is the hub; rejects if the hub failed to start. */
  join(): Promise<void> {
    this.queued = new AbortController();
    return this.request({ signal: this.queued.signal });
  }

  /** Take the hub over from the window that holds it. */
  takeOver(): Promise<void> {
    this.queued?.abort();
    this.queued = null;
    return this.request({ steal: true });
  }

  /** Whether some window holds the lock (this one or another). */
  async held(): Promise<boolean> {
    const state = await this.locks.query();
    return (state.held ?? []).some((l) => l.name === HUB_LOCK_NAME);
  }

  stepDown(): void {
    this.release?.();
    this.release = null;
    this.role = 'waiting';
  }

  private request(options: LockOptions): Promise<void> {
    return new Promise<void>((becameHub, failed) => {
      // Per request: a queued request aborted to steal instead must not look like a lost lock.
      let granted = false;
      this.locks
        .request(HUB_LOCK_NAME, { mode: 'exclusive', ...options }, async () => {
          granted = true;
          this.role = 'hub';
          try {
            await this.callbacks.onLeader();
          } catch (error) {
            this.role = 'waiting';
            failed(error);
            return;
          }
          becameHub();
          await new Promise<void>((resolve) => (this.release = resolve));
        })
        .catch((error: unknown) => {
          if ((error as DOMException)?.name !== 'AbortError') return failed(error);
          // An AbortError on a granted request means another window stole the lock.
          if (!granted) return;
          this.role = 'lost';
          this.release = null;
          this.callbacks.onLost();
        });
    });
  }
}
