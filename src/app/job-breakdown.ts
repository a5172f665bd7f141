import { html, nothing } from 'lit';
import { breakdownSteps, type BreakdownStep, type JobBreakdown } from '../hub/breakdown.ts';

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** A job's details: where its time went, mark by mark from its arrival, then the work its device did. */
export function breakdownDetails(breakdown: JobBreakdown | undefined) {
  if (!breakdown) return nothing;
  const { timeline, work } = breakdownSteps(breakdown);
  if (timeline.length === 0 && work.length === 0) return nothing;
  const last = timeline.reduce((most, step) => Math.max(most, step.at ?? 0), 0);
  const row = (step: BreakdownStep) => html`<tr data-test="breakdown-step" data-step=${step.label}>
    <td>${step.label}</td><td class="value">${ms(step.ms)}</td><td class="muted">${step.at !== undefined ? `at ${ms(step.at)}` : ''}</td></tr>`;
  return html`<details data-test="breakdown"><summary>Where the time went: ${ms(last)}${breakdown.via ? ` (via ${breakdown.via})` : ''}</summary>
    <table class="breakdown">${timeline.map(row)}</table>
    ${work.length ? html`<div class="muted">Work (a streamed print dithers and encodes while it sends):</div>
      <table class="breakdown">${work.map(row)}</table>` : nothing}
  </details>`;
}
