// DLE EOT replies (ESC/POS real-time status) are bytes from outside: any byte is judged, and only
// well-formed ones are read, each flag from its own bit (Epson ESC/POS reference, devices.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RUNS, HANG_GUARD } from './support.ts';
import { isStatusByte, parseRealTimeStatus, statusCode } from '../../../workers/drivers/printer/commands.ts';

const byte = fc.integer({ min: 0, max: 255 });
/** A well-formed status byte: bits 1 and 4 set, bits 0 and 7 clear, the rest free. */
const statusByte = fc.integer({ min: 0, max: 255 }).map((b) => (b & ~0x93) | 0x12);

describe('fuzz: printer DLE EOT status', () => {
  it('a status byte is exactly one with bits 1 and 4 set and bits 0 and 7 clear', HANG_GUARD, () => {
    fc.assert(fc.property(byte, (b) => {
      const wellFormed = (b & 0x02) !== 0 && (b & 0x10) !== 0 && (b & 0x01) === 0 && (b & 0x80) === 0;
      assert.equal(isStatusByte(b), wellFormed);
    }), { numRuns: RUNS });
  });

  it('each flag comes from its own bit, and the code Odoo gets follows from the flags, worst first', HANG_GUARD, () => {
    fc.assert(fc.property(statusByte, statusByte, statusByte, (printer, offline, paper) => {
      const s = parseRealTimeStatus(printer, offline, paper);
      assert.deepEqual(s, {
        online: !(printer & 0x08),
        drawerOpen: Boolean(printer & 0x04),
        coverOpen: Boolean(offline & 0x04),
        paperOut: Boolean(offline & 0x20) || (paper & 0x60) === 0x60,
        paperLow: (paper & 0x0c) === 0x0c,
      });
      const code = statusCode(s);
      if (s.paperOut) assert.deepEqual(code, { status: 'error', message: 'ERROR_NO_PAPER' });
      else if (!s.online || s.coverOpen) assert.deepEqual(code, { status: 'error', message: 'ERROR_OFFLINE' });
      else if (s.paperLow) assert.deepEqual(code, { status: 'warning', message: 'WARNING_LOW_PAPER' });
      else assert.equal(code, null);
    }), { numRuns: RUNS });
  });

  it('bits outside the flags change nothing: the reading depends on the flag bits only', HANG_GUARD, () => {
    const flagBits = [0x0c, 0x24, 0x6c] as const;
    fc.assert(fc.property(statusByte, statusByte, statusByte, statusByte, statusByte, statusByte, (p, o, r, p2, o2, r2) => {
      const same = (a: number, b: number, mask: number) => ((a & mask) | (b & ~mask) & 0xff);
      assert.deepEqual(
        parseRealTimeStatus(same(p, p2, flagBits[0]), same(o, o2, flagBits[1]), same(r, r2, flagBits[2])),
        parseRealTimeStatus(p, o, r),
      );
    }), { numRuns: RUNS });
  });
});
