import type { ActionOutcome } from '../../../src/hub/devices.ts';
import type { OdooSerie } from '../odoo-serie.ts';

/** What one measurement gave: a weight in kg, or no valid weight and why. */
export type ScaleReading =
  | { kind: 'weight'; kg: number; net?: boolean }
  | { kind: 'invalid'; reasons: string[] }
  /** The scale had nothing new to say (an Adam answers nothing for an unchanged weight). */
  | { kind: 'none' };

/** A scale answer that is not the protocol's: line noise, a wrong baud rate, another device. */
export class ScaleAnswerError extends Error {
  override name = 'ScaleAnswerError';
}

/** The box's scale status object (19.0 `iot_drivers` ScaleDriver `_status`). */
export interface ScaleStatus {
  status: 'connected' | 'error' | 'connecting' | 'disconnected';
  message_title: string;
  message_body: string;
}

export const CONNECTED: ScaleStatus = { status: 'connected', message_title: '', message_body: '' };

/** Printable bytes for error messages: at most 32, control bytes as \xNN. */
export function showBytes(bytes: Uint8Array): string {
  const shown = [...bytes.subarray(0, 32)]
    .map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`))
    .join('');
  return bytes.length > 32 ? `${shown}… (${bytes.length} bytes)` : shown || '(nothing)';
}

/** The weight and status as the serie's POS reads them (odoo-iot.md §7). */
export function scaleOutcome(serie: OdooSerie, weight: number, status: ScaleStatus): ActionOutcome {
  const outcome: ActionOutcome = {
    status: status.status === 'disconnected' ? 'disconnected' : status.status === 'error' ? 'error' : 'success',
    result: weight,
    fields: { [serie === 18 ? 'value' : 'result']: weight, status },
  };
  if (status.message_title) outcome.message = status.message_title;
  return outcome;
}
