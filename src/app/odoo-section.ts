import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';

const REGISTRATION_TEXT = {
  unpaired: 'not connected',
  registering: 'registering…',
  registered: 'registered',
  retrying: 'waiting for the server',
  refused: 'refused by the database',
} as const;

/**
 * What Disconnect does, as the IoT box does it (iot_drivers `helpers.disconnect_from_server`
 * clears the box's own configuration and tells the server nothing).
 */
export const DISCONNECT_HELP =
  'Disconnect forgets the database on this hub only, as an IoT box does: Odoo is not told. ' +
  'The IoT app keeps the hub (shown disconnected) until you delete it there; ' +
  'to connect again, paste a new token or enter the pairing code.';

/** "Odoo database connected": the pairing, its health, and the Configure / Disconnect actions. */
export class OdooSection extends LitElement {
  static properties = {
    snapshot: { attribute: false }, hub: { attribute: false }, message: { state: true }, ok: { state: true }, busy: { state: true },
  };
  static styles = [sectionStyles, css`
    dialog { max-width: 36em; width: 90%; border: 1px solid #ccc; border-radius: 6px; }
    textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, monospace; font-size: 12px; }
    .actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 8px; }
  `];
  declare snapshot: HubSnapshot | null;
  declare hub: HubRef | null;
  declare message: string;
  declare ok: boolean;
  declare busy: boolean;

  constructor() {
    super();
    this.snapshot = null;
    this.hub = null;
    this.message = '';
    this.ok = false;
    this.busy = false;
  }

  render() {
    const link = this.snapshot?.link;
    const registration = link?.registration;
    return html`
      <h2 class="title" data-test="odoo-heading">${link?.paired ? 'Odoo database: connected' : 'Odoo database: not connected'}</h2>
      ${link?.paired ? html`
        <div class="row"><span class="label">Database</span><span class="value" data-test="odoo-server">${link.serverUrl}${link.dbName ? ` (${link.dbName})` : ''}</span></div>
        <div class="row"><span class="label">Registration</span><span data-test="registration" class=${registration?.state === 'registered' ? 'ok' : 'bad'}>${REGISTRATION_TEXT[registration?.state ?? 'unpaired']}</span></div>
        <div class="row"><span class="label">Bus</span><span data-test="bus-state" class=${link.bus.state === 'open' ? 'ok' : 'muted'}>${link.bus.state}</span>
          <span class="muted">${link.bus.detail}</span></div>
        <div class="row"><span class="label">POS channels (WebRTC)</span><span data-test="rtc-channels">${link.channels}</span></div>`
      : html`<div class="muted" data-test="odoo-server">Not connected to a database: paste a connection token, or enter the pairing code below in the IoT app.</div>`}
      ${registration?.message ? html`<div class="bad" data-test="registration-message">${registration.message}</div>` : ''}
      ${link?.serverNotice ? html`<div class="bad" data-test="server-notice">${link.serverNotice}</div>` : ''}
      <div class="row">
        <button class="primary" data-test="configure" @click=${this.open}>Configure</button>
        ${link?.paired ? html`<button data-test="disconnect" ?disabled=${this.busy} @click=${this.disconnect}>Disconnect</button>` : ''}
      </div>
      ${link?.paired ? html`<div class="muted" data-test="disconnect-help">${DISCONNECT_HELP}</div>` : ''}
      <dialog>
        <h2>Connect to an Odoo database</h2>
        <p>In Odoo, open the IoT app, click <b>Connect</b> and copy the token; paste it here.</p>
        <textarea rows="4" data-test="token-input" placeholder="https://your-odoo.example.com?token=…&db_uuid=…&enterprise_code=…&db_name=…"></textarea>
        ${this.message ? html`<div class=${this.ok ? 'ok' : 'bad'} data-test="token-message">${this.message}</div>` : ''}
        <div class="actions">
          <button @click=${this.close}>Close</button>
          <button class="primary" data-test="connect" ?disabled=${this.busy} @click=${this.connect}>Connect</button>
        </div>
      </dialog>
    `;
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  private open() {
    this.message = '';
    this.dialog.showModal();
  }

  private close() {
    this.dialog.close();
  }

  private async connect() {
    const input = this.renderRoot.querySelector('textarea')!;
    if (!this.hub) return;
    this.busy = true;
    this.message = '';
    try {
      const { ok, message } = await this.hub.api.link.configure(input.value);
      this.ok = ok;
      this.message = message;
      if (ok) input.value = '';
    } catch (error) {
      this.ok = false;
      this.message = `The hub could not use this token: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  private async disconnect() {
    if (!this.hub || !confirm(`Disconnect from this database? ${DISCONNECT_HELP}`)) return;
    this.busy = true;
    try {
      await this.hub.api.link.disconnect();
    } finally {
      this.busy = false;
    }
  }
}
customElements.define('hub-odoo-section', OdooSection);
