import { Workbox } from 'workbox-window';

const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export type UpdateState = 'current' | 'available' | 'waiting-for-idle' | 'applying';

/**
 * Registers the service worker and applies new versions: automatically once the hub is idle
 * (no job running), or when the user clicks, as the "Automatic update" switch says.
 */
export class UpdateController extends EventTarget {
  state: UpdateState = 'current';
  private readonly wb: Workbox;

  constructor(
    scriptUrl: string,
    private readonly policy: { automatic(): boolean; whenIdle(): Promise<void> | null },
  ) {
    super();
    this.wb = new Workbox(scriptUrl, { scope: './' });
    this.wb.addEventListener('waiting', () => {
      this.set('available');
      if (this.policy.automatic()) void this.apply();
    });
    // Every window reloads onto the new version once it controls them.
    this.wb.addEventListener('controlling', () => window.location.reload());
  }

  async register(): Promise<void> {
    await this.wb.register();
    setInterval(() => void this.wb.update(), UPDATE_CHECK_INTERVAL_MS);
  }

  /** Applies the waiting version once the hub is idle. A window that is not the hub never applies by itself. */
  async apply(): Promise<void> {
    if (this.state !== 'available') return;
    const idle = this.policy.whenIdle();
    if (!idle) return;
    this.set('waiting-for-idle');
    await idle;
    this.set('applying');
    this.wb.messageSkipWaiting();
  }

  /** The user's click: applies now even from a viewer window. */
  applyNow(): void {
    this.set('applying');
    this.wb.messageSkipWaiting();
  }

  private set(state: UpdateState) {
    this.state = state;
    this.dispatchEvent(new Event('change'));
  }
}
