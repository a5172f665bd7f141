import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startSimulator, type RunningSimulator } from '../../../server/simulator/index.ts';

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('simulator Host check (DNS rebinding reaches loopback too)', () => {
  let sim: RunningSimulator;
  let port: number;
  before(async () => {
    sim = await startSimulator();
    port = Number(new URL(sim.url).port);
  });
  after(() => sim.close());

  it('answers loopback names on its own port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const answer = await raw(port, `GET /web/webclient/version_info HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      assert.doesNotMatch(answer, /^HTTP\/1.1 40[03]/, host);
    }
  });

  it('refuses another name, another port, duplicates, on requests and on websocket upgrades', async () => {
    const cases: Array<[string, RegExp]> = [
      [`Host: rebind.example:${port}`, /^HTTP\/1.1 403/],
      ['Host: localhost:1', /^HTTP\/1.1 403/],
      [`Host: localhost:${port}\r\nHost: rebind.example`, /^HTTP\/1.1 400/],
    ];
    for (const [host, status] of cases) {
      const answer = await raw(port, `POST /jsonrpc HTTP/1.1\r\n${host}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      assert.match(answer, status, host);
      assert.match(answer, /the simulator answers only to localhost, 127.0.0.1, \[::1\] on port \d+/);
      const upgrade = await raw(port, `GET /websocket HTTP/1.1\r\n${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      assert.match(upgrade, status, `upgrade with ${host}`);
    }
  });
});
