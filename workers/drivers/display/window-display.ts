import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent } from '../../../src/hub/devices.ts';
import type { ScopedLogger } from '../../../src/hub/logger.ts';
import { registerSecret } from '../../../src/hub/redact.ts';

/** What the hub window does for the worker: the customer display is a window only a window can open. */
export interface DisplayWindowHost {
  /** Opens the managed display window (or navigates it) to `url`; throws when the browser refused. */
  showDisplay(url: string): Promise<void>;
  refreshDisplay(): Promise<void>;
  closeDisplay(): Promise<void>;
}

/** Ids and tokens are short; anything longer is not what the POS sends. */
const MAX_TOKEN_LENGTH = 256;
const MAX_URL_LENGTH = 4096;

/**
 * The hub's own second window as Odoo's `display` device (the box's DisplayDriver with a browser
 * window instead of a kiosk screen). `open {pos_id, access_token}` shows the POS customer
 * display: point_of_sale serves it at `/pos_customer_display/<config id>/<display identifier>`
 * and checks `access_token` as a query parameter (controllers/customer_display.py), so the token
 * goes in the query, not in the path as odoo-iot.md §7 says. `set {data}` keeps the order data
 * as the box does (the customer display page fetches the order itself).
 */
export class WindowDisplayDevice implements Device {
  private url = '';
  /** The POS's last `set` data, kept like the box's `customer_display_data`. */
  customerDisplayData: unknown = null;

  constructor(
    readonly description: DeviceDescription,
    private readonly host: DisplayWindowHost,
    private readonly serverUrl: () => string,
    private readonly log: ScopedLogger,
  ) {}

  get shownUrl(): string {
    return this.url;
  }

  async run(request: ActionRequest): Promise<ActionOutcome> {
    const data = request.data;
    switch (request.action) {
      case 'open': {
        const posId = String(data.pos_id ?? '');
        const token = typeof data.access_token === 'string' ? data.access_token : '';
        if (!/^\d{1,12}$/.test(posId)) return { status: 'error', result: 'open needs the POS id (pos_id)' };
        if (!token || token.length > MAX_TOKEN_LENGTH || !/^[\w.~-]+$/.test(token)) return { status: 'error', result: 'open needs the POS access token (access_token)' };
        const server = this.serverUrl();
        if (!server) return { status: 'error', result: 'the hub is not paired with an Odoo database: no customer display to open' };
        registerSecret(token);
        const url = new URL(`/pos_customer_display/${posId}/${encodeURIComponent(this.description.identifier)}`, server);
        url.searchParams.set('access_token', token);
        return this.show(url.href);
      }
      case 'update_url': {
        const url = typeof data.url === 'string' ? parseWebUrl(data.url) : null;
        if (!url) return { status: 'error', result: 'update_url needs an http(s) url' };
        return this.show(url);
      }
      case 'display_refresh':
        return this.call(() => this.host.refreshDisplay());
      case 'close': {
        const outcome = await this.call(() => this.host.closeDisplay());
        if (outcome.status === 'success') this.url = '';
        return outcome;
      }
      case 'set':
        if (data.data === undefined || data.data === null || data.data === '') return { status: 'error', result: 'set needs the order data' };
        this.customerDisplayData = data.data;
        return { status: 'success', result: true };
      case 'rotate_screen':
      case 'open_kiosk':
        return { status: 'error', result: `${request.action} is not possible from a browser window: rotate the screen in the operating system` };
      case '':
        return { status: 'success', result: { url: this.url } };
      default:
        return { status: 'error', result: `${this.description.name} has no action "${request.action}"` };
    }
  }

  onEvent(_listener: (event: DeviceEvent) => void): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    await this.host.closeDisplay().catch(() => undefined);
  }

  private async show(url: string): Promise<ActionOutcome> {
    const outcome = await this.call(() => this.host.showDisplay(url));
    if (outcome.status === 'success') this.url = url;
    return outcome;
  }

  private async call(operation: () => Promise<void>): Promise<ActionOutcome> {
    try {
      await operation();
      return { status: 'success', result: true };
    } catch (error) {
      const message = `the customer display window: ${(error as Error).message}`;
      this.log.warning(`${this.description.name}: ${message}`);
      return { status: 'error', result: message };
    }
  }
}

function parseWebUrl(text: string): string | null {
  if (text.length > MAX_URL_LENGTH) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
