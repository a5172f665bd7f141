import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { VirtualNetworkPrinter } from '../../../server/printers/virtual-network-printer.ts';
import { PRINTER_LINK_PATH, PRINTERS_PATH, parsePrinterList } from '../../../src/hub/network-printers.ts';

/** The raw-TCP printer bridge through the real local server, to printers on loopback only. */
describe('printer bridge', () => {
  let printer: VirtualNetworkPrinter;
  let other: net.Server;
  let otherPort = 0;
  let hub: RunningServer;
  let origin = '';
  let dataDir = '';

  const post = (body: unknown, from = origin) => fetch(new URL(PRINTERS_PATH, hub.url), {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: from }, body: JSON.stringify(body),
  });
  /** Opens the link; resolves with the first control message, or the HTTP status of a refused handshake. */
  const openLink = (host: string, port: number, from: string | null = origin) => new Promise<{ ws?: WebSocket; first?: Record<string, unknown>; refused?: number; body?: string }>((resolve) => {
    const url = new URL(PRINTER_LINK_PATH, hub.url.replace('http:', 'ws:'));
    url.search = new URLSearchParams({ host, port: String(port) }).toString();
    const ws = new WebSocket(url, from === null ? {} : { origin: from });
    ws.on('message', (data, binary) => {
      if (!binary) resolve({ ws, first: JSON.parse(String(data)) });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ refused: res.statusCode, body }));
    });
    ws.on('error', () => undefined);
  });

  before(async () => {
    printer = new VirtualNetworkPrinter();
    await printer.plug();
    // A second listener on loopback that is not a printer of the hub: nothing may reach it.
    other = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherPort = (other.address() as AddressInfo).port;
    dataDir = mkdtempSync(join(tmpdir(), 'hub-printers-'));
    hub = await startHubServer({ printerPorts: [printer.port], dataDir });
    origin = `http://localhost:${hub.port}`;
  });
  after(async () => {
    await hub?.close();
    await printer?.unplug();
    other?.close();
  });

  it('adds a printer from the hub page, keeps it in the data directory (0600), and lists it', async () => {
    const answer = await post({ host: '127.0.0.1', port: printer.port, protocol: 'escpos', name: 'Kitchen' });
    assert.equal(answer.status, 200, await answer.clone().text());
    const list = parsePrinterList(await (await fetch(new URL(PRINTERS_PATH, hub.url))).text());
    assert.deepEqual(list?.printers.map((p) => [p.host, p.port, p.name, p.source]), [['127.0.0.1', printer.port, 'Kitchen', 'added']]);
    assert.deepEqual(list?.ports, [printer.port]);
    const file = join(dataDir, 'printers.json');
    assert.match(readFileSync(file, 'utf8'), /Kitchen/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('carries bytes both ways: each frame acknowledged once handed to the printer, DLE EOT answered', async () => {
    const { ws, first } = await openLink('127.0.0.1', printer.port);
    assert.deepEqual(first, { type: 'open' });
    const messages: unknown[] = [];
    const answers: number[] = [];
    ws!.on('message', (data, binary) => (binary ? answers.push(...(data as Buffer)) : messages.push(JSON.parse(String(data)))));
    const before = printer.mechanism.jobBytes.length;
    ws!.send(Buffer.from([0x1b, 0x40, 0x41, 0x42, 0x0a, 0x1d, 0x56, 0x00]));
    ws!.send(Buffer.from([0x10, 0x04, 0x01]));
    for (let i = 0; i < 100 && (messages.length < 2 || answers.length < 1); i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(messages, [{ type: 'ack', bytes: 8 }, { type: 'ack', bytes: 3 }]);
    assert.deepEqual(answers, [0x12], 'DLE EOT 1: printer online, drawer closed');
    assert.deepEqual(printer.mechanism.jobBytes.slice(before), [0x1b, 0x40, 0x41, 0x42, 0x0a, 0x1d, 0x56, 0x00]);
    assert.equal(printer.pages.at(-1)?.text[0], 'AB');
    ws!.close();
  });

  it('says when the printer closes the connection (switched off)', async () => {
    const { ws } = await openLink('127.0.0.1', printer.port);
    const closed = new Promise<Record<string, unknown>>((resolve) => ws!.on('message', (data, binary) => !binary && resolve(JSON.parse(String(data)))));
    await printer.unplug();
    const message = await closed;
    assert.equal(message.type, 'closed');
    assert.match(String(message.reason), new RegExp(`127\\.0\\.0\\.1:${printer.port} dropped the connection \\(switched off, or restarted\\?\\)`));
    await printer.plug();
    const refused = await openLink('127.0.0.1', printer.port);
    assert.deepEqual(refused.first, { type: 'open' }, 'back on the same port');
    refused.ws!.close();
  });

  it('refuses a target that was not added, another port, a foreign Origin and no Origin, before connecting anywhere', async () => {
    let reached = 0;
    other.on('connection', () => reached++);
    const notAdded = await openLink('127.0.0.2', printer.port);
    assert.equal(notAdded.refused, 403);
    assert.match(notAdded.body!, /127\.0\.0\.2:\d+ is not a printer of this hub: add it on the hub page first/);
    const otherPortLink = await openLink('127.0.0.1', otherPort);
    assert.equal(otherPortLink.refused, 403);
    assert.match(otherPortLink.body!, new RegExp(`port ${otherPort} is not a printer port of this hub`));
    const foreign = await openLink('127.0.0.1', printer.port, 'http://evil.example');
    assert.equal(foreign.refused, 403);
    assert.match(foreign.body!, /Origin "http:\/\/evil\.example" is refused/);
    const none = await openLink('127.0.0.1', printer.port, null);
    assert.equal(none.refused, 403);
    const badHost = await openLink('printer;rm', printer.port);
    assert.equal(badHost.refused, 400);
    assert.equal(reached, 0, 'no connection reached the other listener');
  });

  it('refuses adding a printer from a foreign page, on a port that is not a printer port, or with a bad host', async () => {
    const foreign = await post({ host: '127.0.0.1', port: printer.port }, 'http://evil.example');
    assert.equal(foreign.status, 403);
    const port = await post({ host: '127.0.0.1', port: otherPort });
    assert.equal(port.status, 400);
    assert.match(((await port.json()) as { error: string }).error, new RegExp(`port ${otherPort} is not a printer port of this hub`));
    for (const host of ['', 'a b', 'http://x', '999.1.1.1', '[::1', 'x'.repeat(300)]) {
      const answer = await post({ host, port: printer.port });
      assert.equal(answer.status, 400, host);
      assert.ok(((await answer.json()) as { error: string }).error.length > 10);
    }
    const junk = await fetch(new URL(PRINTERS_PATH, hub.url), { method: 'POST', headers: { Origin: origin }, body: 'x'.repeat(10_000) });
    assert.equal(junk.status, 413);
  });

  it('keeps the added printers across a restart of the local server', async () => {
    const again = await startHubServer({ printerPorts: [printer.port], dataDir });
    try {
      const list = parsePrinterList(await (await fetch(new URL(PRINTERS_PATH, again.url))).text());
      assert.deepEqual(list?.printers.map((p) => p.name), ['Kitchen']);
      const removed = await fetch(new URL(`${PRINTERS_PATH}?host=127.0.0.1&port=${printer.port}`, again.url), { method: 'DELETE', headers: { Origin: `http://localhost:${again.port}` } });
      assert.equal(removed.status, 200);
    } finally {
      await again.close();
    }
  });
});
