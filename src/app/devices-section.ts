import { LitElement, html } from 'lit';
import { sectionStyles } from './styles.ts';
import './last-print.ts';
import './scale-weight.ts';
import './scan-log.ts';
import './local-devices-controls.ts';
import { noteDeviceRequest } from './window-facts.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';

type Chooser = 'usb' | 'serial' | 'hid';

const CHOOSER_LABELS: Record<Chooser, string> = { usb: 'Add USB device', serial: 'Add serial device', hid: 'Add HID device' };

/** Lists the devices the hub drives and opens the browser's device choosers (a user gesture is required). */
export class DevicesSection extends LitElement {
  static properties = { snapshot: { attribute: false }, hub: { attribute: false }, problem: { state: true } };
  static styles = sectionStyles;
  declare snapshot: HubSnapshot | null;
  declare hub: HubRef | null;
  declare problem: string;

  constructor() {
    super();
    this.snapshot = null;
    this.hub = null;
    this.problem = '';
  }

  /** Changes when a printer may have printed: a job for it finished (a print answers with its result, not an event) or it sent an event. */
  private printStamp(identifier: string): number {
    const finished = (this.snapshot?.link.jobs ?? []).filter((j) => j.deviceIdentifier === identifier && j.state === 'done').map((j) => j.updatedAt);
    return Math.max(this.snapshot?.recentEvents[identifier]?.at(-1)?.time ?? 0, ...finished);
  }

  render() {
    const devices = this.snapshot?.devices ?? [];
    const unclaimed = this.snapshot?.unclaimedDevices ?? [];
    return html`
      <h2 class="title">Devices</h2>
      ${devices.length === 0 && unclaimed.length === 0 ? html`<div class="muted">No device granted to the hub yet.</div>` : ''}
      <ul data-test="devices">
        ${devices.map((d) => html`<li><b>${d.name}</b> — ${d.type}${d.subtype ? ` (${d.subtype})` : ''}, ${d.connection}
          <span class="value">${d.identifier}</span>
          ${d.type === 'printer' ? html`<hub-last-print .hub=${this.hub} identifier=${d.identifier}
            .stamp=${this.printStamp(d.identifier)}></hub-last-print>` : ''}
          ${d.type === 'scale' ? html`<div><hub-scale-weight .hub=${this.hub} identifier=${d.identifier}></hub-scale-weight></div>` : ''}
          ${d.type === 'scanner' || d.type === 'camera' ? html`<hub-scan-log .events=${this.snapshot?.recentEvents[d.identifier] ?? []}></hub-scan-log>` : ''}
          <hub-device-settings .hub=${this.hub} .device=${d}></hub-device-settings></li>`)}
        ${unclaimed.map((d) => html`<li>${d.label} ${d.transport === 'network' ? '' : html`<span class="value">${hex(d.vendorId)}:${hex(d.productId)}</span>`}
          <span class="muted">${d.problem}</span>
          ${d.identifier ? html`<hub-device-settings .hub=${this.hub}
            .device=${{ identifier: d.identifier, name: d.label, type: 'unsupported', manufacturer: '', connection: 'serial', subtype: '' }}></hub-device-settings>` : ''}</li>`)}
      </ul>
      <div class="row">
        ${(Object.keys(CHOOSER_LABELS) as Chooser[]).map((kind) => html`
          <button ?disabled=${!supported(kind)} title=${supported(kind) ? '' : `This browser has no Web ${kind.toUpperCase()} API`}
            @click=${() => this.choose(kind)}>${CHOOSER_LABELS[kind]}</button>`)}
      </div>
      <hub-network-printers .hub=${this.hub} .snapshot=${this.snapshot}></hub-network-printers>
      ${this.virtualSwitch()}
      ${this.problem ? html`<div class="bad">${this.problem}</div>` : ''}
      <hub-local-devices .hub=${this.hub} .snapshot=${this.snapshot}></hub-local-devices>
    `;
  }

  /** Outside the demo (which always has them): the demo's virtual devices against the real database. */
  private virtualSwitch() {
    const server = this.snapshot?.localServer;
    if (!this.snapshot || server?.mode === 'demo') return '';
    const forced = server?.virtualDevices ?? false;
    const on = forced || this.snapshot.settings.virtualDevices;
    return html`<label class="row" data-test="virtual-devices-switch"><span><input type="checkbox" .checked=${on} ?disabled=${forced}
        @change=${(e: Event) => void this.setVirtual((e.target as HTMLInputElement).checked)}>
      Virtual devices: a receipt printer, a scale and a scanner that exist only in this hub, to try printing from Odoo without hardware
      ${forced ? html`<span class="muted">(on: the local server was started with --virtual-devices)</span>` : ''}</span></label>`;
  }

  private async setVirtual(on: boolean) {
    this.problem = '';
    try {
      await this.hub?.api.setVirtualDevices(on);
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }

  private async choose(kind: Chooser) {
    this.problem = '';
    try {
      if (kind === 'usb') await navigator.usb.requestDevice({ filters: [] });
      else if (kind === 'serial') await navigator.serial.requestPort({});
      else await navigator.hid.requestDevice({ filters: [] });
    } catch (error) {
      noteDeviceRequest(kind, error);
      // Closing the chooser without picking is not a problem worth showing.
      if ((error as DOMException).name !== 'NotFoundError') this.problem = `Could not add the device: ${(error as Error).message}`;
      return;
    }
    noteDeviceRequest(kind, null);
    await this.hub?.api.rescanDevices();
  }
}

function supported(kind: Chooser): boolean {
  return kind in navigator;
}

function hex(n: number | undefined): string {
  return n === undefined ? '????' : n.toString(16).padStart(4, '0');
}

customElements.define('hub-devices-section', DevicesSection);
