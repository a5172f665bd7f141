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
      const id = /"id":(\d)/.exec(body)?.[1];
      // The first of a pipelined batch answers last, to show the answers still come in order.
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'upstream', echo: Number(id ?? 0) }));
      }, id === '1' ? 30 : 0);
    });
  });
  const upgrades: string[] = [];
  server.on('upgrade', (req) => upgrades.push(req.url ?? ''));
  const wss = new WebSocketServer({ server, path: '/websocket' });
  wss.on('connection', (socket) => socket.on('message', (m) => socket.send(`echo:${m}`)));
  return new Promise<{ url: string; seen: typeof seen; upgrades: string[]; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        upgrades,
        close: () => new Promise((r) => { wss.close(); server.closeAllConnections(); server.close(() => r()); }),
      }),
    ),
  );
}

/**
 * Sends bytes as they are, for requests a well-behaved client would never make; resolves when
 * the server closes, or once `answers` complete answers arrived on a kept connection.
 */
function rawRequest(port: number, text: string, answers = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    const done = () => { socket.destroy(); resolve(answer); };
    socket.on('data', (d) => {
      answer += d;
      if (answers && (answer.match(/\r\n\r\n\{[^}]*\}/g)?.length ?? 0) >= answers) done();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    setTimeout(done, 2000);
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
  const ownOrigin = () => `http://localhost:${hub.port}`;

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

  it('forwards the bus websocket opened by the hub\'s own page', async () => {
    const socket = new WebSocket(`${hub.url.replace('http', 'ws')}websocket?version=19.0-2`, { origin: ownOrigin() });
    const echo = await new Promise<string>((resolve, reject) => {
      socket.on('open', () => socket.send('ping'));
      socket.on('message', (m) => resolve(String(m)));
      socket.on('error', reject);
    });
    socket.close();
    assert.equal(echo, 'echo:ping');
    assert.equal(upstream.upgrades.at(-1), '/websocket?version=19.0-2');
  });

  it('refuses a websocket from another origin, or with none, before it reaches Odoo', async () => {
    const before = upstream.upgrades.length;
    for (const origin of ['https://evil.example', `http://localhost:${hub.port + 1}`, 'null', undefined]) {
      const answer = await rawRequest(hub.port, `GET /websocket?version=19.0-2 HTTP/1.1\r\nHost: localhost:${hub.port}\r\n${origin ? `Origin: ${origin}\r\n` : ''}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      assert.match(answer, /^HTTP\/1.1 403/, `Origin ${origin}`);
      assert.match(answer, origin ? /a websocket from Origin ".*" is refused: only the hub's own page/ : /a websocket must carry the Origin of the hub's page; this one has none/);
    }
    assert.equal(upstream.upgrades.length, before, 'no upgrade reached the upstream');
  });

  it('refuses a POST from another origin; its own origin and none (a command-line client) pass', async () => {
    const before = upstream.seen.length;
    for (const origin of ['https://evil.example', `http://localhost:${hub.port + 1}`, `https://localhost:${hub.port}`, 'null']) {
      const response = await rawRequest(hub.port, `POST /jsonrpc HTTP/1.1\r\nHost: localhost:${hub.port}\r\nOrigin: ${origin}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      assert.match(response, /^HTTP\/1.1 403/, origin);
      assert.match(response, /a POST request from Origin .* is refused/);
    }
    assert.equal(upstream.seen.length, before, 'nothing reached the upstream');
    const own = await fetch(`${hub.url}jsonrpc`, { method: 'POST', headers: { Origin: ownOrigin() }, body: '{}' });
    assert.equal(own.status, 200);
    const none = await fetch(`${hub.url}jsonrpc`, { method: 'POST', body: '{}' });
    assert.equal(none.status, 200);
    const fromOtherLoopbackName = await fetch(`${hub.url}jsonrpc`, { method: 'POST', headers: { Origin: `http://127.0.0.1:${hub.port}` }, body: '{}' });
    assert.equal(fromOtherLoopbackName.status, 200, 'every allowed host name on this port is the hub');
    assert.equal(upstream.seen.length, before + 3);
  });

  it('refuses a Host on another port and duplicate Host headers', async () => {
    const before = upstream.seen.length;
    const otherPort = await rawRequest(hub.port, `POST /jsonrpc HTTP/1.1\r\nHost: localhost:9999\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    assert.match(otherPort, /^HTTP\/1.1 403/);
    assert.match(otherPort, new RegExp(`names port 9999, but this hub listens on port ${hub.port}`));
    const noPort = await rawRequest(hub.port, `GET /jsonrpc HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    assert.match(noPort, /^HTTP\/1.1 403/, 'no port means 80');
    const twice = await rawRequest(hub.port, `POST /jsonrpc HTTP/1.1\r\nHost: localhost:${hub.port}\r\nHost: attacker.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    assert.match(twice, /^HTTP\/1.1 400/);
    assert.match(twice, /the request has 2 Host headers; one is expected/);
    assert.equal(upstream.seen.length, before);
  });

  it('forwards the checked path, not the raw target, and names what was wrong', async () => {
    const before = upstream.seen.length;
    const cases: Array<[string, RegExp]> = [
      ['//x/jsonrpc', /the path has an empty segment/],
      ['/web/..%2fodoo%2fx', /the path contains an encoded '\/' \(%2F\)/],
      ['/odoo-enterprise/iot/..%2f..%2fadmin', /an encoded '\/'/],
      ['/web/%2E%2e/admin', /an encoded '.' \(%2E\)/],
      ['/web/../jsonrpc', /a '.' or '..' segment/],
      ['/web/x%00', /an encoded NUL/],
      ['/web/x%5Cy', /an encoded '\\\\' \(%5C\)/],
      ['/web/%C0%AF', /not valid UTF-8/],
      ['/web/x%zz', /'%' that is not followed by two hex digits/],
      ['/web/{x}', /the path is not in canonical form/],
      [`http://localhost:${hub.port}//x/jsonrpc`, /empty segment/],
    ];
    for (const [target, why] of cases) {
      const answer = await rawRequest(hub.port, `GET ${target} HTTP/1.1\r\nHost: localhost:${hub.port}\r\nConnection: close\r\n\r\n`);
      assert.match(answer, /^HTTP\/1.1 400/, target);
      assert.match(answer, why, target);
    }
    assert.equal(upstream.seen.length, before, 'nothing reached the upstream');
    await rawRequest(hub.port, `GET http://localhost:${hub.port}/web/x?redirect=%2Fodoo HTTP/1.1\r\nHost: localhost:${hub.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(upstream.seen.at(-1)!.url, '/web/x?redirect=%2Fodoo', 'the query keeps its escapes; an absolute target naming this server goes on as its path');
  });

  it('answers pipelined requests in order, each once', async () => {
    const before = upstream.seen.length;
    const request = (id: number) => `POST /jsonrpc HTTP/1.1\r\nHost: localhost:${hub.port}\r\nContent-Type: application/json\r\nContent-Length: ${`{"id":${id}}`.length}\r\n\r\n{"id":${id}}`;
    const answer = await rawRequest(hub.port, `${request(1)}${request(2)}${request(3)}`, 3);
    assert.equal(answer.match(/^HTTP\/1.1 200/gm)?.length, 3, answer);
    assert.deepEqual(upstream.seen.slice(before).map((r) => r.body).sort(), ['{"id":1}', '{"id":2}', '{"id":3}']);
    assert.deepEqual([...answer.matchAll(/"echo":(\d)/g)].map((m) => m[1]), ['1', '2', '3'], 'answers come in the order asked');
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
