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
      <div class="row"><span class="label">Identifier</span><span><span class="value" data-test="identifier">${id?.identifier ?? '…'}</span>
        <span class="muted" data-test="identifier-kept">${id ? keptText(id.identifierKeptBy) : ''}</span></span></div>
      <div class="row"><span class="label">Version</span><span class="value" data-test="version">${id?.version ?? '…'}</span></div>
      <div class="row"><span class="label">Address</span><span class="value" data-test="address">${id?.address ?? '…'}</span></div>
      <div class="row"><span class="label">Served by</span><span data-test="served-by">${server
        ? server.mode === 'demo' ? 'the local server, demo mode (no Odoo configured)'
          : `the local server, forwarding to ${server.odooOrigin}${this.snapshot?.demo ? ' (with virtual devices)' : ''}`
        : 'the Odoo origin (or a proxy in front of it)'}</span></div>
      <div class="row"><span class="label">Storage</span><span data-test="storage" class=${this.storageClass()}>${this.storageText()}</span></div>
    `;
  }

  private storageClass(): string {
    if (this.persisted) return 'ok';
    // The demo runs in a plain tab: not persistent is what it gives until installed (troubleshooting says the same).
    return this.snapshot?.demo ? 'muted' : 'bad';
  }

  private storageText(): string {
    if (this.persisted === null) return '…';
    if (this.persisted) return 'persistent: the browser will not evict the queue and pairing';
    if (this.snapshot?.demo) return 'not persistent yet, as expected in the demo until the hub is installed as an app';
    return 'not persistent: the browser may clear the hub\'s data under storage pressure (install the app, or allow it in site settings)';
  }
}
customElements.define('hub-identity-section', IdentitySection);

/** What clearing the site's data does to the identifier, which is the hub's iot.box in Odoo. */
function keptText(keptBy: 'local-server' | 'browser'): string {
  return keptBy === 'local-server'
    ? 'kept by the local server: clearing this site\'s data keeps the same IoT box in Odoo'
    : 'kept in this browser profile only: clearing this site\'s data makes a new one, and Odoo then lists a new IoT box';
}
