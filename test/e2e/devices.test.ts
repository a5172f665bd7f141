import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chrome-session.ts';
import { startHubServer, type RunningServer } from '../support/hub-server.ts';
import { buildE2eHub, openHub } from '../support/iot-e2e.ts';

const CHANNEL = 'hub-e2e-devices'; // test/fakes/devices/e2e-devices.ts

describe('devices on the homepage (e2e build: virtual Toledo scale and HID POS scanner in the worker)', () => {
  let browser: Browser;
  let server: RunningServer;
  before(async () => {
    server = await startHubServer({ distDir: buildE2eHub() });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the live weight of the scale and each scan in the scanner\'s log', async () => {
    const context = await browser.newContext();
    try {
      const page = await openHub(context, server.url);
      const drive = (message: Record<string, unknown>) => page.evaluate(([name, m]) => new BroadcastChannel(name as string).postMessage(m), [CHANNEL, message] as const);
      await drive({ weight: 1.25 });
      await page.locator('[data-test=weight]').getByText('1.250 kg').waitFor({ timeout: 5_000 });
      await drive({ weight: 0.4 });
      await page.locator('[data-test=weight]').getByText('0.400 kg').waitFor({ timeout: 5_000 });
      await drive({ motion: true });
      await page.locator('[data-test=weight-status]').getByText('Scale in motion').waitFor({ timeout: 5_000 });
      await drive({ scan: '5901234123457' });
      await page.locator('[data-test=scan]').getByText('5901234123457').waitFor({ timeout: 5_000 });
      await drive({ scan: '<b>96385074</b>' });
      await page.locator('[data-test=scan]').getByText('<b>96385074</b>').waitFor({ timeout: 5_000 });
      assert.equal(await page.locator('[data-test=scan]').count(), 2);
    } finally {
      await context.close();
    }
  });
});
