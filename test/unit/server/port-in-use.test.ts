import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../../../server/config.ts';
import { startHub } from '../../../server/start-hub.ts';
import { odooSerie } from '../../../server/port-in-use.ts';

const dist = mkdtempSync(join(tmpdir(), 'hub-dist-'));
writeFileSync(join(dist, 'index.html'), '<!doctype html>');

async function listening(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startError(port: number): Promise<ConfigError> {
  const config = loadConfig(['--port', String(port), '--dist', dist, '--odoo', 'http://127.0.0.1:9'], {});
  try {
    const hub = await startHub(config, { log: () => undefined });
    await hub.close();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('the hub started on a taken port');
}

describe('a taken port', () => {
  it('names the Odoo that answers there and a free --port, in one line', async () => {
    const odoo = createHttpServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(req.url === '/web/webclient/version_info' ? JSON.stringify({ jsonrpc: '2.0', id: 1, result: { server_serie: '19.0', server_version: '19.0' } }) : '{}');
    });
    const port = await listening(odoo);
    try {
      const error = await startError(port);
      assert.match(error.message, new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already taken by an Odoo 19\\.0 server: start with --port (\\d+) \\(or HUB_PORT=\\1\\)$`));
      assert.ok(!error.message.includes('\n'));
      assert.ok(!/EADDRINUSE|at .*\.ts/.test(error.message), 'no stack trace');
    } finally {
      odoo.close();
    }
  });

  it('recognises a hub already running there (which also forwards Odoo\'s version route)', async () => {
    const first = await startHub(loadConfig(['--port', '0', '--dist', dist, '--data-dir', '', '--odoo', 'http://127.0.0.1:9'], {}), { log: () => undefined });
    try {
      const port = Number(new URL(first.url).port);
      assert.match((await startError(port)).message, new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already taken by a Browser IoT Hub already running \\(open http://127\\.0\\.0\\.1:${port}/\\): start with --port \\d+`));
    } finally {
      await first.close();
    }
  });

  it('says "another program" when what holds it does not speak HTTP', async () => {
    const raw = createTcpServer((socket) => socket.destroy());
    const port = await listening(raw);
    try {
      assert.match((await startError(port)).message, /is already taken by another program: start with --port \d+/);
    } finally {
      raw.close();
    }
  });

  it('reads a version answer boundedly', () => {
    assert.equal(odooSerie('{"result":{"server_serie":"saas~18.3"}}'), 'saas~18.3');
    for (const bad of ['', 'not json', '{"result":null}', '{"result":{"server_serie":42}}', `{"result":{"server_serie":"${'x'.repeat(100)}"}}`, '{"result":{"server_serie":"<b>19</b>"}}']) {
      assert.equal(odooSerie(bad), null, bad);
    }
  });
});
