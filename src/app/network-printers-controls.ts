import { LitElement, html, css } from 'lit';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import type { NetworkPrinterProtocol } from '../hub/network-printers.ts';

const PROTOCOL_LABELS: Record<NetworkPrinterProtocol, string> = { escpos: 'ESC/POS (Epson and most)', star: 'Star', zpl: 'ZPL (label printer)' };

/**
 * Network printers (raw TCP, port 9100) and office printers (CUPS) in the Devices section: add
 * one by host:port, confirm one discovery found, remove one, and the local server's word on
 * CUPS. Without a local server (the hub behind the shop's own proxy) one line says why none is offered.
 */
export class NetworkPrintersControls extends LitElement {
  static properties = { hub: { attribute: false }, snapshot: { attribute: false }, message: { state: true }, busy: { state: true } };
  static styles = css`
    .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; padding: 3px 0; }
    button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #714b67; background: #fff; color: #714b67; cursor: pointer; }
    button:disabled { opacity: 0.5; cursor: default; }
    input, select { font: inherit; }
    input[name='target'] { width: 14em; }
    ul { margin: 2px 0; padding-left: 20px; }
    .muted { color: #666; } .bad { color: #d9534f; } .ok { color: #28a745; }
    .value { font-family: monospace; }
  `;
  declare hub: HubRef | null;
  declare snapshot: HubSnapshot | null;
  declare message: string;
  declare busy: boolean;

  constructor() {
    super();
    this.hub = null;
    this.snapshot = null;
    this.message = '';
    this.busy = false;
  }

  render() {
    if (!this.snapshot) return '';
    const printers = this.snapshot.printers;
    if (!printers) {
      return html`<div class="muted" data-test="network-printers-unavailable">Network and office printers are not offered: they need the hub's local server (npm start on this terminal), because a web page cannot open a printer's TCP port or reach the print system.</div>`;
    }
    const list = printers.list;
    return html`
      <form class="row" data-test="network-printer-form" @submit=${(e: Event) => this.add(e)}>
        <label>Network printer <input name="target" placeholder="192.168.1.50:9100" aria-label="Printer address (host:port)" required></label>
        <select name="protocol" aria-label="Printer language">
          ${(Object.keys(PROTOCOL_LABELS) as NetworkPrinterProtocol[]).map((p) => html`<option value=${p}>${PROTOCOL_LABELS[p]}</option>`)}
        </select>
        <button type="submit" ?disabled=${this.busy}>Add network printer</button>
        <button type="button" data-test="discover-printers" ?disabled=${this.busy} @click=${() => void this.act(() => this.hub!.api.printers.discover())}>Look for printers</button>
      </form>
      ${list && list.printers.length ? html`<ul data-test="network-printers">${list.printers.map((p) => html`<li data-host=${p.host} data-port=${p.port}>
          <span class="value">${p.host}:${p.port}</span> ${p.name} (${p.protocol}${p.source === 'virtual' ? ', virtual' : p.source === 'discovered' ? ', found on the network' : ''})
          ${printers.problems[`${p.host}|${p.port}`] ? html`<span class="bad" data-test="network-printer-problem">${printers.problems[`${p.host}|${p.port}`]}</span>` : html`<span class="ok">connected</span>`}
          ${p.source === 'virtual' ? '' : html`<button ?disabled=${this.busy} @click=${() => void this.act(() => this.hub!.api.printers.remove(p.host, p.port))}>Remove</button>`}
        </li>`)}</ul>` : ''}
      ${list && list.found.length ? html`<div>Found on the network (not driven until you add them):</div>
        <ul data-test="found-printers">${list.found.map((f) => html`<li data-host=${f.host} data-port=${f.port}>
          <span class="value">${f.host}:${f.port}</span> ${f.name} <span class="muted">(${f.service})</span>
          ${list.ports.includes(f.port)
            ? html`<button ?disabled=${this.busy} @click=${() => void this.act(() => this.hub!.api.printers.confirm(f.host, f.port, f.protocol ?? 'escpos'))}>Drive this printer</button>`
            : html`<span class="muted">an office printer: add it in CUPS (lpadmin, or http://localhost:631) and it appears below</span>`}
        </li>`)}</ul>` : ''}
      <div class="muted" data-test="cups-state">${cupsLine(list)}</div>
      ${this.message || printers.lastError ? html`<div class=${printers.lastError ? 'bad' : 'muted'} data-test="network-printers-message">${printers.lastError || this.message}</div>` : ''}`;
  }

  private add(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    void this.act(async () => {
      const answer = await this.hub!.api.printers.add(String(data.get('target') ?? ''), String(data.get('protocol')) as NetworkPrinterProtocol);
      if (answer.ok) form.reset();
      return answer;
    });
  }

  private async act(action: () => Promise<{ ok: boolean; message: string }>) {
    this.busy = true;
    this.message = '';
    try {
      this.message = (await action()).message;
    } catch (error) {
      this.message = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }
}

function cupsLine(list: NonNullable<HubSnapshot['printers']>['list']): string {
  if (!list) return 'Reading the printer list from the local server…';
  if (!list.cups.available) return list.cups.reason;
  if (list.cups.queues.length === 0) return list.cups.reason || 'CUPS has no printer yet.';
  return `Office printers (CUPS): ${list.cups.queues.map((q) => `${q.name} (${q.state})`).join(', ')}`;
}

customElements.define('hub-network-printers', NetworkPrintersControls);
