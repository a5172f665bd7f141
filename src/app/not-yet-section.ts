import { LitElement, html } from 'lit';
import { sectionStyles } from './styles.ts';

/** A homepage section whose capability is not built yet: it says so rather than pretend. */
export class NotYetSection extends LitElement {
  static properties = { heading: {}, reason: {} };
  static styles = sectionStyles;
  declare heading: string;
  declare reason: string;

  constructor() {
    super();
    this.heading = '';
    this.reason = '';
  }

  render() {
    return html`<h2>${this.heading}</h2><div class="muted" data-test="not-available">Not available yet: ${this.reason}</div>`;
  }
}
customElements.define('hub-not-yet-section', NotYetSection);
