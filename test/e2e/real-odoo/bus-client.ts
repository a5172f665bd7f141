/**
 * The hub's bus client (src/odoo/iot/bus-client.ts), run in Node as in the hub's worker, on a
 * real channel of the real Odoo bus through the local server: the `?version=` learnt from the
 * login page, notifications sent by RPC handed over once and in order, and after a dropped
 * connection a resubscription from the persisted `last` that brings what was sent meanwhile.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BusClient, type BusState } from '../../../src/odoo/iot/bus-client.ts';
import type { Notification } from '../../../src/odoo/iot/messages.ts';
import { Logger } from '../../../src/hub/logger.ts';
import { BrowserLike } from '../../support/browser-like.ts';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import type { RealOdoo } from '../../support/real-odoo.ts';

const WAIT_MS = 10_000;

async function until(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function describeBusClient(odoo: () => RealOdoo): void {
  describe("the hub's bus client on the real Odoo bus, through the local server", () => {
    let hub: RunningServer;
    let client: BusClient | undefined;
    before(async () => {
      hub = await startHubServer({ odooOrigin: odoo().url });
    });
    after(async () => {
      client?.stop();
      await hub?.close();
    });

    it('receives notifications sent by RPC in order, once, and resumes from last after the connection drops', async () => {
      const origin = new URL(hub.url).origin;
      const channel = `hub-test-${randomUUID()}`;
      const received: Notification[] = [];
      const states: string[] = [];
      const logs: string[] = [];
      const logger = new Logger();
      logger.addSink((r) => logs.push(r.message));
      let last = 0;
      let state: BusState = 'stopped';
      const page = new BrowserLike(origin);
      client = new BusClient({
        channel,
        identifier: 'hub-test-box',
        dbName: odoo().database,
        last: () => last,
        onLast: (l) => (last = l),
        onNotification: async (n) => void received.push(n),
        onState: (s, detail) => {
          state = s;
          states.push(`${s} ${detail}`);
        },
        log: logger.scope('bus'),
        fetch: page.fetch,
        WebSocket: page.WebSocket,
        origin,
        reconnectMinMs: 50,
        reconnectMaxMs: 300,
      });
      client.start();
      await until(() => state === 'open', 'the bus client to open');
      assert.equal(client.versionFetches, 1, 'the version came from the login page, once');
      assert.ok(page.cookie('session_id'), '/web/login?db= bound a session');

      const send = (n: number) => odoo().sendBus(channel, 'hub_test', { n });
      // The subscription is processed by Odoo after the socket opened: the first send may come
      // before it; with last = 0 Odoo still replays what the channel got in the last 50 s.
      await send(1);
      await send(2);
      await until(() => received.length >= 2, 'notifications 1 and 2');
      assert.deepEqual(received.map((n) => n.payload.n), [1, 2]);
      assert.equal(last, received[1].id, 'last is the highest id handled');
      const lastBeforeDrop = last;

      // The connection drops while the local server is away; Odoo keeps what is sent meanwhile.
      const port = hub.port;
      await hub.close();
      await until(() => state !== 'open', 'the client to see the drop');
      await send(3);
      await send(4);
      hub = await startHubServer({ odooOrigin: odoo().url }, port);
      await until(() => received.length >= 4, 'notifications 3 and 4 after the reconnect');
      assert.deepEqual(received.map((n) => n.payload.n), [1, 2, 3, 4], 'each once, in order');
      assert.ok(states.includes(`open subscribed from ${lastBeforeDrop}`), `resubscribed from ${lastBeforeDrop}: ${states.join(' | ')}`);
      assert.ok(logs.some((l) => l.includes(`subscribed to the IoT channel from notification ${lastBeforeDrop}`)), logs.join('\n'));

      // One more after the reconnect arrives too, and nothing came twice.
      await send(5);
      await until(() => received.length >= 5, 'notification 5');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(received.map((n) => n.payload.n), [1, 2, 3, 4, 5]);
      assert.equal(new Set(received.map((n) => n.id)).size, 5);
    });
  });
}
