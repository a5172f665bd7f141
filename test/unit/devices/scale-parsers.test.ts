import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TOLEDO_STATUS_BITS, isCompleteToledoAnswer, parseToledoAnswer, toledoStatusReasons } from '../../../workers/drivers/scale/toledo-8217.ts';
import { parseAdamAnswer } from '../../../workers/drivers/scale/adam.ts';
import { parseHidScaleReport } from '../../../workers/drivers/scale/hid-pos-scale.ts';
import { ScaleAnswerError, scaleOutcome } from '../../../workers/drivers/scale/reading.ts';

const bytes = (...parts: Array<string | number>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p].map((c) => c.charCodeAt(0)))));

describe('Toledo 8217 answers', () => {
  it('reads a weight with and without leading spaces and the net flag', () => {
    assert.deepEqual(parseToledoAnswer(bytes(0x02, '001.234', 0x0d)), { kind: 'weight', kg: 1.234 });
    assert.deepEqual(parseToledoAnswer(bytes(0x02, '  0.500N', 0x0d)), { kind: 'weight', kg: 0.5, net: true });
    assert.deepEqual(parseToledoAnswer(bytes('xx', 0x02, '12.5', 0x0d)), { kind: 'weight', kg: 12.5 });
  });

  it('names every status bit, LSB first, ignoring the parity bit', () => {
    for (let bit = 0; bit < 7; bit++) {
      for (const parity of [0, 0x80]) {
        const status = (1 << bit) | parity;
        const reading = parseToledoAnswer(bytes(0x02, '?', status, 0x0d));
        assert.deepEqual(reading, { kind: 'invalid', reasons: [TOLEDO_STATUS_BITS[bit]] }, `bit ${bit} parity ${parity}`);
      }
    }
    assert.deepEqual(toledoStatusReasons(0b0000011), ['Scale in motion', 'Over capacity']);
    assert.deepEqual(parseToledoAnswer(bytes(0x02, '?', 0x80, 0x0d)), { kind: 'invalid', reasons: ['No valid weight'] });
  });

  it('matches the box on the motion example b"\\x02?D\\r" (bits 2 and 6)', () => {
    assert.deepEqual(parseToledoAnswer(bytes(0x02, '?D', 0x0d)), { kind: 'invalid', reasons: ['Under zero', 'Bad command from host'] });
  });

  it('rejects garbage, partial frames, malformed numbers and floods with a clear error', () => {
    assert.throws(() => parseToledoAnswer(new Uint8Array()), /did not answer/);
    assert.throws(() => parseToledoAnswer(bytes(0x02, '1.23')), /unexpected answer \\x021\.23/);
    assert.throws(() => parseToledoAnswer(bytes(0x02, '1.2.3', 0x0d)), /malformed weight "1\.2\.3"/);
    assert.throws(() => parseToledoAnswer(bytes(0xff, 0xfe, 0x7f, 0x00)), ScaleAnswerError);
    assert.throws(() => parseToledoAnswer(new Uint8Array(65).fill(0x20)), /too long/);
    assert.equal(isCompleteToledoAnswer(bytes(0x02, '1.0')), false);
    assert.equal(isCompleteToledoAnswer(bytes(0x0d, 0x02, '1.0', 0x0d)), true);
  });

  it('never throws anything but ScaleAnswerError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (input) => {
      try {
        const reading = parseToledoAnswer(input);
        assert.ok(reading.kind === 'weight' ? Number.isFinite(reading.kg) : reading.kind === 'invalid' && reading.reasons.length > 0);
      } catch (error) {
        assert.ok(error instanceof ScaleAnswerError, String(error));
      }
    }), { numRuns: 2000 });
  });

  it('reads back any weight it is sent', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999999 }), fc.integer({ min: 0, max: 3 }), (grams, spaces) => {
      const text = (grams / 1000).toFixed(3);
      assert.deepEqual(parseToledoAnswer(bytes(0x02, ' '.repeat(spaces), text, 0x0d)), { kind: 'weight', kg: Number(text) });
    }));
  });
});

describe('Adam Equipment answers', () => {
  it('reads kg lines and treats silence as "nothing new"', () => {
    assert.deepEqual(parseAdamAnswer(bytes('   1.250kg\r\n')), { kind: 'weight', kg: 1.25 });
    assert.deepEqual(parseAdamAnswer(bytes('ST,GS  0.75kg', 0x0d, 0x0a)), { kind: 'weight', kg: 0.75 });
    assert.deepEqual(parseAdamAnswer(new Uint8Array()), { kind: 'none' });
  });
  it('rejects other units, garbage and malformed numbers', () => {
    assert.throws(() => parseAdamAnswer(bytes('1.250lb\r\n')), /unexpected answer 1\.250lb/);
    assert.throws(() => parseAdamAnswer(bytes(0xf0, 0x0f, 0x80)), ScaleAnswerError);
    assert.throws(() => parseAdamAnswer(bytes('1..2kg')), /malformed/);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (input) => {
      try {
        parseAdamAnswer(input);
      } catch (error) {
        assert.ok(error instanceof ScaleAnswerError);
      }
    }), { numRuns: 2000 });
  });
});

describe('HID POS scale reports', () => {
  const report = (...b: number[]) => new DataView(Uint8Array.from(b).buffer);
  it('reads status, unit, signed exponent and 16-bit weight', () => {
    assert.deepEqual(parseHidScaleReport(report(4, 2, 0, 0xe8, 0x03)), { kind: 'weight', kg: 1 }); // 1000 g
    assert.deepEqual(parseHidScaleReport(report(4, 3, 0xfe, 0x7b, 0x00)), { kind: 'weight', kg: 1.23 }); // 123e-2 kg
    assert.deepEqual(parseHidScaleReport(report(4, 12, 0xff, 0x0a, 0x00)), { kind: 'weight', kg: 0.453592 }); // 1.0 lb
    assert.deepEqual(parseHidScaleReport(report(4, 11, 0, 16, 0)), { kind: 'weight', kg: 0.453592 }); // 16 oz
    assert.deepEqual(parseHidScaleReport(report(2, 2, 0, 0, 0)), { kind: 'weight', kg: 0 });
  });
  it('turns motion, under zero and over weight into reasons', () => {
    assert.deepEqual(parseHidScaleReport(report(3, 2, 0, 5, 0)), { kind: 'invalid', reasons: ['In motion'] });
    assert.deepEqual(parseHidScaleReport(report(5, 2, 0, 5, 0)), { kind: 'invalid', reasons: ['Under zero'] });
    assert.deepEqual(parseHidScaleReport(report(6, 2, 0, 5, 0)), { kind: 'invalid', reasons: ['Over weight limit'] });
  });
  it('rejects reports of the wrong length and unknown codes', () => {
    assert.throws(() => parseHidScaleReport(report(4, 2, 0)), /report of 3 bytes, expected 5/);
    assert.throws(() => parseHidScaleReport(report(...new Array(9).fill(4))), /report of 9 bytes/);
    assert.throws(() => parseHidScaleReport(report(9, 2, 0, 0, 0)), /unknown HID scale status 9/);
    assert.throws(() => parseHidScaleReport(report(4, 99, 0, 0, 0)), /unknown HID scale unit 99/);
  });
});

describe('scale results per serie', () => {
  it('uses result on 19.0 and value on 18.0, with the status object', () => {
    const status = { status: 'connected' as const, message_title: '', message_body: '' };
    assert.deepEqual(scaleOutcome(19, 1.5, status), { status: 'success', result: 1.5, fields: { result: 1.5, status } });
    assert.deepEqual(scaleOutcome(18, 1.5, status).fields, { value: 1.5, status });
    const motion = { status: 'error' as const, message_title: 'Scale in motion', message_body: '...' };
    assert.equal(scaleOutcome(19, 0, motion).status, 'error');
  });
});
