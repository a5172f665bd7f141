import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BreakdownRecorder, breakdownSteps } from '../../../src/hub/breakdown.ts';

test('a job breakdown lists its marks in order, each from the one before, and the work spans apart', () => {
  const { timeline, work } = breakdownSteps({
    via: 'webrtc',
    marks: { received: 1000, complete: 1020, accepted: 1024, started: 1027, firstByte: 1035, lastByte: 1080, done: 1090, resultSentWebrtc: 1091, resultSentBus: 1120 },
    spans: { jpegDecode: 8, dither: 6.5, base64: 0.3 },
  });
  assert.deepEqual(timeline.map((s) => [s.label, s.ms, s.at]), [
    ['receive and reassemble', 20, 20],
    ['queued (IndexedDB)', 4, 24],
    ['marked running (IndexedDB)', 3, 27],
    ['first byte to the printer', 8, 35],
    ['last byte taken', 45, 80],
    ['status checked, done', 10, 90],
    ['result sent (WebRTC)', 1, 91],
    // Both results leave after `done`: the bus copy is timed from there too.
    ['result sent (bus)', 30, 120],
  ]);
  assert.deepEqual(work.map((s) => [s.label, s.ms]), [['base64 decode', 0.3], ['JPEG decode', 8], ['dither', 6.5]]);
});

test('missing marks are left out; a job that never reached the hub clock has no timeline', () => {
  assert.deepEqual(breakdownSteps({ marks: { received: 5, done: 9 }, spans: {} }).timeline.map((s) => [s.label, s.ms]), [['status checked, done', 4]]);
  assert.deepEqual(breakdownSteps({ marks: { done: 9 }, spans: {} }).timeline, []);
});

test('a recorder sums a span measured several times and keeps the first time of a mark', async () => {
  const recorder = new BreakdownRecorder();
  recorder.add('dither', 1.5);
  assert.equal(recorder.time('dither', () => 7), 7);
  await recorder.timeAsync('jpegDecode', async () => undefined);
  recorder.mark('firstByte', 10);
  recorder.mark('firstByte', 20);
  assert.throws(() => recorder.time('encode', () => { throw new Error('boom'); }), /boom/);
  const { spans, marks } = recorder.result();
  assert.ok(spans.dither! >= 1.5 && spans.jpegDecode! >= 0 && spans.encode! >= 0);
  assert.equal(marks.firstByte, 10);
});
