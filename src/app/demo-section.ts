import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';

/** A code the demo scanner suggests: a valid EAN-13 (check digit 6). */
const SAMPLE_BARCODE = '5449000000996';

/**
 * "Demo devices" (or "Virtual devices" against a real database; loaded lazily): what a cashier would do to the real devices,
 * done to the virtual ones: put something on the scale, scan a label, take the paper out,
 * pull the printer's cable.
 */
export class DemoSection extends LitElement {
  static properties = { snapshot: { attribute: false }, hub: { attribute: false }, problem: { state: true } };
  static styles = [sectionStyles, css`
    input[type='number'] { width: 6em; } input[type='text'] { width: 12em; }
    fieldset { border: 1px solid #e6e6e6; border-radius: 4px; margin: 6px 0; padding: 4px 10px; }
    legend { color: #666; }
  `];
  declare snapshot: HubSnapshot | null;
  declare hub: HubRef | null;
  declare problem: string;

  constructor() {
    super();
    this.snapshot = null;
    this.hub = null;
    this.problem = '';
  }

  render() {
    const demo = this.snapshot?.demo;
    if (!demo) return '';
    const { printer, scale, scanner } = demo;
    const inDemo = this.snapshot?.localServer?.mode === 'demo';
    return html`
      <h2 class="title">${inDemo ? 'Demo devices' : 'Virtual devices'}</h2>
      <div class="muted" data-test="virtual-note">${inDemo
        ? 'Virtual devices of the demo, driven like real ones (they are in the Devices list above and in the IoT app).'
        : 'These devices are virtual: nothing comes out on paper and no drawer opens. Odoo lists them like real ones, so you can try printing, the drawer, the scale and the scanner from the POS first.'}</div>
      <fieldset data-test="demo-scale"><legend>Scale (Toledo 8217)</legend>
        <div class="row">
          <label>Weight on the plate <input type="number" min="0" max="100" step="0.005" data-test="demo-weight"
            .value=${String(scale.weightKg)} @change=${(e: Event) => this.act((d) => d.setWeight(Number((e.target as HTMLInputElement).value)))}> kg</label>
          <label><input type="checkbox" data-test="demo-motion" .checked=${scale.motion}
            @change=${(e: Event) => this.act((d) => d.setMotion((e.target as HTMLInputElement).checked))}> moving</label>
        </div>
      </fieldset>
      <fieldset data-test="demo-scanner"><legend>Barcode scanner (HID POS)</legend>
        <form class="row" @submit=${(e: Event) => this.scan(e)}>
          <input type="text" name="code" data-test="demo-code" .value=${SAMPLE_BARCODE} aria-label="Barcode">
          <button type="submit" data-test="demo-scan">Scan</button>
          <span>Last scan: <span class="value" data-test="demo-last-scan">${scanner.lastScan ?? '—'}</span></span>
        </form>
      </fieldset>
      <fieldset data-test="demo-printer"><legend>Receipt printer (ESC/POS, USB)</legend>
        <div class="row">
          <span data-test="demo-printer-state">${printer.plugged ? (printer.paperOut ? html`<span class="bad">out of paper</span>` : html`<span class="ok">ready</span>`) : html`<span class="bad">unplugged</span>`}</span>
          <span class="muted">${printer.receiptsPrinted} receipt(s) printed, cash drawer opened ${printer.drawerOpenings} time(s)</span>
        </div>
        <div class="row">
          <button data-test="demo-paper" @click=${() => this.act((d) => d.setPaperOut(!printer.paperOut))}>${printer.paperOut ? 'Put paper back' : 'Take the paper out'}</button>
          ${printer.plugged
            ? html`<button data-test="demo-unplug" @click=${() => this.act((d) => d.unplugPrinter())}>Unplug</button>`
            : html`<button data-test="demo-replug" @click=${() => this.act((d) => d.replugPrinter())}>Plug back in</button>`}
        </div>
      </fieldset>
      ${this.problem ? html`<div class="bad">${this.problem}</div>` : ''}
    `;
  }

  private scan(event: Event) {
    event.preventDefault();
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '').trim();
    void this.act((d) => d.scan(code));
  }

  private async act(action: (demo: NonNullable<HubRef['api']>['demo']) => Promise<unknown>) {
    if (!this.hub) return;
    this.problem = '';
    try {
      await action(this.hub.api.demo);
    } catch (error) {
      this.problem = (error as Error).message;
    }
  }
}
customElements.define('hub-demo-section', DemoSection);
