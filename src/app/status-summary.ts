import { LitElement, html, css } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubSnapshot } from './hub-api.ts';

/** One line of the summary: a label, what it reads and whether that is good. */
export interface SummaryItem { key: string; label: string; value: string; good: boolean }

const WAITING_STATES = new Set(['queued', 'running', 'held']);

/**
 * What a person needs at a glance, before any section: paired or not, the bus, devices online,
 * jobs waiting and troubleshooting problems (null while the checks have not run).
 */
export function summaryItems(snapshot: HubSnapshot, problems: number | null): SummaryItem[] {
  const { link } = snapshot;
  const waiting = link.jobs.filter((j) => WAITING_STATES.has(j.state)).length;
  const uncertain = link.jobs.filter((j) => j.state === 'uncertain').length;
  return [
    { key: 'paired', label: 'Odoo', value: link.paired ? `paired with ${link.serverUrl}` : 'not paired', good: link.paired },
    { key: 'bus', label: 'Bus', value: link.paired ? link.bus.state : 'not connected (not paired)', good: link.bus.state === 'open' },
    { key: 'devices', label: 'Devices online', value: String(snapshot.devices.length), good: snapshot.devices.length > 0 },
    {
      key: 'jobs', label: 'Jobs waiting',
      value: `${waiting}${uncertain ? `, ${uncertain} may have printed` : ''}${link.outbox.pending ? `, ${link.outbox.pending} results to send` : ''}`,
      good: uncertain === 0,
    },
    { key: 'problems', label: 'Problems', value: problems === null ? 'not checked yet' : String(problems), good: problems === 0 },
  ];
}

/** The status summary at the top of the homepage. */
export class StatusSummary extends LitElement {
  static properties = { snapshot: { attribute: false }, problems: { attribute: false } };
  static styles = [sectionStyles, css`
    :host { position: sticky; top: 0; z-index: 1; background: #fff; }
    .items { display: flex; flex-wrap: wrap; gap: 4px 18px; }
    .item { white-space: nowrap; }
    .item .label { min-width: 0; }
    .item .value { font-family: inherit; white-space: normal; }
  `];
  declare snapshot: HubSnapshot | null;
  declare problems: number | null;

  constructor() {
    super();
    this.snapshot = null;
    this.problems = null;
  }

  render() {
    if (!this.snapshot) return html``;
    return html`<div class="items" data-test="status-summary">
      ${summaryItems(this.snapshot, this.problems).map((item) => html`<span class="item" data-test=${`summary-${item.key}`}>
        <span class="label">${item.label}:</span> <span class="value ${item.good ? 'ok' : 'bad'}">${item.value}</span></span>`)}
    </div>`;
  }
}
customElements.define('hub-status-summary', StatusSummary);
