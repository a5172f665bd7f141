import { LitElement, html, css } from 'lit';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import {
  BAUD_RATES, CAMERA_FORMATS, DATA_BITS, IMAGE_MODES, KEYBOARD_LAYOUTS, ODOO_SERIES, PAPER_WIDTHS_MM, PARITIES, SERIAL_PROTOCOLS, STOP_BITS, type SerialProtocolChoice,
} from '../hub/device-vocabulary.ts';
import { DEFAULT_HOLD_MS, HOLD_MINUTES_MAX } from '../hub/queue-policy.ts';

type Description = HubSnapshot['devices'][number];
type Settings = Record<string, string | number | boolean>;

const PROTOCOL_LABELS: Record<SerialProtocolChoice, string> = {
  auto: 'Detect (Toledo, then Adam)', toledo_8217: 'Mettler-Toledo 8217 scale', adam: 'Adam Equipment scale',
  serial_scanner: 'Barcode scanner', pole_display: 'Customer pole display (Epson DM-D)',
  escpos: 'ESC/POS receipt printer', star: 'Star receipt printer', zpl: 'ZPL label printer', none: 'Nothing (leave the port alone)',
};
const PRINTER_LANGUAGES: Record<string, string> = { '': 'Detect (ESC/POS, Star or ZPL from the printer)', escpos: 'ESC/POS', star: 'Star', zpl: 'ZPL (label printer)' };

/**
 * One device's settings (name, serial protocol and line, keyboard layout, Odoo serie, camera
 * formats), saved in the hub's devices store; the hub then opens the device again with them.
 */
export class DeviceSettingsForm extends LitElement {
  static properties = { hub: { attribute: false }, device: { attribute: false }, settings: { state: true }, message: { state: true }, open: { state: true } };
  static styles = css`
    form { display: grid; grid-template-columns: max-content 1fr; gap: 4px 10px; align-items: center; margin: 6px 0; max-width: 36em; }
    label { color: #666; }
    input, select { font: inherit; }
    .bad { color: #d9534f; }
    .ok { color: #28a745; }
    button { font: inherit; padding: 2px 10px; border-radius: 4px; border: 1px solid #714b67; background: #fff; color: #714b67; cursor: pointer; }
  `;
  declare hub: HubRef | null;
  declare device: Description | null;
  declare settings: Settings;
  declare message: { ok: boolean; text: string } | null;
  declare open: boolean;

  constructor() {
    super();
    this.hub = null;
    this.device = null;
    this.settings = {};
    this.message = null;
    this.open = false;
  }

  private async toggle() {
    this.open = !this.open;
    this.message = null;
    if (this.open && this.hub && this.device) this.settings = await this.hub.api.deviceSettingsOf(this.device.identifier);
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    if (!this.hub || !this.device) return;
    const form = new FormData(event.target as HTMLFormElement);
    const settings: Settings = {};
    for (const [key, value] of form) if (typeof value === 'string') settings[key] = value;
    try {
      await this.hub.api.saveDeviceSettings(this.device.identifier, settings);
      this.message = { ok: true, text: 'Saved; the device was opened again with these settings.' };
    } catch (error) {
      this.message = { ok: false, text: `Not saved: ${(error as Error).message}` };
    }
  }

  render() {
    const d = this.device;
    if (!d) return '';
    return html`<button data-test="device-settings" @click=${() => void this.toggle()}>${this.open ? 'Close settings' : 'Settings'}</button>
      ${this.open ? html`<form data-test="device-settings-form" @submit=${(e: SubmitEvent) => void this.save(e)}>
        <label for="name">Name</label><input id="name" name="name" maxlength="64" .value=${String(this.settings.name ?? '')} placeholder=${d.name}>
        ${d.type === 'printer' ? this.printerFields(d.connection === 'serial') : ''}
        ${d.connection === 'serial' ? this.serialFields() : ''}
        ${d.type === 'scanner' ? this.select('layout', 'Scanner keyboard layout', ['', ...KEYBOARD_LAYOUTS], (v) => v || 'Same as the system') : ''}
        ${d.type === 'camera' ? html`<label for="formats">Barcode formats</label>
          <input id="formats" name="formats" .value=${String(this.settings.formats ?? '')} placeholder=${`All: ${CAMERA_FORMATS.join(',')}`}
            title="Leave empty to read every format; list some (comma-separated) to read only those">` : ''}
        ${d.type === 'scale' || d.type === 'scanner' || d.type === 'camera'
          ? this.select('odooSerie', 'Odoo version', ['', ...ODOO_SERIES.map(String)], (v) => (v ? `${v}.0` : 'As the paired database')) : ''}
        <span></span><span><button type="submit">Save</button></span>
      </form>` : ''}
      ${this.message ? html`<div class=${this.message.ok ? 'ok' : 'bad'} data-test="device-settings-message">${this.message.text}</div>` : ''}`;
  }

  private printerFields(serial: boolean) {
    return html`
      ${serial ? '' : this.select('protocol', 'Printer language', Object.keys(PRINTER_LANGUAGES), (v) => PRINTER_LANGUAGES[v])}
      ${this.select('paperWidth', 'Paper width', ['', ...PAPER_WIDTHS_MM.map(String)], (v) => (v ? `${v} mm` : 'As known for this model (80 mm otherwise)'))}
      ${this.select('imageMode', 'Receipt images', ['', ...IMAGE_MODES], (v) => ({ '': 'Detect from the model', raster: 'Raster (GS v 0)', column: 'Column mode (ESC *, impact printers)' })[v] ?? v)}
      <label for="language">Status ticket language</label><input id="language" name="language" .value=${String(this.settings.language ?? '')} placeholder="en">
      <label for="holdMinutes">Hold jobs while away (minutes)</label>
      <input id="holdMinutes" name="holdMinutes" type="number" min="0" max=${HOLD_MINUTES_MAX} step="1" .value=${String(this.settings.holdMinutes ?? '')} placeholder=${DEFAULT_HOLD_MS / 60_000}>`;
  }

  private serialFields() {
    return html`
      ${this.select('protocol', 'Protocol', SERIAL_PROTOCOLS, (v) => PROTOCOL_LABELS[v as SerialProtocolChoice])}
      ${this.select('baudRate', 'Baud rate', ['', ...BAUD_RATES.map(String)], (v) => v || "The protocol's")}
      ${this.select('dataBits', 'Data bits', ['', ...DATA_BITS.map(String)], (v) => v || "The protocol's")}
      ${this.select('parity', 'Parity', ['', ...PARITIES], (v) => v || "The protocol's")}
      ${this.select('stopBits', 'Stop bits', ['', ...STOP_BITS.map(String)], (v) => v || "The protocol's")}`;
  }

  private select(name: string, label: string, values: readonly string[], text: (value: string) => string) {
    const current = String(this.settings[name] ?? '');
    return html`<label for=${name}>${label}</label><select id=${name} name=${name}>
      ${values.map((v) => html`<option value=${v} ?selected=${v === current}>${text(v)}</option>`)}</select>`;
  }
}

customElements.define('hub-device-settings', DeviceSettingsForm);
