import { LitElement, html, css, nothing } from 'lit';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import type { KnownDevice, LinkJob } from '../hub/link/job-queue.ts';

type Group = 'pending' | 'held' | 'failed' | 'done';

const GROUPS: Array<{ group: Group; title: string; empty: string }> = [
  { group: 'pending', title: 'Pending', empty: 'Nothing waiting.' },
  { group: 'held', title: 'Held (device away)', empty: 'No job waits for a device.' },
  { group: 'failed', title: 'Failed or may have printed', empty: 'No failed job.' },
  { group: 'done', title: 'Done (recent)', empty: 'No job yet.' },
];

type Details = typeof import('./job-breakdown.ts').breakdownDetails;
/** The job details' code loads when the first finished job with a breakdown is shown, not with the homepage. */
let breakdownDetails: Details | null = null;
const loadDetails = () => import('./job-breakdown.ts').then((module) => { breakdownDetails = module.breakdownDetails; });

const isLive = (job: LinkJob) => job.state === 'queued' || job.state === 'running' || job.state === 'held';

function groupOf(job: LinkJob): Group {
  if (job.state === 'queued' || job.state === 'running') return 'pending';
  if (job.state === 'held') return 'held';
  if (job.state === 'failed' || job.state === 'uncertain') return 'failed';
  return 'done';
}

/**
 * "Queue": what waits, what is held for an absent device, what failed or may have printed (a
 * job the hub was running when it stopped: never printed again by itself), what was done, and
 * what waits in the outbox for Odoo. Cancel, Retry, Reprint and Discard act on one job.
 */
/** What a finished job without any detail from its device shows (a print answers only success). */
const DONE_WITHOUT_DETAILS = 'OK, the device reported no details';

export class QueueSection extends LitElement {
  static properties = { snapshot: { attribute: false }, hub: { attribute: false }, notice: { state: true } };
  static styles = [sectionStyles, css`
    h3 { font-size: 14px; margin: 10px 0 4px; }
    table { border-collapse: collapse; width: 100%; font-size: 13px; }
    td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #f0f0f0; vertical-align: top; }
    td.result { max-width: 18em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    progress { width: 6em; vertical-align: middle; }
    button.small { font: inherit; font-size: 12px; padding: 0 6px; margin-right: 4px; }
    input[type=number] { width: 5em; }
    /* A long table scrolls inside its own box, never the page (a phone, a narrow column). */
    .table { overflow-x: auto; }
    @media (max-width: 600px) {
      td.result { white-space: normal; max-width: 12em; overflow-wrap: anywhere; }
    }
    details summary { cursor: pointer; color: #555; }
    table.breakdown { width: auto; margin: 2px 0 6px; }
    table.breakdown td { border: none; padding: 0 8px 0 0; }
  `];
  declare snapshot: HubSnapshot | null;
  declare hub: HubRef | null;
  declare notice: string;

  constructor() {
    super();
    this.snapshot = null;
    this.hub = null;
    this.notice = '';
  }

  render() {
    const link = this.snapshot?.link;
    const jobs = link?.jobs ?? [];
    const groups = new Map<Group, LinkJob[]>(GROUPS.map(({ group }) => [group, []]));
    for (const job of jobs) groups.get(groupOf(job))!.push(job);
    return html`
      <h2 class="title">Queue</h2>
      <div class="row"><span class="label">Waiting to reach Odoo</span><span data-test="outbox-pending">${link?.outbox.pending ?? 0}</span>
        ${link?.outbox.lastError ? html`<span class="bad">${link.outbox.lastError}</span>` : ''}</div>
      ${this.notice ? html`<div class="muted" data-test="queue-notice">${this.notice}</div>` : nothing}
      ${GROUPS.map(({ group, title, empty }) => {
        const list = groups.get(group)!;
        return html`<h3>${title} <span class="muted" data-test=${`count-${group}`}>${list.length}</span></h3>
          ${list.length === 0 ? html`<div class="muted">${empty}</div>` : this.table(group, list)}`;
      })}
      ${this.holdTimes(link?.knownDevices ?? [])}
    `;
  }

  private table(group: Group, jobs: LinkJob[]) {
    if (!breakdownDetails && jobs.some((job) => !isLive(job) && job.breakdown)) void loadDetails().then(() => this.requestUpdate());
    return html`<div class="table"><table data-test=${`jobs-${group}`}>
      <tr><th>Time</th><th>Device</th><th>Action</th><th>State</th><th>Result</th><th></th></tr>
      ${jobs.map((job) => html`<tr data-test="job" data-state=${job.state} data-id=${job.id}>
        <td>${new Date(job.createdAt).toLocaleTimeString()}</td>
        <td class="value">${job.deviceIdentifier}</td>
        <td>${job.action || 'document'}</td>
        <td class=${job.state === 'done' ? 'ok' : job.state === 'failed' || job.state === 'uncertain' ? 'bad' : job.state === 'cancelled' ? 'muted' : ''}>
          ${job.state === 'uncertain' ? 'may have printed' : job.state}
          ${job.state === 'running' && job.progress !== undefined
            ? html`<progress data-test="progress" max="1" .value=${job.progress}></progress> ${Math.round(job.progress * 100)} %` : nothing}</td>
        <td class="result" title=${job.result}>${job.result || (job.state === 'done' ? DONE_WITHOUT_DETAILS : '')}</td>
        <td>${this.actions(job)}</td></tr>
        ${isLive(job) || !job.breakdown ? nothing : html`<tr data-test="job-details" data-id=${job.id}><td></td><td colspan="5">${breakdownDetails?.(job.breakdown) ?? nothing}</td></tr>`}`)}
    </table></div>`;
  }

  private actions(job: LinkJob) {
    switch (job.state) {
      case 'queued':
      case 'held':
      case 'running':
        return html`<button class="small" data-test="cancel" @click=${() => this.act(job, 'cancel')}>Cancel</button>`;
      case 'failed':
        return job.repeatable ? html`<button class="small" data-test="retry" @click=${() => this.act(job, 'repeat')}>Retry</button>` : nothing;
      case 'uncertain':
        return html`${job.repeatable ? html`<button class="small" data-test="reprint" @click=${() => this.act(job, 'repeat')}>Reprint</button>` : nothing}
          <button class="small" data-test="discard" @click=${() => this.act(job, 'discard')}>Discard</button>`;
      default:
        return nothing;
    }
  }

  private holdTimes(devices: KnownDevice[]) {
    if (devices.length === 0) return nothing;
    return html`<h3>When a printer is away</h3>
      <div class="muted">Receipts and labels wait this long for an offline or unplugged printer, then fail. A cash drawer never opens late.</div>
      ${devices.map((d) => html`<div class="row" data-test="hold-time" data-device=${d.identifier}>
        <span class="label">${d.name}</span>
        <span class=${d.online ? 'ok' : 'bad'}>${d.online ? 'online' : 'away'}</span>
        <label>hold <input type="number" min="0" max="1440" step="1" .value=${String(d.holdMinutes)}
          @change=${(e: Event) => this.setHold(d.identifier, Number((e.target as HTMLInputElement).value))}> min</label></div>`)}`;
  }

  private async act(job: LinkJob, what: 'cancel' | 'repeat' | 'discard') {
    const link = this.hub?.api.link;
    if (!link) return;
    try {
      if (what === 'cancel') this.notice = (await link.cancelJob(job.id)) ? 'Cancelled.' : 'That job already finished.';
      else if (what === 'discard') this.notice = (await link.discardJob(job.id)) ? 'Discarded.' : 'That job can no longer be discarded.';
      else this.notice = (await link.repeatJob(job.id)).message;
    } catch (error) {
      this.notice = (error as Error).message;
    }
  }

  private async setHold(identifier: string, minutes: number) {
    try {
      await this.hub?.api.link.setHoldMinutes(identifier, minutes);
      this.notice = '';
    } catch (error) {
      this.notice = (error as Error).message;
    }
  }
}
customElements.define('hub-queue-section', QueueSection);
