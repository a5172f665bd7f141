import type { ActionArrival } from '../../hub/breakdown.ts';
/**
 * Bus frames and the IoT messages inside them, validated once at the edge
 * (shared/protocol/odoo-iot.md §4, §4.1, §6). Everything from outside passes through here:
 * sizes are bounded, unknown fields ignored, and a bad frame names what is wrong with it.
 */

/** odoo-iot.md §4: the bus carries messages up to 1 MiB. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** A frame holds the notifications kept for one channel; far fewer than this in practice. */
export const MAX_NOTIFICATIONS_PER_FRAME = 1000;
/** WebRTC messages carry whole receipts (base64 JPEG); reassembled chunks are bounded by this. */
export const MAX_CHANNEL_MESSAGE_BYTES = 8 * 1024 * 1024;
const MAX_ID_LENGTH = 256;
const MAX_DEVICES_PER_ACTION = 64;

export class FrameError extends Error {
  name = 'FrameError';
}

export interface Notification {
  id: number;
  type: string;
  payload: Record<string, unknown>;
  /** When its frame reached the hub (wall-clock ms, src/hub/breakdown.ts). */
  receivedAt?: number;
}

/** Parses one websocket text frame into its notifications. */
export function parseBusFrame(text: string): Notification[] {
  if (typeof text !== 'string') throw new FrameError('bus frame is not text');
  if (text.length > MAX_FRAME_BYTES) throw new FrameError(`bus frame of ${text.length} characters is over the ${MAX_FRAME_BYTES} limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FrameError(`bus frame is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new FrameError('bus frame is not a JSON array of notifications');
  if (parsed.length > MAX_NOTIFICATIONS_PER_FRAME) throw new FrameError(`bus frame holds ${parsed.length} notifications, over ${MAX_NOTIFICATIONS_PER_FRAME}`);
  return parsed.map((item, index) => {
    if (!isObject(item)) throw new FrameError(`notification ${index} is not an object`);
    const { id, message } = item;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new FrameError(`notification ${index} has no valid id`);
    if (!isObject(message)) throw new FrameError(`notification ${id} has no message object`);
    if (typeof message.type !== 'string' || !message.type || message.type.length > MAX_ID_LENGTH) throw new FrameError(`notification ${id} has no message type`);
    // bundle_changed and friends may carry a non-object payload; only IoT messages need one.
    const payload = isObject(message.payload) ? message.payload : {};
    return { id, type: message.type, payload };
  });
}

/** One action for the router, whatever path and Odoo version it came by. */
export interface IotAction {
  via: 'bus' | 'webrtc';
  sessionId: string;
  deviceIdentifiers: string[];
  action: string;
  actionUniqueId: string | null;
  /** Everything the POS sent besides the routing fields: echoed back as `action_args`. */
  data: Record<string, unknown>;
  /** Odoo 18 form: acknowledge with `/iot/printer/status` once printed. */
  odoo18?: { printId: unknown };
  /** When it reached the hub (the job's breakdown starts there). */
  arrival?: ActionArrival;
}

/** Routing fields that are not action data (odoo-iot.md §4.1). */
const ROUTING_KEYS = new Set(['iot_identifiers', 'iot_identifier', 'session_id', 'device_identifiers', 'device_identifier', 'iotDevice']);

/** Whether a payload's `iot_identifiers` (or Odoo 18 `iotDevice.iotIdentifiers`) names this hub. */
export function isForHub(payload: Record<string, unknown>, identifier: string): boolean {
  const ids = Array.isArray(payload.iot_identifiers)
    ? payload.iot_identifiers
    : isObject(payload.iotDevice) && Array.isArray(payload.iotDevice.iotIdentifiers) ? payload.iotDevice.iotIdentifiers : null;
  if (ids) return ids.includes(identifier);
  return payload.iot_identifier === identifier;
}

/** An `iot_action` bus payload, 19.0 or 18.0 form. */
export function parseBusAction(payload: Record<string, unknown>): IotAction {
  const data = actionData(payload);
  if (isObject(payload.iotDevice)) {
    // Odoo 18: {iotDevice: {iotIdentifiers, identifiers: [{identifier, id}]}, device_identifier, print_id, document}
    const listed = Array.isArray(payload.iotDevice.identifiers)
      ? payload.iotDevice.identifiers.map((d) => (isObject(d) ? d.identifier : undefined)) : [];
    const devices = uniqueIds([...listed, payload.device_identifier], 'device identifier');
    return {
      via: 'bus', sessionId: optionalId(payload.session_id, 'session_id') ?? '', deviceIdentifiers: devices,
      action: actionName(payload.action), actionUniqueId: optionalId(payload.action_unique_id, 'action_unique_id'), data,
      odoo18: { printId: payload.print_id ?? null },
    };
  }
  const devices = uniqueIds(Array.isArray(payload.device_identifiers) ? payload.device_identifiers : [payload.device_identifier], 'device identifier');
  return {
    via: 'bus', sessionId: requiredId(payload.session_id, 'session_id'), deviceIdentifiers: devices,
    action: actionName(payload.action), actionUniqueId: optionalId(payload.action_unique_id, 'action_unique_id'), data,
  };
}

export type ChannelMessage =
  | { kind: 'iot_action'; action: IotAction }
  | { kind: 'test_protocol' | 'restart_odoo'; sessionId: string };

/** A text message from the WebRTC `iot` channel (odoo-iot.md §6), already reassembled. */
export function parseChannelMessage(text: string): ChannelMessage {
  if (text.length > MAX_CHANNEL_MESSAGE_BYTES) throw new FrameError(`channel message of ${text.length} characters is over the ${MAX_CHANNEL_MESSAGE_BYTES} limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FrameError(`channel message is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new FrameError('channel message is not a JSON object');
  const type = parsed.message_type ?? 'iot_action';
  const sessionId = optionalId(parsed.session_id, 'session_id') ?? '';
  if (type === 'test_protocol' || type === 'restart_odoo') return { kind: type, sessionId };
  // Named by its text or its JSON type only: String() of a crafted object can throw.
  if (type !== 'iot_action') throw new FrameError(`channel message_type ${typeof type === 'string' ? `"${type.slice(0, 40)}"` : `of type ${type === null ? 'null' : typeof type}`} is unknown`);
  const data = isObject(parsed.data) ? parsed.data : {};
  return {
    kind: 'iot_action',
    action: {
      via: 'webrtc', sessionId, deviceIdentifiers: uniqueIds([parsed.device_identifier], 'device identifier'),
      action: actionName(data.action), actionUniqueId: optionalId(data.action_unique_id, 'action_unique_id'), data: actionData(data),
    },
  };
}

export interface WebrtcOffer {
  sessionId: string;
  offer: { type: 'offer'; sdp: string };
}

export function parseWebrtcOffer(payload: Record<string, unknown>): WebrtcOffer {
  const offer = payload.offer;
  if (!isObject(offer) || offer.type !== 'offer' || typeof offer.sdp !== 'string' || !offer.sdp.startsWith('v=0')) {
    throw new FrameError('webrtc_offer has no SDP offer');
  }
  return { sessionId: optionalId(payload.session_id, 'session_id') ?? '', offer: { type: 'offer', sdp: offer.sdp } };
}

function actionData(source: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (!ROUTING_KEYS.has(key)) data[key] = value;
  return data;
}

function actionName(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH) throw new FrameError('action is not a short string');
  return value;
}

function requiredId(value: unknown, name: string): string {
  const id = optionalId(value, name);
  if (id === null) throw new FrameError(`${name} is missing`);
  return id;
}

function optionalId(value: unknown, name: string): string | null {
  if (value === undefined || value === null || value === false || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH) throw new FrameError(`${name} is not a string of at most ${MAX_ID_LENGTH} characters`);
  return value;
}

function uniqueIds(values: unknown[], name: string): string[] {
  const ids = [...new Set(values.filter((v) => v !== undefined && v !== null && v !== '').map((v) => requiredId(v, name)))];
  if (ids.length === 0) throw new FrameError(`${name} is missing`);
  if (ids.length > MAX_DEVICES_PER_ACTION) throw new FrameError(`action names ${ids.length} devices, over ${MAX_DEVICES_PER_ACTION}`);
  return ids;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
