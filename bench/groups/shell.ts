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

export async function run(): Promise<Figure[]> {
  const dist = mkdtempSync(join(tmpdir(), 'hub-bench-dist-'));
  await build({ logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  const server = await startHubServer({ distDir: dist });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts = new Map<string, number>();
    // Context-level events also see the dedicated worker's script and its imports.
    context.on('response', async (response) => {
      const type = response.request().resourceType();
      const url = response.url();
      if (type === 'script' || url.endsWith('.js') || url.endsWith('.mjs')) {
        if (url.endsWith('/sw.js')) return; // the service worker loads beside the page, not before it is interactive
        try {
          scripts.set(url, gzipSync(await response.body()).length);
        } catch {
          /* a response without a body (redirect) carries no script */
        }
      }
    });
    await page.goto(server.url);
    await waitReady(page);
    await page.waitForTimeout(200);
    const initialGzipKb = [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;
    console.log(`  scripts before ready: ${[...scripts.keys()].map((u) => u.slice(u.lastIndexOf('/') + 1)).join(', ')}`);

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
