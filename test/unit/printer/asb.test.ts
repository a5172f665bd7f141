// ASB packets come from the printer, unasked, in the same stream as DLE EOT answers: any bytes
// are split into packets and the rest, and no DLE EOT answer is ever taken for a packet.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AsbSplitter, parseAsb } from '../../../workers/drivers/printer/asb.ts';
import { isStatusByte, type RealTimeStatus } from '../../../workers/drivers/printer/commands.ts';
import { PrinterMechanism } from '../../../workers/virtual/printer-mechanism.ts';
import { RUNS, HANG_GUARD } from '../fuzz/support.ts';

describe('Epson ASB', () => {
  it('reads the flags of a packet as the virtual printer sends them after GS a', () => {
    const packets: Uint8Array[] = [];
    const mechanism = new PrinterMechanism('escpos', 576, () => undefined, (packet) => packets.push(packet));
    mechanism.take(Uint8Array.of(0x1d, 0x61, 0x0f));
    mechanism.paperOut = true;
    mechanism.coverOpen = true;
    assert.equal(packets.length, 3, 'once at once, then on each change');
    assert.deepEqual(parseAsb(packets[0]), { online: true, drawerOpen: false, coverOpen: false, paperOut: false, paperLow: false });
    assert.deepEqual(parseAsb(packets[1]), { online: false, drawerOpen: false, coverOpen: false, paperOut: true, paperLow: true });
    assert.deepEqual(parseAsb(packets[2]), { online: false, drawerOpen: false, coverOpen: true, paperOut: true, paperLow: true });
    mechanism.take(Uint8Array.of(0x1d, 0x61, 0x00));
    mechanism.paperOut = false;
    assert.equal(packets.length, 3, 'GS a 0 turns it off');
  });

  it('splits packets from DLE EOT answers across reads, in order', () => {
    const seen: RealTimeStatus[] = [];
    const splitter = new AsbSplitter((status) => seen.push(status));
    assert.deepEqual(splitter.push(Uint8Array.of(0x12, 0x18, 0x00)), [0x12]);
    assert.deepEqual(splitter.push(Uint8Array.of(0x0f, 0x00, 0x16)), [0x16]);
    assert.deepEqual(seen, [{ online: false, drawerOpen: false, coverOpen: false, paperOut: true, paperLow: true }]);
  });

  it('never takes a DLE EOT answer for packet bytes, whatever comes around it', HANG_GUARD, () => {
    const answer = fc.integer({ min: 0, max: 255 }).map((b) => (b & ~0x93) | 0x12);
    fc.assert(fc.property(fc.array(fc.oneof(answer, fc.integer({ min: 0, max: 255 })), { maxLength: 64 }), (stream) => {
      const splitter = new AsbSplitter(() => undefined);
      const rest = splitter.push(Uint8Array.from(stream));
      const answersIn = stream.filter(isStatusByte);
      assert.deepEqual(rest.filter(isStatusByte), answersIn, 'every DLE EOT answer passes, in order');
    }), { numRuns: RUNS });
  });
});
