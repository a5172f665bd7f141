import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';

/** "Pairing code": the code to type into the database's IoT app, while the hub is not paired. */
export class PairingSection extends LitElement {
  static properties = { snapshot: { attribute: false }, hub: { attribute: false }, now: { state: true } };
  static styles = [sectionStyles, css`.code { font: 600 28px/1.2 ui-monospace, monospace; letter-spacing: 0.15em; }`];
  declare snapshot: HubSnapshot | null;
  declare hub: HubRef | null;
  declare now: number;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.snapshot = null;
    this.hub = null;
    this.now = Date.now();
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
    return html`<h2>Pairing code</h2>${this.body(link?.paired ?? false, code)}`;
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
}
customElements.define('hub-pairing-section', PairingSection);
