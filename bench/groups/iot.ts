// IoT round trips on loopback: the simulator's POS page sends a cashbox-like action, the hub
// (e2e build, test drawer) runs it and the result comes back to the POS page; over the bus
// (send_message → bus → hub → send_websocket → operation_confirmation) and over WebRTC.
// Then 1,000 actions at once over each path, counting lost, duplicated and failed results.
import { TEST_DRAWER_IDENTIFIER } from '../../test/fakes/iot/test-drawer.ts';
import type { Page } from 'playwright-core';
import { median, percentile, type Figure } from '../figures.ts';
import { launchChromium } from '../../test/support/chrome-session.ts';
import { buildE2eHub, link, openHub, openPos, startIotRig, waitLink, type PosResult } from '../../test/support/iot-e2e.ts';

const ROUND_TRIPS = 200;
const WARM_UP = 20;
const BURST = 1_000;
const BURST_WAIT_MS = 120_000;
const SETTLE_MS = 20;

type PosSim = {
  action(a: unknown): Promise<PosResult>;
  received(actionId: string): { bus: number; webrtc: number } | undefined;
  openWebRtc(box: string): Promise<unknown>;
  stats(): { actions: number; lost: number; duplicated: number };
  resetStats(): void;
};

/**
 * One action at a time, each timed from the POS page's send to its result. The hub answers a
 * WebRTC action on the channel and also through Odoo (send_websocket → bus); with `settle`, the
 * next action starts SETTLE_MS after that copy has reached the POS page too (the hub has cleared
 * its outbox by then), so each figure is one action's latency, not the tail of the previous
 * one's bus traffic. Without it, actions follow each other at once (reported beside).
 */
async function roundTrips(pos: Page, box: string, device: string, via: 'bus' | 'webrtc', count: number, settle = true): Promise<number[]> {
  return pos.evaluate(async ({ box, device, via, count, settle, settleMs }) => {
    const sim = (window as unknown as { posSim: PosSim }).posSim;
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const r = await sim.action({ box, device, data: { action: 'cashbox' }, via });
      if (!r.ok || r.via !== via) throw new Error(`round trip ${i} over ${via}: ${JSON.stringify(r)}`);
      times.push(r.ms);
      if (!settle) continue;
      const settled = Date.now() + 2_000;
      while ((sim.received(r.actionId)?.bus ?? 0) < 1 && Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, 2));
      await new Promise((resolve) => setTimeout(resolve, settleMs));
    }
    return times;
  }, { box, device, via, count, settle, settleMs: SETTLE_MS });
}

type Burst = { lost: number; duplicated: number; reruns: number; failed: number; firstFailure: string };

/**
 * BURST raw documents (action '') at once: a print waits its turn however long the line is,
 * where 1,000 drawer openings would rightly be refused after 10 s (queue-policy.ts), which is
 * not what this counts. A run counter above 1 is a rerun; any other answer than a success fails.
 */
async function burst(pos: Page, box: string, device: string, via: 'bus' | 'webrtc'): Promise<Burst> {
  return pos.evaluate(async ({ box, device, via, n, wait }) => {
    const sim = (window as unknown as { posSim: PosSim }).posSim;
    sim.resetStats();
    const results = await Promise.all(Array.from({ length: n }, () => sim.action({ box, device, data: { action: '' }, via, timeoutMs: wait })));
    // Late duplicates would show up after the first answers: give them a moment.
    await new Promise((r) => setTimeout(r, 1_000));
    // A plain loop: tsx would wrap a named helper in a __name() the page does not have.
    let reruns = 0;
    const failures: unknown[] = [];
    for (const r of results) {
      const runs = (r.message as { result?: { runs?: number } })?.result?.runs;
      if ((runs ?? 0) > 1) reruns++;
      if (!r.ok || runs === undefined) failures.push(r.message);
    }
    const { lost, duplicated } = sim.stats();
    return { lost, duplicated, reruns, failed: failures.length, firstFailure: failures.length ? JSON.stringify(failures[0]) : '' };
  }, { box, device, via, n: BURST, wait: BURST_WAIT_MS });
}

export async function run(): Promise<Figure[]> {
  const rig = await startIotRig(buildE2eHub());
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const hub = await openHub(context, rig.hubServer.url);
    const token = rig.sim.iot.issueToken('19').connectionString;
    const answer = await hub.evaluate((t) => (document.querySelector('hub-app') as unknown as { hub: { api: { link: { configure(t: string): Promise<{ ok: boolean; message: string }> } } } }).hub.api.link.configure(t), token);
    if (!answer.ok) throw new Error(answer.message);
    await waitLink(hub, (l) => l.bus.state === 'open', 'the hub bus');
    const { identifier: box, devices } = await link(hub);
    const device = devices.find((d) => d === TEST_DRAWER_IDENTIFIER);
    if (!device) throw new Error(`the e2e test drawer is not among the hub's devices: ${devices.join(', ')}`);
    const pos = await openPos(context, rig.sim);
    await pos.evaluate((b) => (window as unknown as { posSim: PosSim }).posSim.openWebRtc(b), box);

    await roundTrips(pos, box, device, 'bus', WARM_UP);
    const bus = await roundTrips(pos, box, device, 'bus', ROUND_TRIPS);
    await roundTrips(pos, box, device, 'webrtc', WARM_UP);
    const webrtc = await roundTrips(pos, box, device, 'webrtc', ROUND_TRIPS);
    const webrtcBackToBack = await roundTrips(pos, box, device, 'webrtc', ROUND_TRIPS, false);
    const busBurst = await burst(pos, box, device, 'bus');
    const rtcBurst = await burst(pos, box, device, 'webrtc');
    console.log(`bursts: bus ${JSON.stringify(busBurst)}, webrtc ${JSON.stringify(rtcBurst)}`);
    return [
      { key: 'iot.roundtrip_bus_ms', value: median(bus), unit: 'ms', goal: '<= 25' },
      { key: 'iot.roundtrip_bus_p95_ms', value: percentile(bus, 95), unit: 'ms' },
      { key: 'iot.roundtrip_webrtc_ms', value: median(webrtc), unit: 'ms', goal: '<= 5' },
      { key: 'iot.roundtrip_webrtc_back_to_back_ms', value: median(webrtcBackToBack), unit: 'ms' },
      { key: 'iot.roundtrip_webrtc_p95_ms', value: percentile(webrtc, 95), unit: 'ms' },
      { key: 'iot.burst_lost', value: busBurst.lost + rtcBurst.lost, unit: 'actions', goal: '= 0' },
      // A result seen twice on one path, or an action the device ran again, is a duplicate.
      { key: 'iot.burst_duplicated', value: busBurst.duplicated + rtcBurst.duplicated + busBurst.reruns + rtcBurst.reruns, unit: 'actions', goal: '= 0' },
      { key: 'iot.burst_failed', value: busBurst.failed + rtcBurst.failed, unit: 'actions', goal: '= 0' },
    ];
  } finally {
    await browser.close();
    await rig.close();
  }
}
