// Group `shell` (issue 2): what the POS terminal downloads before the homepage is interactive,
// and how fast the hub is ready when it starts from its service worker cache.
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chrome-session.ts';
import { startHubServer } from '../../test/support/hub-server.ts';
import { median, type Figure } from '../figures.ts';

const RELOADS = 21;

async function waitReady(page: Page) {
  await page.waitForFunction(() => document.documentElement.dataset.hubState === 'ready', null, { timeout: 10_000 });
}

/** When each script was requested, on the browser's clock: resource timing of the page and of its workers (the hub worker's imports). */
async function scriptStarts(page: Page): Promise<Map<string, number>> {
  const starts = new Map<string, number>();
  const read = () => performance.getEntriesByType('resource').map((e) => [e.name, performance.timeOrigin + e.startTime] as [string, number]);
  for (const [url, at] of await page.evaluate(read)) starts.set(url, at);
  for (const worker of page.workers()) for (const [url, at] of await worker.evaluate(read)) starts.set(url, at);
  return starts;
}

export async function run(): Promise<Figure[]> {
  const dist = mkdtempSync(join(tmpdir(), 'hub-bench-dist-'));
  await build({ logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  const server = await startHubServer({ distDir: dist });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts = new Map<string, { gzip: number; byPage: boolean }>();
    // Context-level events also see the dedicated worker's script and its imports, and the
    // service worker's precache downloads, which run beside the page, not before it is interactive.
    context.on('response', async (response) => {
      const type = response.request().resourceType();
      const url = response.url();
      if (type === 'script' || url.endsWith('.js') || url.endsWith('.mjs')) {
        if (url.endsWith('/sw.js')) return;
        const byPage = response.request().serviceWorker() === null;
        try {
          const gzip = gzipSync(await response.body()).length;
          scripts.set(url, { gzip, byPage: byPage || (scripts.get(url)?.byPage ?? false) });
        } catch {
          /* a response without a body (redirect) carries no script */
        }
      }
    });
    await page.goto(server.url);
    await waitReady(page);
    // Late responses still arrive: wait for them, then keep only what was requested before the
    // hub-ready mark (what loads after it, such as demo mode's virtual devices, never delays the homepage).
    await page.waitForTimeout(200);
    const requestedAt = await scriptStarts(page);
    const readyAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('hub-ready')[0].startTime);
    const name = (url: string) => url.slice(url.lastIndexOf('/') + 1);
    // A script whose start is unknown counts as loaded before ready.
    const counted = ([url, s]: [string, { byPage: boolean }]) => s.byPage && (requestedAt.get(url) ?? -Infinity) <= readyAt;
    const before = [...scripts].filter(counted);
    const initialGzipKb = before.reduce((sum, [, s]) => sum + s.gzip, 0) / 1024;
    console.log(`  scripts before ready: ${before.map(([url]) => name(url)).join(', ')}`);
    const later = [...scripts].filter((entry) => !counted(entry)).map(([url, s]) => `${name(url)}${s.byPage ? '' : ' (precache)'}`);
    if (later.length) console.log(`  not counted (after ready, or only the service worker's precache): ${later.join(', ')}`);

    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
    const readyTimes: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      await page.reload();
      await waitReady(page);
      const servedBySw = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return nav.workerStart > 0;
      });
      if (!servedBySw) throw new Error('the reload was not served by the service worker');
      readyTimes.push(await page.evaluate(() => performance.getEntriesByName('hub-ready')[0].startTime));
    }
    await context.close();
    return [
      { key: 'shell.initial_js_gzip_kb', value: initialGzipKb, unit: 'KB', goal: '<= 60' },
      { key: 'shell.ready_from_sw_ms', value: median(readyTimes), unit: 'ms', goal: '<= 300' },
    ];
  } finally {
    await browser.close();
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  }
}
