import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chrome-session.ts';
import { startSimulator, type RunningSimulator } from '../../server/simulator/index.ts';
import { startHubServer, type RunningServer } from './hub-server.ts';
import type { LinkSnapshot } from '../../src/hub/link/contract.ts';
import type { LocalServerConfig } from '../../server/config.ts';
import type { LocalServerOptions } from '../../server/local-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the hub in e2e mode (a virtual USB test drawer, short link delays: see
 * test/fakes/iot/e2e-kit.ts) into a temporary folder, unless HUB_E2E_DIST names one already built.
 */
export function buildE2eHub(): string {
  if (process.env.HUB_E2E_DIST) return process.env.HUB_E2E_DIST;
  const outDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  const built = spawnSync(vite, ['build', '--mode', 'e2e', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`e2e build failed: ${built.stderr || built.stdout}`);
  return outDir;
}

export interface IotRig {
  sim: RunningSimulator;
  hubServer: RunningServer;
  close(): Promise<void>;
}

/** The simulator, and the local server serving the e2e hub and forwarding Odoo and pairing paths to it. */
export async function startIotRig(distDir: string, overrides: Partial<LocalServerConfig> = {}, options: LocalServerOptions = {}): Promise<IotRig> {
  const sim = await startSimulator();
  const hubServer = await startHubServer({ odooOrigin: sim.url, pairingProxyOrigin: sim.url, distDir, ...overrides }, 0, options);
  return {
    sim,
    hubServer,
    async close() {
      await hubServer.close();
      await sim.close();
    },
  };
}

export interface IotSession {
  browser: Browser;
  context: BrowserContext;
  rig: IotRig;
  hub: Page;
  close(): Promise<void>;
}

/** Chromium, the simulator with the local server serving the hub built in `distDir`, and the hub open and ready. */
export async function openIotSession(distDir: string, overrides: Partial<LocalServerConfig> = {}): Promise<IotSession> {
  const [browser, rig] = await Promise.all([launchChromium(), startIotRig(distDir, overrides)]);
  const context = await browser.newContext();
  const hub = await openHub(context, rig.hubServer.url);
  return {
    browser, context, rig, hub,
    async close() {
      await context.close();
      await browser.close();
      await rig.close();
    },
  };
}

export async function openHub(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await waitHubReady(page);
  return page;
}

export async function waitHubReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hubState === 'ready', null, { timeout: 10_000 });
}

export function link(page: Page): Promise<LinkSnapshot & { identifier: string; devices: string[] }> {
  return page.evaluate(() => {
    const app = document.querySelector('hub-app') as unknown as { snapshot: { link: LinkSnapshot; identity: { identifier: string }; devices: Array<{ identifier: string }> } };
    return { ...app.snapshot.link, identifier: app.snapshot.identity.identifier, devices: app.snapshot.devices.map((d) => d.identifier) };
  });
}

export async function waitLink(page: Page, check: (l: LinkSnapshot) => boolean, what: string, timeout = 10_000): Promise<LinkSnapshot> {
  const deadline = Date.now() + timeout;
  let last: LinkSnapshot | null = null;
  while (Date.now() < deadline) {
    last = await link(page).catch(() => null);
    if (last && check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; link: ${JSON.stringify(last, null, 1)?.slice(0, 1500)}`);
}

export interface PosResult {
  ok: boolean;
  status: unknown;
  via: string;
  actionId: string;
  message: Record<string, unknown>;
  ms: number;
  /** When the POS page sent it (wall-clock ms, comparable with the hub's job breakdown), null if it never left. */
  sentAt: number | null;
  /** When the POS page had the result (wall-clock ms). */
  answeredAt: number;
}

export async function openPos(context: BrowserContext, sim: RunningSimulator): Promise<Page> {
  const page = await context.newPage();
  await page.goto(sim.posUrl);
  await page.waitForFunction(() => 'posSim' in window, null, { timeout: 5_000 });
  await page.evaluate(() => (window as unknown as { posSim: { ready: Promise<unknown> } }).posSim.ready);
  return page;
}

export function posAction(pos: Page, args: { box: string; device: string; data?: Record<string, unknown>; via: 'bus' | 'webrtc' | 'auto'; actionId?: string; timeoutMs?: number }): Promise<PosResult> {
  return pos.evaluate((a) => (window as unknown as { posSim: { action(x: unknown): Promise<PosResult> } }).posSim.action(a), args);
}

/** Polls `find` until it returns something (for what the simulator records). */
export async function waitFor<T>(find: () => T | undefined | null | false, what: string, timeout = 8_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Sends a box-level WebRTC message (`restart_odoo`, `test_protocol`) from the POS page the way the
 * 19.0 POS opens its channel (offer over the bus, answer back as webrtc_answer), on a channel of
 * its own, and resolves with the hub's reply on that channel.
 */
export function rtcBoxMessage(pos: Page, box: string, messageType: 'restart_odoo' | 'test_protocol', sessionId: string): Promise<Record<string, unknown>> {
  return pos.evaluate(async ({ box, messageType, sessionId }) => {
    type Bus = { connect(): Promise<unknown>; subscribe(l: (t: string, p: Record<string, unknown>) => void): () => void };
    const bus = (window as unknown as { posSim: { bus: Bus } }).posSim.bus;
    const peer = new RTCPeerConnection();
    const channel = peer.createDataChannel('iot');
    await peer.setLocalDescription(await peer.createOffer());
    const stop = bus.subscribe((type, payload) => {
      if (type !== 'webrtc_answer' || payload.iot_box_identifier !== box || peer.signalingState !== 'have-local-offer') return;
      void peer.setRemoteDescription(payload.answer as RTCSessionDescriptionInit);
      stop();
    });
    await bus.connect();
    const offer = { iot_identifiers: [box], iot_identifier: box, session_id: crypto.randomUUID(), offer: { sdp: peer.localDescription!.sdp, type: 'offer' } };
    await fetch('/web/dataset/call_kw/iot.channel/send_message', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { model: 'iot.channel', method: 'send_message', args: [offer, 'webrtc_offer'], kwargs: {} } }),
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('WebRTC channel did not open')), 5_000);
      channel.addEventListener('open', () => (clearTimeout(timer), resolve()), { once: true });
    });
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${messageType}`)), 5_000);
      channel.addEventListener('message', (event) => {
        const message = JSON.parse(event.data as string) as Record<string, unknown>;
        if (message.owner === sessionId) (clearTimeout(timer), resolve(message));
      });
    });
    channel.send(JSON.stringify({ session_id: sessionId, message_type: messageType }));
    return reply;
  }, { box, messageType, sessionId });
}
