import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef } from './hub-api.ts';
import type { LogRecord } from '../store/schema.ts';

export class LogsSection extends LitElement {
  static properties = { hub: { attribute: false }, lines: { state: true }, open: { state: true } };
  static styles = [sectionStyles, css`pre { max-height: 20em; overflow: auto; font-size: 12px; }`];
  declare hub: HubRef | null;
  declare lines: LogRecord[];
  declare open: boolean;

  constructor() {
    super();
    this.hub = null;
    this.lines = [];
    this.open = false;
  }

  render() {
    return html`
      <h2 class="title">Logs</h2>
      <div class="row">
        <button @click=${this.toggle} data-test="show-logs">${this.open ? 'Hide logs' : 'Show logs'}</button>
        <button @click=${this.download}>Download logs</button>
      </div>
      ${this.open ? html`<pre data-test="log-lines">${this.lines
        .map((l) => `${new Date(l.time).toLocaleTimeString()} ${l.level.toUpperCase()} [${l.source}] ${l.message}`)
        .join('\n')}</pre>` : ''}
    `;
  }

  /** Called by the app whenever the hub reports a change. */
  async refresh() {
    if (this.open && this.hub) this.lines = await this.hub.api.recentLogs();
  }

  private async toggle() {
    this.open = !this.open;
    await this.refresh();
  }

  private async download() {
    if (!this.hub) return;
    const text = await this.hub.api.exportLogs();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    link.download = `browser-iot-hub-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}
customElements.define('hub-logs-section', LogsSection);
