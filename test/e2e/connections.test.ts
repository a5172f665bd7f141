import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chrome-session.ts';
import { startHubServer, DIST_DIR, type RunningServer } from '../support/hub-server.ts';
import { startRpcSimulator, type RpcSimulator } from '../support/odoo-simulator.ts';

const WAIT = 10_000;

describe('Odoo connections page, hub served by the local server forwarding to the simulator', () => {
  let browser: Browser;
  let sim: RpcSimulator;
  let server: RunningServer;
  before(async () => {
    sim = await startRpcSimulator([{ login: 'pos', password: 'pos-password-1', apiKeys: [] }], 'shop');
    server = await startHubServer({ odooOrigin: sim.url });
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await sim.close();
  });

  async function status(page: Page, name: string, pattern: RegExp): Promise<string> {
    const cell = page.locator(`[data-test=connection][data-name="${name}"] [data-test=ping-status]`);
    await page.waitForFunction(
      ([n, p]) => {
        const section = document.querySelector('hub-app')?.shadowRoot?.querySelector('hub-connections-section')?.shadowRoot;
        const text = section?.querySelector(`[data-test=connection][data-name="${n}"] [data-test=ping-status]`)?.textContent ?? '';
        return new RegExp(p).test(text);
      },
      [name, pattern.source] as const,
      { timeout: WAIT },
    );
    return (await cell.textContent()) ?? '';
  }

  it('create (random password), ping denied, change password, ping OK, edit, delete', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => document.documentElement.dataset.hubState === 'ready', null, { timeout: WAIT });

      await page.locator('[data-test=create]').click();
      const form = page.locator('[data-test=connection-form]');
      await form.locator('input[name=name]').fill('Shop HQ');
      await form.locator('select[name=protocol]').selectOption('JSON-RPC');
      await form.locator('input[name=host]').fill(sim.host);
      await form.locator('input[name=port]').fill(String(sim.port));
      await form.locator('input[name=database]').fill('shop');
      await form.locator('input[name=user]').fill('pos');
      await form.locator('[data-test=save]').click();
      assert.match(await status(page, 'Shop HQ', /never pinged/), /never pinged/);

      // The password is random (uuid4 hex) and never reaches the page.
      const secret = await page.evaluate(() => new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('browser-iot-hub');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('connections').objectStore('connections').getAll();
          get.onsuccess = () => {
            resolve((get.result[0] as { secret: string }).secret);
            open.result.close();
          };
        };
      }));
      assert.match(secret, /^[0-9a-f]{32}$/);
      const shown = await page.evaluate(() => {
        const section = document.querySelector('hub-app')!.shadowRoot!.querySelector('hub-connections-section')!.shadowRoot!;
        return section.innerHTML;
      });
      assert.ok(!shown.includes(secret), 'the secret is not in the page');

      await page.locator('[data-test=connection][data-name="Shop HQ"] [data-test=ping]').click();
      assert.match(await status(page, 'Shop HQ', /Access denied/), /^Access denied \(wrong login, password or API key\)/);

      // Twice-typed: a mismatch is refused, then the real password is set.
      await page.locator('[data-test=change-password]').click();
      const pw = page.locator('[data-test=password-form]');
      await pw.locator('input[name=password]').fill('pos-password-1');
      await pw.locator('input[name=again]').fill('pos-password-2');
      await pw.locator('button[type=submit]').click();
      await page.locator('[data-test=connection-problem]').waitFor({ timeout: WAIT });
      assert.match((await page.locator('[data-test=connection-problem]').textContent()) ?? '', /differ/);
      assert.equal(await pw.locator('input[name=password]').getAttribute('type'), 'password');
      await pw.locator('input[name=password]').fill('pos-password-1');
      await pw.locator('input[name=again]').fill('pos-password-1');
      await pw.locator('button[type=submit]').click();
      await pw.waitFor({ state: 'detached', timeout: WAIT });

      await page.locator('[data-test=connection][data-name="Shop HQ"] [data-test=ping]').click();
      const ok = await status(page, 'Shop HQ', /Ping OK/);
      assert.match(ok, /^Ping OK, took: \d+\.\d{4} s/);
      assert.match(ok, /Odoo 19\.0/);

      // Edit: rename and switch to XML-RPC (the lazily loaded codec runs in the worker).
      await page.locator('[data-test=connection][data-name="Shop HQ"] [data-test=edit]').click();
      await form.locator('input[name=name]').fill('Shop HQ (XML)');
      await form.locator('select[name=protocol]').selectOption('XML-RPC');
      await form.locator('[data-test=save]').click();
      await page.locator('[data-test=connection][data-name="Shop HQ (XML)"]').waitFor({ timeout: WAIT });
      await page.locator('[data-test=connection][data-name="Shop HQ (XML)"] [data-test=ping]').click();
      await page.waitForFunction(() => {
        const section = document.querySelector('hub-app')?.shadowRoot?.querySelector('hub-connections-section')?.shadowRoot;
        return section?.querySelector('[data-test=connection] [data-test=ping-status]')?.textContent?.includes('Ping OK') && !section.querySelector('button[data-test=ping][disabled]');
      }, null, { timeout: WAIT });
      assert.match((await page.locator('[data-test=connection] td.value').textContent()) ?? '', /^XML-RPC /);

      await page.locator('[data-test=connection][data-name="Shop HQ (XML)"] [data-test=delete]').click();
      await page.locator('[data-test=confirm-delete]').click();
      await page.locator('[data-test=connection]').waitFor({ state: 'detached', timeout: WAIT });

      const logs = await page.evaluate(() => document.querySelector('hub-app')!.shadowRoot!.querySelector('hub-logs-section')!.shadowRoot!.textContent ?? '');
      assert.ok(!logs.includes('pos-password-1') && !logs.includes(secret), 'no secret in the logs');
    } finally {
      await context.close();
    }
  });

  it('keeps the XML-RPC codec out of the initial bundle', () => {
    const html = readFileSync(join(DIST_DIR, 'index.html'), 'utf8');
    const entries = [...html.matchAll(/src="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    assert.ok(entries.length > 0, 'index.html names its entry script');
    for (const entry of entries) assert.ok(!readFileSync(join(DIST_DIR, entry), 'utf8').includes('methodResponse'), `${entry} holds XML-RPC code`);
    const chunks = readdirSync(join(DIST_DIR, 'assets')).filter((f) => f.endsWith('.js') && readFileSync(join(DIST_DIR, 'assets', f), 'utf8').includes('dateTime.iso8601'));
    assert.equal(chunks.length, 1, `the codec is one lazy chunk: ${chunks.join(', ')}`);
    assert.ok(!chunks[0].startsWith('hub.worker'), 'and not inside the worker bundle');
  });
});
