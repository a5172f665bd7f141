import { LitElement, html } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubSnapshot } from './hub-api.ts';

export class IdentitySection extends LitElement {
  static properties = { snapshot: { attribute: false }, persisted: { attribute: false } };
  static styles = sectionStyles;
  declare snapshot: HubSnapshot | null;
  declare persisted: boolean | null;

  constructor() {
    super();
    this.snapshot = null;
    this.persisted = null;
  }

  render() {
    const id = this.snapshot?.identity;
    const server = this.snapshot?.localServer;
    return html`
      <h2 class="title">This hub</h2>
      <div class="row"><span class="label">Identifier</span><span class="value" data-test="identifier">${id?.identifier ?? '…'}</span></div>
      <div class="row"><span class="label">Version</span><span class="value" data-test="version">${id?.version ?? '…'}</span></div>
      <div class="row"><span class="label">Address</span><span class="value" data-test="address">${id?.address ?? '…'}</span></div>
      <div class="row"><span class="label">Served by</span><span>${server
        ? server.mode === 'demo' ? 'the local server, demo mode (no Odoo configured)' : `the local server, forwarding to ${server.odooOrigin}`
        : 'the Odoo origin (or a proxy in front of it)'}</span></div>
      <div class="row"><span class="label">Storage</span><span data-test="storage" class=${this.persisted ? 'ok' : 'bad'}>${
        this.persisted === null ? '…' : this.persisted
          ? 'persistent: the browser will not evict the queue and pairing'
          : 'not persistent: the browser may clear the hub\'s data under storage pressure (install the app, or allow it in site settings)'}</span></div>
    `;
  }
}
customElements.define('hub-identity-section', IdentitySection);
