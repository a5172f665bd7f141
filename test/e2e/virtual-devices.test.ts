// Against a database that is not the demo (here the simulator, as a real Odoo would be): the
// hub with --virtual-devices, and the homepage switch that plugs and unplugs them; and the
// identifier the local server keeps when the browser profile is cleared.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../server/config.ts';
import { startHub, type RunningHub } from '../../server/start-hub.ts';
import { startSimulator, type RunningSimulator } from '../../server/simulator/index.ts';
import { launchChromium } from '../support/chrome-session.ts';
import { DIST_DIR } from '../support/hub-server.ts';
import { waitHubReady } from '../support/iot-e2e.ts';

const deviceNames = (page: Page) => page.locator('hub-devices-section [data-test=devices] > li b').allTextContents();

describe('virtual devices against a real database, and an identifier that survives a cleared profile', () => {
  let sim: RunningSimulator;
  let browser: Browser;
  const hubs: RunningHub[] = [];

  async function hubWith(...args: string[]): Promise<RunningHub> {
    // The pairing proxy is the simulator's too: tests reach nothing but loopback.
    const hub = await startHub(loadConfig(['--port', '0', '--dist', DIST_DIR, '--odoo', sim.url, '--pairing-proxy', sim.url, ...args], {}), { log: () => undefined });
    hubs.push(hub);
    return hub;
  }

  async function open(hub: RunningHub): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${hub.url}/`);
    await waitHubReady(page);
    return page;
  }

  before(async () => {
    sim = await startSimulator();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const hub of hubs) await hub.close();
    await sim?.close();
  });

  it('--virtual-devices: the virtual printer, scale and scanner beside the real ones, said plainly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-data-'));
    const hub = await hubWith('--virtual-devices', '--data-dir', dataDir);
    const page = await open(hub);
    await page.locator('[data-test=demo-printer]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-test=fold-demo]').textContent(), 'Virtual devices');
    assert.match(await page.locator('[data-test=virtual-note]').textContent() ?? '', /These devices are virtual: nothing comes out on paper/);
    assert.equal(await page.locator('[data-test=served-by]').textContent(), `the local server, forwarding to ${sim.url} (with virtual devices)`);
    assert.ok((await deviceNames(page)).includes('EPSON TM-T20III'));
    const sw = page.locator('[data-test=virtual-devices-switch] input');
    assert.equal(await sw.isChecked(), true);
    assert.equal(await sw.isDisabled(), true, 'the flag keeps them on');

    // A cleared profile (a new context) is the same IoT box: the local server kept the identifier.
    const identifier = await page.locator('[data-test=identifier]').textContent();
    assert.match(identifier ?? '', /^[0-9a-f]{16}$/);
    assert.match(await page.locator('[data-test=identifier-kept]').textContent() ?? '', /kept by the local server/);
    await page.context().close();
    const again = await open(hub);
    assert.equal(await again.locator('[data-test=identifier]').textContent(), identifier);
    await again.context().close();
  });

  it('the homepage switch plugs them in and out; without a data directory the identifier is the profile\'s', async () => {
    const hub = await hubWith('--data-dir', '');
    const page = await open(hub);
    assert.match(await page.locator('[data-test=identifier-kept]').textContent() ?? '', /kept in this browser profile only: clearing this site's data makes a new one/);
    const sw = page.locator('[data-test=virtual-devices-switch] input');
    assert.equal(await sw.isChecked(), false);
    assert.equal(await page.locator('[data-test=demo-printer]').count(), 0);
    await sw.check();
    await page.locator('[data-test=demo-printer]').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('hub-app')!.shadowRoot!.querySelector('hub-devices-section')!.shadowRoot!.textContent!.includes('Toledo 8217'), null, { timeout: 5_000 });
    await sw.uncheck();
    await page.locator('[data-test=demo-printer]').waitFor({ state: 'detached', timeout: 5_000 });
    await page.waitForFunction(() => !document.querySelector('hub-app')!.shadowRoot!.querySelector('hub-devices-section')!.shadowRoot!.textContent!.includes('EPSON TM-T20III'), null, { timeout: 5_000 });
    // The choice is remembered: a reload keeps them out.
    await page.reload();
    await waitHubReady(page);
    assert.equal(await page.locator('hub-devices-section [data-test=virtual-devices-switch] input').isChecked(), false);
  });
});
