import { LitElement, html, css } from 'lit';
import * as Comlink from 'comlink';
import type { HubApi, HubRef, HubSnapshot } from './hub-api.ts';
import type { UpdateController } from './updates.ts';
import type { LogsSection } from './logs-section.ts';
import './identity-section.ts';
import './devices-section.ts';
import './logs-section.ts';
import './update-section.ts';
import './not-yet-section.ts';
import './odoo-section.ts';
import './pairing-section.ts';
import './queue-section.ts';
import './troubleshooting-section.ts';
import './status-summary.ts';
import { FoldState } from './fold-state.ts';
import { RtcHost } from '../rtc/rtc-host.ts';
import { WindowDevices } from './window-devices.ts';

export type AppRole = 'starting' | 'hub' | 'viewer';

/** The homepage. In the hub window it shows the worker's state; in other windows, who holds the hub. */
export class HubApp extends LitElement {
  static properties = {
    role: { state: true }, snapshot: { state: true }, persisted: { state: true }, error: { state: true }, problems: { state: true },
  };
  static styles = css`
    :host { display: block; max-width: 52em; margin: 0 auto; padding: 16px; font: 14px/1.45 system-ui, sans-serif; color: #222; }
    /* A POS screen (1280x800) is wide and short: two columns, the hub and its devices left, the queue and diagnostics right. */
    @media (min-width: 1100px) {
      :host { max-width: 86em; }
      .columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 32px; align-items: start; }
    }
    header { display: flex; align-items: center; gap: 12px; border-bottom: 3px solid #714b67; padding-bottom: 8px; }
    header h1 { font-size: 20px; margin: 0; }
    .banner { margin: 12px 0; padding: 10px 12px; border-radius: 4px; background: #fff3cd; }
    .error { background: #f8d7da; }
    details.fold > summary { font-size: 15px; font-weight: 600; color: #4c4c4c; padding: 10px 0 0; cursor: pointer; }
    details.fold:not([open]) { border-bottom: 1px solid #e6e6e6; padding-bottom: 10px; }
    button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #714b67; background: #714b67; color: #fff; cursor: pointer; }
  `;
  declare role: AppRole;
  declare snapshot: HubSnapshot | null;
  declare persisted: boolean | null;
  declare error: string;
  /** Troubleshooting problems found by the last checks; null until they ran. */
  declare problems: number | null;
  private folds = new FoldState(globalThis.localStorage);
  hub: HubRef | null = null;
  updates: UpdateController | null = null;
  onTakeOver: (() => void) | null = null;
  private worker: Worker | null = null;
  private rtc: RtcHost | null = null;
  private windowDevices: WindowDevices | null = null;

  constructor() {
    super();
    this.role = 'starting';
    this.snapshot = null;
    this.persisted = null;
    this.error = '';
    this.problems = null;
  }

  /** Starts the hub worker; called only while this window holds the hub lock. */
  async startHub(): Promise<void> {
    this.worker = new Worker(new URL('../../workers/hub.worker.ts', import.meta.url), { type: 'module', name: 'hub' });
    const api = Comlink.wrap(this.worker) as HubApi;
    try {
      this.snapshot = await api.start();
      await api.subscribe(Comlink.proxy(() => void this.refresh()));
      // WebRTC lives in the window: the worker hands offers over and sends results through it.
      this.rtc = new RtcHost(api.link);
      await api.link.attachWindow(Comlink.proxy(this.rtc));
      // Key events, the camera and the display window exist only here: the worker's own devices ask this window.
      this.windowDevices = new WindowDevices(api);
      await this.windowDevices.attach();
    } catch (error) {
      this.worker.terminate();
      this.worker = null;
      this.error = `The hub could not start in this window: ${(error as Error).message}`;
      throw error;
    }
    this.hub = { api, local: this.windowDevices ?? undefined };
    this.role = 'hub';
  }

  /** Another window took the hub over: stop driving devices now. */
  stopHub(): void {
    this.rtc?.close();
    this.rtc = null;
    void this.windowDevices?.stop();
    this.windowDevices = null;
    this.worker?.terminate();
    this.worker = null;
    this.hub = null;
    this.snapshot = null;
    this.role = 'viewer';
  }

  showViewer(): void {
    this.role = 'viewer';
  }

  render() {
    return html`
      <header><h1>Browser IoT Hub</h1><span data-test="role">${this.role === 'hub' ? 'running in this window' : ''}</span></header>
      ${this.error ? html`<div class="banner error">${this.error}</div>` : ''}
      ${this.role === 'viewer' ? html`<div class="banner" data-test="viewer">
          The hub runs in another window of this browser. Only one window may drive the devices.
          <button data-test="take-over" @click=${() => this.onTakeOver?.()}>Run the hub here instead</button></div>` : ''}
      ${this.role === 'hub' ? this.renderSections() : ''}
    `;
  }

  private renderSections() {
    return html`
      <hub-status-summary .snapshot=${this.snapshot} .problems=${this.problems}></hub-status-summary>
      <div class="columns"><div class="column">
      ${this.fold('identity', 'This hub', html`<hub-identity-section in-fold .snapshot=${this.snapshot} .persisted=${this.persisted}></hub-identity-section>`)}
      ${this.fold('odoo', this.snapshot?.link.paired ? 'Odoo database: connected' : 'Odoo database: not connected',
        html`<hub-odoo-section in-fold .snapshot=${this.snapshot} .hub=${this.hub}></hub-odoo-section>`)}
      ${this.fold('pairing', 'Pairing code', html`<hub-pairing-section in-fold .snapshot=${this.snapshot} .hub=${this.hub}></hub-pairing-section>`)}
      ${this.fold('devices', 'Devices', html`<hub-devices-section in-fold .snapshot=${this.snapshot} .hub=${this.hub}></hub-devices-section>`)}
      ${this.snapshot?.demo ? this.fold('demo', this.snapshot.localServer?.mode === 'demo' ? 'Demo devices' : 'Virtual devices', html`<hub-demo-section in-fold .snapshot=${this.snapshot} .hub=${this.hub}></hub-demo-section>`) : ''}
      </div><div class="column">
      ${this.fold('queue', 'Queue', html`<hub-queue-section in-fold .snapshot=${this.snapshot} .hub=${this.hub}></hub-queue-section>`)}
      ${this.fold('troubleshooting', 'Troubleshooting', html`<hub-troubleshooting-section in-fold .hub=${this.hub} .snapshot=${this.snapshot}
        @problems-change=${(e: CustomEvent<number>) => { this.problems = e.detail; }}></hub-troubleshooting-section>`)}
      ${this.fold('connections', 'Outgoing Odoo connections', html`<hub-connections-section in-fold .hub=${this.hub} .snapshot=${this.snapshot}></hub-connections-section>`)}
      ${this.fold('logs', 'Logs', html`<hub-logs-section in-fold .hub=${this.hub}></hub-logs-section>`)}
      ${this.fold('updates', 'Updates', html`<hub-update-section in-fold .controller=${this.updates} .automatic=${this.snapshot?.settings.autoUpdate ?? true}
        @auto-update-change=${(e: CustomEvent<boolean>) => void this.hub?.api.setSetting('autoUpdate', e.detail)}></hub-update-section>`)}
      </div></div>
    `;
  }

  /** A section that folds under its title; whether it is folded is remembered for this browser. */
  private fold(id: string, title: string, section: unknown) {
    return html`<details class="fold" data-fold=${id} ?open=${!this.folds.isFolded(id)}
        @toggle=${(e: Event) => this.folds.set(id, !(e.currentTarget as HTMLDetailsElement).open)}>
      <summary data-test=${`fold-${id}`}>${title}</summary>${section}</details>`;
  }

  private async refresh() {
    if (!this.hub) return;
    this.snapshot = await this.hub.api.snapshot();
    await this.renderRoot.querySelector<LogsSection>('hub-logs-section')?.refresh();
  }
}
customElements.define('hub-app', HubApp);
