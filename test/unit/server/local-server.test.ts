import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';

/** A stand-in upstream that records what reached it, to prove what was and was not forwarded. */
function startUpstream() {
  const seen: Array<{ method: string; url: string; host: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'upstream' }));
    });
  });
  const wss = new WebSocketServer({ server, path: '/websocket' });
  wss.on('connection', (socket) => socket.on('message', (m) => socket.send(`echo:${m}`)));
  return new Promise<{ url: string; seen: typeof seen; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () => new Promise((r) => { wss.close(); server.closeAllConnections(); server.close(() => r()); }),
      }),
    ),
  );
}

/** Sends bytes as they are, for requests a well-behaved client would never make. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); resolve(answer); }, 2000);
  });
}

describe('local server', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let hub: RunningServer;

  before(async () => {
    upstream = await startUpstream();
    hub = await startHubServer({ odooOrigin: upstream.url, maxBodyBytes: 1024 });
  });
  after(async () => {
    await hub.close();
    await upstream.close();
  });

  it('forwards Odoo paths to the configured Odoo only', async () => {
    const response = await fetch(`${hub.url}jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":1}' });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).result, 'upstream');
    const last = upstream.seen.at(-1)!;
    assert.equal(last.url, '/jsonrpc');
    assert.equal(last.host, new URL(upstream.url).host, 'the Host header is the upstream\'s, as Odoo expects');
  });

  it('serves the app, not the upstream, for other paths', async () => {
    const before = upstream.seen.length;
    const response = await fetch(`${hub.url}no-such-file.txt`);
    assert.equal(response.status, 404);
    assert.match((await response.json()).error, /nothing at \/no-such-file.txt/);
    assert.equal(upstream.seen.length, before);
  });

  it('refuses to forward to another host (absolute request target)', async () => {
    const before = upstream.seen.length;
    const answer = await rawRequest(hub.port, `GET http://example.org/jsonrpc HTTP/1.1\r\nHost: localhost:${hub.port}\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1.1 403/);
    assert.match(answer, /refusing to forward to example.org: this hub forwards only Odoo paths to http:\/\/127.0.0.1:\d+/);
    assert.equal(upstream.seen.length, before, 'nothing reached any upstream');
  });

  it('refuses CONNECT', async () => {
    const answer = await rawRequest(hub.port, `CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n`);
    assert.match(answer, /^HTTP\/1.1 405/);
    assert.match(answer, /CONNECT is refused: this hub is not a proxy/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const answer = await rawRequest(hub.port, `POST /jsonrpc HTTP/1.1\r\nHost: attacker.example:${hub.port}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    assert.match(answer, /^HTTP\/1.1 403/);
    assert.match(answer, /Host \\"attacker.example:\d+\\" is not allowed: this hub answers only to localhost, 127.0.0.1, \[::1\]/);
  });

  it('refuses a body over the limit announced by Content-Length', async () => {
    const response = await fetch(`${hub.url}jsonrpc`, { method: 'POST', body: 'x'.repeat(2048) });
    assert.equal(response.status, 413);
    assert.match((await response.json()).error, /request body too large: the limit is 1024 bytes/);
  });

  it('refuses a chunked body that grows over the limit', async () => {
    const before = upstream.seen.length;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${hub.url}iot/log`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('y'.repeat(512));
      req.end();
    });
    assert.equal(status, 413);
    assert.ok(upstream.seen.slice(before).every((r) => r.body.length <= 1024), 'no oversized body reached the upstream');
  });

  it('forwards the bus websocket', async () => {
    const socket = new WebSocket(`${hub.url.replace('http', 'ws')}websocket?version=19.0-2`);
    const echo = await new Promise<string>((resolve, reject) => {
      socket.on('open', () => socket.send('ping'));
      socket.on('message', (m) => resolve(String(m)));
      socket.on('error', reject);
    });
    socket.close();
    assert.equal(echo, 'echo:ping');
  });

  it('reports itself for the hub page without the upstream\'s secrets', async () => {
    const info = await (await fetch(`${hub.url}hub-server/info`)).json();
    assert.equal(info.mode, 'forward');
    assert.equal(info.odooOrigin, upstream.url);
    assert.equal(typeof info.address, 'string');
  });

  it('answers 502 with the reason when the Odoo is down', async () => {
    const down = await startHubServer({ odooOrigin: 'http://127.0.0.1:9' });
    try {
      const response = await fetch(`${down.url}web/webclient/version_info`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 502);
      assert.match((await response.json()).error, /Odoo at http:\/\/127.0.0.1:9 did not answer: ECONNREFUSED/);
    } finally {
      await down.close();
    }
  });
});

describe('local server in demo mode', () => {
  it('says no Odoo is configured instead of forwarding', async () => {
    const hub = await startHubServer();
    try {
      const response = await fetch(`${hub.url}jsonrpc`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 503);
      assert.match((await response.json()).error, /no Odoo is configured \(demo mode\)/);
      assert.equal((await (await fetch(`${hub.url}hub-server/info`)).json()).mode, 'demo');
    } finally {
      await hub.close();
    }
  });
});
