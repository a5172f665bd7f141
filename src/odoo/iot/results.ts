/**
 * What the hub sends back for an action or a device event (odoo-iot.md §5, §6): the same JSON
 * goes to `POST /iot/box/send_websocket` and on every open WebRTC channel.
 */
import type { ActionOutcome, OdooDeviceType } from '../../hub/devices.ts';

export const SEND_WEBSOCKET_PATH = '/iot/box/send_websocket';
export const WEBRTC_ANSWER_PATH = '/iot/box/webrtc_answer';
/** odoo-iot.md §4.1: Odoo 18 prints are acknowledged here. */
export const PRINTER_STATUS_PATH = '/iot/printer/status';

export interface ResultMessage {
  /** The action's session id; `0` for `remote_debug`, which has none (the box sends that). */
  session_id: string | number;
  iot_box_identifier: string;
  device_identifier: string | null;
  status: unknown;
  result?: unknown;
  /** A printer's status code (`ERROR_OFFLINE`...); null when it has none, as the box sends it. */
  message?: string | null;
  action_args?: Record<string, unknown>;
  owner?: string;
  time?: number;
  [field: string]: unknown;
}

export interface ResultSource {
  hubIdentifier: string;
  deviceIdentifier: string;
  sessionId: string;
  /** The action data, echoed as `action_args` (with `session_id`, which the POS matches on) for all but printers. */
  data: Record<string, unknown>;
  /** Printers answer in their own shape; null when the device is not known here. */
  deviceType: OdooDeviceType | null;
}

/** An echoed action field longer than this is left out: a receipt or document is not sent back. */
export const ECHO_FIELD_MAX_CHARS = 256;
/** The whole echo is bounded too; past it only what identifies the action stays. */
export const ECHO_MAX_CHARS = 4096;

export function resultMessage(source: ResultSource, outcome: ActionOutcome, now = Date.now()): ResultMessage {
  // The box's `base_response` (iot_drivers/tools/communication.py); `owner` is what the POS matches on.
  const base = { owner: source.sessionId, session_id: source.sessionId, iot_box_identifier: source.hubIdentifier, device_identifier: source.deviceIdentifier, time: now / 1000 };
  // For a device it does not have, the box sends its base fields and the status only.
  if (outcome.status === 'disconnected') return { ...base, status: 'disconnected' };
  if (source.deviceType === 'printer') {
    // Odoo 19's printers answer with their status event, never the action's result
    // (printer_driver_base.py `send_status` → event_manager.device_changed): the driver's data
    // (`value`, `result`, `owner`, `session_id`, `status`, `message`) and the base fields. No
    // `action_args`: the box never sends a receipt back.
    const message: ResultMessage = { value: '', ...base, status: outcome.status, result: outcome.result ?? '', message: outcome.message ?? null };
    if (outcome.fields) Object.assign(message, outcome.fields);
    return message;
  }
  const message: ResultMessage = {
    ...base,
    status: outcome.status,
    result: outcome.result ?? null,
    action_args: { ...echoedArgs(source.data), session_id: source.sessionId },
  };
  if (outcome.message !== undefined) message.message = outcome.message;
  if (outcome.fields) Object.assign(message, outcome.fields);
  return message;
}

/** The action's data as Driver.action echoes it (`{**data}`), without anything large. */
function echoedArgs(data: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (JSON.stringify(value ?? null).length <= ECHO_FIELD_MAX_CHARS) kept[key] = value;
  }
  if (JSON.stringify(kept).length <= ECHO_MAX_CHARS) return kept;
  return { action: data.action, action_unique_id: data.action_unique_id };
}

/**
 * The bus acknowledgement of a box-level message, posted to `/iot/box/send_websocket`: the box's
 * `base_response` plus `status` (iot_drivers/tools/communication.py). `restart_odoo` names the hub
 * as the device (odoo-iot.md §4.1); `test_connection` carries no device identifier, so the box
 * answers `device_identifier: null` there.
 */
export function ackMessage(hubIdentifier: string, sessionId: string, extra: Record<string, unknown> = {}, now = Date.now()): ResultMessage {
  return {
    session_id: sessionId, iot_box_identifier: hubIdentifier, device_identifier: hubIdentifier,
    owner: sessionId, time: now / 1000, status: 'success', ...extra,
  };
}

/**
 * The WebRTC reply to `test_protocol` and `restart_odoo`: exactly
 * `{owner: session_id, device_identifier: <identifier>, time, status: "success"}` (odoo-iot.md §6,
 * iot_drivers/webrtc_client.py).
 */
export function channelAck(hubIdentifier: string, sessionId: string, now = Date.now()): { owner: string; device_identifier: string; time: number; status: 'success' } {
  return { owner: sessionId, device_identifier: hubIdentifier, time: now / 1000, status: 'success' };
}

/** `remote_debug`: the box's answer (websocket_client.py); the hub has no remote shell, so never enabled. */
export function remoteDebugAck(hubIdentifier: string): ResultMessage {
  return { session_id: 0, iot_box_identifier: hubIdentifier, device_identifier: null, status: 'success', result: { enabled: false } };
}
