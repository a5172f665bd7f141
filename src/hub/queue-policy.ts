/**
 * What the queue may do with an action when its device is away or the action waited: paper
 * can wait for the printer to come back, a cash drawer or a scale read cannot (a drawer that
 * pops open minutes after the sale, or a weight read for a customer who left, is a fault).
 */
export type JobKind = 'print' | 'drawer' | 'scale' | 'other';

/** A device that is offline or unplugged holds its print jobs this long unless its settings say otherwise. */
export const DEFAULT_HOLD_MS = 10 * 60_000;
/** The device setting (minutes) that overrides the hold time. */
export const HOLD_SETTING = 'holdMinutes';
/** Bounds of that setting: holding forever would print yesterday's receipts. */
export const HOLD_MINUTES_MAX = 24 * 60;
/**
 * A drawer opening or a scale read that could not start within this time of its arrival is not
 * run at all: the cashier is still at the counter for a few seconds (a reload, a receipt ahead
 * of it), not after a restart or an outage.
 */
export const LIVE_ACTION_MAX_WAIT_MS = 10_000;

/** odoo-iot.md §7: printer actions that put paper out ('' is a raw document, status a status ticket). */
const PRINT_ACTIONS = new Set(['print_receipt', '', 'status']);
/** odoo-iot.md §8: scale actions, all about the weight on the plate now. */
const SCALE_ACTIONS = new Set(['read_once', 'start_reading', 'stop_reading', 'get_status', 'set_zero', 'set_tare', 'clear_tare']);

export function jobKind(action: string): JobKind {
  if (action === 'cashbox') return 'drawer';
  if (PRINT_ACTIONS.has(action)) return 'print';
  if (SCALE_ACTIONS.has(action)) return 'scale';
  return 'other';
}

/** Print jobs wait for their device; everything else fails at once when the device is away. */
export function holdsWhileOffline(kind: JobKind): boolean {
  return kind === 'print';
}

/** The longest an action may wait before it runs, or null when lateness does not matter. */
export function maxWaitMs(kind: JobKind): number | null {
  return kind === 'drawer' || kind === 'scale' ? LIVE_ACTION_MAX_WAIT_MS : null;
}

/** The hold time from a device's settings (`holdMinutes`), or the default. */
export function holdMsFrom(settings: Record<string, unknown> | undefined): number {
  const minutes = settings?.[HOLD_SETTING];
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) return DEFAULT_HOLD_MS;
  return Math.min(minutes, HOLD_MINUTES_MAX) * 60_000;
}

/** Readable texts for the results the queue itself gives. */
export const QUEUE_TEXT = {
  held: (minutes: number) => `the printer is offline: the job is held and prints when it comes back (up to ${formatMinutes(minutes)})`,
  sameAsHeld: (minutes: number) =>
    `the printer is offline and the same receipt is already waiting for it: it prints once when the printer comes back (up to ${formatMinutes(minutes)})`,
  holdExpired: (minutes: number) => `the printer stayed offline for ${formatMinutes(minutes)}: not printed (send it again once the printer is back)`,
  drawerOffline: 'the printer is offline: the cash drawer was not opened (a drawer is never opened later)',
  scaleOffline: 'the scale is offline: nothing was read',
  tooLate: (kind: JobKind, waitedMs: number) =>
    `${kind === 'drawer' ? 'the cash drawer was not opened' : 'the scale was not read'}: it could not start within ${Math.round(LIVE_ACTION_MAX_WAIT_MS / 1000)} s (waited ${Math.round(waitedMs / 1000)} s), and it is never done late`,
  cancelled: 'cancelled on the hub',
  discarded: 'discarded on the hub (it may have printed)',
  cutOff: (reason: string) => `the printer went away while the job was being sent (${reason}): it may have printed; check the paper, then Reprint or Discard it on the hub`,
} as const;

function formatMinutes(minutes: number): string {
  return minutes >= 1 ? `${Math.round(minutes * 10) / 10} min` : `${Math.round(minutes * 600) / 10} s`;
}
