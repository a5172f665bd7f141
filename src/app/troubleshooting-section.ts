import { LitElement, html, css } from 'lit';
import * as Comlink from 'comlink';
import { sectionStyles } from './styles.ts';
import type { HubRef, HubSnapshot } from './hub-api.ts';
import type { CheckResult, CheckStatus } from '../hub/troubleshooting/checks.ts';
import { collectWindowFacts, DEVICE_REQUEST_EVENT } from './window-facts.ts';

const STATUS_TEXT: Record<CheckStatus, string> = { ok: 'OK', problem: 'Problem', unknown: 'Not known', expected: 'Expected' };

/**
 * The seed document's troubleshooting list as live checks: each says what the hub found, shows
 * the evidence, and gives the fix with the section of docs/deploy.md that explains it.
 */
export class TroubleshootingSection extends LitElement {
  static properties = { hub: { attribute: false }, snapshot: { attribute: false }, results: { state: true }, running: { state: true } };
  static styles = [sectionStyles, css`
    li { margin: 6px 0; }
    .status { display: inline-block; min-width: 6em; font-weight: 600; }
    .problem .status { color: #d9534f; }
    .ok .status { color: #28a745; }
    .unknown .status { color: #888; }
    .expected .status { color: #8a6d3b; }
    .fix { margin: 2px 0 0 6em; }
    details { margin-left: 6em; color: #555; font-size: 12px; }
  `];
  declare hub: HubRef | null;
  declare snapshot: HubSnapshot | null;
  declare results: CheckResult[];
  declare running: boolean;
  private subscribedTo: HubRef | null = null;
  private readonly onDeviceRequest = () => void this.sendWindowFacts();

  constructor() {
    super();
    this.hub = null;
    this.snapshot = null;
    this.results = [];
    this.running = false;
  }

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(DEVICE_REQUEST_EVENT, this.onDeviceRequest);
  }

  disconnectedCallback(): void {
    window.removeEventListener(DEVICE_REQUEST_EVENT, this.onDeviceRequest);
    super.disconnectedCallback();
  }

  protected updated(changed: Map<string, unknown>): void {
    if (changed.has('hub') && this.hub && this.subscribedTo !== this.hub) {
      this.subscribedTo = this.hub;
      const hub = this.hub;
      // The checks are not needed to use the homepage: their code loads once the page is idle.
      requestIdleCallback(() => {
        void hub.api.troubleshooting.subscribe(Comlink.proxy(() => void this.fetchResults(hub)));
        void this.sendWindowFacts().then(() => this.run());
      });
    }
    // The homepage's status summary counts the problems the last checks found.
    if (changed.has('results') && this.results.length) {
      const problems = this.results.filter((r) => r.status === 'problem').length;
      this.dispatchEvent(new CustomEvent('problems-change', { detail: problems, bubbles: true, composed: true }));
    }
  }

  /** Runs every check now, probes included. */
  async run(): Promise<void> {
    const hub = this.hub;
    if (!hub || this.running) return;
    this.running = true;
    try {
      await hub.api.troubleshooting.setWindowFacts(collectWindowFacts());
      this.results = await hub.api.troubleshooting.run();
    } finally {
      this.running = false;
    }
  }

  render() {
    const problems = this.results.filter((r) => r.status === 'problem').length;
    return html`
      <h2 class="title">Troubleshooting</h2>
      <div class="row">
        <span data-test="troubleshooting-summary">${this.results.length === 0 ? 'Not checked yet.'
          : problems ? `${problems} problem${problems > 1 ? 's' : ''} found.` : 'No problem found.'}</span>
        <button data-test="run-checks" ?disabled=${this.running || !this.hub} @click=${() => void this.run()}>
          ${this.running ? 'Checking…' : 'Check again'}</button>
      </div>
      <ul data-test="checks">
        ${this.results.map((r) => html`
          <li class=${r.status} data-check=${r.id} data-status=${r.status}>
            <span class="status">${STATUS_TEXT[r.status]}</span> <b>${r.title}</b>: ${r.summary}
            ${r.status === 'problem' && r.fix ? html`<div class="fix"><b>Fix:</b> ${r.fix}
              <span class="muted">(see ${r.doc.replace('#', ', section #')})</span></div>` : ''}
            ${r.evidence.length ? html`<details><summary>What the hub saw</summary>
              <ul>${r.evidence.map((line) => html`<li>${line}</li>`)}</ul></details>` : ''}
          </li>`)}
      </ul>
    `;
  }

  private async fetchResults(hub: HubRef): Promise<void> {
    if (hub === this.hub) this.results = await hub.api.troubleshooting.results();
  }

  private async sendWindowFacts(): Promise<void> {
    const hub = this.hub;
    if (hub) this.results = await hub.api.troubleshooting.setWindowFacts(collectWindowFacts());
  }
}
customElements.define('hub-troubleshooting-section', TroubleshootingSection);
