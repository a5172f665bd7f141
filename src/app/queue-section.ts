import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubSnapshot } from './hub-api.ts';

const STATE_CLASS: Record<string, string> = { done: 'ok', failed: 'bad', uncertain: 'bad', cancelled: 'muted' };

/** "Queue": the latest device jobs and what waits in the outbox for Odoo. */
export class QueueSection extends LitElement {
  static properties = { snapshot: { attribute: false } };
  static styles = [sectionStyles, css`
    table { border-collapse: collapse; width: 100%; font-size: 13px; }
    td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #f0f0f0; vertical-align: top; }
    td.result { max-width: 18em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  `];
  declare snapshot: HubSnapshot | null;

  constructor() {
    super();
    this.snapshot = null;
  }

  render() {
    const link = this.snapshot?.link;
    const jobs = link?.jobs ?? [];
    return html`
      <h2>Queue</h2>
      <div class="row"><span class="label">Waiting to reach Odoo</span><span data-test="outbox-pending">${link?.outbox.pending ?? 0}</span>
        ${link?.outbox.lastError ? html`<span class="bad">${link.outbox.lastError}</span>` : ''}</div>
      ${jobs.length === 0 ? html`<div class="muted">No job yet.</div>` : html`
        <table data-test="jobs">
          <tr><th>Time</th><th>Device</th><th>Action</th><th>State</th><th>Result</th></tr>
          ${jobs.map((job) => html`<tr data-test="job" data-state=${job.state}>
            <td>${new Date(job.createdAt).toLocaleTimeString()}</td>
            <td class="value">${job.deviceIdentifier}</td>
            <td>${job.action || 'default'}</td>
            <td class=${STATE_CLASS[job.state] ?? ''}>${job.state}</td>
            <td class="result" title=${job.result}>${job.result}</td></tr>`)}
        </table>`}
    `;
  }
}
customElements.define('hub-queue-section', QueueSection);
