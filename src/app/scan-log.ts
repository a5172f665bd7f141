import { LitElement, html, css } from 'lit';
import type { HubSnapshot } from './hub-api.ts';

type KeptEvent = HubSnapshot['recentEvents'][string][number];

/** GS1's FNC1 separator as it travels in the text: invisible, so the log marks it `<GS>` (zxing-cpp's escaped notation). */
const GS = '\u001d';
const shown = (text: string) => text.split(GS).map((part, i) => (i === 0 ? part : html`<span class="gs">&lt;GS&gt;</span>${part}`));

/**
 * The last scans of one scanner (or camera), newest first, with the symbology when the device
 * knows it (the camera does: "EAN-13 4006381333931"); warnings say what was not a scan.
 */
export class ScanLog extends LitElement {
  static properties = { events: { attribute: false } };
  static styles = css`
    ol { margin: 4px 0; padding-left: 1.2em; font-family: ui-monospace, monospace; max-height: 10em; overflow: auto; }
    .time { color: #888; margin-right: 0.6em; }
    .warning { color: #b8860b; font-style: italic; }
    .symbology { color: #714b67; font-family: system-ui, sans-serif; font-size: 0.85em; }
    .gs { color: #888; font-size: 0.8em; }
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
        ? html`${e.symbology ? html`<span class="symbology" data-test="symbology">${e.symbology}</span> ` : ''}<span data-test="scan"
            title=${String(e.outcome.result).includes(GS) ? 'GS1 data: <GS> marks each group separator (GS, 0x1D) in the text sent to Odoo' : ''}>${shown(String(e.outcome.result))}</span>`
        : html`<span class="warning">${e.outcome.message ?? e.outcome.status}</span>`}</li>`)}
    </ol>`;
  }
}

customElements.define('hub-scan-log', ScanLog);
