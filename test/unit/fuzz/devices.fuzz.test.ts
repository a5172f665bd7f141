import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD, parsesOrRefuses, bytes } from './support.ts';
import { parseToledoAnswer, isCompleteToledoAnswer, TOLEDO_ANSWER_LIMIT } from '../../../workers/drivers/scale/toledo-8217.ts';
import { parseAdamAnswer, isCompleteAdamAnswer } from '../../../workers/drivers/scale/adam.ts';
import { parseHidScaleReport } from '../../../workers/drivers/scale/hid-pos-scale.ts';
import { ScaleAnswerError } from '../../../workers/drivers/scale/reading.ts';
import { parseScannedDataReport, ScanAssembler, ScannerReportError, MAX_SCAN_BYTES, SCANNED_DATA_LENGTH, SCANNED_DATA_REPORT_ID } from '../../../workers/drivers/scanner/hid-pos-report.ts';
import { SerialScanSplitter, MAX_SCAN_LINE } from '../../../workers/drivers/scanner/serial-scan-splitter.ts';
import { readImageHeader, ImageError, IMAGE_LIMITS } from '../../../workers/imaging/decode.ts';
import { decodeDeviceId } from '../../../workers/transports/usb.ts';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function assertReading(r: ReturnType<typeof parseToledoAnswer>): void {
  if (r.kind === 'weight') assert.ok(Number.isFinite(r.kg), 'a weight is a finite number');
  else if (r.kind === 'invalid') assert.ok(r.reasons.length > 0);
  else assert.equal(r.kind, 'none');
}

describe('fuzz: device bytes', () => {
  it('Toledo 8217 answers: a reading or a ScaleAnswerError', HANG_GUARD, () => {
    const nearToledo = fc.tuple(fc.constantFrom('\x02', ''), fc.string({ unit: fc.constantFrom(...' 0123456789.N?\r\x02-e+x'), maxLength: 20 }), fc.constantFrom('\r', '', 'N\r'))
      .map(([a, b, c]) => ascii(a + b + c));
    fc.assert(fc.property(fc.oneof(bytes(TOLEDO_ANSWER_LIMIT + 8), nearToledo), (input) => {
      assert.equal(typeof isCompleteToledoAnswer(input), 'boolean');
      const r = parsesOrRefuses(() => parseToledoAnswer(input), ScaleAnswerError);
      if (r.ok) assertReading(r.value);
    }), { numRuns: RUNS });
  });

  it('Adam answers: a reading or a ScaleAnswerError', HANG_GUARD, () => {
    const nearAdam = fc.string({ unit: fc.constantFrom(...' 0123456789.kglb\r\n-'), maxLength: 24 }).map(ascii);
    fc.assert(fc.property(fc.oneof(bytes(80), nearAdam), (input) => {
      assert.equal(typeof isCompleteAdamAnswer(input), 'boolean');
      const r = parsesOrRefuses(() => parseAdamAnswer(input), ScaleAnswerError);
      if (r.ok) assertReading(r.value);
    }), { numRuns: RUNS });
  });

  it('HID scale reports: a reading or a ScaleAnswerError', HANG_GUARD, () => {
    const near = fc.tuple(fc.integer({ min: 0, max: 8 }), fc.constantFrom(2, 3, 11, 12, 0, 255), fc.integer({ min: -128, max: 127 }), fc.integer({ min: 0, max: 0xffff }))
      .map(([s, u, e, w]) => Uint8Array.of(s, u, e & 0xff, w & 0xff, w >> 8));
    fc.assert(fc.property(fc.oneof(bytes(12), near), (input) => {
      const r = parsesOrRefuses(() => parseHidScaleReport(new DataView(input.buffer, input.byteOffset, input.byteLength)), ScaleAnswerError);
      if (r.ok) assertReading(r.value);
    }), { numRuns: RUNS });
  });

  it('HID POS scanner reports and their reassembly: text or a ScannerReportError, bounded', HANG_GUARD, () => {
    const report = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 4 }), bytes(70)),
      fc.tuple(fc.constant(SCANNED_DATA_REPORT_ID), fc.uint8Array({ minLength: SCANNED_DATA_LENGTH, maxLength: SCANNED_DATA_LENGTH })),
    );
    fc.assert(fc.property(fc.array(report, { maxLength: 200 }), (reports) => {
      const assembler = new ScanAssembler();
      for (const [id, data] of reports) {
        const fragment = parsesOrRefuses(() => parseScannedDataReport(id, new DataView(data.buffer, data.byteOffset, data.byteLength)), ScannerReportError);
        if (!fragment.ok) continue;
        const scan = parsesOrRefuses(() => assembler.add(fragment.value), ScannerReportError);
        if (scan.ok && scan.value !== null) assert.ok(scan.value.length <= MAX_SCAN_BYTES);
      }
    }), { numRuns: RUNS });
  });

  it('serial scanner splitter: scans without line ends, never longer than a line', HANG_GUARD, () => {
    const chunk = fc.oneof(bytes(64), fc.string({ maxLength: 30 }).map((s) => ascii(`${s}\r\n`)), fc.uint8Array({ minLength: MAX_SCAN_LINE - 2, maxLength: MAX_SCAN_LINE + 3 }).map((b) => b.map((x) => (x === 13 || x === 10 ? 65 : x))));
    fc.assert(fc.property(fc.array(fc.tuple(chunk, fc.boolean()), { maxLength: 12 }), (chunks) => {
      const splitter = new SerialScanSplitter();
      for (const [piece, quiet] of chunks) {
        const results = [splitter.push(piece), ...(quiet ? [splitter.idle()] : [])];
        for (const r of results) {
          for (const scan of r.scans) {
            assert.ok(!/[\r\n]/.test(scan));
            assert.ok(scan.length <= MAX_SCAN_LINE);
          }
        }
      }
    }), { numRuns: RUNS });
  });

  it('image headers (the decode guard): a size within the limits or an ImageError', HANG_GUARD, () => {
    const jpegSegment = fc.tuple(fc.integer({ min: 0xc0, max: 0xfe }), fc.uint8Array({ maxLength: 20 }))
      .map(([marker, body]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
    const jpeg = fc.array(jpegSegment, { maxLength: 6 }).map((segments) => Uint8Array.from([0xff, 0xd8, ...segments.flat(), 0xff, 0xd9]));
    const png = fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 40 })).map(([rest]) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...rest]));
    fc.assert(fc.property(fc.oneof(bytes(120), jpeg, png), (input) => {
      const r = parsesOrRefuses(() => readImageHeader(input), ImageError);
      if (r.ok) {
        assert.ok(r.value.width > 0 && r.value.width <= IMAGE_LIMITS.maxWidth);
        assert.ok(r.value.height > 0 && r.value.height <= IMAGE_LIMITS.maxHeight);
      }
    }), { numRuns: RUNS });
  });

  it('IEEE-1284 device ids from printers: a string or null', HANG_GUARD, () => {
    fc.assert(fc.property(bytes(1100), (input) => {
      const id = decodeDeviceId(input);
      assert.ok(id === null || (typeof id === 'string' && id.length <= input.length));
    }), { numRuns: RUNS });
  });
});
