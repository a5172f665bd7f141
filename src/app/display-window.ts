/** The window's name: opening it again reuses the same window instead of stacking new ones. */
const DISPLAY_WINDOW_NAME = 'hub-customer-display';

type Opener = (url: string, target: string, features: string) => Window | null;

/**
 * The customer display window the hub manages for the worker's `display` device. Browsers open
 * windows only on a user gesture unless pop-ups are allowed for the hub, so the homepage offers
 * a button that opens it once; after that Odoo's `open` and `update_url` navigate it. On a
 * second screen when the Window Management permission was granted.
 */
export class DisplayWindow {
  private win: Window | null = null;
  private url = 'about:blank';

  constructor(private readonly opener: Opener = (url, target, features) => window.open(url, target, features)) {}

  get isOpen(): boolean {
    return !!this.win && !this.win.closed;
  }

  /** From a click on the homepage: opens the window (blank until Odoo says what to show). */
  async openFromGesture(): Promise<void> {
    await this.showDisplay(this.url);
  }

  async showDisplay(url: string): Promise<void> {
    if (this.win && !this.win.closed) {
      // A window we opened may be navigated by us even on another origin.
      this.win.location.href = url;
    } else {
      const win = this.opener(url, DISPLAY_WINDOW_NAME, await placement());
      if (!win) throw new Error('the browser blocked the window: allow pop-ups for the hub, or click "Open the customer display" on the hub page once');
      // The shown page must not be able to navigate the hub window back.
      win.opener = null;
      this.win = win;
    }
    this.url = url;
  }

  async refreshDisplay(): Promise<void> {
    if (!this.win || this.win.closed) throw new Error('no customer display window is open');
    // reload() is refused on another origin; navigating to the same address is allowed.
    this.win.location.href = this.url;
  }

  async closeDisplay(): Promise<void> {
    this.win?.close();
    this.win = null;
    this.url = 'about:blank';
  }
}

/** A popup, full size on the first secondary screen when the browser may tell where it is. */
async function placement(): Promise<string> {
  const features = ['popup'];
  try {
    const state = await navigator.permissions.query({ name: 'window-management' as PermissionName });
    const details = state.state === 'granted' && 'getScreenDetails' in window
      ? await (window as unknown as { getScreenDetails(): Promise<{ screens: Array<{ isPrimary: boolean; availLeft: number; availTop: number; availWidth: number; availHeight: number }> }> }).getScreenDetails()
      : null;
    const screen = details?.screens.find((s) => !s.isPrimary);
    if (screen) features.push(`left=${screen.availLeft}`, `top=${screen.availTop}`, `width=${screen.availWidth}`, `height=${screen.availHeight}`);
  } catch {
    // No Window Management API: the window opens where the browser puts it.
  }
  return features.join(',');
}
