import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import { checkPairingProxyUrl, ODOO_PAIRING_PROXY } from '../odoo/iot/pairing-proxy-url.ts';

/** "Pairing code": the code to type into the database's IoT app, while the hub is not paired. */
export class PairingSection extends LitElement {
  static properties = {
    snapshot: { attribute: false }, hub: { attribute: false }, now: { state: true }, proxyMessage: { state: true }, proxyOk: { state: true },
  };
  static styles = [sectionStyles, css`
    .code { font: 600 28px/1.2 ui-monospace, monospace; letter-spacing: 0.15em; }
    details { margin-top: 8px; }
    summary { cursor: pointer; color: #666; }
    input { font: inherit; width: 100%; max-width: 28em; box-sizing: border-box; padding: 3px 6px; }
    .help { color: #666; font-size: 13px; margin: 4px 0; max-width: 40em; }
  `];
  declare snapshot: HubSnapshot | null;
  declare hub: HubRef | null;
  declare now: number;
  declare proxyMessage: string;
  declare proxyOk: boolean;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.snapshot = null;
    this.hub = null;
    this.now = Date.now();
    this.proxyMessage = '';
    this.proxyOk = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.ticker) clearInterval(this.ticker);
  }

  render() {
    const link = this.snapshot?.link;
    const code = link?.pairingCode;
    return html`<h2 class="title">Pairing code</h2>${this.body(link?.paired ?? false, code)}${this.proxyField()}`;
  }

  private proxyField() {
    const current = this.snapshot?.settings.pairingProxyUrl ?? '';
    return html`
      <details data-test="pairing-proxy">
        <summary>Pairing proxy: <span data-test="pairing-proxy-current">${current || this.sameOriginProxy()}</span></summary>
        <label for="proxy">Pairing proxy address</label>
        <input id="proxy" type="url" data-test="pairing-proxy-input" .value=${current} placeholder="empty: this hub's local server"
          aria-describedby="proxy-help" @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && void this.saveProxy()}>
        <div class="help" id="proxy-help">Where the hub asks for a pairing code. Leave it empty: the hub's local server
          forwards the requests to Odoo's pairing proxy (${ODOO_PAIRING_PROXY}). Type an address only for another
          proxy that answers browsers directly (cross-origin), such as a test proxy: its base address, https:// unless
          it runs on this computer.</div>
        <button data-test="pairing-proxy-save" @click=${() => void this.saveProxy()}>Save</button>
        ${this.proxyMessage ? html`<div class=${this.proxyOk ? 'ok' : 'bad'} data-test="pairing-proxy-message">${this.proxyMessage}</div>` : ''}
      </details>`;
  }

  private async saveProxy() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#proxy');
    if (!input || !this.hub) return;
    const check = checkPairingProxyUrl(input.value);
    if (!check.ok) {
      this.proxyOk = false;
      this.proxyMessage = check.message;
      return;
    }
    try {
      await this.hub.api.setSetting('pairingProxyUrl', check.value);
      // A code from the old proxy means nothing to the new one: ask the new one at once.
      if (!this.snapshot?.link.paired) await this.hub.api.link.newPairingCode();
      input.value = check.value;
      this.proxyOk = true;
      this.proxyMessage = check.value ? `Saved: pairing codes now come from ${check.value}.` : 'Saved: pairing codes come through this hub\'s local server.';
    } catch (error) {
      this.proxyOk = false;
      this.proxyMessage = `Not saved: ${(error as Error).message}`;
    }
  }

  private body(paired: boolean, code: NonNullable<HubSnapshot['link']>['pairingCode'] | undefined) {
    if (paired) return html`<div class="muted" data-test="pairing-code-state">Not needed: the hub is connected to a database.</div>`;
    if (!code || code.state === 'off') return html`<div class="muted" data-test="pairing-code-state">No pairing code.</div>`;
    if (code.state === 'requesting') {
      return html`<div class="muted" data-test="pairing-code-state">Asking the pairing proxy for a code…</div>
        ${code.problem ? html`<div class="bad">${code.problem}</div>` : ''}`;
    }
    if (code.state === 'expired') {
      return html`<div class="bad" data-test="pairing-code-state">${code.message}</div>
        <button data-test="new-code" @click=${() => void this.hub?.api.link.newPairingCode()}>New code</button>`;
    }
    const left = Math.max(0, Math.ceil((code.until - this.now) / 1000));
    return html`
      <div class="row"><span class="code" data-test="pairing-code">${code.code}</span></div>
      <div class="muted" data-test="pairing-code-state">In Odoo, open the IoT app, click <b>Connect</b> and enter this code
        (${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left).</div>`;
  }

  /** Where an empty proxy address leads: through this hub's own origin, which forwards it on. */
  private sameOriginProxy(): string {
    const server = this.snapshot?.localServer;
    if (server?.mode === 'demo') return "this hub's local server (forwards to the demo's simulated pairing proxy)";
    if (server) return `this hub's local server (forwards to its --pairing-proxy, ${ODOO_PAIRING_PROXY} by default)`;
    return `this hub's origin (your reverse proxy must forward /odoo-enterprise/iot/ to ${ODOO_PAIRING_PROXY})`;
  }
}
customElements.define('hub-pairing-section', PairingSection);
