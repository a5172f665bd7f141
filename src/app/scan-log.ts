import { LitElement, html, css } from 'lit';
import type { HubSnapshot } from './hub-api.ts';

type KeptEvent = HubSnapshot['recentEvents'][string][number];

/** The last scans of one scanner (or camera), newest first; warnings say what was not a scan. */
export class ScanLog extends LitElement {
  static properties = { events: { attribute: false } };
  static styles = css`
    ol { margin: 4px 0; padding-left: 1.2em; font-family: ui-monospace, monospace; max-height: 10em; overflow: auto; }
    .time { color: #888; margin-right: 0.6em; }
    .warning { color: #b8860b; font-style: italic; }
  `;
  declare events: KeptEvent[];

  constructor() {
    super();
    this.events = [];
  }

  render() {
    if (this.events.length === 0) return html`<div class="time">No scan yet.</div>`;
    return html`<ol data-test="scan-log" reversed>
      ${[...this.events].reverse().map((e) => html`<li><span class="time">${new Date(e.time).toLocaleTimeString()}</span>${e.outcome.status === 'success'
        ? html`<span data-test="scan">${String(e.outcome.result)}</span>`
        : html`<span class="warning">${e.outcome.message ?? e.outcome.status}</span>`}</li>`)}
    </ol>`;
  }
}

customElements.define('hub-scan-log', ScanLog);
