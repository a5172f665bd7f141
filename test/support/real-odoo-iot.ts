/**
 * The hub as an IoT box of the real Odoo (started with the test addon iot_test_server, which
 * plays the IoT app's box routes): the e2e hub in Chromium served by the local server that
 * forwards to Odoo, paired by a connection token, and the POS's side at Odoo's own origin:
 * actions sent through RPC (`iot.channel.send_message`), results read on the bus.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chrome-session.ts';
import { startHubServer, type RunningServer } from './hub-server.ts';
import { link, openHub, waitLink } from './iot-e2e.ts';
import { BrowserLike } from './browser-like.ts';
import { subscribeBus, type BusNotification, type BusSubscriber } from './bus-subscriber.ts';
import { ODOO_ADMIN, type RealOdoo } from './real-odoo.ts';
import { TEST_DRAWER_IDENTIFIER } from '../fakes/iot/test-drawer.ts';

/** The addon's folder in test/odoo-addons. */
export const IOT_TEST_ADDON = 'iot_test_server';
/** The addon's ir.config_parameter keys (test/odoo-addons/iot_test_server/models.py). */
const PAIRING_TOKEN_KEY = 'iot_test_server.pairing_token';

export interface RealIotRig {
  hubServer: RunningServer;
  browser: Browser;
  context: BrowserContext;
  hub: Page;
  /** The hub's identifier, as registered in Odoo. */
  box: string;
  /** The e2e test drawer among the hub's devices. */
  drawer: string;
  /** The database's IoT bus channel. */
  channel: string;
  /** The POS's side at Odoo's own origin. */
  pos: RealPos;
  close(): Promise<void>;
}

/** A connection token as the IoT app gives it (odoo-iot.md §2.1, 19.0 form), accepted once. */
export async function issueConnectionToken(odoo: RealOdoo): Promise<string> {
  const token = randomBytes(16).toString('hex');
  await odoo.call('ir.config_parameter', 'set_param', [PAIRING_TOKEN_KEY, token]);
  const dbUuid = (await odoo.call('ir.config_parameter', 'get_param', ['database.uuid'])) as string;
  const query = new URLSearchParams({ token, db_uuid: dbUuid, enterprise_code: '', db_name: odoo.database });
  return `${odoo.url}?${query}`;
}

/** The e2e hub in Chromium (built in `distDir`), paired with the real Odoo by token, its bus open. */
export async function openRealIotRig(odoo: RealOdoo, distDir: string): Promise<RealIotRig> {
  const hubServer = await startHubServer({ odooOrigin: odoo.url, distDir });
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    await hubServer.close();
  };
  try {
    const context = await browser.newContext();
    const hub = await openHub(context, hubServer.url);
    const token = await issueConnectionToken(odoo);
    const answer = await hub.evaluate(
      (t) => (document.querySelector('hub-app') as unknown as { hub: { api: { link: { configure(t: string): Promise<{ ok: boolean; message: string }> } } } }).hub.api.link.configure(t),
      token,
    );
    if (!answer.ok) throw new Error(`the hub refused the connection token: ${answer.message}`);
    await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'registration with the real Odoo and its bus', 20_000);
    const { identifier: box, devices } = await link(hub);
    const drawer = devices.find((d) => d === TEST_DRAWER_IDENTIFIER);
    if (!drawer) throw new Error(`the e2e test drawer is not among the hub's devices: ${devices.join(', ')}`);
    const channel = (await odoo.call('iot.channel', 'get_iot_channel')) as string;
    const pos = await openRealPos(odoo, channel);
    return {
      hubServer, browser, context, hub, box, drawer, channel, pos,
      async close() {
        pos.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The POS's side, as a page of Odoo's own origin: logged in with the web client's session, it
 * sends actions with `orm.call('iot.channel', 'send_message')` (/web/dataset/call_kw) and reads
 * the results on the bus.
 */
export interface RealPos {
  subscriber: BusSubscriber;
  /** Sends an `iot_action` in the 19.0 form; returns its session id. */
  sendAction(box: string, device: string, data: Record<string, unknown>): Promise<string>;
  /** The `operation_confirmation` of one action. */
  confirmation(sessionId: string, timeoutMs?: number): Promise<BusNotification>;
  close(): void;
}

export async function openRealPos(odoo: RealOdoo, channel: string): Promise<RealPos> {
  const page = new BrowserLike(odoo.url);
  const callKw = async (path: string, params: Record<string, unknown>) => {
    const response = await page.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params }) });
    const body = (await response.json()) as { result?: unknown; error?: { data?: { message?: string } } };
    if (body.error) throw new Error(`${path}: ${body.error.data?.message ?? JSON.stringify(body.error)}`);
    return body.result;
  };
  // As the web client: log in, then open the bus with the worker version of the session info.
  const session = (await callKw('/web/session/authenticate', { db: odoo.database, login: ODOO_ADMIN.login, password: ODOO_ADMIN.password })) as { websocket_worker_version?: string };
  const subscriber = await subscribeBus({ origin: odoo.url, database: odoo.database, channels: [channel], page, version: session.websocket_worker_version });
  return {
    subscriber,
    async sendAction(box, device, data) {
      const sessionId = randomUUID();
      const message = { iot_identifiers: [box], iot_identifier: box, session_id: sessionId, device_identifiers: [device], device_identifier: device, action_unique_id: randomUUID(), ...data };
      await callKw('/web/dataset/call_kw/iot.channel/send_message', { model: 'iot.channel', method: 'send_message', args: [message, 'iot_action'], kwargs: {} });
      return sessionId;
    },
    confirmation: (sessionId, timeoutMs = 10_000) => subscriber.next(
      (n) => n.message.type === 'operation_confirmation' && n.message.payload.session_id === sessionId,
      timeoutMs,
      `the operation_confirmation of action ${sessionId}`,
    ),
    close: () => subscriber.close(),
  };
}
