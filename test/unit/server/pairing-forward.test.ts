import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';
import { loadConfig } from '../../../server/config.ts';

describe('local server forwards the pairing proxy path', () => {
  let proxy: RunningSimulator;
  let hub: RunningServer;
  before(async () => {
    proxy = await startSimulator();
    hub = await startHubServer({ odooOrigin: null, pairingProxyOrigin: proxy.url });
  });
  after(async () => {
    await hub.close();
    await proxy.close();
  });

  it('sends /odoo-enterprise/iot/connect-box to the configured proxy, same-origin for the hub', async () => {
    const response = await fetch(`${hub.url}odoo-enterprise/iot/connect-box`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ params: { pairing_code: false, pairing_uuid: false, serial_number: 'hub-1' } }),
    });
    assert.equal(response.status, 200);
    const { result } = await response.json();
    assert.ok(proxy.iot.pairingProxy.entries.has(result.pairing_code), 'the code was made by the configured proxy');
  });

  it('forwards nothing else under /odoo-enterprise/ and no other host', async () => {
    assert.equal((await fetch(`${hub.url}odoo-enterprise/other`, { method: 'POST' })).status, 404);
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(hub.port, '127.0.0.1', () =>
        socket.write(`POST http://example.org/odoo-enterprise/iot/connect-box HTTP/1.1\r\nHost: localhost:${hub.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('end', () => resolve(text));
    });
    assert.match(answer, /^HTTP\/1.1 403/);
  });

  it('refuses a pairing body over the limit', async () => {
    const small = await startHubServer({ odooOrigin: null, pairingProxyOrigin: proxy.url, maxBodyBytes: 64 });
    try {
      const response = await fetch(`${small.url}odoo-enterprise/iot/connect-box`, { method: 'POST', body: 'x'.repeat(200) });
      assert.equal(response.status, 413);
    } finally {
      await small.close();
    }
  });

  it('defaults to iot-proxy.odoo.com and takes --pairing-proxy / IOT_PAIRING_PROXY', () => {
    assert.equal(loadConfig([], {}).pairingProxyOrigin, 'https://iot-proxy.odoo.com');
    assert.equal(loadConfig(['--pairing-proxy', 'http://127.0.0.1:9999'], {}).pairingProxyOrigin, 'http://127.0.0.1:9999');
    assert.equal(loadConfig([], { IOT_PAIRING_PROXY: 'https://proxy.example' }).pairingProxyOrigin, 'https://proxy.example');
    assert.throws(() => loadConfig(['--pairing-proxy', 'ftp://x'], {}), /must start with http/);
  });
});
