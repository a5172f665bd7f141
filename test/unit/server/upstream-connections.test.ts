import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, WebSocket } from 'ws';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { makeSelfSignedCert } from '../../support/self-signed-cert.ts';
import { STALE_RETRY_WINDOW_MS } from '../../../server/upstream.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, requestOnConnection: number) => void;

/** A JSON-RPC upstream that counts the connections it accepted and the requests on each. */
async function startUpstream(handle: Handler, tls?: { key: string; cert: string }) {
  const stats = { connections: 0, resumed: 0, requests: 0 };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.requests++;
    const socket = req.socket as net.Socket & { requestsSeen?: number };
    socket.requestsSeen = (socket.requestsSeen ?? 0) + 1;
    handle(req, res, socket.requestsSeen);
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  if (tls) server.on('secureConnection', (socket: TLSSocket) => { stats.connections++; if (socket.isSessionReused()) stats.resumed++; });
  else server.on('connection', () => stats.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    stats,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const answer: Handler = (req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"jsonrpc":"2.0","id":1,"result":42}');
  });
};

async function call(hub: RunningServer): Promise<number> {
  const response = await fetch(`${hub.url}jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"call","params":{}}' });
  await response.arrayBuffer();
  return response.status;
}

describe('local server reuses upstream connections', () => {
  const cleanup: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of cleanup.reverse()) await close();
  });
  async function setUp(handle: Handler, tls?: { key: string; cert: string }) {
    const upstream = await startUpstream(handle, tls);
    const hub = await startHubServer({ odooOrigin: upstream.url }, 0, tls ? { odooCa: tls.cert } : {});
    cleanup.push(upstream.close, hub.close);
    return { upstream, hub };
  }

  it('100 sequential RPCs open at most 2 upstream connections', async () => {
    const { upstream, hub } = await setUp(answer);
    for (let i = 0; i < 100; i++) assert.equal(await call(hub), 200);
    assert.equal(upstream.stats.requests, 100);
    assert.ok(upstream.stats.connections <= 2, `${upstream.stats.connections} upstream connections`);
  });

  it('an upstream that closes idle connections does not make a call fail', async () => {
    // Like a proxy in front of Odoo: it closes a connection idle for 20 ms, without a Keep-Alive hint.
    const { upstream, hub } = await setUp((req, res, n) => {
      answer(req, res, n);
      res.on('finish', () => {
        const idle = setTimeout(() => req.socket.end(), 20);
        req.socket.once('data', () => clearTimeout(idle));
      });
    });
    for (let i = 0; i < 5; i++) {
      assert.equal(await call(hub), 200);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    assert.equal(upstream.stats.connections, 5, 'each idle connection was closed by the upstream, and the next call made a new one');
  });

  it('a call sent on a connection the upstream is just closing is sent again, once, on a fresh one', async () => {
    // The upstream drops a kept connection as the next request arrives on it: the race of an
    // idle timeout firing while the hub sends.
    const { upstream, hub } = await setUp((req, res, n) => (n > 1 ? req.socket.destroy() : answer(req, res, n)));
    for (let i = 0; i < 5; i++) assert.equal(await call(hub), 200);
    assert.equal(upstream.stats.connections, 5);
    assert.equal(upstream.stats.requests, 9, 'four calls went twice: dropped on a kept connection, then answered on a new one');
  });

  it('a call that fails on a kept connection after it was worked on is not sent again', async () => {
    // Like an Odoo worker killed mid-call: the connection drops without an answer, but late.
    const { upstream, hub } = await setUp((req, res, n) => (n > 1 ? setTimeout(() => req.socket.destroy(), STALE_RETRY_WINDOW_MS + 100) : answer(req, res, n)));
    assert.equal(await call(hub), 200);
    assert.equal(await call(hub), 502);
    assert.equal(upstream.stats.requests, 2);
  });

  it('a call that fails on a fresh connection is not sent again', async () => {
    const { upstream, hub } = await setUp((req) => req.socket.destroy());
    const response = await fetch(`${hub.url}jsonrpc`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 502);
    assert.match((await response.json()).error, /Odoo at http:\/\/127.0.0.1:\d+ did not answer: ECONNRESET/);
    assert.equal(upstream.stats.requests, 1);
  });

  it('cuts the client\'s answer off when the upstream cuts its own off, instead of leaving it hanging', { timeout: 5_000 }, async () => {
    const { hub } = await setUp((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"jsonrpc":');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const response = await fetch(`${hub.url}jsonrpc`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
    assert.equal(await fetch(`${hub.url}hub-server/info`).then((r) => r.status), 200, 'the server goes on');
  });

  it('resumes the TLS session when it opens a new connection to an HTTPS upstream', async () => {
    const { upstream, hub } = await setUp((req, res, n) => {
      res.setHeader('Connection', 'close');
      answer(req, res, n);
    }, makeSelfSignedCert());
    for (let i = 0; i < 4; i++) assert.equal(await call(hub), 200);
    assert.equal(upstream.stats.connections, 4, 'the upstream closed every connection');
    assert.ok(upstream.stats.resumed >= 2, `${upstream.stats.resumed} of 4 connections resumed a session`);
  });

  it('keeps a websocket on a connection of its own beside the pooled calls', async () => {
    const { upstream, hub } = await setUp(answer);
    const wss = new WebSocketServer({ server: upstream.server, path: '/websocket' });
    wss.on('connection', (socket) => socket.on('message', (m) => socket.send(`echo:${m}`)));
    const socket = new WebSocket(`${hub.url.replace('http', 'ws')}websocket`, { origin: `http://localhost:${hub.port}` });
    await new Promise((resolve, reject) => { socket.on('open', resolve); socket.on('error', reject); });
    for (let i = 0; i < 10; i++) assert.equal(await call(hub), 200);
    const echo = new Promise<string>((resolve) => socket.once('message', (m) => resolve(String(m))));
    socket.send('still here');
    assert.equal(await echo, 'echo:still here');
    socket.close();
    wss.close();
    assert.equal(upstream.stats.connections, 2, 'one for the websocket, one for the calls');
  });
});
