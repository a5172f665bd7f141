import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FrameError, isForHub, MAX_FRAME_BYTES, parseBusAction, parseBusFrame, parseChannelMessage, parseWebrtcOffer,
} from '../../../src/odoo/iot/messages.ts';
import { ChunkAssembler, ChunkError } from '../../../src/rtc/chunks.ts';
import { ECHO_FIELD_MAX_CHARS, ECHO_MAX_CHARS, resultMessage } from '../../../src/odoo/iot/results.ts';
import { channelText } from '../../../src/hub/link/rtc-channels.ts';

const HUB = '3f9a00112233aabb';

test('parses a bus frame into notifications', () => {
  const frame = JSON.stringify([
    { id: 48213, message: { type: 'iot_action', payload: { iot_identifiers: [HUB], session_id: 's1', device_identifier: 'usb_1', action: 'cashbox', action_unique_id: 'u1' } } },
    { id: 48214, message: { type: 'bundle_changed', payload: 'web.assets' } },
  ]);
  const [a, b] = parseBusFrame(frame);
  assert.equal(a.id, 48213);
  assert.equal(a.type, 'iot_action');
  assert.deepEqual(b, { id: 48214, type: 'bundle_changed', payload: {} });
});

const badFrames: Array<[string, RegExp]> = [
  ['not json', /not JSON/],
  ['{"id":1}', /not a JSON array/],
  ['[1]', /notification 0 is not an object/],
  ['[{"message":{"type":"x"}}]', /no valid id/],
  ['[{"id":-1,"message":{"type":"x"}}]', /no valid id/],
  ['[{"id":1.5,"message":{"type":"x"}}]', /no valid id/],
  ['[{"id":1}]', /no message object/],
  ['[{"id":1,"message":{"type":""}}]', /no message type/],
];
for (const [frame, message] of badFrames) {
  test(`refuses the frame ${frame}`, () => assert.throws(() => parseBusFrame(frame), (e: unknown) => e instanceof FrameError && message.test(e.message)));
}

test('refuses frames over 1 MiB before parsing them', () => {
  assert.throws(() => parseBusFrame(`[${' '.repeat(MAX_FRAME_BYTES)}]`), /over the/);
});

test('fuzz: a bus frame either parses or throws a FrameError', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify([v]))), (text) => {
    try {
      for (const n of parseBusFrame(text)) assert.ok(Number.isSafeInteger(n.id) && typeof n.type === 'string');
    } catch (error) {
      assert.ok(error instanceof FrameError, String(error));
    }
  }), { numRuns: 3000 });
});

test('targets: 19.0 iot_identifiers, 18.0 iotDevice.iotIdentifiers, others ignored', () => {
  assert.equal(isForHub({ iot_identifiers: [HUB] }, HUB), true);
  assert.equal(isForHub({ iot_identifiers: ['other'] }, HUB), false);
  assert.equal(isForHub({ iotDevice: { iotIdentifiers: [HUB] } }, HUB), true);
  assert.equal(isForHub({}, HUB), false);
});

test('19.0 iot_action: devices, action, unique id and data without routing fields', () => {
  const action = parseBusAction({
    iot_identifiers: [HUB], iot_identifier: HUB, session_id: 's1', device_identifiers: ['a', 'b', 'a'], device_identifier: 'a',
    action: 'print_receipt', action_unique_id: 'u1', receipt: 'QUJD',
  });
  assert.deepEqual(action, { via: 'bus', sessionId: 's1', deviceIdentifiers: ['a', 'b'], action: 'print_receipt', actionUniqueId: 'u1', data: { action: 'print_receipt', action_unique_id: 'u1', receipt: 'QUJD' } });
  assert.equal(parseBusAction({ iot_identifiers: [HUB], session_id: 's', device_identifier: 'a' }).action, '');
  assert.throws(() => parseBusAction({ iot_identifiers: [HUB], device_identifier: 'a' }), /session_id is missing/);
  assert.throws(() => parseBusAction({ iot_identifiers: [HUB], session_id: 's' }), /device identifier is missing/);
  assert.throws(() => parseBusAction({ iot_identifiers: [HUB], session_id: 's', device_identifier: 'a', action: 42 }), /action is not a short string/);
});

test('18.0 iot_action (iotDevice form) keeps print_id for the acknowledgement', () => {
  const action = parseBusAction({ iotDevice: { iotIdentifiers: [HUB], identifiers: [{ identifier: 'usb_p', id: 3 }] }, device_identifier: 'usb_p', print_id: 7, document: 'Wlo=' });
  assert.deepEqual(action.deviceIdentifiers, ['usb_p']);
  assert.deepEqual(action.odoo18, { printId: 7 });
  assert.equal(action.data.document, 'Wlo=');
});

test('WebRTC channel messages: iot_action, test_protocol, restart_odoo, and bad ones', () => {
  const m = parseChannelMessage(JSON.stringify({ device_identifier: 'usb_1', data: { action: 'cashbox', action_unique_id: 'u9' }, session_id: 's9', message_type: 'iot_action' }));
  assert.equal(m.kind, 'iot_action');
  if (m.kind === 'iot_action') {
    assert.equal(m.action.via, 'webrtc');
    assert.equal(m.action.actionUniqueId, 'u9');
    assert.deepEqual(m.action.deviceIdentifiers, ['usb_1']);
  }
  assert.deepEqual(parseChannelMessage('{"message_type":"test_protocol","session_id":"x"}'), { kind: 'test_protocol', sessionId: 'x' });
  assert.throws(() => parseChannelMessage('[]'), /not a JSON object/);
  assert.throws(() => parseChannelMessage('{"message_type":"rm -rf"}'), /unknown/);
  assert.throws(() => parseChannelMessage('{"data":{}}'), /device identifier is missing/);
});

test('webrtc_offer needs an SDP offer', () => {
  assert.equal(parseWebrtcOffer({ session_id: 's', offer: { type: 'offer', sdp: 'v=0\r\n' } }).offer.sdp, 'v=0\r\n');
  assert.throws(() => parseWebrtcOffer({ offer: { type: 'answer', sdp: 'v=0' } }), /no SDP offer/);
});

test('chunked channel messages are reassembled and bounded', () => {
  const a = new ChunkAssembler(10);
  assert.equal(a.push('plain'), 'plain');
  assert.equal(a.push('chunked_start'), null);
  assert.equal(a.push('{"a":'), null);
  assert.equal(a.push('1}'), null);
  assert.equal(a.push('chunked_end'), '{"a":1}');
  a.push('chunked_start');
  assert.throws(() => a.push('x'.repeat(11)), ChunkError);
  assert.equal(a.push('after'), 'after');
  assert.throws(() => a.push('chunked_end'), /without chunked_start/);
});

test("results: the shape of odoo-iot.md §5; for disconnected, the box's base fields and the status", () => {
  const source = { hubIdentifier: HUB, deviceIdentifier: 'usb_1', sessionId: 's1', data: { action: 'read_once', action_unique_id: 'u1' }, deviceType: 'scale' as const };
  const message = resultMessage(source, { status: 'success', result: true }, 1_730_000_000_120);
  assert.deepEqual(message, {
    session_id: 's1', iot_box_identifier: HUB, device_identifier: 'usb_1', status: 'success', result: true,
    action_args: { action: 'read_once', action_unique_id: 'u1', session_id: 's1' }, owner: 's1', time: 1_730_000_000.12,
  });
  assert.deepEqual(resultMessage(source, { status: 'disconnected' }, 1_730_000_000_000), {
    owner: 's1', session_id: 's1', iot_box_identifier: HUB, device_identifier: 'usb_1', time: 1_730_000_000, status: 'disconnected',
  });
  const scale = resultMessage(source, { status: 'success', fields: { result: 1.5, status: { status: 'connected' } } });
  assert.deepEqual(scale.status, { status: 'connected' });
});

test("a printer answers as Odoo 19's printer driver does: its status event, no action_args, the receipt never sent back", () => {
  // As large as a WebRTC message to the box may be (max-message-size 65536, odoo-iot.md §6).
  const receipt = 'A'.repeat(65_536);
  const source = { hubIdentifier: HUB, deviceIdentifier: 'p', sessionId: 's', data: { action: 'print_receipt', action_unique_id: 'u', receipt }, deviceType: 'printer' as const };
  assert.deepEqual(resultMessage(source, { status: 'success' }, 1_730_000_000_000), {
    value: '', owner: 's', session_id: 's', iot_box_identifier: HUB, device_identifier: 'p', time: 1_730_000_000, status: 'success', result: '', message: null,
  });
  const failed = resultMessage(source, { status: 'error', message: 'ERROR_NO_PAPER', result: 'out of paper' });
  assert.equal(failed.message, 'ERROR_NO_PAPER');
  assert.equal(failed.result, 'out of paper');
  assert.equal('action_args' in failed, false);
  assert.ok(JSON.stringify(failed).length < 400);
  // The same text goes on the WebRTC channel and to Odoo: nothing to slim.
  assert.equal(channelText(failed), JSON.stringify(failed));
});

test('other devices echo the action without anything large, and the echo is bounded as a whole', () => {
  const data: Record<string, unknown> = { action: 'set', action_unique_id: 'u', small: 'x', image: 'B'.repeat(ECHO_FIELD_MAX_CHARS + 1) };
  const echo = resultMessage({ hubIdentifier: HUB, deviceIdentifier: 'd', sessionId: 's', data, deviceType: 'display' }, { status: 'success' }).action_args;
  assert.deepEqual(echo, { action: 'set', action_unique_id: 'u', small: 'x', session_id: 's' });
  for (let i = 0; i < 40; i++) data[`field${i}`] = 'C'.repeat(ECHO_FIELD_MAX_CHARS - 10);
  const bounded = resultMessage({ hubIdentifier: HUB, deviceIdentifier: 'd', sessionId: 's', data, deviceType: null }, { status: 'success' }).action_args;
  assert.deepEqual(bounded, { action: 'set', action_unique_id: 'u', session_id: 's' });
  assert.ok(JSON.stringify(bounded).length <= ECHO_MAX_CHARS);
});
