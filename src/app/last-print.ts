import { LitElement, html, css } from 'lit';
import type { HubRef } from './hub-api.ts';

/** The last receipt a printer printed, as the hub sent it, fetched again whenever `stamp` changes. */
export class LastPrint extends LitElement {
  static properties = { hub: { attribute: false }, identifier: {}, stamp: { type: Number }, url: { state: true } };
  static styles = css`
    img { display: block; max-width: 192px; max-height: 320px; object-fit: contain; object-position: top; border: 1px solid #ccc; background: #fff; margin: 4px 0; image-rendering: pixelated; }
  `;
  declare hub: HubRef | null;
  declare identifier: string;
  declare stamp: number;
  declare url: string;

  constructor() {
    super();
    this.hub = null;
    this.identifier = '';
    this.stamp = 0;
    this.url = '';
  }

  protected updated(changed: Map<string, unknown>) {
    if (changed.has('stamp') || changed.has('identifier') || changed.has('hub')) void this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = '';
  }

  private async load() {
    if (!this.hub || !this.identifier) return;
    const blob = await this.hub.api.lastPrintImage(this.identifier);
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = blob ? URL.createObjectURL(blob) : '';
  }

  render() {
    return this.url ? html`<img data-test="last-print" alt="Last receipt printed" src=${this.url}>` : '';
  }
}

customElements.define('hub-last-print', LastPrint);
