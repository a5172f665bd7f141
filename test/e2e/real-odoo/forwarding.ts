/**
 * The hub's local server forwarding to the real Odoo: the login page that binds a session to the
 * database, the session cookie, RPC, and the bus websocket with Odoo's own `?version=` check.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { OdooClient } from '../../../src/odoo/client.ts';
import type { OdooProtocol } from '../../../src/odoo/target.ts';
import { OUTDATED_VERSION_REASON } from '../../../src/odoo/iot/bus-client.ts';
import { BrowserLike } from '../../support/browser-like.ts';
import { subscribeBus } from '../../support/bus-subscriber.ts';
import { startHubServer, type RunningServer } from '../../support/hub-server.ts';
import { ODOO_ADMIN, type RealOdoo } from '../../support/real-odoo.ts';

/** What Odoo 19.0's bus expects from the web client (bus/websocket.py `_VERSION`, see odoo19/README.md). */
const ODOO19_WORKER_VERSION = '19.0-2';

export function describeForwarding(odoo: () => RealOdoo): void {
  describe('local server forwarding to the real Odoo 19', () => {
    let hub: RunningServer;
    let origin = '';
    before(async () => {
      hub = await startHubServer({ odooOrigin: odoo().url });
      origin = new URL(hub.url).origin;
    });
    after(() => hub?.close());

    it('GET /web/login?db= gives the login page with the bus worker version and a session cookie for the hub origin', async () => {
      const page = new BrowserLike(origin);
      const response = await page.fetch(`/web/login?db=${encodeURIComponent(odoo().database)}`);
      assert.equal(response.status, 200);
      const html = await response.text();
      assert.match(html, new RegExp(`websocket_worker_version["']?\\s*:\\s*["']${ODOO19_WORKER_VERSION.replace('.', '\\.')}["']`));
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('session_id='));
      assert.ok(cookie, 'Odoo set a session cookie');
      assert.doesNotMatch(cookie, /domain=/i, 'the cookie is not bound to Odoo\'s own host name, so the browser keeps it for the hub');
    });

    it('keeps one session through the forwarder: authenticate, then the session info knows the user', async () => {
      const page = new BrowserLike(origin);
      await page.fetch(`/web/login?db=${encodeURIComponent(odoo().database)}`);
      const bound = page.cookie('session_id');
      const rpc = async (path: string, params: Record<string, unknown>) => {
        const response = await page.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params }) });
        return ((await response.json()) as { result?: Record<string, unknown>; error?: unknown });
      };
      const login = await rpc('/web/session/authenticate', { db: odoo().database, login: ODOO_ADMIN.login, password: ODOO_ADMIN.password });
      assert.equal(login.result?.uid, ODOO_ADMIN.uid, JSON.stringify(login.error));
      assert.ok(page.cookie('session_id'), 'a session cookie after login');
      assert.notEqual(page.cookie('session_id'), bound, 'Odoo rotates the session id at login');
      const info = await rpc('/web/session/get_session_info', {});
      assert.equal(info.result?.uid, ODOO_ADMIN.uid, JSON.stringify(info.error));
      assert.equal(info.result?.db, odoo().database);
      assert.equal(info.result?.websocket_worker_version, ODOO19_WORKER_VERSION);
    });

    for (const protocol of ['JSON-RPC', 'XML-RPC', 'JSON-2'] as OdooProtocol[]) {
      it(`forwards ${protocol}: login and a read through the hub's origin`, async () => {
        const secret = protocol === 'JSON-2' ? odoo().apiKey : ODOO_ADMIN.password;
        const client = new OdooClient(
          { protocol, host: '127.0.0.1', port: hub.port, database: odoo().database, user: ODOO_ADMIN.login, secret },
          { page: { origin: null, forwardedOdoo: null } },
        );
        assert.equal(await client.login(), ODOO_ADMIN.uid);
        const [user] = (await client.executeKw('res.users', 'read', [[ODOO_ADMIN.uid], ['login']])) as Array<{ login: string }>;
        assert.equal(user.login, ODOO_ADMIN.login);
      });
    }

    it('upgrades /websocket through the forwarder with the real version and delivers a notification sent by RPC', async () => {
      const channel = `hub-test-${randomUUID()}`;
      const bus = await subscribeBus({ origin, database: odoo().database, channels: [channel] });
      try {
        // A subscription is live once the server has processed it: send until one arrives.
        const payload = { nonce: randomUUID() };
        const seen = bus.next((n) => n.message.type === 'hub_test' && n.message.payload.nonce === payload.nonce, 10_000, 'the notification sent with bus.bus._sendone');
        await odoo().sendBus(channel, 'hub_test', payload);
        const notification = await seen;
        assert.ok(Number.isInteger(notification.id) && notification.id > 0);
      } finally {
        bus.close();
      }
    });

    it(`a browser-like client with a wrong ?version= is closed by Odoo with ${OUTDATED_VERSION_REASON}, through the forwarder`, async () => {
      const bus = await subscribeBus({ origin, database: odoo().database, channels: [], version: '18.0-7' });
      const closed = await Promise.race([bus.closed, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      assert.deepEqual(closed, { code: 1000, reason: OUTDATED_VERSION_REASON });
    });
  });
}
