import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD, parsesOrRefuses, text, jsonValue, hex } from './support.ts';
import { parseConnectionToken, TokenError, MAX_TOKEN_LENGTH } from '../../../src/odoo/iot/token.ts';
import {
  FrameError, isForHub, parseBusAction, parseBusFrame, parseChannelMessage, parseWebrtcOffer, MAX_FRAME_BYTES,
} from '../../../src/odoo/iot/messages.ts';
import { ChunkAssembler, ChunkError, CHUNKED_END, CHUNKED_START } from '../../../src/rtc/chunks.ts';

const HUB = '0123456789abcdef';
const id = fc.oneof(fc.constant(HUB), hex(20), fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null), fc.boolean());
const anyField = fc.oneof(id, jsonValue);

/** Payloads close to real ones, each field swapped for anything now and then. */
const payload = fc.record({
  iot_identifiers: fc.oneof(fc.array(id, { maxLength: 4 }), anyField),
  iot_identifier: anyField,
  session_id: anyField,
  device_identifiers: fc.oneof(fc.array(id, { maxLength: 70 }), anyField),
  device_identifier: anyField,
  action: fc.oneof(fc.constantFrom('print_receipt', 'cashbox', '', 'read_once'), anyField),
  action_unique_id: anyField,
  offer: fc.oneof(fc.record({ type: fc.constantFrom('offer', 'answer', 1), sdp: fc.oneof(fc.constant('v=0\r\n'), fc.string()) }), anyField),
  iotDevice: fc.oneof(fc.constant(undefined), fc.record({ iotIdentifiers: fc.array(id, { maxLength: 3 }), identifiers: fc.array(fc.record({ identifier: id }), { maxLength: 3 }) }), anyField),
}, { requiredKeys: [] });

const frame = fc.oneof(
  text,
  fc.array(fc.record({
    id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string({ maxLength: 5 })),
    message: fc.oneof(fc.record({ type: fc.oneof(fc.constantFrom('iot_action', 'webrtc_offer', 'server_clear'), fc.string({ maxLength: 300 })), payload: fc.oneof(payload, jsonValue) }), jsonValue),
  }, { requiredKeys: [] }), { maxLength: 8 }).map((n) => JSON.stringify(n)),
);

describe('fuzz: IoT link parsers', () => {
  it('connection tokens: a token or a TokenError, never anything else', HANG_GUARD, () => {
    const part = fc.oneof(fc.string({ maxLength: 40 }), hex(32), fc.constant(''));
    const url = fc.oneof(fc.webUrl(), fc.string({ maxLength: 60 }), fc.constantFrom('javascript:alert(1)', 'http://u:p@h', 'https://x#y', 'file:///etc'));
    const token = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.tuple(url, part, part, part).map((p) => p.join('|')),
      fc.tuple(url, fc.array(fc.tuple(fc.constantFrom('token', 'db_uuid', 'enterprise_code', 'db_name', 'x'), part), { maxLength: 6 }))
        .map(([u, q]) => `${u}?${q.map(([k, v]) => `${k}=${v}`).join('&')}`),
      fc.string({ minLength: MAX_TOKEN_LENGTH - 5, maxLength: MAX_TOKEN_LENGTH + 5 }),
    );
    fc.assert(fc.property(token, (input) => {
      const r = parsesOrRefuses(() => parseConnectionToken(input), TokenError);
      if (r.ok) {
        assert.match(r.value.serverUrl, /^https?:\/\/[^/]/);
        assert.ok(r.value.token.length > 0 && r.value.token.length <= 256);
      }
    }), { numRuns: RUNS });
  });

  it('bus frames and the payloads inside: notifications or a FrameError; only this hub\'s messages pass the target check', HANG_GUARD, () => {
    fc.assert(fc.property(frame, (input) => {
      const r = parsesOrRefuses(() => parseBusFrame(input), FrameError);
      if (!r.ok) return;
      for (const n of r.value) {
        assert.ok(Number.isSafeInteger(n.id) && n.id >= 0);
        const forHub = isForHub(n.payload, HUB);
        assert.equal(typeof forHub, 'boolean');
        if (forHub) {
          const listed = Array.isArray(n.payload.iot_identifiers) ? n.payload.iot_identifiers : (n.payload.iotDevice as { iotIdentifiers?: unknown })?.iotIdentifiers;
          assert.ok((Array.isArray(listed) && listed.includes(HUB)) || n.payload.iot_identifier === HUB, 'acts only on messages naming this hub');
        }
        const action = parsesOrRefuses(() => parseBusAction(n.payload), FrameError);
        if (action.ok) {
          assert.ok(action.value.deviceIdentifiers.length >= 1 && action.value.deviceIdentifiers.length <= 64);
          assert.ok(action.value.deviceIdentifiers.every((d) => typeof d === 'string' && d.length <= 256));
        }
        parsesOrRefuses(() => parseWebrtcOffer(n.payload), FrameError);
      }
    }), { numRuns: RUNS });
    assert.throws(() => parseBusFrame(`[${' '.repeat(MAX_FRAME_BYTES)}]`), FrameError);
  });

  it('WebRTC channel messages: an action, a protocol message or a FrameError', HANG_GUARD, () => {
    const message = fc.oneof(text, fc.record({
      device_identifier: anyField, session_id: anyField,
      message_type: fc.oneof(fc.constantFrom('iot_action', 'test_protocol', 'restart_odoo'), anyField),
      data: fc.oneof(payload, jsonValue),
    }, { requiredKeys: [] }).map((m) => JSON.stringify(m)));
    fc.assert(fc.property(message, (input) => {
      const r = parsesOrRefuses(() => parseChannelMessage(input), FrameError);
      if (r.ok && r.value.kind === 'iot_action') assert.equal(r.value.action.via, 'webrtc');
    }), { numRuns: RUNS });
  });

  it('chunk reassembly: whole messages back, bounded, a ChunkError for broken sequences', HANG_GUARD, () => {
    const piece = fc.oneof(fc.constant(CHUNKED_START), fc.constant(CHUNKED_END), fc.string({ maxLength: 40 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 1, max: 200 }), (pieces, limit) => {
      const assembler = new ChunkAssembler(limit);
      for (const p of pieces) {
        const r = parsesOrRefuses(() => assembler.push(p), ChunkError);
        if (r.ok && r.value !== null && p === CHUNKED_END) assert.ok(r.value.length <= limit);
      }
      // Whatever came before, a well-formed chunked message after it comes back whole (or is
      // refused as too large): chunked_start inside a message restarts it with a ChunkError.
      parsesOrRefuses(() => assembler.push(CHUNKED_START), ChunkError);
      const whole = parsesOrRefuses(() => [assembler.push('{"a":'), assembler.push('1}'), assembler.push(CHUNKED_END)][2], ChunkError);
      if (limit >= 7) assert.deepEqual(whole, { ok: true, value: '{"a":1}' });
      else assert.equal(whole.ok, false);
    }), { numRuns: RUNS });
  });
});
