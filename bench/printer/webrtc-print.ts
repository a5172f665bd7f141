// Receipts printed end to end on loopback, as `npm start` runs the demo: the simulator's POS page
// sends print_receipt (WebRTC as the 19.0 POS does, and the bus), the hub (a production build)
// prints on its virtual USB printer, and the POS page times send → result. Each job's breakdown
// (src/hub/breakdown.ts) is read back from the hub's snapshot. Beside it, the same message over a
// bare data channel between two peers in the POS page, same chunks: the channel's own speed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../server/config.ts';
import { startHub } from '../../server/start-hub.ts';
import { launchChromium } from '../../test/support/chrome-session.ts';
import { link, openPos, waitHubReady, waitLink, type PosResult } from '../../test/support/iot-e2e.ts';
import type { JobBreakdown } from '../../src/hub/breakdown.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * After each print the homepage redraws (its snapshot is pushed at most every 100 ms) and fetches
 * the last print's picture: the next print starts once that is over, so each figure is one
 * print's, not the tail of the previous one's (a cashier's receipts are seconds apart).
 */
const SETTLE_MS = 250;

export interface PrintSample {
  posMs: number;
  /** When the POS page sent the message (wall clock, as the breakdown's marks). */
  sentAt: number;
  /** When the POS page had the result (wall clock). */
  answeredAt: number;
  breakdown: JobBreakdown;
}

export interface FixturePrints {
  name: string;
  webrtc: PrintSample[];
  bus: PrintSample[];
  /** The same message over a bare loopback data channel, sent as the POS sends it → all of it received (ms). */
  channelMs: number[];
}

type PosSim = { action(a: unknown): Promise<PosResult>; openWebRtc(box: string): Promise<unknown>; received(id: string): { bus: number; webrtc: number } | undefined };

function buildHub(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  const built = spawnSync(vite, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`hub build failed: ${built.stderr || built.stdout}`);
  return outDir;
}

/** The job's breakdown once its result has left on the path it came by. */
async function breakdownOf(hub: Page, jobId: string, via: 'webrtc' | 'bus'): Promise<JobBreakdown> {
  const mark = via === 'webrtc' ? 'resultSentWebrtc' : 'resultSentBus';
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = (await link(hub)).jobs.find((j) => j.id === jobId);
    if (job?.breakdown?.marks[mark] !== undefined) return job.breakdown;
    if (Date.now() > deadline) throw new Error(`job ${jobId}: no ${mark} in its breakdown: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function print(pos: Page, hub: Page, box: string, device: string, name: string, via: 'webrtc' | 'bus'): Promise<PrintSample> {
  const result = await pos.evaluate(async ({ box, device, name, via }) => {
    const sim = (window as unknown as { posSim: PosSim }).posSim;
    const receipt = (window as unknown as { benchReceipts: Record<string, string> }).benchReceipts[name];
    const r = await sim.action({ box, device, data: { action: 'print_receipt', receipt }, via });
    // The hub also answers a WebRTC action through Odoo: the next print starts once that copy is in.
    const settled = Date.now() + 3_000;
    while ((sim.received(r.actionId)?.bus ?? 0) < 1 && Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, 2));
    return r;
  }, { box, device, name, via });
  if (!result.ok || result.via !== via || result.sentAt === null) throw new Error(`print of ${name} over ${via}: ${JSON.stringify(result).slice(0, 300)}`);
  const breakdown = await breakdownOf(hub, `${result.actionId}@${device}`, via);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return { posMs: result.ms, sentAt: result.sentAt, answeredAt: result.answeredAt, breakdown };
}

/** Send → all received for the print message on a fresh loopback peer pair, one message or chunked as the POS sends it. */
function channelTimes(pos: Page, name: string, runs: number): Promise<number[]> {
  return pos.evaluate(async ({ name, runs }) => {
    const receipt = (window as unknown as { benchReceipts: Record<string, string> }).benchReceipts[name];
    const text = JSON.stringify({ device_identifier: 'x', data: { action: 'print_receipt', receipt, action_unique_id: crypto.randomUUID() }, session_id: crypto.randomUUID(), message_type: 'iot_action' });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
    const channel = a.createDataChannel('iot');
    const incoming = new Promise<RTCDataChannel>((resolve) => (b.ondatachannel = (e) => resolve(e.channel)));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    const far = await incoming;
    if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const max = a.sctp?.maxMessageSize ?? 65536;
      const whole = text.length < max;
      const done = new Promise<number>((resolve) => (far.onmessage = (e) => (whole || e.data === 'chunked_end') && resolve(performance.now())));
      const start = performance.now();
      if (whole) channel.send(text);
      else {
        channel.send('chunked_start');
        for (let o = 0; o < text.length; o += max) channel.send(text.slice(o, o + max));
        channel.send('chunked_end');
      }
      times.push((await done) - start);
    }
    a.close();
    b.close();
    return times;
  }, { name, runs });
}

export async function measurePrints(fixtures: Array<{ name: string; base64: string }>, runs: { webrtc: number; bus: number; warmUp: number }): Promise<FixturePrints[]> {
  const dist = buildHub();
  const running = await startHub(loadConfig(['--port', '0', '--dist', dist], {}), { log: () => undefined });
  const browser = await launchChromium();
  try {
    if (!running.simulator) throw new Error('the demo did not start its simulator');
    const context = await browser.newContext();
    const hub = await context.newPage();
    await hub.goto(`${running.url}/`);
    await waitHubReady(hub);
    await hub.locator('[data-test=demo-printer]').waitFor({ timeout: 15_000 });
    const token = running.simulator.iot.issueToken('19').connectionString;
    const answer = await hub.evaluate((t) => (document.querySelector('hub-app') as unknown as { hub: { api: { link: { configure(t: string): Promise<{ ok: boolean; message: string }> } } } }).hub.api.link.configure(t), token);
    if (!answer.ok) throw new Error(answer.message);
    await waitLink(hub, (l) => l.registration.state === 'registered' && l.bus.state === 'open', 'the hub registered, bus open');
    const printer = await hub.evaluate(() => (document.querySelector('hub-app') as unknown as { snapshot: { devices: Array<{ identifier: string; type: string }> } }).snapshot.devices.find((d) => d.type === 'printer')?.identifier);
    if (!printer) throw new Error('the demo printer is not among the hub devices');
    const { identifier: box } = await link(hub);
    const pos = await openPos(context, running.simulator);
    await pos.evaluate((b) => (window as unknown as { posSim: PosSim }).posSim.openWebRtc(b), box);
    await pos.evaluate((list) => {
      (window as unknown as { benchReceipts: Record<string, string> }).benchReceipts = Object.fromEntries(list.map((f) => [f.name, f.base64]));
    }, fixtures);
    const results: FixturePrints[] = [];
    for (const { name } of fixtures) {
      for (let i = 0; i < runs.warmUp; i++) await print(pos, hub, box, printer, name, 'webrtc');
      const webrtc: PrintSample[] = [];
      for (let i = 0; i < runs.webrtc; i++) webrtc.push(await print(pos, hub, box, printer, name, 'webrtc'));
      const bus: PrintSample[] = [];
      for (let i = 0; i < runs.bus; i++) bus.push(await print(pos, hub, box, printer, name, 'bus'));
      results.push({ name, webrtc, bus, channelMs: await channelTimes(pos, name, runs.webrtc) });
    }
    return results;
  } finally {
    await browser.close();
    await running.close();
    rmSync(dist, { recursive: true, force: true });
  }
}
