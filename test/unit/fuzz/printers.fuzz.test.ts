// What the printer code reads from outside: the local server's printer list and office answers
// (the hub side), the printer link's control messages, the targets file, lpstat's output and
// DNS-SD answers from the LAN (the server side). Any input: a value or null, never a throw.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { RUNS, HANG_GUARD, text, jsonValue, bytes } from './support.ts';
import { parsePrinterList, readHostAndPort, readPrinterHost, boxPrinterIdentifier } from '../../../src/hub/network-printers.ts';
import { parseControl } from '../../../workers/transports/network.ts';
import { parseOfficeAnswer } from '../../../workers/drivers/printer/office-printer.ts';
import { parseTargetsFile } from '../../../server/printers/printer-targets.ts';
import { completedReasons, parsePrinterStates, parseQueues } from '../../../server/printers/cups.ts';
import { printersFrom } from '../../../server/printers/dns-sd.ts';

const lpstatText = fc.array(fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 })).map(([n, u]) => `device for ${n}: ${u}`),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('is idle.', 'now printing x-1.', 'disabled since today -')).map(([n, s]) => `printer ${n} ${s}`),
  fc.string({ maxLength: 40 }).map((s) => `\t${s}`),
  fc.string({ maxLength: 40 }).map((s) => `\tAlerts: ${s}`),
), { maxLength: 20 }).map((lines) => lines.join('\n'));

describe('fuzz: printer lists, link messages, lpstat and DNS-SD answers', () => {
  it('the printer list: any text is a bounded list of valid entries or null', HANG_GUARD, () => {
    fc.assert(fc.property(fc.oneof(text, jsonValue.map((v) => JSON.stringify({ ports: [9100], printers: [v], found: [v], cups: v }))), (input) => {
      const list = parsePrinterList(input);
      if (!list) return;
      for (const p of list.printers) {
        assert.equal(readPrinterHost(p.host).host, p.host);
        assert.ok(Number.isInteger(p.port) && p.port > 0 && p.port <= 65535);
        assert.ok(['escpos', 'star', 'zpl'].includes(p.protocol));
      }
    }), { numRuns: RUNS });
  });

  it('host:port from the homepage: a host and a port, or a reason', HANG_GUARD, () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.domain(), fc.ipV4(), fc.ipV6().map((v) => `[${v}]:9100`)), (input) => {
      const read = readHostAndPort(input);
      if ('problem' in read && read.problem !== undefined) return assert.ok(read.problem.length > 10);
      assert.ok(read.host.length > 0 && read.host.length <= 253 && !/[\s/]/.test(read.host));
      assert.ok(read.port > 0 && read.port <= 65535);
    }), { numRuns: RUNS });
  });

  it('the box identifier of a device URI never contains : / . \\ or a space', HANG_GUARD, () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (uri) => assert.ok(!/[:/.\\ ]/.test(boxPrinterIdentifier(uri)))), { numRuns: RUNS });
  });

  it('control messages, office answers and the targets file: typed values or null', HANG_GUARD, () => {
    fc.assert(fc.property(fc.oneof(text, jsonValue.map((v) => JSON.stringify({ type: 'ack', bytes: v, reason: v, status: 'error', message: v, result: v, printers: [v] }))), (input) => {
      const control = parseControl(input);
      if (control?.type === 'ack') assert.ok(Number.isInteger(control.bytes) && control.bytes >= 0);
      const office = parseOfficeAnswer(input);
      if (office) assert.equal(typeof office.result, 'string');
      for (const entry of parseTargetsFile(input)) assert.equal(readPrinterHost(entry.host).host, entry.host);
    }), { numRuns: RUNS });
  });

  it('lpstat output: queues with valid names, states from the known set', HANG_GUARD, () => {
    fc.assert(fc.property(lpstatText, lpstatText, fc.string({ maxLength: 20 }), (devices, printers, job) => {
      for (const queue of parseQueues(devices, printers)) {
        assert.ok(queue.name.length > 0 && !/\s/.test(queue.name));
        assert.ok(['idle', 'printing', 'stopped', 'unknown'].includes(queue.state));
      }
      for (const { state } of parsePrinterStates(printers).values()) assert.ok(['idle', 'printing', 'stopped'].includes(state));
      const reasons = completedReasons(printers, job);
      assert.ok(reasons === null || typeof reasons === 'string');
    }), { numRuns: RUNS });
  });

  it('DNS-SD answers: any bytes decoded or refused, any records read into valid printers', HANG_GUARD, () => {
    fc.assert(fc.property(bytes(600), (message) => {
      let decoded: dnsPacket.Packet;
      try {
        decoded = dnsPacket.decode(Buffer.from(message));
      } catch {
        return;
      }
      for (const found of printersFrom([...(decoded.answers ?? []), ...(decoded.additionals ?? [])])) {
        assert.ok(Number.isInteger(found.port) && found.host.length <= 253);
      }
    }), { numRuns: RUNS });
    const record = fc.record({
      type: fc.constantFrom('PTR', 'SRV', 'TXT', 'A'), name: fc.constantFrom('_pdl-datastream._tcp.local', 'x._pdl-datastream._tcp.local', 'h.local', ''),
      data: fc.oneof(jsonValue, fc.constantFrom('x._pdl-datastream._tcp.local', 'h.local'), fc.record({ target: fc.constantFrom('h.local', ''), port: fc.integer({ min: 0, max: 65535 }) })),
    });
    fc.assert(fc.property(fc.array(record, { maxLength: 12 }), (records) => {
      for (const found of printersFrom(records as unknown as dnsPacket.Answer[])) assert.equal(typeof found.host, 'string');
    }), { numRuns: RUNS });
  });
});
