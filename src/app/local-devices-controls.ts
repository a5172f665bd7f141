import { LitElement, html, css } from 'lit';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import { CAMERA_IDENTIFIER, DISPLAY_WINDOW_IDENTIFIER } from '../../workers/local-devices.ts';
import { KEYBOARD_SCANNER_IDENTIFIER } from '../../workers/drivers/scanner/keyboard-scanner-device.ts';

/**
 * Turns the hub window's own devices on and off: the camera (started here: the permission
 * prompt needs the click), the customer display window, the keyboard-mode scanner.
 */
export class LocalDevicesControls extends LitElement {
  static properties = { hub: { attribute: false }, snapshot: { attribute: false }, problem: { state: true }, busy: { state: true } };
  static styles = css`
    .row { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; padding: 3px 0; }
    button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #714b67; background: #fff; color: #714b67; cursor: pointer; }
    button:disabled { opacity: 0.5; cursor: default; }
    video { width: 160px; height: 120px; background: #222; border-radius: 4px; }
    .bad { color: #d9534f; }
  `;
  declare hub: HubRef | null;
  declare snapshot: HubSnapshot | null;
  declare problem: string;
  declare busy: boolean;

  constructor() {
    super();
    this.hub = null;
    this.snapshot = null;
    this.problem = '';
    this.busy = false;
  }

  private has(identifier: string): boolean {
    return !!this.snapshot?.devices.some((d) => d.identifier === identifier);
  }

  private async act(action: () => Promise<unknown>) {
    this.problem = '';
    this.busy = true;
    try {
      await action();
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  render() {
    const local = this.hub?.local;
    const api = this.hub?.api;
    if (!local || !api) return '';
    const camera = this.has(CAMERA_IDENTIFIER);
    const display = this.has(DISPLAY_WINDOW_IDENTIFIER);
    const keyboard = this.has(KEYBOARD_SCANNER_IDENTIFIER);
    return html`
      <div class="row">
        <button data-test="camera-toggle" ?disabled=${this.busy || !navigator.mediaDevices}
          @click=${() => void this.act(() => (camera ? local.removeCamera() : local.addCamera()))}>${camera ? 'Remove camera' : 'Add camera'}</button>
        ${camera && local.camera.active ? local.camera.video : ''}
      </div>
      <div class="row">
        <button data-test="display-toggle" ?disabled=${this.busy}
          @click=${() => void this.act(() => api.local.setEnabled('display', !display))}>${display ? 'Remove the customer display window' : 'Offer a customer display window'}</button>
        ${display ? html`<button data-test="display-open" ?disabled=${this.busy} title="Browsers open windows on a click unless pop-ups are allowed for the hub"
          @click=${() => void this.act(() => local.display.openFromGesture())}>Open the customer display</button>` : ''}
      </div>
      <div class="row">
        <label><input type="checkbox" data-test="keyboard-toggle" .checked=${keyboard} ?disabled=${this.busy}
          @change=${(e: Event) => void this.act(() => api.local.setEnabled('keyboard', (e.target as HTMLInputElement).checked))}>
          Listen for a keyboard-mode barcode scanner in this window</label>
      </div>
      ${this.problem ? html`<div class="bad" data-test="local-devices-problem">${this.problem}</div>` : ''}`;
  }
}

customElements.define('hub-local-devices', LocalDevicesControls);
