// Property tests of issue 12: raw request targets sent through a real socket to the running
// local server, with a loopback upstream that records what reached it. Whatever reaches the
// upstream is exactly the canonical path and query under an allowed prefix; otherwise nothing
// reached it and the client got 400, 403 or 404.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { rawTarget, upstreamWouldReadTheSame } from '../../support/request-targets.ts';
import { FORWARDED_PREFIXES, PAIRING_PROXY_PREFIX } from '../../../server/forwarding.ts';

/** Each case is a real connection: enough to cover the pieces, fast enough for npm test. */
const RUNS = 300;

function startRecordingUpstream() {
  const requests: string[] = [];
  const upgrades: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    req.resume();
    res.end('{"result":"upstream"}');
  });
  server.on('upgrade', (req, socket) => {
    upgrades.push(req.url ?? '');
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  return new Promise<{ url: string; requests: string[]; upgrades: string[]; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        upgrades,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      }),
    ),
  );
}

function send(port: number, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => resolve(Number(/^HTTP\/1.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

/** The target as it may go on: unchanged, but for a lone '?' that means no query. */
const asForwarded = (target: string) => (target.endsWith('?') && target.indexOf('?') === target.length - 1 ? target.slice(0, -1) : target);

describe('local server forwards exactly the canonical target (through a socket)', () => {
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  let hub: RunningServer;
  const emptyDist = mkdtempSync(join(tmpdir(), 'hub-empty-dist-'));

  before(async () => {
    upstream = await startRecordingUpstream();
    hub = await startHubServer({ odooOrigin: upstream.url, pairingProxyOrigin: upstream.url, distDir: emptyDist });
  });
  after(async () => {
    await hub.close();
    await upstream.close();
    rmSync(emptyDist, { recursive: true, force: true });
  });

  it('HTTP: canonical under an allowed prefix upstream, or nothing upstream and 400/403/404', async () => {
    let forwarded = 0;
    await fc.assert(fc.asyncProperty(rawTarget, fc.boolean(), async (target, post) => {
      const before = upstream.requests.length;
      const head = post
        ? `POST ${target} HTTP/1.1\r\nHost: localhost:${hub.port}\r\nOrigin: http://localhost:${hub.port}\r\nContent-Length: 2\r\n`
        : `GET ${target} HTTP/1.1\r\nHost: localhost:${hub.port}\r\n`;
      const status = await send(hub.port, `${head}Connection: close\r\n\r\n${post ? '{}' : ''}`);
      const reached = upstream.requests.slice(before);
      if (reached.length === 0) return assert.ok([400, 403, 404].includes(status), `${target}: ${status} with nothing upstream`);
      forwarded++;
      assert.equal(reached.length, 1, `${target} reached the upstream ${reached.length} times`);
      const [url] = reached;
      assert.equal(url, asForwarded(target));
      assert.ok(upstreamWouldReadTheSame(url), `${url} is not canonical`);
      assert.ok([...FORWARDED_PREFIXES, PAIRING_PROXY_PREFIX].some((p) => url.startsWith(p)), `${url} is under no allowed prefix`);
      assert.equal(status, 200);
    }), { numRuns: RUNS });
    assert.ok(forwarded > RUNS / 10, `only ${forwarded} of ${RUNS} targets were forwarded: the generator tests refusals only`);
  });

  it('websocket upgrades: the same', async () => {
    let forwarded = 0;
    await fc.assert(fc.asyncProperty(rawTarget, async (target) => {
      const before = upstream.upgrades.length;
      const status = await send(hub.port, `GET ${target} HTTP/1.1\r\nHost: localhost:${hub.port}\r\nOrigin: http://localhost:${hub.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      const reached = upstream.upgrades.slice(before);
      if (reached.length === 0) return assert.ok([400, 403, 404].includes(status), `${target}: ${status} with nothing upstream`);
      forwarded++;
      assert.equal(reached.length, 1);
      const [url] = reached;
      assert.equal(url, asForwarded(target));
      assert.ok(upstreamWouldReadTheSame(url), `${url} is not canonical`);
      assert.ok(FORWARDED_PREFIXES.some((p) => url.startsWith(p)), `${url} is not an Odoo path`);
    }), { numRuns: RUNS });
    assert.ok(forwarded > RUNS / 10, `only ${forwarded} of ${RUNS} upgrades were forwarded`);
  });
});
