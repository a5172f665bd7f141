import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OdooClient } from '../../../src/odoo/client.ts';
import { OdooError } from '../../../src/odoo/errors.ts';
import type { OdooProtocol } from '../../../src/odoo/target.ts';

/** A misbehaving "Odoo": each test sets how it answers. */
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end();
let hits = 0;
const server = http.createServer((req, res) => {
  hits++;
  req.resume();
  req.on('end', () => answer(req, res));
});
let port = 0;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const NODE = { origin: null, forwardedOdoo: null };

function client(protocol: OdooProtocol, options: { timeoutMs?: number; maxAnswerBytes?: number; attempts?: number } = {}) {
  return new OdooClient(
    { protocol, host: '127.0.0.1', port, database: 'shop', user: 'admin', secret: 'admin' },
    { page: NODE, timeoutMs: options.timeoutMs ?? 2_000, maxAnswerBytes: options.maxAnswerBytes, retry: { attempts: options.attempts ?? 1, baseDelayMs: 5, maxDelayMs: 10 } },
  );
}

async function kindOf(promise: Promise<unknown>): Promise<{ kind: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OdooError, `not a typed error: ${error}`);
    return { kind: error.kind, message: error.message };
  }
  assert.fail('expected an error');
}

const send = (status: number, type: string, body: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
};

const HTML_502 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

describe('malformed answers become typed errors', () => {
  for (const protocol of ['JSON-RPC', 'XML-RPC', 'JSON-2'] as const) {
    it(`${protocol}: an HTML error page from a proxy`, async () => {
      answer = send(502, 'text/html', HTML_502);
      const { kind, message } = await kindOf(client(protocol).version());
      assert.equal(kind, 'server-error');
      assert.match(message, /HTTP 502 with an HTML page/);
    });

    it(`${protocol}: an HTML login page with HTTP 200`, async () => {
      answer = send(200, 'text/html; charset=utf-8', '<html><body><form action="/web/login"></form></body></html>');
      const { kind, message } = await kindOf(client(protocol).version());
      assert.equal(kind, 'bad-answer');
      assert.match(message, /HTML page/);
    });

    it(`${protocol}: an answer larger than the limit, announced`, async () => {
      answer = send(200, 'application/json', `"${'x'.repeat(50_000)}"`);
      const { kind, message } = await kindOf(client(protocol, { maxAnswerBytes: 10_000 }).version());
      assert.equal(kind, 'bad-answer');
      assert.match(message, /larger than 10000 bytes/);
    });

    it(`${protocol}: an endless chunked answer is cut at the limit`, async () => {
      answer = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        const chunk = '<value>'.repeat(1000);
        const pump = () => {
          while (res.write(chunk)) if (res.writableLength > 1e6) break;
          if (!res.destroyed) setTimeout(pump, 1);
        };
        pump();
      };
      const { kind, message } = await kindOf(client(protocol, { maxAnswerBytes: 200_000 }).version());
      assert.equal(kind, 'bad-answer');
      assert.match(message, /larger than 200000 bytes/);
    });

    it(`${protocol}: a server that never answers times out`, async () => {
      answer = () => undefined;
      const { kind, message } = await kindOf(client(protocol, { timeoutMs: 150 }).version());
      assert.equal(kind, 'timeout');
      assert.match(message, /within 0.15 s/);
    });

    it(`${protocol}: a connection closed mid-answer is a network error`, async () => {
      answer = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"jsonrpc": "2.0", "res');
        setTimeout(() => res.destroy(), 10);
      };
      const { kind } = await kindOf(client(protocol).version());
      assert.equal(kind, 'network');
    });
  }

  it('JSON-RPC: a body that is not JSON', async () => {
    answer = send(200, 'text/plain', 'Internal Server Error');
    const { kind, message } = await kindOf(client('JSON-RPC').version());
    assert.equal(kind, 'bad-answer');
    assert.match(message, /expected a JSON-RPC answer, got HTTP 200 with "Internal Server Error"/);
  });

  it('JSON-RPC: JSON that is not an object, and an error that is not an object', async () => {
    answer = send(200, 'application/json', '[1, 2]');
    assert.equal((await kindOf(client('JSON-RPC').version())).kind, 'bad-answer');
    answer = send(200, 'application/json', '{"jsonrpc": "2.0", "id": 1, "error": "boom"}');
    assert.equal((await kindOf(client('JSON-RPC').version())).kind, 'bad-answer');
  });

  it('JSON-RPC: a version answer without server_version', async () => {
    answer = send(200, 'application/json', '{"jsonrpc": "2.0", "id": 1, "result": {"hello": 1}}');
    assert.match((await kindOf(client('JSON-RPC').version())).message, /no server_version/);
  });

  it('JSON-RPC: a login answer that is neither a uid nor false', async () => {
    answer = send(200, 'application/json', '{"jsonrpc": "2.0", "id": 1, "result": "yes"}');
    assert.match((await kindOf(client('JSON-RPC').login())).message, /not a user id or false/);
  });

  it('XML-RPC: truncated XML names what is missing', async () => {
    answer = send(200, 'text/xml', '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>server_version</name><value><string>19.0');
    const { kind, message } = await kindOf(client('XML-RPC').version());
    assert.equal(kind, 'bad-answer');
    assert.match(message, /truncated/);
  });

  it('JSON-2: a body that is not JSON', async () => {
    answer = send(200, 'application/json', '{"broken":');
    assert.equal((await kindOf(client('JSON-2').version())).kind, 'bad-answer');
  });

  it('nothing listening is a network error naming the cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = new OdooClient({ protocol: 'JSON-RPC', host: '127.0.0.1', port: deadPort, database: 'd', user: 'u', secret: 'secret-password' }, { page: NODE, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const { kind, message } = await kindOf(c.version());
    assert.equal(kind, 'network');
    assert.match(message, /ECONNREFUSED/);
  });
});

describe('retries', () => {
  it('a read-only call is retried with backoff after a gateway error, then succeeds', async () => {
    let n = 0;
    answer = (req, res) => {
      if (++n < 3) return send(503, 'text/html', HTML_502)(req, res);
      send(200, 'application/json', '{"jsonrpc": "2.0", "id": 1, "result": [7]}')(req, res);
    };
    const c = client('JSON-RPC', { attempts: 3 });
    (c as unknown as { uid: Promise<number> }).uid = Promise.resolve(2);
    hits = 0;
    assert.deepEqual(await c.executeKw('res.partner', 'search', [[]]), [7]);
    assert.equal(hits, 3);
  });

  it('a write is sent once, never repeated, even when the answer is lost', async () => {
    answer = send(503, 'text/html', HTML_502);
    const c = client('JSON-RPC', { attempts: 3 });
    (c as unknown as { uid: Promise<number> }).uid = Promise.resolve(2);
    hits = 0;
    assert.equal((await kindOf(c.executeKw('res.partner', 'write', [[1], { name: 'x' }]))).kind, 'server-error');
    assert.equal(hits, 1);
  });

  it('an Odoo error is not retried, even on a read', async () => {
    answer = send(200, 'application/json', JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.AccessError', message: 'no' } } }));
    const c = client('JSON-RPC', { attempts: 3 });
    (c as unknown as { uid: Promise<number> }).uid = Promise.resolve(2);
    hits = 0;
    assert.equal((await kindOf(c.executeKw('res.partner', 'read', [[1]]))).kind, 'access-rights');
    assert.equal(hits, 1);
  });
});
