import { LitElement, html, css } from 'lit';
import type { HubRef } from './hub-api.ts';

/** How often the homepage asks a scale for its weight while shown. */
const REFRESH_MS = 500;

type Reading = Awaited<ReturnType<HubRef['api']['scaleReading']>>;

/** A scale's live weight and status, read while the homepage is visible. */
export class ScaleWeight extends LitElement {
  static properties = { hub: { attribute: false }, identifier: {}, reading: { state: true } };
  static styles = css`
    .weight { font: 600 20px ui-monospace, monospace; }
    .bad { color: #d9534f; }
  `;
  declare hub: HubRef | null;
  declare identifier: string;
  declare reading: Reading;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    super();
    this.hub = null;
    this.identifier = '';
    this.reading = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.poll();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll() {
    this.timer = null;
    if (this.hub && this.identifier && document.visibilityState === 'visible') {
      this.reading = await this.hub.api.scaleReading(this.identifier).catch(() => null);
    }
    if (this.isConnected) this.timer = setTimeout(() => void this.poll(), REFRESH_MS);
  }

  render() {
    const r = this.reading;
    if (!r) return html`<span class="weight" data-test="weight">…</span>`;
    const problem = r.status.status !== 'connected';
    return html`<span class="weight" data-test="weight">${r.weight.toFixed(3)} kg</span>
      ${problem ? html` <span class="bad" data-test="weight-status">${r.status.message_title || r.status.status}</span>` : ''}`;
  }
}

customElements.define('hub-scale-weight', ScaleWeight);
