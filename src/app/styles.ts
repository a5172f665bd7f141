import { css } from 'lit';

/** The look of one homepage section, close to the IoT box homepage: label left, value right. */
export const sectionStyles = css`
  :host { display: block; border-bottom: 1px solid #e6e6e6; padding: 12px 0; }
  h2 { font-size: 15px; margin: 0 0 8px; color: #4c4c4c; font-weight: 600; }
  /* Inside a fold of the homepage the fold's own summary is the title. */
  :host([in-fold]) h2.title { display: none; }
  :host([in-fold]) { border-bottom: none; padding-top: 4px; }
  .row { display: flex; gap: 12px; align-items: baseline; padding: 3px 0; flex-wrap: wrap; }
  .label { min-width: 11em; color: #666; }
  /* The value keeps its own column beside the label and wraps there; on a phone it goes below. */
  .row > .label + * { flex: 1 1 14em; min-width: 0; }
  @media (max-width: 600px) {
    .label { min-width: 7.5em; }
    .row > .label + * { flex-basis: 10em; }
  }
  .value { font-family: ui-monospace, monospace; word-break: break-all; }
  .muted { color: #888; font-style: italic; }
  .ok { color: #28a745; }
  .bad { color: #d9534f; }
  button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #714b67; background: #fff; color: #714b67; cursor: pointer; }
  button.primary { background: #714b67; color: #fff; }
  button:disabled { opacity: 0.5; cursor: default; }
  ul { margin: 4px 0; padding-left: 1.2em; }
`;
