import { Workbox } from 'workbox-window';

const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export type UpdateState = 'current' | 'available' | 'waiting-for-idle' | 'applying';

/** The part of workbox-window's `Workbox` the controller uses. */
export type ServiceWorkerHandle = Pick<Workbox, 'addEventListener' | 'register' | 'update' | 'messageSkipWaiting'>;

/**
 * Registers the service worker and applies new versions: automatically once the hub is idle
 * (no job running), or when the user clicks, as the "Automatic update" switch says.
 */
export class UpdateController extends EventTarget {
  state: UpdateState = 'current';
  /** True once the service worker is registered and new versions are being watched for. */
  watching = false;
  constructor(
    private readonly wb: ServiceWorkerHandle,
    private readonly policy: { automatic(): boolean; whenIdle(): Promise<void> | null },
    private readonly reload = () => window.location.reload(),
  ) {
    super();
    this.wb.addEventListener('waiting', () => {
      this.set('available');
      if (this.policy.automatic()) void this.apply();
    });
    // Every window reloads onto a new version once it controls them. The first install also
    // takes control (clientsClaim) but changes nothing the page runs: no reload then. A
    // version found after this page loaded counts as "external" to workbox-window, so a known
    // waiting version counts as an update too.
    this.wb.addEventListener('controlling', (event) => {
      if (event.isUpdate || this.state !== 'current') this.reload();
    });
  }

  static forScript(scriptUrl: string, policy: UpdateController['policy']): UpdateController {
    return new UpdateController(new Workbox(scriptUrl, { scope: './' }), policy);
  }

  async register(): Promise<void> {
    await this.wb.register();
    this.watching = true;
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
