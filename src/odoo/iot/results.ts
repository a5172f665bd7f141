/**
 * What the hub sends back for an action or a device event (odoo-iot.md §5, §6): the same JSON
 * goes to `POST /iot/box/send_websocket` and on every open WebRTC channel.
 */
import type { ActionOutcome } from '../../hub/devices.ts';

export const SEND_WEBSOCKET_PATH = '/iot/box/send_websocket';
export const WEBRTC_ANSWER_PATH = '/iot/box/webrtc_answer';
/** odoo-iot.md §4.1: Odoo 18 prints are acknowledged here. */
export const PRINTER_STATUS_PATH = '/iot/printer/status';

export interface ResultMessage {
  session_id: string;
  iot_box_identifier: string;
  device_identifier: string | null;
  status: unknown;
  result?: unknown;
  message?: string;
  action_args?: Record<string, unknown>;
  owner?: string;
  time?: number;
  [field: string]: unknown;
}

export interface ResultSource {
  hubIdentifier: string;
  deviceIdentifier: string;
  sessionId: string;
  /** The action data, echoed as `action_args` (with `session_id`, which the POS matches on). */
  data: Record<string, unknown>;
}

export function resultMessage(source: ResultSource, outcome: ActionOutcome, now = Date.now()): ResultMessage {
  // The box's `base_response` (iot_drivers/tools/communication.py); `owner` is what the POS matches on.
  const base = { owner: source.sessionId, session_id: source.sessionId, iot_box_identifier: source.hubIdentifier, device_identifier: source.deviceIdentifier, time: now / 1000 };
  // For a device it does not have, the box sends its base fields and the status only.
  if (outcome.status === 'disconnected') return { ...base, status: 'disconnected' };
  const message: ResultMessage = {
    ...base,
    status: outcome.status,
    result: outcome.result ?? null,
    action_args: { ...source.data, session_id: source.sessionId },
  };
  if (outcome.message !== undefined) message.message = outcome.message;
  if (outcome.fields) Object.assign(message, outcome.fields);
  return message;
}

/** An acknowledgement of a box-level message (restart_odoo, test_protocol, test_connection). */
export function ackMessage(hubIdentifier: string, sessionId: string, extra: Record<string, unknown> = {}, now = Date.now()): ResultMessage {
  return {
    session_id: sessionId, iot_box_identifier: hubIdentifier, device_identifier: hubIdentifier,
    owner: sessionId, time: now / 1000, status: 'success', ...extra,
  };
}
