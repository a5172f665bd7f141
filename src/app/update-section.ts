import { LitElement, html } from 'lit';
import { sectionStyles } from './styles.ts';
import type { UpdateController } from './updates.ts';

export class UpdateSection extends LitElement {
  static properties = { automatic: { type: Boolean }, controller: { attribute: false } };
  static styles = sectionStyles;
  declare automatic: boolean;
  declare controller: UpdateController | null;
  private readonly rerender = () => this.requestUpdate();

  constructor() {
    super();
    this.automatic = true;
    this.controller = null;
  }

  updated(changed: Map<string, unknown>) {
    if (changed.has('controller')) {
      (changed.get('controller') as UpdateController | null)?.removeEventListener('change', this.rerender);
      this.controller?.addEventListener('change', this.rerender);
    }
  }

  render() {
    const state = this.controller?.state ?? 'current';
    return html`
      <h2 class="title">Updates</h2>
      <div class="row">
        <label><input type="checkbox" data-test="auto-update" .checked=${this.automatic} @change=${this.toggle} />
          Automatic update (applied when no job is running)</label>
      </div>
      <div class="row" data-test="update-state">
        ${!this.controller ? html`<span class="muted">Updates are managed by the service worker of the built app (not in development).</span>`
          : state === 'current' ? html`<span>This is the newest version.</span>`
          : state === 'available' ? html`<span>A new version is ready.</span> <button class="primary" @click=${() => this.controller?.applyNow()}>Update now</button>`
          : state === 'waiting-for-idle' ? html`<span>A new version will be applied when the current job ends.</span>`
          : html`<span>Updating…</span>`}
      </div>
    `;
  }

  private toggle(event: Event) {
    const automatic = (event.target as HTMLInputElement).checked;
    this.dispatchEvent(new CustomEvent('auto-update-change', { detail: automatic, bubbles: true, composed: true }));
  }
}
customElements.define('hub-update-section', UpdateSection);
