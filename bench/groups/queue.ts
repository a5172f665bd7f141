// Queue benchmarks in Chromium. `queue.jobs_per_s`: the hub's job store, router and outbox on a
// real IndexedDB (vite on loopback serves bench/queue/), enqueue → done, with a device that
// answers at once; `queue.jobs_per_s_one_core_busy` the same while a thread this benchmark starts
// keeps one core busy (a loaded POS terminal), stopped at the end. `queue.reopen_10k_ms`: the built hub (e2e build, local server + simulator)
// reopened with 10,000 finished jobs and 10,000 seen action ids in its database, from navigation
// to "ready" (main.ts's `hub-ready` mark); the anchor is the same reopen with an empty history.
import { Worker } from 'node:worker_threads';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { median, type Figure } from '../figures.ts';
import { launchChromium } from '../../test/support/chrome-session.ts';
import { buildE2eHub, openHub, startIotRig, waitHubReady } from '../../test/support/iot-e2e.ts';
import type { Page } from 'playwright-core';
import type { Throughput } from '../queue/page.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOBS = 3_000;
const HISTORY = 10_000;
const REOPENS = 7;

/** One core kept busy until stopped: a thread that spins. */
function busyCore(): { stop(): Promise<number> } {
  const spinner = new Worker('for (;;) {}', { eval: true });
  return { stop: () => spinner.terminate() };
}


function throughput(page: Page, jobs: number): Promise<Throughput> {
  return page.evaluate((n) => (window as unknown as { runBench: (n: number) => Promise<Throughput> }).runBench(n), jobs);
}

/** The median of three runs; prints the time each write kept a job waiting, per job. */
async function medianJobsPerSecond(page: Page, label: string): Promise<number> {
  const runs: Throughput[] = [];
  for (let i = 0; i < 3; i++) runs.push(await throughput(page, JOBS));
  const mid = [...runs].sort((a, b) => a.jobsPerSecond - b.jobsPerSecond)[1];
  const writes = Object.entries(mid.perJobMs).map(([k, ms]) => `${k} ${ms.toFixed(3)}`).join(', ');
  console.log(`  ${label}: ${Math.round(mid.jobsPerSecond)} jobs/s; ms each of a job's 3 writes waited (group commit: ${mid.transactionsPerJob.toFixed(2)} IndexedDB transactions a job): ${writes}`);
  return mid.jobsPerSecond;
}

async function reopenMs(hub: Page): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REOPENS; i++) {
    await hub.reload();
    await waitHubReady(hub);
    times.push(await hub.evaluate(() => performance.getEntriesByName('hub-ready')[0].startTime));
  }
  return median(times);
}

function seedHistory(hub: Page, count: number): Promise<void> {
  return hub.evaluate((count) => new Promise<void>((resolve, reject) => {
    const request = indexedDB.open('browser-iot-hub');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const tx = request.result.transaction(['jobs', 'seenActions'], 'readwrite');
      const now = Date.now() - count * 1000;
      for (let i = 0; i < count; i++) {
        const id = `history-${i}`;
        tx.objectStore('jobs').put({
          id: `${id}@usb_1209:0001_E2E1`, actionUniqueId: id, deviceIdentifier: 'usb_1209:0001_E2E1', action: 'print_receipt',
          data: { action: 'print_receipt' }, sessionId: id, state: i % 50 === 0 ? 'failed' : 'done', createdAt: now + i * 1000, updatedAt: now + i * 1000 + 300,
          result: i % 50 === 0 ? 'ERROR_NO_PAPER' : null, trimmed: true,
        });
        tx.objectStore('seenActions').put({ id, at: now + i * 1000 });
      }
      tx.oncomplete = () => {
        request.result.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  }), count);
}

export async function run(): Promise<Figure[]> {
  const server = await createServer({
    root: ROOT, configFile: false, logLevel: 'error',
    define: { __HUB_VERSION__: '"bench"', __BUILD_HASH__: '"bench"' },
    server: { host: '127.0.0.1', port: 0, hmr: false },
  });
  await server.listen();
  const address = server.httpServer!.address() as { port: number };
  const browser = await launchChromium();
  const rig = await startIotRig(buildE2eHub());
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/bench/queue/index.html`);
    await page.waitForFunction(() => 'runBench' in window, undefined, { timeout: 60_000 });
    await throughput(page, 300);
    const quiet = await medianJobsPerSecond(page, 'quiet');
    const load = busyCore();
    let loaded: number;
    try {
      loaded = await medianJobsPerSecond(page, 'one core busy');
    } finally {
      await load.stop();
    }

    const context = await browser.newContext();
    const hub = await openHub(context, rig.hubServer.url);
    const empty = await reopenMs(hub);
    await seedHistory(hub, HISTORY);
    const full = await reopenMs(hub);
    return [
      { key: 'queue.jobs_per_s', value: Math.round(quiet), unit: 'jobs/s', goal: '>= 500' },
      { key: 'queue.jobs_per_s_one_core_busy', value: Math.round(loaded), unit: 'jobs/s', goal: '>= 500' },
      { key: 'queue.reopen_10k_ms', value: Math.round(full), unit: 'ms', goal: '<= 500', anchor: 'reopen with an empty history', anchor_value: Math.round(empty) },
    ];
  } finally {
    await browser.close();
    await rig.close();
    await server.close();
  }
}
