import { LitElement, html, css, nothing } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import type { ConnectionInput, ConnectionView, PingResult } from '../../workers/connections-service.ts';

type Protocol = ConnectionInput['protocol'];
type Mode = { kind: 'list' } | { kind: 'create' } | { kind: 'edit'; id: string } | { kind: 'password'; id: string } | { kind: 'delete'; id: string };

const PROTOCOL_HELP: Record<Protocol, string> = {
  'JSON-RPC': 'JSON-RPC over http (/jsonrpc). Deprecated from Odoo 19, removed in 22.',
  'JSON-RPCS': 'JSON-RPC over https.',
  'XML-RPC': 'XML-RPC over http (/xmlrpc/2). Deprecated from Odoo 19, removed in 22.',
  'XML-RPCS': 'XML-RPC over https.',
  'JSON-2': 'Odoo 19+ (/json/2), with an API key as the password; https on ports 443 and 8443, http otherwise.',
};

const FIELD_HELP = {
  name: 'A unique name for this connection, e.g. "Shop HQ".',
  host: 'Host name or IP address of the Odoo server, without http:// (the protocol chooses).',
  port: 'Odoo listens on 8069 by default; 443 behind an https proxy.',
  database: 'The Odoo database name (Settings → the database selector, or the subdomain on odoo.com).',
  user: 'The login of the Odoo user this connection acts as.',
  poolSize: 'How many calls may run at once; further calls wait their turn.',
};

/** The "Odoo connections" homepage section: outgoing connection definitions, ping, password. */
export class ConnectionsSection extends LitElement {
  static properties = {
    hub: { attribute: false }, snapshot: { attribute: false },
    connections: { state: true }, mode: { state: true }, problem: { state: true }, busy: { state: true }, pingResults: { state: true },
  };
  static styles = [sectionStyles, css`
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
    form { display: grid; grid-template-columns: 11em 1fr; gap: 6px 12px; margin: 8px 0; align-items: start; }
    label { color: #555; padding-top: 4px; }
    input, select { font: inherit; padding: 3px 6px; width: 100%; box-sizing: border-box; }
    input[type=checkbox] { width: auto; }
    .help { grid-column: 2; color: #888; font-size: 12px; margin-top: -4px; }
    .actions { grid-column: 2; display: flex; gap: 8px; }
    .inline { display: flex; gap: 6px; flex-wrap: wrap; }
  `];
  declare hub: HubRef | null;
  declare snapshot: HubSnapshot | null;
  declare connections: ConnectionView[];
  declare mode: Mode;
  declare problem: string;
  declare busy: boolean;
  declare pingResults: Record<string, PingResult>;
  /** Whether the list was loaded once (the first load waits for the page to be idle). */
  private listed = false;

  constructor() {
    super();
    this.hub = null;
    this.snapshot = null;
    this.connections = [];
    this.mode = { kind: 'list' };
    this.problem = '';
    this.busy = false;
    this.pingResults = {};
  }

  /** The worker announces changes through the snapshot; reload the list whenever it comes. */
  updated(changed: Map<string, unknown>) {
    if (!changed.has('snapshot') && !changed.has('hub')) return;
    // The connection code loads with the first list: not before the homepage is idle.
    if (this.listed) void this.reload();
    else requestIdleCallback(() => void this.reload());
  }

  async reload() {
    if (!this.hub) return;
    this.connections = await this.hub.api.connections.list();
    this.listed = true;
  }

  render() {
    return html`
      <h2 class="title">Odoo connections</h2>
      ${this.renderList()}
      ${this.problem ? html`<div class="bad" data-test="connection-problem">${this.problem}</div>` : nothing}
      ${this.renderMode()}
    `;
  }

  private renderList() {
    if (this.connections.length === 0) return html`<div class="muted">No outgoing connection defined yet.</div>`;
    return html`<table data-test="connections">
      <tr><th>Name</th><th>Target</th><th>Last ping</th><th></th></tr>
      ${this.connections.map((c) => {
        const ping = this.pingResults[c.id] ?? c.lastPing;
        return html`<tr data-test="connection" data-name=${c.name}>
          <td><b>${c.name}</b>${c.isActive ? '' : html` <span class="muted">(inactive)</span>`}</td>
          <td class="value">${c.protocol} ${c.host}:${c.port} / ${c.database} as ${c.user} · pool ${c.poolSize}</td>
          <td data-test="ping-status" class=${ping ? (ping.ok ? 'ok' : 'bad') : 'muted'}>${ping ? ping.text : 'never pinged'}${
            ping?.serverVersion ? html`<br><span class="muted" data-test="server-version">Odoo ${ping.serverVersion}</span>` : nothing}</td>
          <td class="inline">
            <button data-test="ping" ?disabled=${this.busy} @click=${() => this.ping(c.id)}>Ping</button>
            <button data-test="edit" @click=${() => this.show({ kind: 'edit', id: c.id })}>Edit</button>
            <button data-test="change-password" @click=${() => this.show({ kind: 'password', id: c.id })}>Change password</button>
            <button data-test="delete" @click=${() => this.show({ kind: 'delete', id: c.id })}>Delete</button>
          </td></tr>`;
      })}
    </table>`;
  }

  private renderMode() {
    const mode = this.mode;
    if (mode.kind === 'list') return html`<div class="row"><button class="primary" data-test="create" @click=${() => this.show({ kind: 'create' })}>New connection</button></div>`;
    if (mode.kind === 'create') return this.renderForm(null);
    const connection = this.connections.find((c) => c.id === mode.id);
    if (!connection) return nothing;
    if (mode.kind === 'edit') return this.renderForm(connection);
    if (mode.kind === 'password') {
      return html`<form data-test="password-form" @submit=${(e: Event) => this.changePassword(e, connection.id)}>
        <label>Password or API key</label><input name="password" type="password" autocomplete="new-password" required>
        <label>Again</label><input name="again" type="password" autocomplete="new-password" required>
        <div class="help">Sets the secret of "${connection.name}". It is kept in this browser's storage, never shown or logged.</div>
        <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>Set password</button>
          <button type="button" @click=${() => this.show({ kind: 'list' })}>Cancel</button></div>
      </form>`;
    }
    return html`<div class="row" data-test="delete-confirm">Delete "${connection.name}"? Calls waiting for it will fail.
      <button class="primary" data-test="confirm-delete" @click=${() => this.deleteConnection(connection.id)}>Delete</button>
      <button @click=${() => this.show({ kind: 'list' })}>Cancel</button></div>`;
  }

  private renderForm(c: ConnectionView | null) {
    return html`<form data-test="connection-form" @submit=${(e: Event) => this.save(e, c?.id ?? null)}>
      <label>Name</label><input name="name" required .value=${c?.name ?? ''}><div class="help">${FIELD_HELP.name}</div>
      <label>Active</label><input name="isActive" type="checkbox" .checked=${c?.isActive ?? true}>
      <div class="help">Inactive connections refuse calls; deactivating ends calls waiting for it.</div>
      <label>Protocol</label><select name="protocol">${(Object.keys(PROTOCOL_HELP) as Protocol[]).map((p) =>
        html`<option value=${p} ?selected=${(c?.protocol ?? 'JSON-RPC') === p}>${p}</option>`)}</select>
      <div class="help">${Object.entries(PROTOCOL_HELP).map(([p, h]) => html`<b>${p}</b>: ${h}<br>`)}</div>
      <label>Host</label><input name="host" required .value=${c?.host ?? ''} placeholder="shop.odoo.com"><div class="help">${FIELD_HELP.host}</div>
      <label>Port</label><input name="port" type="number" min="1" max="65535" .value=${String(c?.port ?? 8069)}><div class="help">${FIELD_HELP.port}</div>
      <label>Database</label><input name="database" required .value=${c?.database ?? ''}><div class="help">${FIELD_HELP.database}</div>
      <label>User</label><input name="user" required .value=${c?.user ?? ''} autocomplete="off"><div class="help">${FIELD_HELP.user}</div>
      <label>Pool size</label><input name="poolSize" type="number" min="1" max="32" .value=${String(c?.poolSize ?? 3)}><div class="help">${FIELD_HELP.poolSize}</div>
      ${c ? html`<label>Password</label><span class="value">${'****'}</span><div class="help">Use "Change password" to set it.</div>`
        : html`<div class="help">The new connection gets a random password, so it cannot log in until you use "Change password".</div>`}
      <div class="actions"><button class="primary" type="submit" data-test="save" ?disabled=${this.busy}>${c ? 'Save' : 'Create'}</button>
        <button type="button" @click=${() => this.show({ kind: 'list' })}>Cancel</button></div>
    </form>`;
  }

  private show(mode: Mode) {
    this.problem = '';
    this.mode = mode;
  }

  private async run(action: () => Promise<unknown>) {
    this.busy = true;
    this.problem = '';
    try {
      await action();
      await this.reload();
      return true;
    } catch (error) {
      this.problem = (error as Error).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async save(event: Event, id: string | null) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const input: ConnectionInput = {
      name: String(form.get('name') ?? ''),
      isActive: form.get('isActive') === 'on',
      host: String(form.get('host') ?? ''),
      port: Number(form.get('port') || 8069),
      database: String(form.get('database') ?? ''),
      user: String(form.get('user') ?? ''),
      protocol: String(form.get('protocol')) as Protocol,
      poolSize: Number(form.get('poolSize') || 3),
    };
    const api = this.hub!.api.connections;
    if (await this.run(() => (id ? api.update(id, input) : api.create(input)))) this.mode = { kind: 'list' };
  }

  private async changePassword(event: Event, id: string) {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    const ok = await this.run(() => this.hub!.api.connections.changePassword(id, String(form.get('password') ?? ''), String(form.get('again') ?? '')));
    formElement.reset();
    if (ok) this.mode = { kind: 'list' };
  }

  private async deleteConnection(id: string) {
    if (await this.run(() => this.hub!.api.connections.remove(id))) this.mode = { kind: 'list' };
  }

  private async ping(id: string) {
    await this.run(async () => {
      const result = await this.hub!.api.connections.ping(id);
      this.pingResults = { ...this.pingResults, [id]: result };
    });
  }
}
customElements.define('hub-connections-section', ConnectionsSection);
